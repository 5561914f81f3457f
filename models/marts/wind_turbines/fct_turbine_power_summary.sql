{#- Power statistics per turbine and period (var wind_summary_period: day | week | month). -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='insert_overwrite',
        partition_by=['period_start_date'],
        on_schema_change='fail'
    )
}}

{%- set period = var('wind_summary_period') | lower -%}
{%- if period not in ['day', 'week', 'month'] -%}
    {{ exceptions.raise_compiler_error(
        "var wind_summary_period must be day, week or month, not '" ~ period ~ "'") }}
{%- endif %}

with readings as (
    select
        turbine_id,
        power_output_mw,
        is_imputed,
        date_trunc('{{ period }}', reading_at) as period_start
    from {{ ref('fct_turbine_readings') }}
    {% if is_incremental() %}
        {%- set lookback_start -%}
            (
                select
                    to_date(
                        date_trunc(
                            '{{ period }}',
                            date_sub(
                                max(stored_periods.period_start_date),
                                {{ var('wind_lookback_days') }}
                            )
                        )
                    )
                from {{ this }} as stored_periods
            )
        {%- endset %}
        -- the lookback's periods, and those of a turbine back from a longer outage; an empty
        -- table (a first build before any delivery) takes every row
        where
            reading_at >= cast(
                coalesce(
                    least(
                        {{ lookback_start }},
                        {{ wind_resumed_series_start(
                            this,
                            'period_start_date',
                            ref('fct_turbine_readings'),
                            lookback_start
                        ) }}
                    ),
                    date '1900-01-01'
                ) as timestamp
            )
    {% endif %}
),

summarised as (
    select
        turbine_id,
        period_start,
        min(power_output_mw) as min_power_mw,
        max(power_output_mw) as max_power_mw,
        avg(power_output_mw) as avg_power_mw,
        count(power_output_mw) as reading_count,
        count_if(is_imputed and power_output_mw is not null) as imputed_count
    from readings
    group by turbine_id, period_start
)

select
    turbine_id,
    period_start,
    period_start + interval 1 {{ period }} as period_end,
    min_power_mw,
    max_power_mw,
    avg_power_mw,
    cast(reading_count as bigint) as reading_count,
    cast(imputed_count as bigint) as imputed_count,
    '{{ period }}' as summary_period,
    to_date(period_start) as period_start_date
from summarised

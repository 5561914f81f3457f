{{
    config(
        materialized='incremental',
        incremental_strategy='insert_overwrite',
        partition_by=['reading_date'],
        on_schema_change='fail'
    )
}}

with cleaned as (
    select
        turbine_id,
        reading_at,
        wind_speed_m_s,
        wind_direction_deg,
        power_output_mw,
        is_imputed,
        quality_flag,
        reading_date
    from {{ ref('int_wind_turbines__cleaned_hourly') }}
    {% if is_incremental() %}
        {%- set lookback_start -%}
            (
                select date_sub(max(stored_readings.reading_date), {{ var('wind_lookback_days') }})
                from {{ this }} as stored_readings
            )
        {%- endset %}
        -- the lookback's days, and those of a turbine back from a longer outage; an empty
        -- table (a first build before any delivery) takes every day
        where
            reading_date >= coalesce(
                least(
                    {{ lookback_start }},
                    {{ wind_resumed_series_start(
                        this,
                        'reading_date',
                        ref('int_wind_turbines__cleaned_hourly'),
                        lookback_start
                    ) }}
                ),
                date '1900-01-01'
            )
    {% endif %}
)

select
    turbine_id,
    reading_at,
    wind_speed_m_s,
    wind_direction_deg,
    power_output_mw,
    is_imputed,
    quality_flag,
    reading_date
from cleaned

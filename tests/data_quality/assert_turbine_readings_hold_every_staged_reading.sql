-- Warns (never fails) when a staged reading's step is missing from the cleaned series or
-- still marked as a missing row there: rows that landed after their day was last processed
-- (older than var wind_lookback_days). `dbt build --full-refresh` takes them in. One row per
-- turbine and step.
{{ config(severity='warn') }}

{%- set cadence_seconds = (var('wind_cadence_minutes') | int) * 60 %}

with staged_steps as (
    select distinct
        turbine_id,
        -- the cadence step that holds the reading, as the cleaning aligns it
        timestamp_seconds(
            floor(unix_seconds(reading_at) / {{ cadence_seconds }}) * {{ cadence_seconds }}
        ) as reading_at
    from {{ ref('stg_wind_turbines__readings') }}
),

cleaned_steps as (
    select
        turbine_id,
        reading_at,
        wind_speed_m_s_status
    from {{ ref('int_wind_turbines__cleaned_hourly') }}
)

select
    staged_steps.turbine_id,
    staged_steps.reading_at,
    cleaned_steps.wind_speed_m_s_status
from staged_steps
left join cleaned_steps
    on
        staged_steps.turbine_id = cleaned_steps.turbine_id
        and staged_steps.reading_at = cleaned_steps.reading_at
where
    cleaned_steps.reading_at is null
    or cleaned_steps.wind_speed_m_s_status = 'missing_row'

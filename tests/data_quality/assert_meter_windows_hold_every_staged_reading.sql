-- Warns (never fails) when staged readings are missing from fct_meter_hourly_energy: readings
-- that landed after their day was last re-computed (older than var meters_lookback_days).
-- `dbt build --full-refresh --select int_energy_meters__hourly_windows+` takes them in. One
-- row per meter and hour window whose reading count differs from the staged readings'.
{{ config(severity='warn') }}

with staged_readings_per_window as (
    select
        meter_id,
        -- the hour window (window_end - 1 h, window_end] that holds the reading: its time
        -- rounded up to the hour in integer microseconds
        timestamp_micros(
            unix_micros(reading_at) + pmod(-unix_micros(reading_at), 3600000000)
        ) as window_end,
        count(*) as staged_reading_count
    from {{ ref('stg_energy_meters__readings') }}
    group by meter_id, window_end
),

stored_windows as (
    select
        meter_id,
        window_end,
        reading_count
    from {{ ref('fct_meter_hourly_energy') }}
)

select
    staged_readings_per_window.meter_id,
    staged_readings_per_window.window_end,
    staged_readings_per_window.staged_reading_count,
    coalesce(stored_windows.reading_count, 0) as stored_reading_count
from staged_readings_per_window
left join stored_windows
    on
        staged_readings_per_window.meter_id = stored_windows.meter_id
        and staged_readings_per_window.window_end = stored_windows.window_end
where coalesce(stored_windows.reading_count, 0) != staged_readings_per_window.staged_reading_count

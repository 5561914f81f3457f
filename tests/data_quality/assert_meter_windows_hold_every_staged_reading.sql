-- Warns (never fails) when int_energy_meters__hourly_windows, and so fct_meter_hourly_energy,
-- no longer agrees with the staged readings: readings that landed after their day was last
-- re-computed (older than var meters_lookback_days), or a later delivery that replaced a
-- stored reading of such a day (a higher counter for the same meter and time).
-- `dbt build --full-refresh --select int_energy_meters__hourly_windows+` takes them in. One
-- row per meter and hour window whose reading count, last counter, or min, max or mean power
-- differs from the staged readings' (the mean within 1e-9 relative: a sum of doubles depends
-- on the order of its terms).
{{ config(severity='warn') }}

with staged_readings_per_window as (
    select
        meter_id,
        -- the hour window (window_end - 1 h, window_end] that holds the reading: its time
        -- rounded up to the hour in integer microseconds
        timestamp_micros(
            unix_micros(reading_at) + pmod(-unix_micros(reading_at), 3600000000)
        ) as window_end,
        count(*) as staged_reading_count,
        max_by(energy_milliwatt_hours, reading_at) as staged_last_counter_milliwatt_hours,
        min(power_milliwatts) as staged_min_power_milliwatts,
        max(power_milliwatts) as staged_max_power_milliwatts,
        avg(power_milliwatts) as staged_mean_power_milliwatts
    from {{ ref('stg_energy_meters__readings') }}
    group by meter_id, window_end
),

stored_windows as (
    select
        meter_id,
        window_end,
        reading_count,
        last_counter_milliwatt_hours,
        min_power_milliwatts,
        max_power_milliwatts,
        mean_power_milliwatts
    from {{ ref('int_energy_meters__hourly_windows') }}
)

select
    staged_readings_per_window.meter_id,
    staged_readings_per_window.window_end,
    staged_readings_per_window.staged_reading_count,
    coalesce(stored_windows.reading_count, 0) as stored_reading_count,
    staged_readings_per_window.staged_last_counter_milliwatt_hours,
    stored_windows.last_counter_milliwatt_hours as stored_last_counter_milliwatt_hours
from staged_readings_per_window
left join stored_windows
    on
        staged_readings_per_window.meter_id = stored_windows.meter_id
        and staged_readings_per_window.window_end = stored_windows.window_end
where
    coalesce(stored_windows.reading_count, 0) != staged_readings_per_window.staged_reading_count
    or stored_windows.last_counter_milliwatt_hours
    != staged_readings_per_window.staged_last_counter_milliwatt_hours
    or stored_windows.min_power_milliwatts
    != staged_readings_per_window.staged_min_power_milliwatts
    or stored_windows.max_power_milliwatts
    != staged_readings_per_window.staged_max_power_milliwatts
    or abs(
        stored_windows.mean_power_milliwatts
        - staged_readings_per_window.staged_mean_power_milliwatts
    )
    > 1e-9 * greatest(abs(staged_readings_per_window.staged_mean_power_milliwatts), 1)

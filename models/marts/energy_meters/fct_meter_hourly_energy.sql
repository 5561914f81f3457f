select
    meter_id,
    window_start,
    window_end,
    energy_milliwatt_hours,
    min_power_milliwatts,
    max_power_milliwatts,
    mean_power_milliwatts,
    reading_count,
    spans_gap,
    is_first_window
from {{ ref('int_energy_meters__hourly_windows') }}

{#- Hourly AC energy per system and AC power sensor, window (window_start, window_end]. -#}
select
    ss_id,
    sensor,
    window_start,
    window_end,
    energy_wh,
    integrated_seconds,
    min_power_w,
    max_power_w,
    mean_power_w,
    reading_count,
    spans_gap
from {{ ref('int_pvdaq__hourly_energy') }}

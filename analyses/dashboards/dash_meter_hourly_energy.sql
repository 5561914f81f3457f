-- Energy per meter and hour in kWh (1 kWh = 1,000,000 mWh).
select
    meter_id,
    window_start,
    energy_milliwatt_hours / 1000000.0 as energy_kwh,
    max_power_milliwatts / 1000000.0 as max_power_kw
from {{ ref('fct_meter_hourly_energy') }}
order by meter_id, window_start

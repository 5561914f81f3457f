-- AC energy per PV system and UTC day in kWh, all AC power sensors of a system summed.
select
    ss_id,
    cast(window_start as date) as energy_date,
    sum(energy_wh) / 1000.0 as energy_kwh,
    max(max_power_w) / 1000.0 as peak_power_kw
from {{ ref('fct_pv_hourly_energy') }}
group by ss_id, cast(window_start as date)
order by ss_id, energy_date

-- Fleet power per summary period: mean, lowest and highest of the turbines' average power.
select
    period_start,
    avg(avg_power_mw) as fleet_avg_power_mw,
    min(avg_power_mw) as lowest_turbine_avg_power_mw,
    max(avg_power_mw) as highest_turbine_avg_power_mw,
    sum(imputed_count) as imputed_reading_count
from {{ ref('fct_turbine_power_summary') }}
group by period_start
order by period_start

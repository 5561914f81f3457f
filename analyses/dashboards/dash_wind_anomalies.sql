-- The most deviating turbine-periods first.
select
    turbine_id,
    period_start,
    avg_power_mw,
    fleet_avg_power_mw,
    fleet_stddev_power_mw,
    z_score
from {{ ref('fct_turbine_anomalies') }}
order by abs(z_score) desc, period_start asc, turbine_id asc
limit 50

{#-
  Turbine-periods whose average power lies more than var wind_anomaly_sigma sample standard
  deviations from the mean of all turbines' averages in that period (docs block
  wind_turbines_anomaly_definition).
-#}
with turbine_periods as (
    select
        turbine_id,
        period_start,
        period_end,
        summary_period,
        avg_power_mw
    from {{ ref('fct_turbine_power_summary') }}
    where avg_power_mw is not null
),

fleet as (
    select
        turbine_id,
        period_start,
        period_end,
        summary_period,
        avg_power_mw,
        avg(avg_power_mw) over (partition by period_start) as fleet_avg_power_mw,
        stddev_samp(avg_power_mw) over (partition by period_start) as fleet_stddev_power_mw,
        count(*) over (partition by period_start) as fleet_turbine_count
    from turbine_periods
),

scored as (
    select
        turbine_id,
        period_start,
        period_end,
        summary_period,
        avg_power_mw,
        fleet_avg_power_mw,
        fleet_stddev_power_mw,
        fleet_turbine_count,
        case
            when fleet_stddev_power_mw > 0
                then (avg_power_mw - fleet_avg_power_mw) / fleet_stddev_power_mw
        end as z_score
    from fleet
)

select
    turbine_id,
    period_start,
    avg_power_mw,
    fleet_avg_power_mw,
    fleet_stddev_power_mw,
    z_score,
    period_end,
    summary_period,
    cast(fleet_turbine_count as bigint) as fleet_turbine_count
from scored
where abs(z_score) > {{ var('wind_anomaly_sigma') }}

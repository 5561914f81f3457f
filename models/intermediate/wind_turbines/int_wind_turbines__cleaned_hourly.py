"""Cleaned turbine series, one row per cadence step (see wind_turbines.clean_readings).

Incremental by UTC day: a run re-computes the days from (latest stored day - lookback) on, or
from the last stored day of a turbine back from a longer outage (wind_turbines.
incremental_window), and overwrites those date partitions; the input reaches further back by
the cleaning's history so that the re-computed days equal a full refresh.
"""

from python_helpers.spark_session import pin_session_time_zone
from python_helpers.wind_turbines import CleaningParameters, clean_readings, incremental_window


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="insert_overwrite",
        partition_by=["reading_date"],
        on_schema_change="fail",
    )
    pin_session_time_zone(session)
    params = CleaningParameters(
        cadence_minutes=int(dbt.config.meta_get("cadence_minutes")),
        max_gap_hours=float(dbt.config.meta_get("max_gap_hours")),
        outlier_window_hours=float(dbt.config.meta_get("outlier_window_hours")),
        outlier_mad_k=float(dbt.config.meta_get("outlier_mad_k")),
        power_tolerance=float(dbt.config.meta_get("power_tolerance")),
    )
    readings = dbt.ref("stg_wind_turbines__readings")
    window = None
    if dbt.is_incremental:
        window = incremental_window(
            session.table(str(dbt.this)), readings, int(dbt.config.meta_get("lookback_days"))
        )
    return clean_readings(
        readings,
        dbt.ref("wind_turbine_registry"),
        dbt.ref("wind_plausibility_limits"),
        params,
        since=window.since if window else None,
        continuing_turbines=window.continuing_turbines if window else None,
    )

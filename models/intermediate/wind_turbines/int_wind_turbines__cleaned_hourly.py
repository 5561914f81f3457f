"""Cleaned turbine series, one row per cadence step (see wind_turbines.clean_readings).

Incremental by UTC day: a run re-computes the days from (latest stored day - lookback) on and
overwrites those date partitions; the input reaches further back by the cleaning's history
so that the re-computed days equal a full refresh.
"""

import datetime as dt

from pyspark.sql import functions as F

from python_helpers.spark_session import pin_session_time_zone
from python_helpers.wind_turbines import CleaningParameters, clean_readings


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
    since = None
    continuing_turbines = None
    if dbt.is_incremental:
        stored = session.table(str(dbt.this))
        latest_day = stored.agg(F.max("reading_date")).first()[0]
        if latest_day is not None:
            since = latest_day - dt.timedelta(days=int(dbt.config.meta_get("lookback_days")))
            continuing_turbines = (
                stored.filter(F.col("reading_date") < F.lit(since)).select("turbine_id").distinct()
            )
    return clean_readings(
        dbt.ref("stg_wind_turbines__readings"),
        dbt.ref("wind_turbine_registry"),
        dbt.ref("wind_plausibility_limits"),
        params,
        since=since,
        continuing_turbines=continuing_turbines,
    )

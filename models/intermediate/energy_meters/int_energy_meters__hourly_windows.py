from python_helpers.energy_windows import meter_hourly_windows
from python_helpers.spark_session import pin_session_time_zone


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="insert_overwrite",
        partition_by=["window_date"],
        on_schema_change="fail",
    )
    pin_session_time_zone(session)
    lookback_days = int(dbt.config.meta_get("lookback_days"))
    readings = dbt.ref("stg_energy_meters__readings")
    existing = session.table(str(dbt.this)) if dbt.is_incremental else None
    return meter_hourly_windows(readings, existing, lookback_days=lookback_days)

"""Hourly AC energy per PV system and sensor (see python_helpers.pvdaq.hourly_ac_energy)."""

from python_helpers.pvdaq import ac_power_series, hourly_ac_energy
from python_helpers.spark_session import pin_session_time_zone


def model(dbt, session):
    dbt.config(materialized="table")
    pin_session_time_zone(session)
    common_names = [
        name.strip()
        for name in str(dbt.config.meta_get("ac_power_common_names")).split(",")
        if name.strip()
    ]
    power = ac_power_series(dbt.ref("stg_pvdaq__measurements"), ac_power_common_names=common_names)
    return hourly_ac_energy(power, max_gap_seconds=float(dbt.config.meta_get("max_gap_seconds")))

"""Exact-timestamp wide pivot: one row per (run_uuid, time) with the twelve series columns."""

from python_helpers.robot_forming import pivot_wide
from python_helpers.spark_session import pin_session_time_zone


def model(dbt, session):
    dbt.config(materialized="table")
    pin_session_time_zone(session)
    return pivot_wide(dbt.ref("stg_robot_forming__sensor_readings"))

"""Exact-timestamp wide pivot: one row per (run_uuid, time) with the twelve series columns."""

from python_helpers.robot_forming import pivot_wide


def model(dbt, session):
    dbt.config(materialized="table")
    return pivot_wide(dbt.ref("stg_robot_forming__sensor_readings"))

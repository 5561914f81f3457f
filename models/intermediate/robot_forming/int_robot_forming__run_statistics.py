"""Per run: first and last raw sample, runtime and each robot's encoder path length."""

from python_helpers.robot_forming import run_statistics
from python_helpers.spark_session import pin_session_time_zone


def model(dbt, session):
    dbt.config(materialized="table")
    pin_session_time_zone(session)
    return run_statistics(dbt.ref("stg_robot_forming__sensor_readings"))

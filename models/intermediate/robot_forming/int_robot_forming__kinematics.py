"""Gap-free uniform grid per run with velocities, accelerations and total velocity /
acceleration / force: resampling and kinematics in one plan over the staged samples."""

from python_helpers.robot_forming import resample_with_kinematics
from python_helpers.spark_session import pin_session_time_zone


def model(dbt, session):
    dbt.config(materialized="table")
    pin_session_time_zone(session)
    bucket_ms = float(dbt.config.meta_get("bucket_ms"))
    return resample_with_kinematics(
        dbt.ref("stg_robot_forming__sensor_readings"), bucket_ms=bucket_ms
    )

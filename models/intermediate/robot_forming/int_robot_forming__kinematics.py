"""Gap-free uniform grid per run with velocities, accelerations and total velocity /
acceleration / force: resampling and kinematics in one plan over the staged samples."""

from python_helpers.robot_forming import resample_with_kinematics


def model(dbt, session):
    dbt.config(materialized="table")
    bucket_ms = float(dbt.config.meta_get("bucket_ms"))
    return resample_with_kinematics(
        dbt.ref("stg_robot_forming__sensor_readings"), bucket_ms=bucket_ms
    )

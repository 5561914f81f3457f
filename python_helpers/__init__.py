"""Spark DataFrame functions behind the Telemetry Lakehouse dbt Python models.

Every transformation here takes and returns Spark DataFrames and uses Spark's native
operations, except the robot grid kernel (`robot_grid_stream`), numpy over Arrow batches that
Spark hands it through `mapInArrow`; the same code runs on the embedded local session and on
Databricks. The `dbt_spark_local` subpackage is the dbt adapter plugin that runs Python
models in-process.
"""

"""The spark_local adapter: Python models in-process, partitioned writes, errors, warehouse lock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from python_helpers.spark_session import WAREHOUSE_DIR_ENV
from tests.python.conftest import FIXTURES
from tests.python.dbt_harness import DbtProject, partition_folders

SCHEMA = "adapter_checks"


@pytest.fixture(scope="module")
def adapter_project(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    project = DbtProject(FIXTURES / "adapter_project", tmp_path_factory.mktemp("adapter"))
    project.run(
        ["build", "--select", "py_partitioned_table", "sql_after_python", "py_daily_incremental"],
        schema=SCHEMA,
    )
    return project


def _rows(spark: SparkSession, query: str) -> list[tuple]:
    return [tuple(row) for row in spark.sql(query).collect()]


def test_python_table_model_is_partitioned_parquet(spark, adapter_project):
    detail = spark.sql(f"describe table extended {SCHEMA}.py_partitioned_table").collect()
    info = {row.col_name: row.data_type for row in detail}
    assert info["Provider"] == "parquet"
    assert partition_folders(spark, f"{SCHEMA}.py_partitioned_table") == [
        "day=2024-01-01",
        "day=2024-01-02",
        "day=2024-01-03",
    ]
    assert _rows(spark, f"select distinct label from {SCHEMA}.py_partitioned_table") == [
        ("from-config",)
    ]


def test_sql_model_reads_python_model(spark, adapter_project):
    assert _rows(
        spark, f"select day, reading_count from {SCHEMA}.sql_after_python order by day"
    ) == [(dt.date(2024, 1, 1), 2), (dt.date(2024, 1, 2), 2), (dt.date(2024, 1, 3), 2)]


def test_incremental_insert_overwrite_replaces_only_produced_partitions(spark, adapter_project):
    table = f"{SCHEMA}.py_daily_incremental"
    first = _rows(spark, f"select day, value, batch, was_incremental from {table} order by day")
    assert first == [
        (dt.date(2024, 1, 1), 10, 1, False),
        (dt.date(2024, 1, 2), 20, 1, False),
        (dt.date(2024, 1, 3), 30, 1, False),
    ]
    this_relation = _rows(spark, f"select distinct this_relation from {table}")
    assert this_relation == [(f"{SCHEMA}.py_daily_incremental",)]

    adapter_project.run(
        ["run", "--select", "py_daily_incremental", "--vars", "{batch: 2}"], schema=SCHEMA
    )
    second = _rows(spark, f"select day, value, batch, was_incremental from {table} order by day")
    assert second == [
        (dt.date(2024, 1, 1), 10, 1, False),  # untouched partitions survive
        (dt.date(2024, 1, 2), 20, 1, False),
        (dt.date(2024, 1, 3), 300, 2, True),  # re-delivered day replaced, not duplicated
        (dt.date(2024, 1, 4), 400, 2, True),
    ]


def test_failing_python_model_reports_its_traceback(adapter_project):
    result = adapter_project.run(
        ["run", "--select", "py_failing"], schema=SCHEMA, expect_success=False
    )
    assert not result.success
    [node_result] = result.result.results
    message = node_result.message
    assert "Python model models/py_failing.py failed" in message
    assert "ValueError: calibration table sensor_calibration has no rows" in message
    # The traceback names the model's own function and source line.
    assert "in load_calibration" in message
    assert 'raise ValueError(f"calibration table {table} has no rows")' in message


def test_second_dbt_process_gets_a_clear_message_when_warehouse_is_busy(
    adapter_project: DbtProject, warehouse_dir: Path
):
    """This pytest process holds the warehouse; a dbt CLI run against it must say so plainly."""
    completed = adapter_project.run_cli(
        ["run", "--select", "sql_after_python"],
        name="lock",
        env={WAREHOUSE_DIR_ENV: str(warehouse_dir), "TELEMETRY_SCHEMA": SCHEMA},
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode != 0
    assert f"The local warehouse {warehouse_dir} is in use by another process" in output
    assert "set TELEMETRY_WAREHOUSE_DIR to another folder" in output
    assert "derby" not in output.lower().replace("embedded derby metastore", "")


def test_session_start_is_timed_only_when_the_adapter_starts_it(spark, monkeypatch, tmp_path):
    from python_helpers.dbt_spark_local import adapter
    from python_helpers.spark_session import LocalSparkSettings

    settings = LocalSparkSettings(warehouse_dir=tmp_path)
    assert adapter.start_local_session(settings) is None  # this process's session is reused

    started_with = []
    monkeypatch.setattr(adapter, "running_session", lambda: None)
    monkeypatch.setattr(adapter, "get_local_spark", started_with.append)
    seconds = adapter.start_local_session(settings)
    assert started_with == [settings]
    assert seconds is not None and 0 <= seconds < 1

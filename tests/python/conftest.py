"""Shared fixtures: one Spark session per pytest run, and dbt run in-process on it.

The session is created once, on a throw-away warehouse folder. dbt invocations made through
`dbt_project` run inside this process (dbtRunner), so the `spark_local` adapter reuses the same
session: the whole suite pays one Spark start-up.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from python_helpers.spark_session import (
    LANDING_DIR_ENV,
    WAREHOUSE_DIR_ENV,
    LocalSparkSettings,
    get_local_spark,
)
from tests.python.dbt_harness import DbtProject

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DATA = REPO_ROOT / "sample_data"
FIXTURES = REPO_ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def warehouse_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("warehouse")


@pytest.fixture(scope="session")
def spark(warehouse_dir: Path) -> Iterator[SparkSession]:
    os.environ[WAREHOUSE_DIR_ENV] = str(warehouse_dir)
    session = get_local_spark(LocalSparkSettings.from_env(REPO_ROOT))
    yield session
    session.stop()


@pytest.fixture(scope="session")
def dbt_project(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    """Runs dbt commands in-process against the repository's project on the shared session."""
    return DbtProject(REPO_ROOT, tmp_path_factory.mktemp("dbt"))


@pytest.fixture
def landing_copy(tmp_path: Path) -> Path:
    """A private copy of the sample landing folder that a test may damage or extend."""
    target = tmp_path / "landing"
    shutil.copytree(SAMPLE_DATA, target)
    return target


__all__ = ["FIXTURES", "LANDING_DIR_ENV", "REPO_ROOT", "SAMPLE_DATA"]

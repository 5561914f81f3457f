"""The dbt Python models compute in UTC whatever session they are given.

On Databricks a Python model runs in a session of its own, which the profile's
`session_properties` do not reach; each model pins the time zone itself.
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from python_helpers.spark_session import pin_session_time_zone
from tests.python.conftest import REPO_ROOT

PYTHON_MODELS = sorted((REPO_ROOT / "models").rglob("*.py"))
TIME_ZONE_KEY = "spark.sql.session.timeZone"


@pytest.fixture
def new_york_session(spark: SparkSession) -> Iterator[SparkSession]:
    """The shared session set to America/New_York (UTC-5 in January), restored afterwards."""
    saved = spark.conf.get(TIME_ZONE_KEY)
    spark.conf.set(TIME_ZONE_KEY, "America/New_York")
    yield spark
    spark.conf.set(TIME_ZONE_KEY, saved)


def _utc_date_of_2am(session: SparkSession) -> dt.date:
    """The date Spark gives the instant 2024-01-02 02:00:00 UTC in the session's zone."""
    instant = F.timestamp_seconds(F.lit(1704160800))  # 2024-01-02T02:00:00Z
    return session.range(1).select(F.to_date(instant).alias("day")).first()["day"]


def test_pinning_makes_dates_utc_dates(new_york_session: SparkSession):
    assert _utc_date_of_2am(new_york_session) == dt.date(2024, 1, 1)  # 21:00 the day before
    pin_session_time_zone(new_york_session)
    assert new_york_session.conf.get(TIME_ZONE_KEY) == "UTC"
    assert _utc_date_of_2am(new_york_session) == dt.date(2024, 1, 2)


def _statements_before_pin(path: Path) -> list[ast.stmt] | None:
    """The statements of `model(dbt, session)` that run before `pin_session_time_zone(session)`;
    None when the model does not call it."""
    tree = ast.parse(path.read_text())
    (model,) = (node for node in tree.body if isinstance(node, ast.FunctionDef))
    assert model.name == "model"
    for index, statement in enumerate(model.body):
        call = statement.value if isinstance(statement, ast.Expr) else None
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id == "pin_session_time_zone"
            and [ast.unparse(arg) for arg in call.args] == ["session"]
        ):
            return model.body[:index]
    return None


@pytest.mark.parametrize("path", PYTHON_MODELS, ids=lambda path: path.stem)
def test_every_python_model_pins_the_time_zone_before_building_a_dataframe(path: Path):
    before = _statements_before_pin(path)
    assert before is not None, "no pin_session_time_zone(session) in model()"
    # Only the model's configuration (and its docstring) may come first.
    assert all(
        isinstance(statement, ast.Expr)
        and (
            ast.unparse(statement.value).startswith("dbt.config(")
            or isinstance(statement.value, ast.Constant)
        )
        for statement in before
    ), [ast.unparse(statement) for statement in before]


def test_the_python_models_are_found():
    assert len(PYTHON_MODELS) == 6

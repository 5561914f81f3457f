"""Vars the models cannot honour stop the parse with a message that names the var.

Parsed for the `databricks` target, which needs no connection (no Spark start-up).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.python.dbt_harness import REPO_ROOT, DbtProject


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"robot_ids": [1, 2, 3]},
            "var robot_ids must list robots among 1 and 2 (the cell's wide tables have columns "
            "for robots 1 and 2 only), not [1, 2, 3]",
        ),
        ({"robot_ids": []}, "var robot_ids must list robots among 1 and 2"),
        (
            {"wind_summary_period": "fortnight"},
            "var wind_summary_period must be day, week or month, not 'fortnight'",
        ),
    ],
)
def test_a_var_outside_what_the_models_support_stops_the_parse(
    tmp_path: Path, overrides: dict, message: str
):
    completed = DbtProject(REPO_ROOT, tmp_path).run_cli(
        [
            "parse",
            "--target",
            "databricks",
            "--no-partial-parse",
            "--vars",
            json.dumps(overrides),
        ],
        name="bad_vars",
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode != 0, output
    assert message in output


def test_robot_ids_may_list_fewer_robots(tmp_path: Path):
    completed = DbtProject(REPO_ROOT, tmp_path).run_cli(
        ["parse", "--target", "databricks", "--no-partial-parse", "--vars", '{"robot_ids": [2]}'],
        name="one_robot",
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr

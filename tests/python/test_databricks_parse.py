"""The project parses for the `databricks` target offline, and parses cleanly.

dbt reports settings in the wrong place (a custom key directly in `config`, `meta` outside
`config`) as deprecation warnings; a later dbt turns them into errors. The only warnings
accepted are the two Python-model settings of dbt-databricks that the adapter reads from the
model config itself (README, "Running on Databricks"); moving them under `config.meta` would
silently drop them from the serverless job.

The run-start check that stops a run on a SQL warehouse (where partition overwrites would
replace whole tables) is exercised here too, without a connection.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.python.dbt_harness import REPO_ROOT, DbtProject

ADAPTER_KEYS_IN_CONFIG = {"+environment_key", "+environment_dependencies"}


def _warnings_of_databricks_parse(work_dir: Path) -> list[tuple[str, dict]]:
    """(event name, event data) of every warning or error of `dbt parse --target databricks`."""
    completed = DbtProject(REPO_ROOT, work_dir).run_cli(
        [
            "parse",
            "--target",
            "databricks",
            "--no-partial-parse",
            "--show-all-deprecations",
            "--log-format",
            "json",
        ],
        name="databricks_parse",
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    events = [json.loads(line) for line in completed.stdout.splitlines() if line.startswith("{")]
    assert events, completed.stdout + completed.stderr
    return [
        (event["info"]["name"], event["data"])
        for event in events
        if event["info"]["level"] in ("warn", "error")
    ]


def test_databricks_parse_warns_only_about_the_adapter_settings(tmp_path: Path):
    warnings = _warnings_of_databricks_parse(tmp_path)
    custom_keys = {data["key"] for name, data in warnings if name == "CustomKeyInConfigDeprecation"}
    others = [
        (name, data)
        for name, data in warnings
        if name not in ("CustomKeyInConfigDeprecation", "DeprecationsSummary")
    ]
    assert custom_keys == ADAPTER_KEYS_IN_CONFIG
    assert others == []


# Worked out from the models' configs: every incremental model with insert_overwrite.
PARTITION_OVERWRITE_MODELS = (
    "fct_pv_measurements, fct_turbine_power_summary, fct_turbine_readings, "
    "int_energy_meters__hourly_windows, int_wind_turbines__cleaned_hourly, "
    "stg_energy_meters__readings_classified"
)


def test_a_sql_warehouse_run_stops_before_replacing_whole_tables(dbt_project: DbtProject):
    """On a SQL warehouse dbt-databricks turns insert_overwrite into a whole-table replace;
    the run-start check names the models and stops. The check is run through the local
    target with the warehouse answer given, since no Databricks connection exists here."""

    def check(on_sql_warehouse: bool):
        return dbt_project.run(
            [
                "run-operation",
                "assert_partition_overwrite_supported",
                "--args",
                f"{{on_sql_warehouse: {str(on_sql_warehouse).lower()}}}",
            ],
            schema="partition_overwrite_check",
            expect_success=False,
        )

    log_file = dbt_project.work_dir / "logs" / "dbt.log"
    assert not check(on_sql_warehouse=True).success
    assert f"would replace the whole table): {PARTITION_OVERWRITE_MODELS}." in log_file.read_text()
    assert check(on_sql_warehouse=False).success

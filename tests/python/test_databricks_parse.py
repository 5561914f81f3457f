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
    the run-start check names the selected such models and stops. The check is run through
    the local target with the warehouse answer and the selection given, since no Databricks
    connection exists here (and an in-process run-operation would see an earlier command's
    selection)."""
    log_file = dbt_project.work_dir / "logs" / "dbt.log"

    def check(on_sql_warehouse: bool, selected: list[str]) -> tuple[bool, str]:
        """(success, log text of this invocation)."""
        logged_before = log_file.stat().st_size if log_file.exists() else 0
        result = dbt_project.run(
            [
                "run-operation",
                "assert_partition_overwrite_supported",
                "--args",
                json.dumps({"on_sql_warehouse": on_sql_warehouse, "selected": selected}),
            ],
            schema="partition_overwrite_check",
            expect_success=False,
        )
        with log_file.open() as handle:
            handle.seek(logged_before)
            return result.success, handle.read()

    refused = "would replace the whole table): {}."
    success, logged = check(on_sql_warehouse=True, selected=[])
    assert not success
    assert refused.format(PARTITION_OVERWRITE_MODELS) in logged
    robot_and_wind = [
        "model.telemetry_lakehouse.fct_turbine_readings",
        "model.telemetry_lakehouse.int_robot_forming__kinematics",
    ]
    success, logged = check(on_sql_warehouse=True, selected=robot_and_wind)
    assert not success
    assert refused.format("fct_turbine_readings") in logged
    success, _ = check(on_sql_warehouse=True, selected=robot_and_wind[1:])
    assert success
    success, _ = check(on_sql_warehouse=False, selected=[])
    assert success


def test_clear_partitions_statements_per_file_format(dbt_project: DbtProject):
    """The statements fct_pv_measurements' pre-hook runs for emptied partitions (executed on
    parquet by tests/python/test_pvdaq_dbt.py; Delta's is checked as text, no Delta here).
    The hook passes `run_query` values: a date object, rendered as its ISO text."""
    partitions = (
        "[{'ss_id': 15, 'local_date': modules.datetime.date(2020, 3, 9)},"
        " {'ss_id': 4, 'local_date': \"o'k\"}]"
    )
    data_columns = "[('value', 'double'), ('measured at', 'timestamp')]"

    def statements(file_format: str, partitions: str = partitions) -> str:
        macro = (
            f"clear_partitions_statements('db.facts', {partitions}, '{file_format}', "
            f"{data_columns})"
        )
        result = dbt_project.run(
            ["compile", "--inline", f"{{{{ {macro} | join(' ; ') }}}}"],
            schema="clear_partitions_check",
        )
        (node_result,) = result.result.results
        return " ".join(node_result.node.compiled_code.split())

    assert statements("delta") == (
        "delete from db.facts where (ss_id = 15 and local_date = '2020-03-09') "
        "or (ss_id = 4 and local_date = 'o\\'k')"
    )
    null_row = "select cast(null as double) as `value`, cast(null as timestamp) as `measured at`"
    assert statements("parquet") == (
        "insert overwrite table db.facts partition (ss_id = 15, local_date = '2020-03-09') "
        f"{null_row} where false ; "
        "insert overwrite table db.facts partition (ss_id = 4, local_date = 'o\\'k') "
        f"{null_row} where false"
    )
    assert statements("delta", partitions="[]") == ""  # the hook then runs nothing

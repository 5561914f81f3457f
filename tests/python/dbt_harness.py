"""In-process dbt runs for tests: isolated schema, landing folder and target path per scenario."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dbt.cli.main import dbtRunner, dbtRunnerResult
from dbt.contracts.results import RunResult
from pyspark.sql import SparkSession

from python_helpers.spark_session import LANDING_DIR_ENV

SCHEMA_ENV = "TELEMETRY_SCHEMA"
REPO_ROOT = Path(__file__).resolve().parents[2]


class DbtCommandError(AssertionError):
    pass


@contextmanager
def _environ(**values: str) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@dataclass
class DbtProject:
    project_dir: Path
    work_dir: Path

    def __post_init__(self) -> None:
        self.profiles_dir = self.work_dir / "profiles"
        self.profiles_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO_ROOT / "profiles.yml.example", self.profiles_dir / "profiles.yml")

    def run(
        self,
        args: Sequence[str],
        *,
        schema: str,
        landing_dir: Path | None = None,
        expect_success: bool = True,
    ) -> dbtRunnerResult:
        """Run `dbt <args>` for one scenario.

        `schema` isolates the scenario's relations (its landing tables go to `<schema>_landing`);
        `landing_dir` defaults to the project's sample data.
        """
        target_path = self.work_dir / "target" / schema
        env = {
            SCHEMA_ENV: schema,
            LANDING_DIR_ENV: str(landing_dir or REPO_ROOT / "sample_data"),
        }
        full_args = [
            *args,
            "--project-dir",
            str(self.project_dir),
            "--profiles-dir",
            str(self.profiles_dir),
            "--target-path",
            str(target_path),
            "--log-path",
            str(self.work_dir / "logs"),
            "--no-partial-parse",
        ]
        with _environ(**env):
            result = dbtRunner().invoke(full_args)
        if expect_success and not result.success:
            raise DbtCommandError(f"dbt {' '.join(args)} failed: {_failures(result)}")
        return result

    def run_cli(
        self, args: Sequence[str], *, name: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run `dbt <args>` as its own process (the dbt CLI, its own Spark session if any).

        Target and log folders are `target_<name>` and `logs_<name>` in the work folder; `env`
        adds environment variables. Returns the completed process whatever its exit code.
        """
        return subprocess.run(
            [
                str(Path(sys.executable).with_name("dbt")),
                *args,
                "--project-dir",
                str(self.project_dir),
                "--profiles-dir",
                str(self.profiles_dir),
                "--target-path",
                str(self.work_dir / f"target_{name}"),
                "--log-path",
                str(self.work_dir / f"logs_{name}"),
            ],
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )


def node_result(run: dbtRunnerResult, node_name: str) -> RunResult:
    """The result of the one node called `node_name` in a dbt invocation (its status, and for
    a test its `failures` count)."""
    [result] = [result for result in run.result.results if result.node.name == node_name]
    return result


def _failures(result: dbtRunnerResult) -> str:
    if result.exception is not None:
        return repr(result.exception)
    messages = []
    for outcome in getattr(result.result, "results", []) or []:
        if str(outcome.status) in {"error", "fail", "runtime error"}:
            messages.append(f"{outcome.node.unique_id}: {outcome.message}")
    return "\n".join(messages) or "see dbt log"


def partition_folders(spark: SparkSession, table: str) -> list[str]:
    """The `name=value` folders of a partitioned table, sorted (nested levels as `a=1/b=2`).

    Locally the metastore does not track partitions (`show partitions` is refused): the
    folders are what Spark reads them from.
    """
    detail = spark.sql(f"describe table extended {table}").collect()
    location = {row.col_name: row.data_type for row in detail}["Location"]
    root = Path(location.removeprefix("file:"))
    folders = [path for path in root.rglob("*=*") if path.is_dir()]
    leaves = [path for path in folders if not any(child.is_dir() for child in path.iterdir())]
    return sorted(str(path.relative_to(root)) for path in leaves)

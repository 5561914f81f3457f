"""Credentials, connection manager, adapter and Python job helper of `spark_local`."""

from __future__ import annotations

import linecache
import os
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dbt.adapters.base import PythonJobHelper, available
from dbt.adapters.base.relation import AdapterTrackingRelationInfo
from dbt.adapters.contracts.connection import AdapterResponse, Connection
from dbt.adapters.events.logging import AdapterLogger
from dbt.adapters.spark import SparkAdapter, SparkConnectionManager, SparkCredentials
from dbt_common.exceptions import DbtRuntimeError

from python_helpers.spark_session import (
    LANDING_DIR_ENV,
    LocalSparkSettings,
    WarehouseInUseError,
    get_local_spark,
    running_session,
)

ADAPTER_TYPE = "spark_local"
SESSION_SUBMISSION = "session"
#: Debug line of dbt's log file when this process starts its session (the benchmark of the
#: sample build reads it to report the start-up apart from the build).
SESSION_STARTED_MESSAGE = "Local Spark session started in {seconds:.2f} s"

logger = AdapterLogger("Spark")


def _project_dir() -> Path | None:
    """The dbt project folder of the running invocation, if dbt's flags know it."""
    try:
        from dbt.flags import get_flags

        project_dir = getattr(get_flags(), "PROJECT_DIR", None)
    except Exception:  # flags are not set outside a dbt invocation
        return None
    return Path(project_dir).resolve() if project_dir else None


def _settings() -> LocalSparkSettings:
    return LocalSparkSettings.from_env(_project_dir())


@dataclass
class SparkLocalCredentials(SparkCredentials):
    """dbt-spark credentials; `method` must be `session`."""

    @property
    def type(self) -> str:
        return ADAPTER_TYPE

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.method != SESSION_SUBMISSION:
            raise DbtRuntimeError(f"The {ADAPTER_TYPE} adapter supports only `method: session`.")

    def _connection_keys(self) -> tuple[str, ...]:
        return ("method", "schema")


class SparkLocalConnectionManager(SparkConnectionManager):
    TYPE = ADAPTER_TYPE

    @classmethod
    def open(cls, connection: Connection) -> Connection:
        # Start (or reuse) the configured embedded session before dbt-spark's cursor calls
        # SparkSession.builder.getOrCreate(), which then returns this session.
        try:
            start_seconds = start_local_session(_settings())
        except WarehouseInUseError as exc:
            raise DbtRuntimeError(str(exc)) from None
        if start_seconds is not None:
            logger.debug(SESSION_STARTED_MESSAGE.format(seconds=start_seconds))
        return super().open(connection)


def start_local_session(settings: LocalSparkSettings) -> float | None:
    """Start the embedded session unless one runs; seconds the start took (JVM launch and
    session creation), None when the running session is reused."""
    if running_session() is not None:
        return None
    started = time.perf_counter()
    get_local_spark(settings)
    return time.perf_counter() - started


class SessionPythonJobHelper(PythonJobHelper):
    """Runs a compiled dbt Python model in this process on the shared SparkSession."""

    def __init__(self, parsed_model: dict[str, Any], credentials: SparkLocalCredentials) -> None:
        self.parsed_model = parsed_model
        self.credentials = credentials

    def submit(self, compiled_code: str) -> None:
        # dbt's create_table_as macro leaves template indentation before the first line.
        compiled_code = compiled_code.lstrip()
        model_path = self.parsed_model.get("original_file_path") or self.parsed_model["alias"]
        filename = f"<dbt python model {model_path}>"
        # Registered so that tracebacks print the model's own source lines.
        linecache.cache[filename] = (
            len(compiled_code),
            None,
            compiled_code.splitlines(keepends=True),
            filename,
        )
        namespace: dict[str, Any] = {"__name__": "__dbt_python_model__", "spark": get_local_spark()}
        try:
            exec(compile(compiled_code, filename, "exec"), namespace)
        except Exception as exc:
            details = "".join(traceback.format_exception(exc))
            raise DbtRuntimeError(f"Python model {model_path} failed:\n{details}".rstrip()) from exc
        finally:
            linecache.cache.pop(filename, None)


class SparkLocalAdapter(SparkAdapter):
    ConnectionManager = SparkLocalConnectionManager

    @classmethod
    def type(cls) -> str:
        return ADAPTER_TYPE

    @classmethod
    def get_adapter_run_info(cls, config: Any) -> AdapterTrackingRelationInfo:
        # dbt derives the module name from the class name ("sparklocal"); ours is spark_local.
        from dbt.adapters.__about__ import version as base_adapter_version
        from dbt.adapters.spark_local.__version__ import version

        return AdapterTrackingRelationInfo(
            adapter_name=ADAPTER_TYPE,
            base_adapter_version=base_adapter_version,
            adapter_version=version,
            model_adapter_details=cls._get_adapter_specific_run_info(config),
        )

    @property
    def default_python_submission_method(self) -> str:
        return SESSION_SUBMISSION

    @property
    def python_submission_helpers(self) -> dict[str, type[PythonJobHelper]]:
        return {**super().python_submission_helpers, SESSION_SUBMISSION: SessionPythonJobHelper}

    def generate_python_submission_response(self, submission_result: Any) -> AdapterResponse:
        return AdapterResponse(_message="OK")

    @available
    def local_landing_dir(self) -> str:
        """Absolute landing folder: TELEMETRY_LANDING_DIR, else the project's sample_data/."""
        configured = os.environ.get(LANDING_DIR_ENV)
        base = _project_dir() or Path.cwd()
        path = Path(configured) if configured else base / "sample_data"
        if not path.is_absolute():
            path = base / path
        return str(path.resolve())

    @available
    def local_ensure_folder(self, path: str) -> str:
        """Create a local landing folder if missing, so an absent feed reads as empty."""
        Path(path).mkdir(parents=True, exist_ok=True)
        return path

    @available
    def local_warehouse_dir(self) -> str:
        """Absolute warehouse folder of the embedded session (metastore and tables)."""
        return str(_settings().warehouse_dir)

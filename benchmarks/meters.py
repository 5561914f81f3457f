"""`meters_hourly_energy`: hourly energy windows of per-second meter readings.

- Input: the meter generator's CSV files (`meter,time,energy,power`) converted once to typed
  parquet (`benchmarks.datasets.meters_parquet`: CSV parsing is not what is measured).
- Project: `python_helpers.energy_windows.meter_hourly_windows` (full computation), the
  function the dbt Python model `int_energy_meters__hourly_windows` calls, on the readings
  renamed to the staging columns, on the same session, all output columns evaluated (`noop`
  sink). Staging's text parsing and validation (SQL views) is not in this path; the
  `dbt_build_sample` workload times the whole pipeline.
- Floor: the same read plus `groupBy(meter, hour).count()`: the least any hourly job pays.
- Floor reading every column (reported in the notes, not in the ratio): the same grouping with
  `count, sum(power), max(energy)`, so Spark cannot prune the counter and power columns.
- Peer: DuckDB, one SQL statement over the same files computing the same windows and columns
  (hour windows `(hh:00, hh+1:00]`, energy as the difference of the last counter of the window
  and of the previous window holding readings, first window baselined on its first reading).
- Match: every column of both results, integers/timestamps/flags exactly, doubles to 1e-9
  relative.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.context import (
    WorkloadContext,
    duckdb_connection,
    noop_write,
    parquet_files,
    read_parquet_files,
    sql_string_list,
    start_spark,
)
from benchmarks.harness import PeakTracker, compare_frames, make_result, measure_alternating

WORKLOAD = "meters_hourly_energy"
KEYS = ["meter_id", "window_end"]
GOALS = [
    {"metric": "ratio_to_floor", "max": 1.5, "text": "ratio_to_floor <= 1.5 at 20 M readings"},
    {"metric": "matches_peer", "equals": True, "text": "matches the DuckDB peer"},
    {
        "metric": "peak_rss_mb",
        "max": 4096,
        "text": "driver peak memory < 4 GiB (goal stated for 100 M readings)",
    },
]

PEER_SQL = """
with readings as (
    select meter, epoch_us("time") as t_us, energy::double as c, power::double as p
    from read_parquet({files})
    where meter is not null and "time" is not null and energy is not null and power is not null
),
hourly as (
    select
        meter,
        t_us + (((-t_us) % 3600000000) + 3600000000) % 3600000000 as end_us,
        min(p) as min_power,
        max(p) as max_power,
        sum(p) as power_sum,
        count(*) as reading_count,
        min(t_us) as first_us,
        arg_min(c, t_us) as first_counter,
        max(t_us) as last_us,
        arg_max(c, t_us) as last_counter
    from readings
    group by all
),
with_previous as (
    select
        *,
        lag(end_us) over by_meter as prev_end,
        lag(last_us) over by_meter as prev_last_us,
        lag(last_counter) over by_meter as prev_counter
    from hourly
    window by_meter as (partition by meter order by end_us)
)
select
    meter as meter_id,
    make_timestamp(end_us - 3600000000) as window_start,
    make_timestamp(end_us) as window_end,
    last_counter - case when prev_end is null then first_counter else prev_counter end
        as energy_milliwatt_hours,
    min_power as min_power_milliwatts,
    max_power as max_power_milliwatts,
    power_sum / reading_count as mean_power_milliwatts,
    reading_count,
    prev_end is not null and prev_end < end_us - 3600000000 as spans_gap,
    prev_end is null as is_first_window,
    make_timestamp(case when prev_end is null then first_us else prev_last_us end)
        as baseline_reading_at,
    case when prev_end is null then first_counter else prev_counter end
        as baseline_counter_milliwatt_hours,
    make_timestamp(last_us) as last_reading_at,
    last_counter as last_counter_milliwatt_hours,
    cast(make_timestamp(end_us - 3600000000) as date) as window_date
from with_previous
"""


def floor_frame(spark: Any, data_dir: Path) -> Any:
    from pyspark.sql import functions as F

    readings = read_parquet_files(spark, data_dir)
    return readings.groupBy("meter", F.date_trunc("hour", "time").alias("hour")).count()


def all_columns_floor_frame(spark: Any, data_dir: Path) -> Any:
    """The floor's grouping, reading every column the project reads (no column pruning).

    Reported beside the floor, not instead of it: it separates what reading the counter and
    power columns costs from what the project's aggregation costs.
    """
    from pyspark.sql import functions as F

    readings = read_parquet_files(spark, data_dir)
    return readings.groupBy("meter", F.date_trunc("hour", "time").alias("hour")).agg(
        F.count(F.lit(1)), F.sum("power"), F.max("energy")
    )


def staged_readings(spark: Any, data_dir: Path) -> Any:
    """The readings under the staging model's column names."""
    from pyspark.sql import functions as F

    return read_parquet_files(spark, data_dir).select(
        F.col("meter").alias("meter_id"),
        F.col("time").alias("reading_at"),
        F.col("energy").alias("energy_milliwatt_hours"),
        F.col("power").alias("power_milliwatts"),
    )


def project_frame(spark: Any, data_dir: Path) -> Any:
    from python_helpers.energy_windows import meter_hourly_windows

    return meter_hourly_windows(staged_readings(spark, data_dir), None)


def peer_sql(data_dir: Path) -> str:
    return PEER_SQL.format(files=sql_string_list(parquet_files(data_dir)))


def run(ctx: WorkloadContext) -> dict[str, Any]:
    assert ctx.data_dir is not None
    data_dir = ctx.data_dir
    tracker = PeakTracker()
    spark, startup_s = start_spark(ctx)
    ctx.log(f"[{WORKLOAD}] Spark started in {startup_s:.1f} s")
    spark_stats = measure_alternating(
        {
            "floor": lambda: noop_write(floor_frame(spark, data_dir)),
            "project": lambda: noop_write(project_frame(spark, data_dir)),
            "floor_all_columns": lambda: noop_write(all_columns_floor_frame(spark, data_dir)),
        },
        runs=ctx.runs,
        warmup=ctx.warmup,
        tracker=tracker,
        log=ctx.log,
    )
    plan = project_frame(spark, data_dir)._jdf.queryExecution().executedPlan().toString()
    project_result = project_frame(spark, data_dir).toPandas()
    spark.stop()

    con = duckdb_connection()
    sql = peer_sql(data_dir)
    peer_stats = measure_alternating(
        {"peer": lambda: con.sql(sql).to_arrow_table()},
        runs=ctx.runs,
        warmup=ctx.warmup,
        tracker=tracker,
        log=ctx.log,
    )
    peer_result = con.execute(sql).fetchdf()
    con.close()

    comparison = compare_frames(
        project_result, peer_result, keys=KEYS, columns=list(project_result.columns)
    )
    rows = int(project_result["reading_count"].sum())
    floor, project, peer = spark_stats["floor"], spark_stats["project"], peer_stats["peer"]
    floor_all_columns = spark_stats["floor_all_columns"]
    return make_result(
        WORKLOAD,
        rows=rows,
        project_s=project.median_s,
        floor_s=floor.median_s,
        peer_s=peer.median_s,
        matches_peer=comparison.matches,
        peak_rss_mb=project.peak.total_mb if project.peak else None,
        peak_rss_measures=(
            "project runs: peak RSS of the Spark driver JVM (executors included, local mode) "
            "plus the Python driver process"
        ),
        output_rows=len(project_result),
        floor_all_columns_s=round(floor_all_columns.median_s, 2),
        ratio_to_floor_all_columns=round(project.median_s / floor_all_columns.median_s, 2),
        spark_startup_s=round(startup_s, 2),
        comparison=comparison.as_dict(),
        cases={
            "project": project.as_dict(),
            "floor": floor.as_dict(),
            "floor_all_columns": floor_all_columns.as_dict(),
            "peer": peer.as_dict(),
        },
        project_plan_summary=_plan_summary(plan),
    )


def _plan_summary(plan: str) -> list[str]:
    """The operators of a physical plan, top down, without their argument lists."""
    operators = []
    for line in plan.splitlines():
        stripped = line.strip(" :+-*()0123456789")
        if stripped:
            operators.append(stripped.split(" ")[0].split("[")[0])
    return operators

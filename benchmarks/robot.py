"""`robot_resample_kinematics`: 10 ms grid, fills and derivatives of long-format robot logs.

- Input: the robot generator's parquet files (time as text, run_uuid as text), several runs of
  1,500 s with encoders at ~12 ms and load cells at ~10 ms (about 1.4 M raw rows per run).
- Project: `python_helpers.robot_forming.resample_with_kinematics` (10 ms buckets, the dbt var
  `robot_bucket_ms`), the function the dbt model `int_robot_forming__kinematics` calls, on the
  rows with their time parsed by `parse_sensor_time` (staging's parser), every output column
  evaluated (`noop` sink).
- Floor: the same read, time cast to a timestamp, `groupBy(run_uuid, 10 ms bucket).count()`.
- Peer: DuckDB, SQL over the same files computing the same grid (bucket means, forward fill
  then back fill per run, observed flags, encoder sample offsets) and the same derivatives
  (central differences for uneven spacing at each observed bucket's mean sample time,
  one-sided at a run's ends, carried forward over filled buckets) and norms. Derivatives are
  computed on each series' list of observed buckets with `lag`/`lead`, which needs no frame
  that reaches to the end of a run.
- Match: all 50 output columns, flags exactly, doubles to 1e-9 relative (with an absolute
  floor of 1e-9 x the column's largest magnitude; see `harness.compare_frames`).

Memory: the project aggregates raw rows to one row per occupied bucket (a partial then final
hash aggregation, like the floor's count) before anything is partitioned by run; the grid
kernel reads one run's occupied buckets (at most duration / 10 ms rows) in sorted Arrow
batches, never its raw rows, and holds only those whose derivatives wait for an encoder's next
observations. The result record reports the largest raw run, its occupied buckets and its
grid rows as measured.
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

WORKLOAD = "robot_resample_kinematics"
BUCKET_MS = 10
KEYS = ["run_uuid", "time"]
GOALS = [
    {"metric": "ratio_to_floor", "max": 3.0, "text": "ratio_to_floor <= 3 at 5 M rows"},
    {"metric": "matches_peer", "equals": True, "text": "matches the DuckDB peer"},
]
ROBOTS = (1, 2)
POSITIONS = tuple(f"{q}_{r}" for r in ROBOTS for q in ("x", "y", "z"))
FORCES = tuple(f"{q}_{r}" for r in ROBOTS for q in ("fx", "fy", "fz"))
SERIES = POSITIONS + FORCES


def long_readings(spark: Any, data_dir: Path) -> Any:
    """Raw rows with the time parsed as staging parses it."""
    from python_helpers.robot_forming import parse_sensor_time

    raw = read_parquet_files(spark, data_dir)
    return raw.select(
        "run_uuid",
        parse_sensor_time("time").alias("time"),
        "field",
        "robot_id",
        "value",
    )


def floor_frame(spark: Any, data_dir: Path) -> Any:
    from pyspark.sql import functions as F

    raw = read_parquet_files(spark, data_dir)
    bucket = F.floor(F.unix_micros(F.col("time").cast("timestamp")) / (BUCKET_MS * 1000))
    return raw.groupBy("run_uuid", bucket.alias("bucket")).count()


def project_frame(spark: Any, data_dir: Path) -> Any:
    from python_helpers.robot_forming import resample_with_kinematics

    return resample_with_kinematics(long_readings(spark, data_dir), BUCKET_MS)


# --------------------------------------------------------------------------------------------
# DuckDB peer
# --------------------------------------------------------------------------------------------


def _gradient(x0: str, t0: str, x1: str, t1: str, x2: str, t2: str) -> str:
    """SQL of d x / d t at point 1 from points 0 and 2 (numpy.gradient's uneven formula)."""
    h0 = f"({t1} - {t0})"
    h2 = f"({t2} - {t1})"
    central = (
        f"(-{h2} / ({h0} * ({h0} + {h2}))) * {x0} + (({h2} - {h0}) / ({h0} * {h2})) * {x1}"
        f" + ({h0} / ({h2} * ({h0} + {h2}))) * {x2}"
    )
    return (
        f"case when {x0} is not null and {x2} is not null then {central} "
        f"when {x2} is not null then ({x2} - {x1}) / {h2} "
        f"when {x0} is not null then ({x1} - {x0}) / {h0} end"
    )


def _fill(column: str) -> str:
    return (
        f"coalesce(last_value({column} ignore nulls) over so_far, "
        f"first_value({column} ignore nulls) over whole_run)"
    )


def peer_sql(data_dir: Path, bucket_ms: int = BUCKET_MS) -> str:
    """One DuckDB statement computing `resample_with_kinematics(...)`."""
    bucket_us = bucket_ms * 1000
    files = sql_string_list(parquet_files(data_dir))
    means = []
    for series in SERIES:
        means.append(f"avg(value) filter (where series = '{series}') as {series}")
        if series in POSITIONS:
            means.append(
                f"avg(offset_us::double / 1000) filter (where series = '{series}') "
                f"as sample_offset_ms_{series}"
            )
    filled = [f"{_fill('a.' + s)} as {s}" for s in SERIES]
    flags = [f"a.{s} is not null as is_observed_{s}" for s in SERIES]
    offsets = [f"sample_offset_ms_{s}" for s in POSITIONS]
    grid_columns = ["run_uuid", "bucket_us", *SERIES, *(f"is_observed_{s}" for s in SERIES)]
    grid_columns += offsets

    ctes = [
        f"""raw as (
    select run_uuid, epoch_us(cast("time" as timestamptz)) as us,
        field || '_' || cast(cast(robot_id as integer) as varchar) as series, value
    from read_parquet({files})
    where value is not null
)""",
        f"""bucketed as (
    select run_uuid, us - (((us % {bucket_us}) + {bucket_us}) % {bucket_us}) as bucket_us,
        (((us % {bucket_us}) + {bucket_us}) % {bucket_us}) as offset_us, series, value
    from raw
    where series in ({", ".join(f"'{s}'" for s in SERIES)})
)""",
        f"""aggregate as (
    select run_uuid, bucket_us, {", ".join(means)}
    from bucketed group by run_uuid, bucket_us
)""",
        f"""spine as (
    select run_uuid, unnest(generate_series(min(bucket_us), max(bucket_us), {bucket_us}))
        as bucket_us
    from aggregate group by run_uuid
)""",
        f"""grid as (
    select s.run_uuid, s.bucket_us, {", ".join(filled)}, {", ".join(flags)},
        {", ".join("a." + o for o in offsets)},
        (s.bucket_us - min(s.bucket_us) over (partition by s.run_uuid))::double / 1000000
            as t_bucket
    from spine s left join aggregate a using (run_uuid, bucket_us)
    window so_far as (partition by s.run_uuid order by s.bucket_us
                      rows between unbounded preceding and current row),
           whole_run as (partition by s.run_uuid order by s.bucket_us
                         rows between unbounded preceding and unbounded following)
)""",
    ]
    derivative_columns = []
    for s in POSITIONS:
        obs = f"obs_{s}"
        ctes.append(
            f"""{obs}_points as (
    select run_uuid, bucket_us, {s} as x,
        t_bucket + coalesce(sample_offset_ms_{s} / 1000.0, 0.0) as t
    from grid where is_observed_{s} and {s} is not null
)"""
        )
        lags = ", ".join(
            f"{fn}({col}, {k}) over w as {col}{tag}{k}"
            for fn, tag in (("lag", "m"), ("lead", "p"))
            for k in (1, 2)
            for col in ("x", "t")
        )
        ctes.append(
            f"""{obs}_neighbours as (
    select *, {lags} from {obs}_points
    window w as (partition by run_uuid order by bucket_us)
)"""
        )
        v_here = _gradient("xm1", "tm1", "x", "t", "xp1", "tp1")
        v_prev = _gradient("xm2", "tm2", "xm1", "tm1", "x", "t")
        v_next = _gradient("x", "t", "xp1", "tp1", "xp2", "tp2")
        ctes.append(
            f"""{obs}_velocity as (
    select run_uuid, bucket_us, t, tm1, tp1, {v_here} as v_here, {v_prev} as v_prev,
        {v_next} as v_next
    from {obs}_neighbours
)"""
        )
        a_here = _gradient("v_prev", "tm1", "v_here", "t", "v_next", "tp1")
        ctes.append(
            f"""{obs}_derivatives as (
    select run_uuid, bucket_us, v_here as v_{s}, {a_here} as a_{s} from {obs}_velocity
)"""
        )
        derivative_columns += [f"v_{s}", f"a_{s}"]

    joins = " ".join(
        f"left join obs_{s}_derivatives using (run_uuid, bucket_us)" for s in POSITIONS
    )
    ctes.append(
        f"""kinematics as (
    select grid.*, {", ".join(f"{_fill(c)} as f_{c}" for c in derivative_columns)}
    from grid {joins}
    window so_far as (partition by run_uuid order by bucket_us
                      rows between unbounded preceding and current row),
           whole_run as (partition by run_uuid order by bucket_us
                         rows between unbounded preceding and unbounded following)
)"""
    )

    def norm(names: list[str]) -> str:
        return "sqrt(" + "0.0" + "".join(f" + {n} * {n}" for n in names) + ")"

    outputs = ["run_uuid", "make_timestamp(bucket_us) as time"]
    outputs += [c for c in grid_columns if c not in ("run_uuid", "bucket_us")]
    outputs += [f"f_v_{s} as v{s}" for s in POSITIONS]
    outputs += [f"f_a_{s} as a{s}" for s in POSITIONS]
    for kind in ("v", "a"):
        for r in ROBOTS:
            names = [f"f_{kind}_{q}_{r}" for q in ("x", "y", "z")]
            outputs.append(f"{norm(names)} as {kind}{r}")
    for r in ROBOTS:
        outputs.append(f"{norm([f'{q}_{r}' for q in ('fx', 'fy', 'fz')])} as f{r}")
    return "with " + ",\n".join(ctes) + "\nselect " + ", ".join(outputs) + " from kinematics"


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
        },
        runs=ctx.runs,
        warmup=ctx.warmup,
        tracker=tracker,
        log=ctx.log,
    )
    breakdown = _breakdown(spark, data_dir, ctx)
    out = ctx.scratch("project_output")
    project_frame(spark, data_dir).write.mode("overwrite").parquet(str(out))
    partitions = _partition_facts(spark, data_dir, out)
    spark.stop()

    import pandas as pd

    project_result = pd.read_parquet(out)
    con = duckdb_connection()
    sql = peer_sql(data_dir)
    peer_stats = measure_alternating(
        {"peer": lambda: con.sql(sql).to_arrow_table()},
        runs=ctx.runs,
        warmup=ctx.warmup,
        tracker=tracker,
        log=ctx.log,
    )
    peer_result = con.sql(sql).df()
    raw_rows = con.sql(
        f"select count(*) from read_parquet({sql_string_list(parquet_files(data_dir))})"
    ).fetchall()[0][0]
    con.close()

    comparison = compare_frames(
        project_result, peer_result, keys=KEYS, columns=list(project_result.columns)
    )
    floor, project, peer = spark_stats["floor"], spark_stats["project"], peer_stats["peer"]
    return make_result(
        WORKLOAD,
        rows=int(raw_rows),
        project_s=project.median_s,
        floor_s=floor.median_s,
        peer_s=peer.median_s,
        matches_peer=comparison.matches,
        peak_rss_mb=project.peak.total_mb if project.peak else None,
        peak_rss_measures=(
            "project runs: peak RSS of the Spark driver JVM (executors included, local mode) "
            "plus the Python driver process and the grid kernel's Python workers"
        ),
        output_rows=len(project_result),
        spark_startup_s=round(startup_s, 2),
        partitions=partitions,
        breakdown_s=breakdown,
        comparison=comparison.as_dict(),
        cases={
            "project": project.as_dict(),
            "floor": floor.as_dict(),
            "peer": peer.as_dict(),
        },
    )


def _breakdown(spark: Any, data_dir: Path, ctx: WorkloadContext) -> dict[str, float]:
    """Where the project's time goes: cumulative steps, each timed once on the warm session."""
    from pyspark.sql import functions as F

    from python_helpers.robot_forming import bucket_means

    def parsed_count() -> None:
        rows = long_readings(spark, data_dir)
        bucket = F.floor(F.unix_micros("time") / (BUCKET_MS * 1000))
        noop_write(rows.groupBy("run_uuid", bucket.alias("bucket")).count())

    steps = {
        "read_parse_time_count": parsed_count,
        "bucket_means": lambda: noop_write(bucket_means(long_readings(spark, data_dir), BUCKET_MS)),
    }
    stats = measure_alternating(steps, runs=1, warmup=0, log=ctx.log)
    return {name: round(stat.median_s or 0.0, 3) for name, stat in stats.items()}


def _partition_facts(spark: Any, data_dir: Path, project_output: Path) -> dict[str, Any]:
    """How much one task holds: raw rows per run against the rows the grid kernel reads.

    `project_output`: the project's result written as parquet. Its rows with an observed flag
    set are the occupied buckets (the kernel's input rows); the others are generated.
    """
    from pyspark.sql import functions as F

    from python_helpers.robot_forming import SERIES_COLUMNS, observed_flag_column

    raw_per_run = read_parquet_files(spark, data_dir).groupBy("run_uuid").count()
    largest_raw = raw_per_run.agg(F.max("count")).first()[0]
    grid = spark.read.parquet(str(project_output))
    occupied = F.greatest(*(F.col(observed_flag_column(s)) for s in SERIES_COLUMNS))
    per_run = grid.groupBy("run_uuid").agg(
        F.count(F.lit(1)).alias("grid_rows"), F.count(F.when(occupied, 1)).alias("occupied")
    )
    largest = per_run.agg(F.max("grid_rows"), F.max("occupied")).first()
    return {
        "largest_run_raw_rows": largest_raw,
        "largest_run_grid_rows": largest[0],
        "largest_run_occupied_buckets": largest[1],
        "how": (
            "raw rows are exchanged by (run_uuid, bucket) and reduced there by one hash "
            "aggregation to one row per occupied bucket before anything is partitioned by "
            "run; the grid kernel (mapInArrow) then reads "
            "each run's occupied buckets in sorted Arrow batches and keeps only the buckets "
            "whose derivatives wait for the encoders' next observations; Spark's sort before "
            "it spills to disk when a partition does not fit"
        ),
    }

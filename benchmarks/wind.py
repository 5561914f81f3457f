"""`wind_clean_summarise`: the whole wind feed (staging, cleaning, marts) on a scaled fleet.

- Input: `benchmarks.wind_data` files, 1,000 turbines x 31 days hourly at scale 1 (about
  740,000 rows in 200 `data_group_<n>.csv`, with the real feed's defects), and a registry of
  the generated fleet.
- Project: the wind feed's dbt models (`models/{staging,intermediate,marts}/wind_turbines`:
  text parsing and rejects, the median/MAD cleaning and gap filling of
  `python_helpers.wind_turbines.clean_readings`, the daily power summary and the fleet
  anomalies), run by dbt in this process (`dbt run --full-refresh`, dbt's Python API) on the
  same Spark session, landing tables re-created as on every run. The seeds are loaded once
  before timing and the registry seed table is replaced by the generated fleet's registry.
  The time includes dbt's own work per invocation (manifest, compilation, landing tables);
  per-model execution times are reported as `models_s`.
- Floor: Spark reading the same CSV files (text columns, as the landing table declares them)
  and counting rows per turbine and day (`groupBy(turbine_id, day).count()`).
- Peer: DuckDB computing the summary part (`fct_turbine_power_summary` and
  `fct_turbine_anomalies`) from the project's cleaned readings (`fct_turbine_readings`).
  The cleaning itself (a centred 24 h Hampel filter on valid values, then time interpolation
  of short gaps, with staging's reject rules before it) is not re-implemented, so the peer
  checks and times the summary only: `peer_s` is the DuckDB summary time, `ratio_to_peer` is
  left null (it would compare the whole feed with its last step) and
  `summary_ratio_to_peer` compares the two summary models' Spark execution time with it.
"""

from __future__ import annotations

import os
import statistics
from pathlib import Path
from typing import Any

import yaml

from benchmarks.context import WorkloadContext, duckdb_connection, noop_write, start_spark
from benchmarks.harness import (
    REPO_ROOT,
    PeakTracker,
    compare_frames,
    make_result,
    measure_alternating,
)

WORKLOAD = "wind_clean_summarise"
GOALS = [{"metric": "matches_peer", "equals": True, "text": "summary matches the DuckDB peer"}]
SCHEMA = "bench_wind"
MODEL_SELECTION = [
    "path:models/staging/wind_turbines",
    "path:models/intermediate/wind_turbines",
    "path:models/marts/wind_turbines",
]
SEEDS = ["wind_turbine_registry", "wind_plausibility_limits"]
SUMMARY_MODELS = ("fct_turbine_power_summary", "fct_turbine_anomalies")
CSV_SCHEMA = "timestamp string, turbine_id string, wind_speed string, "
CSV_SCHEMA += "wind_direction string, power_output string"


class DbtRun:
    """dbt invoked in this process on the active Spark session, in an isolated target."""

    def __init__(self, work: Path, landing: Path) -> None:
        from python_helpers.spark_session import LANDING_DIR_ENV

        self.work = work
        self.profiles = work / "profiles"
        self.profiles.mkdir(parents=True, exist_ok=True)
        (self.profiles / "profiles.yml").write_text(
            (REPO_ROOT / "profiles.yml.example").read_text()
        )
        os.environ["TELEMETRY_SCHEMA"] = SCHEMA
        os.environ[LANDING_DIR_ENV] = str(landing)
        os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"

    def invoke(self, args: list[str]) -> Any:
        from dbt.cli.main import dbtRunner

        full = [
            *args,
            "--project-dir",
            str(REPO_ROOT),
            "--profiles-dir",
            str(self.profiles),
            "--target-path",
            str(self.work / "target"),
            "--log-path",
            str(self.work / "logs"),
            "--target",
            "local",
            "--quiet",
        ]
        result = dbtRunner().invoke(full)
        if not result.success:
            failures = [
                f"{r.node.unique_id}: {r.message}"
                for r in (getattr(result.result, "results", None) or [])
                if str(r.status) in {"error", "fail", "runtime error"}
            ]
            raise RuntimeError(f"dbt {' '.join(args)} failed: {failures or result.exception}")
        return result


def landing_folder(ctx: WorkloadContext, files: Path) -> Path:
    """A landing root holding the generated wind files and the sample data of other feeds."""
    landing = ctx.scratch("landing")
    for feed in (REPO_ROOT / "sample_data").iterdir():
        if feed.is_dir() and feed.name != "wind_turbines":
            (landing / feed.name).symlink_to(feed)
    (landing / "wind_turbines").symlink_to(files)
    return landing


def project_vars() -> dict[str, Any]:
    return yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text()).get("vars", {})


def peer_sql(readings_path: Path, period: str, sigma: float) -> tuple[str, str]:
    """DuckDB SQL of the power summary and of the anomalies (same rules as the marts)."""
    summary = f"""
with readings as (
    select turbine_id, power_output_mw, is_imputed,
        date_trunc('{period}', reading_at) as period_start
    from read_parquet('{readings_path}/**/*.parquet', hive_partitioning = false)
),
summarised as (
    select turbine_id, period_start,
        min(power_output_mw) as min_power_mw,
        max(power_output_mw) as max_power_mw,
        avg(power_output_mw) as avg_power_mw,
        count(power_output_mw) as reading_count,
        count(*) filter (where is_imputed and power_output_mw is not null) as imputed_count
    from readings group by turbine_id, period_start
)
select turbine_id, period_start, period_start + interval 1 {period} as period_end,
    min_power_mw, max_power_mw, avg_power_mw, reading_count, imputed_count,
    '{period}' as summary_period, cast(period_start as date) as period_start_date
from summarised
"""
    anomalies = f"""
with fleet as (
    select turbine_id, period_start, period_end, summary_period, avg_power_mw,
        avg(avg_power_mw) over (partition by period_start) as fleet_avg_power_mw,
        stddev_samp(avg_power_mw) over (partition by period_start) as fleet_stddev_power_mw,
        count(*) over (partition by period_start) as fleet_turbine_count
    from summary where avg_power_mw is not null
),
scored as (
    select *, case when fleet_stddev_power_mw > 0
        then (avg_power_mw - fleet_avg_power_mw) / fleet_stddev_power_mw end as z_score
    from fleet
)
select turbine_id, period_start, avg_power_mw, fleet_avg_power_mw, fleet_stddev_power_mw,
    z_score, period_end, summary_period, fleet_turbine_count
from scored where abs(z_score) > {float(sigma)}
"""
    return summary, anomalies


def _normalise(frame: Any) -> Any:
    import pandas as pd

    frame = frame.copy()
    for column in frame.columns:
        if column.endswith("_date"):
            frame[column] = pd.to_datetime(frame[column])
        elif column.endswith(("_start", "_end")):
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[us]")
        elif column == "turbine_id" or column.endswith("_count"):
            frame[column] = frame[column].astype("int64")
    return frame


def run(ctx: WorkloadContext) -> dict[str, Any]:
    import pandas as pd
    from pyspark.sql import functions as F

    assert ctx.data_dir is not None
    files = ctx.data_dir
    registry_csv = files.parent / "wind_turbine_registry.csv"
    tracker = PeakTracker()
    spark, startup_s = start_spark(ctx)
    ctx.log(f"[{WORKLOAD}] Spark started in {startup_s:.1f} s")
    dbt = DbtRun(ctx.scratch("dbt"), landing_folder(ctx, files))

    seeded = dbt.invoke(["seed", "--select", *SEEDS])
    relations = {r.node.name: r.node.relation_name for r in seeded.result.results}
    registry = spark.createDataFrame(pd.read_csv(registry_csv)).select(
        F.col("turbine_id").cast("int"),
        F.col("turbine_group").cast("int"),
        F.col("rated_power_mw").cast("double"),
        F.col("in_service_from").cast("date"),
    )
    registry.write.mode("overwrite").format("parquet").saveAsTable(
        relations["wind_turbine_registry"].replace("`", "")
    )

    node_times: dict[str, list[float]] = {}
    relation_names: dict[str, str] = {}

    def project() -> None:
        result = dbt.invoke(["run", "--full-refresh", "--select", *MODEL_SELECTION])
        for node_result in result.result.results:
            node_times.setdefault(node_result.node.name, []).append(node_result.execution_time)
            relation_names[node_result.node.name] = node_result.node.relation_name

    csv_paths = [str(p) for p in sorted(files.glob("data_group_*.csv"))]

    def floor() -> None:
        raw = spark.read.csv(csv_paths, header=True, schema=CSV_SCHEMA)
        day = F.substring("timestamp", 1, 10).alias("day")
        noop_write(raw.groupBy("turbine_id", day).count())

    stats = measure_alternating(
        {"floor": floor, "project": project},
        runs=ctx.runs,
        warmup=ctx.warmup,
        tracker=tracker,
        log=ctx.log,
    )

    readings_path = ctx.scratch("cleaned_readings")
    spark.table(relation_names["fct_turbine_readings"]).write.mode("overwrite").parquet(
        str(readings_path)
    )
    project_summary = spark.table(relation_names["fct_turbine_power_summary"]).toPandas()
    project_anomalies = spark.table(relation_names["fct_turbine_anomalies"]).toPandas()
    counts = (
        spark.table(relation_names["fct_turbine_readings"])
        .agg(
            F.count(F.lit(1)).alias("rows"), F.sum(F.col("is_imputed").cast("int")).alias("imputed")
        )
        .first()
    )
    raw_rows = spark.read.csv(csv_paths, header=True, schema=CSV_SCHEMA).count()
    spark.stop()

    variables = project_vars()
    period = str(variables.get("wind_summary_period", "day")).lower()
    sigma = float(variables.get("wind_anomaly_sigma", 2.0))
    summary_sql, anomalies_sql = peer_sql(readings_path, period, sigma)
    con = duckdb_connection()

    def peer() -> None:
        con.execute(f"create or replace temp table summary as {summary_sql}")
        con.sql(anomalies_sql).to_arrow_table()

    peer_stats = measure_alternating(
        {"peer": peer}, runs=ctx.runs, warmup=ctx.warmup, tracker=tracker, log=ctx.log
    )
    peer()
    peer_summary = con.sql("select * from summary").df()
    peer_anomalies = con.sql(anomalies_sql).df()
    con.close()

    summary_cmp = compare_frames(
        _normalise(project_summary),
        _normalise(peer_summary),
        keys=["turbine_id", "period_start"],
        columns=list(project_summary.columns),
    )
    anomalies_cmp = compare_frames(
        _normalise(project_anomalies),
        _normalise(peer_anomalies),
        keys=["turbine_id", "period_start"],
        columns=list(project_anomalies.columns),
    )
    models_s = {
        name: round(statistics.median(times[ctx.warmup :] or times), 2)
        for name, times in node_times.items()
    }
    summary_project_s = sum(models_s.get(name, 0.0) for name in SUMMARY_MODELS)
    project_case, floor_case, peer_case = stats["project"], stats["floor"], peer_stats["peer"]
    result = make_result(
        WORKLOAD,
        rows=int(raw_rows),
        project_s=project_case.median_s,
        floor_s=floor_case.median_s,
        peer_s=peer_case.median_s,
        matches_peer=summary_cmp.matches and anomalies_cmp.matches,
        peak_rss_mb=project_case.peak.total_mb if project_case.peak else None,
        peak_rss_measures=(
            "project runs: peak RSS of the Spark driver JVM (executors included, local mode) "
            "plus the Python process running dbt"
        ),
        ratio_to_peer_note=(
            "null by design: the peer covers the summary and anomaly models only; see "
            "summary_ratio_to_peer"
        ),
        summary_project_s=round(summary_project_s, 3),
        summary_ratio_to_peer=(
            round(summary_project_s / peer_case.median_s, 2) if peer_case.median_s else None
        ),
        cleaned_rows=int(counts["rows"]),
        imputed_rows=int(counts["imputed"] or 0),
        summary_rows=len(project_summary),
        anomaly_rows=len(project_anomalies),
        models_s=models_s,
        dbt_overhead_s=round((project_case.median_s or 0.0) - sum(models_s.values()), 2),
        spark_startup_s=round(startup_s, 2),
        comparison={"summary": summary_cmp.as_dict(), "anomalies": anomalies_cmp.as_dict()},
        cases={
            "project": project_case.as_dict(),
            "floor": floor_case.as_dict(),
            "peer": peer_case.as_dict(),
        },
    )
    result["ratio_to_peer"] = None
    return result

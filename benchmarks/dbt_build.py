"""`dbt_build_sample`: wall time of `dbt build` on the sample data, Spark start-up apart.

- Project: `.venv/bin/dbt build --target local` as its own process (what a user types), on the
  sample landing data, into a fresh throw-away warehouse, schema and target folder for every
  run, so each run is a full build from nothing: dbt start-up and parsing, the Spark session's
  start, the landing tables, seeds, every model and every test.
- Spark start-up: what each build's own session took to start (JVM launch and session
  creation), as the `spark_local` adapter writes it to dbt's log file (median over the
  builds); reported as `spark_startup_s`. The time from the dbt process start to its first
  node (`time_to_first_node_s`, from run_results.json) adds dbt's own start-up and parsing.
- No floor and no peer: the comparison is against the goal (under 3 minutes).
- No warm-up build: every build is a cold start by design (fresh dbt process, fresh JVM, empty
  warehouse), and the workloads before it have warmed the page cache; `--warmup` is ignored
  here, `--runs` builds are timed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.context import WorkloadContext
from benchmarks.harness import REPO_ROOT, make_result, tree_footprint_mb
from python_helpers.dbt_spark_local.adapter import SESSION_STARTED_MESSAGE

WORKLOAD = "dbt_build_sample"
GOALS = [{"metric": "project_s", "max": 180, "text": "full sample dbt build < 3 min"}]
_SESSION_STARTED = re.compile(
    re.escape(SESSION_STARTED_MESSAGE).replace(re.escape("{seconds:.2f}"), r"(\d+(?:\.\d+)?)")
)


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def _isolated_env(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "TELEMETRY_WAREHOUSE_DIR": str(work / "warehouse"),
            "TELEMETRY_SCHEMA": "bench",
            "TELEMETRY_LANDING_DIR": str(REPO_ROOT / "sample_data"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
    )
    return env


def run_dbt_build(work: Path) -> dict[str, Any]:
    """One full `dbt build` in a fresh folder; wall time and what run_results.json says."""
    if work.exists():
        shutil.rmtree(work)
    profiles = work / "profiles"
    profiles.mkdir(parents=True)
    shutil.copy(REPO_ROOT / "profiles.yml.example", profiles / "profiles.yml")
    target = work / "target"
    command = [
        dbt_executable(),
        "build",
        "--target",
        "local",
        "--project-dir",
        str(REPO_ROOT),
        "--profiles-dir",
        str(profiles),
        "--target-path",
        str(target),
        "--log-path",
        str(work / "logs"),
    ]
    started_at = time.time()
    started = time.perf_counter()
    log_path = work / "dbt_stdout.log"
    peak_mb = 0.0
    with open(log_path, "w") as output:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=_isolated_env(work), stdout=output, stderr=output
        )
        while process.poll() is None:
            peak_mb = max(peak_mb, tree_footprint_mb(process.pid))
            time.sleep(0.2)
    wall = time.perf_counter() - started
    summary: dict[str, Any] = {
        "wall_s": wall,
        "returncode": process.returncode,
        "peak_rss_mb": peak_mb,
    }
    summary["spark_startup_s"] = session_start_seconds(work / "logs" / "dbt.log")
    run_results = target / "run_results.json"
    if run_results.exists():
        summary.update(_summarise_run_results(json.loads(run_results.read_text()), started_at))
    if process.returncode != 0:
        summary["stdout_tail"] = log_path.read_text()[-2000:]
    return summary


def _summarise_run_results(data: dict[str, Any], started_at: float) -> dict[str, Any]:
    statuses: dict[str, int] = {}
    first_start = None
    slowest = []
    failures = []
    for result in data.get("results", []):
        statuses[result["status"]] = statuses.get(result["status"], 0) + 1
        if result["status"] in {"error", "fail", "runtime error"}:
            failures.append(result["unique_id"])
        for timing in result.get("timing", []):
            if timing.get("started_at"):
                ts = datetime.fromisoformat(timing["started_at"].replace("Z", "+00:00"))
                first_start = (
                    ts.timestamp() if first_start is None else min(first_start, ts.timestamp())
                )
        slowest.append((result.get("execution_time") or 0.0, result["unique_id"]))
    slowest.sort(reverse=True)
    return {
        "nodes": len(data.get("results", [])),
        "statuses": statuses,
        "failures": failures[:20],
        "dbt_elapsed_s": data.get("elapsed_time"),
        "time_to_first_node_s": (first_start - started_at) if first_start else None,
        "slowest_nodes": [{"node": node, "s": round(s, 2)} for s, node in slowest[:8]],
    }


def session_start_seconds(dbt_log: Path) -> float | None:
    """The Spark session's start-up as the adapter logged it in `dbt_log`; None if absent."""
    if not dbt_log.exists():
        return None
    found = _SESSION_STARTED.search(dbt_log.read_text(errors="replace"))
    return float(found.group(1)) if found else None


def run(ctx: WorkloadContext) -> dict[str, Any]:
    builds: list[dict[str, Any]] = []
    for index in range(ctx.runs):  # no warm-up: see the module docstring
        builds.append(run_dbt_build(ctx.work_dir / "build"))
        ctx.log(
            f"  run {index + 1}/{ctx.runs}: dbt build {builds[-1]['wall_s']:.1f} s "
            f"(exit {builds[-1]['returncode']}), Spark start-up {builds[-1]['spark_startup_s']} s"
        )
    walls = [b["wall_s"] for b in builds]
    startups = [b["spark_startup_s"] for b in builds if b["spark_startup_s"] is not None]
    median_build = sorted(builds, key=lambda b: b["wall_s"])[len(builds) // 2]
    first_node = [b["time_to_first_node_s"] for b in builds if b.get("time_to_first_node_s")]
    succeeded = all(b["returncode"] == 0 for b in builds)
    extra: dict[str, Any] = {}
    if not succeeded:
        extra["build_error"] = next(b.get("stdout_tail") for b in builds if b["returncode"])
    return make_result(
        WORKLOAD,
        rows=None,
        project_s=statistics.median(walls),
        floor_s=None,
        peer_s=None,
        matches_peer=None,
        peak_rss_mb=max(b["peak_rss_mb"] for b in builds),
        peak_rss_measures=(
            "largest over the runs of the dbt process tree's footprint (dbt's Python process, "
            "the Spark driver JVM and the Python workers alive at the same time: resident "
            "size, PSS for workers forked from their daemon), sampled every 0.2 s"
        ),
        spark_startup_s=round(statistics.median(startups), 2) if startups else None,
        time_to_first_node_s=round(statistics.median(first_node), 2) if first_node else None,
        build_succeeded=succeeded,
        runs_s=[round(w, 1) for w in walls],
        nodes=median_build.get("nodes"),
        statuses=median_build.get("statuses"),
        failures=median_build.get("failures"),
        slowest_nodes=median_build.get("slowest_nodes"),
        note="project_s: wall time of a full `dbt build` in a fresh process and warehouse",
        **extra,
    )

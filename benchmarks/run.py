"""Run the benchmark suite: `python benchmarks/run.py --scale 1` (what `make bench` does).

Every workload runs in its own Python process (so its peak memory is its own, and its
floor, project and peer runs share one warm JVM and page cache); this script generates the
data sets that are missing, starts the workload processes one after another, writes
`target/benchmarks/latest.json` and prints the results as a table.

Options: `--scale` multiplies the default sizes (1: 20 M meter readings, 5.5 M robot rows,
1,000 turbines x 31 days); `--workloads` picks some; `--runs` timed runs per case (median
reported, default 3) after `--warmup` warm-up runs (default 1); `--out` another report path.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.context import WorkloadContext, log
from benchmarks.datasets import DATASETS
from benchmarks.harness import (
    BENCH_DIR,
    REPO_ROOT,
    evaluate_goals,
    format_goals,
    format_notes,
    format_table,
    machine_info,
    make_result,
    write_report,
)
from python_helpers.spark_session import default_shuffle_partitions

WORKLOAD_MODULES = {
    "meters_hourly_energy": "benchmarks.meters",
    "robot_resample_kinematics": "benchmarks.robot",
    "wind_clean_summarise": "benchmarks.wind",
    "dbt_build_sample": "benchmarks.dbt_build",
}
DEFAULT_REPORT = BENCH_DIR / "latest.json"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="data size multiplier")
    parser.add_argument(
        "--workloads",
        default=",".join(WORKLOAD_MODULES),
        help="comma-separated workloads (default: all)",
    )
    parser.add_argument("--runs", type=int, default=3, help="timed runs per case (>= 1)")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up runs per case")
    parser.add_argument("--out", type=Path, default=DEFAULT_REPORT, help="report path")
    parser.add_argument("--no-progress", action="store_true", help="no generator progress bars")
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="print the report at --out as a Markdown table (for docs/benchmarks.md) and exit",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # internal: run one workload
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.workload_list = [w.strip() for w in args.workloads.split(",") if w.strip()]
    unknown = [w for w in args.workload_list if w not in WORKLOAD_MODULES]
    if unknown:
        parser.error(f"unknown workloads {unknown}; known: {list(WORKLOAD_MODULES)}")
    if args.runs < 1 or args.warmup < 0 or args.scale <= 0:
        parser.error("--runs must be >= 1, --warmup >= 0, --scale > 0")
    return args


def run_worker(args: argparse.Namespace) -> int:
    """Inside a workload process: measure, then write the result record as JSON."""
    module = importlib.import_module(WORKLOAD_MODULES[args.worker])
    ctx = WorkloadContext(
        workload=args.worker,
        scale=args.scale,
        runs=args.runs,
        warmup=args.warmup,
        data_dir=args.data_dir,
        work_dir=BENCH_DIR / "work" / args.worker,
    )
    result = module.run(ctx)
    args.result_file.write_text(json.dumps(result, indent=2) + "\n")
    return 0


def failed_result(workload: str, message: str) -> dict[str, Any]:
    return make_result(
        workload,
        rows=None,
        project_s=None,
        floor_s=None,
        peer_s=None,
        matches_peer=None,
        peak_rss_mb=None,
        error=message,
    )


def run_logged(command: list[str], log_path: Path) -> int:
    """Run a workload process, echoing its output and keeping a copy in `log_path`."""
    with open(log_path, "w") as log_file:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        assert process.stdout is not None
        for line in process.stdout:
            sys.stderr.write(line)
            log_file.write(line)
        return process.wait()


def run_suite(args: argparse.Namespace) -> int:
    results: list[dict[str, Any]] = []
    machine = {
        **machine_info(),
        "spark_shuffle_partitions": default_shuffle_partitions(),
        "scale": args.scale,
        "runs": args.runs,
        "warmup": args.warmup,
    }
    suite_started = time.perf_counter()
    for workload in args.workload_list:
        started = time.perf_counter()
        data_dir = None
        try:
            if workload in DATASETS:
                data_dir = DATASETS[workload](args.scale).ensure(
                    log=log, progress=not args.no_progress
                )
        except subprocess.CalledProcessError as error:
            results.append(failed_result(workload, f"data generation failed: {error}"))
            continue
        result_file = BENCH_DIR / "work" / f"{workload}.result.json"
        result_file.parent.mkdir(parents=True, exist_ok=True)
        result_file.unlink(missing_ok=True)
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            workload,
            "--scale",
            str(args.scale),
            "--runs",
            str(args.runs),
            "--warmup",
            str(args.warmup),
            "--result-file",
            str(result_file),
        ]
        if data_dir is not None:
            command += ["--data-dir", str(data_dir)]
        log(f"[{workload}] measuring (scale {args.scale:g}, {args.runs} runs)")
        returncode = run_logged(command, BENCH_DIR / "work" / f"{workload}.log")
        if returncode != 0 or not result_file.exists():
            result = failed_result(
                workload,
                f"workload process exited with {returncode}; see target/benchmarks/work/"
                f"{workload}.log",
            )
        else:
            result = json.loads(result_file.read_text())
        module = importlib.import_module(WORKLOAD_MODULES[workload])
        result["goals"] = evaluate_goals(result, getattr(module, "GOALS", []))
        result["wall_s_including_data"] = round(time.perf_counter() - started, 1)
        results.append(result)
        log(f"[{workload}] done in {result['wall_s_including_data']:.0f} s")
        # Write after each workload so that a long suite leaves partial results behind.
        write_report(args.out, machine, results)
    machine["suite_wall_s"] = round(time.perf_counter() - suite_started, 1)
    write_report(args.out, machine, results)
    print(format_table(results))
    notes = format_notes(results)
    if notes:
        print("\nNotes:\n" + notes)
    goals = format_goals(results)
    if goals:
        print("\nGoals:\n" + goals)
    print(f"\nReport: {args.out}")
    return 1 if any("error" in r for r in results) else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.markdown:
        report = json.loads(args.out.read_text())
        print(format_table(report["results"], markdown=True))
        print("\n" + format_notes(report["results"]))
        print("\n" + format_goals(report["results"]))
        return 0
    if args.worker:
        return run_worker(args)
    return run_suite(args)


if __name__ == "__main__":
    raise SystemExit(main())

"""Measurement tools shared by the workloads: timing, peak memory, result records, comparison.

Timing protocol (one process per workload, so every ratio compares runs on the same warm JVM
and the same page cache): each measured case runs once as a warm-up, then `runs` times; the
Spark cases (floor, project) alternate run by run so that a noisy neighbour slows both alike.
The reported time is the median of the timed runs.

Peak memory: Linux keeps each process's peak resident set (`VmHWM` in /proc/<pid>/status)
and resets it when `5` is written to /proc/<pid>/clear_refs. Before every timed run the peak
of this Python process and of every process it started (the Spark driver JVM, found as a
`java` child by the parent pids in /proc/<pid>/stat; in local mode the executors live inside it)
is reset, and read back after the run. A case's peak is the largest sum (Python + JVM +
other children) over its timed runs: the whole driver's footprint while that case ran (a
reset brings the peak down to the memory resident at that moment, which counts). The sum of
per-process peaks can exceed the true simultaneous peak, never fall below it.
"""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO_ROOT / "target" / "benchmarks"
RESULT_FIELDS = (
    "workload",
    "rows",
    "project_s",
    "floor_s",
    "peer_s",
    "ratio_to_floor",
    "ratio_to_peer",
    "matches_peer",
    "peak_rss_mb",
)
DEFAULT_REL_TOL = 1e-9


# --------------------------------------------------------------------------------------------
# Peak resident memory
# --------------------------------------------------------------------------------------------


def _status_kb(pid: int, key: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _parent_pids() -> dict[int, int]:
    """Parent pid of every process on the machine, from `/proc/<pid>/stat`.

    One small read per process: walking a tree through `/proc/<pid>/task/*/children` instead
    reads one file per thread, over 500 for a Spark JVM (about 30 ms of CPU per walk).
    Processes come and go while `/proc` is read (a dbt build starts and ends many), so a
    process may vanish between listing and reading.
    """
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"{entry.path}/stat") as stat:
                text = stat.read()
        except OSError:
            continue
        # The command name (second field) is in parentheses and may itself hold blanks and
        # parentheses: the state and the parent pid follow the last ")".
        fields = text[text.rindex(")") + 2 :].split()
        parents[int(entry.name)] = int(fields[1])
    return parents


def descendant_pids(pid: int) -> list[int]:
    """Every process under `pid`; none once `pid` has exited."""
    return [child for child, _ in _descendants_with_parents(pid)]


def _descendants_with_parents(pid: int) -> list[tuple[int, int]]:
    """(descendant, its parent) for every process under `pid`."""
    children: dict[int, list[int]] = {}
    for child, parent in _parent_pids().items():
        children.setdefault(parent, []).append(child)
    result: list[tuple[int, int]] = []
    stack = [(child, pid) for child in children.get(pid, [])]
    while stack:
        child, parent = stack.pop()
        result.append((child, parent))
        stack.extend((grandchild, child) for grandchild in children.get(child, []))
    return result


def _cmdline(pid: int) -> bytes | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None


def _proportional_kb(pid: int) -> int | None:
    """Resident memory of `pid` with pages shared between processes split among them (PSS).

    Falls back to RSS where `smaps_rollup` is missing; None if the process is gone. Reading
    it walks the process's page tables: about 60 ms for a 4 GiB JVM, against a fraction of a
    millisecond for the resident size in `/proc/<pid>/status`.
    """
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return _status_kb(pid, "VmRSS")


def tree_footprint_mb(root: int) -> float:
    """Memory the process tree under `root` holds now, MiB.

    Processes that share pages by fork (a process and its forked copies, which have its
    command line: PySpark's daemon and its Python workers) count with their proportional set
    size (PSS: each shared page split among them); every other process (the dbt process, the
    Spark JVM) with its resident size, which is cheap to read while the tree runs and differs
    from its PSS only by the library pages it shares with other programs. Called every
    fraction of a second while a tree runs, its largest value is the tree's peak footprint:
    processes that never ran at the same time are not added up.
    """
    tree = [(root, None), *_descendants_with_parents(root)]
    commands = {pid: _cmdline(pid) for pid, _ in tree}
    forked = set()
    for pid, parent in tree:
        if parent is not None and commands[pid] and commands[pid] == commands[parent]:
            forked.update((pid, parent))
    total_kb = 0
    for pid, _ in tree:
        if pid in forked:
            total_kb += _proportional_kb(pid) or 0
        else:
            total_kb += _status_kb(pid, "VmRSS") or 0
    return total_kb / 1024.0


def reset_peak(pid: int) -> bool:
    """Reset the kernel's peak-RSS mark of `pid` to its current RSS; False if not allowed."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class PeakMemory:
    """Peak resident memory in MiB: this Python process, the driver JVM, other children.

    `workers_mb` counts any other descendant process (PySpark's Python workers, started only
    when a plan holds Python UDFs; a dbt subprocess's tree).
    """

    python_mb: float
    jvm_mb: float
    workers_mb: float = 0.0

    @property
    def total_mb(self) -> float:
        return self.python_mb + self.jvm_mb + self.workers_mb

    def as_dict(self) -> dict[str, float]:
        return {
            "python_mb": round(self.python_mb, 1),
            "jvm_mb": round(self.jvm_mb, 1),
            "workers_mb": round(self.workers_mb, 1),
            "total_mb": round(self.total_mb, 1),
        }


class PeakTracker:
    """Resets and reads the peak RSS of this process and of every process it started."""

    def __init__(self) -> None:
        self.pid = os.getpid()

    def reset(self) -> None:
        for pid in (self.pid, *descendant_pids(self.pid)):
            reset_peak(pid)

    def read(self) -> PeakMemory:
        python_kb = _status_kb(self.pid, "VmHWM") or 0
        jvm_kb = workers_kb = 0
        for pid in descendant_pids(self.pid):
            peak = _status_kb(pid, "VmHWM") or 0
            if _comm(pid) == "java":
                jvm_kb += peak
            else:
                workers_kb += peak
        return PeakMemory(python_kb / 1024.0, jvm_kb / 1024.0, workers_kb / 1024.0)


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------


@dataclass
class CaseStats:
    """Timed runs of one case (seconds) and its peak memory over them."""

    name: str
    seconds: list[float] = field(default_factory=list)
    warmup_seconds: list[float] = field(default_factory=list)
    peak: PeakMemory | None = None

    @property
    def median_s(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    def record(self, seconds: float, peak: PeakMemory) -> None:
        self.seconds.append(seconds)
        if self.peak is None or peak.total_mb > self.peak.total_mb:
            self.peak = peak

    def as_dict(self) -> dict[str, Any]:
        return {
            "median_s": _round(self.median_s, 3),
            "runs_s": [round(s, 3) for s in self.seconds],
            "warmup_s": [round(s, 3) for s in self.warmup_seconds],
            "peak_rss": self.peak.as_dict() if self.peak else None,
        }


def measure_alternating(
    cases: Mapping[str, Callable[[], object]],
    *,
    runs: int,
    warmup: int = 1,
    tracker: PeakTracker | None = None,
    log: Callable[[str], None] | None = None,
) -> dict[str, CaseStats]:
    """Warm up every case, then run them in turn `runs` times; the cases' timings.

    Each call of a case must do the complete work (force full evaluation); its return value is
    ignored.
    """
    if runs < 1:
        raise ValueError("runs must be at least 1")
    tracker = tracker or PeakTracker()
    stats = {name: CaseStats(name) for name in cases}
    for name, case in cases.items():
        for _ in range(warmup):
            started = time.perf_counter()
            case()
            stats[name].warmup_seconds.append(time.perf_counter() - started)
            if log:
                log(f"  warm-up {name}: {stats[name].warmup_seconds[-1]:.2f} s")
    for run in range(runs):
        for name, case in cases.items():
            tracker.reset()
            started = time.perf_counter()
            case()
            elapsed = time.perf_counter() - started
            stats[name].record(elapsed, tracker.read())
            if log:
                log(f"  run {run + 1}/{runs} {name}: {elapsed:.2f} s")
    return stats


# --------------------------------------------------------------------------------------------
# Comparing results with the peer
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Outcome of comparing two result tables."""

    matches: bool
    detail: str
    rows_left: int
    rows_right: int
    max_rel_diff: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "matches": self.matches,
            "detail": self.detail,
            "rows_project": self.rows_left,
            "rows_peer": self.rows_right,
            "max_rel_diff": self.max_rel_diff,
        }


def compare_frames(
    left: Any,
    right: Any,
    *,
    keys: Sequence[str],
    columns: Sequence[str] | None = None,
    rel_tol: float = DEFAULT_REL_TOL,
) -> Comparison:
    """Compare two pandas DataFrames row by row after sorting both on `keys`.

    Integer, boolean, text and timestamp columns must be equal exactly; floating-point columns
    within `rel_tol` relative to the larger magnitude of the pair, with an absolute floor of
    `rel_tol` times the column's largest magnitude (so values that should be zero but carry
    rounding noise, such as a derivative of a constant, compare as equal). Nulls (None/NaN/NaT)
    must sit in the same places. Column order does not matter; `columns` defaults to the left
    frame's columns, all of which the right frame must have.
    """
    import numpy as np
    import pandas as pd

    columns = list(columns or left.columns)
    missing = [c for c in [*keys, *columns] if c not in right.columns]
    if missing:
        return Comparison(False, f"peer lacks columns {missing}", len(left), len(right))
    if len(left) != len(right):
        return Comparison(
            False, f"row counts differ: {len(left)} vs {len(right)}", len(left), len(right)
        )
    a = left.sort_values(list(keys), kind="mergesort").reset_index(drop=True)
    b = right.sort_values(list(keys), kind="mergesort").reset_index(drop=True)
    worst = 0.0
    for column in columns:
        x, y = a[column], b[column]
        x_null, y_null = x.isna().to_numpy(), y.isna().to_numpy()
        if not np.array_equal(x_null, y_null):
            first = int(np.flatnonzero(x_null != y_null)[0])
            return Comparison(
                False,
                f"nulls differ in {column!r} at sorted row {first}: {x.iloc[first]!r} vs "
                f"{y.iloc[first]!r}",
                len(a),
                len(b),
                worst,
            )
        keep = ~x_null
        if pd.api.types.is_float_dtype(x) or pd.api.types.is_float_dtype(y):
            xv = x[keep].to_numpy(dtype=float)
            yv = y[keep].to_numpy(dtype=float)
            if xv.size == 0:
                continue
            scale = np.maximum(np.abs(xv), np.abs(yv))
            floor = rel_tol * float(np.max(scale))
            diff = np.abs(xv - yv)
            bad = diff > np.maximum(rel_tol * scale, floor)
            with np.errstate(divide="ignore", invalid="ignore"):
                rel = np.where(scale > 0, diff / scale, 0.0)
            worst = max(worst, float(np.max(rel)))
            if bad.any():
                first = int(np.flatnonzero(bad)[0])
                return Comparison(
                    False,
                    f"{column!r} differs beyond {rel_tol:g} relative at {int(bad.sum())} rows, "
                    f"e.g. {xv[first]!r} vs {yv[first]!r}",
                    len(a),
                    len(b),
                    worst,
                )
        else:
            xv, yv = x[keep], y[keep]
            if pd.api.types.is_datetime64_any_dtype(xv) or pd.api.types.is_datetime64_any_dtype(yv):
                xv = pd.to_datetime(xv).astype("datetime64[us]")
                yv = pd.to_datetime(yv).astype("datetime64[us]")
            equal = xv.to_numpy() == yv.to_numpy()
            if not bool(np.all(equal)):
                first = int(np.flatnonzero(~equal)[0])
                return Comparison(
                    False,
                    f"{column!r} differs at {int((~equal).sum())} rows, e.g. "
                    f"{xv.iloc[first]!r} vs {yv.iloc[first]!r}",
                    len(a),
                    len(b),
                    worst,
                )
    return Comparison(True, f"{len(a)} rows, {len(columns)} columns equal", len(a), len(b), worst)


# --------------------------------------------------------------------------------------------
# Result records, table, report
# --------------------------------------------------------------------------------------------


def _round(value: float | None, digits: int) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(value, digits)


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return round(numerator / denominator, 2)


def make_result(
    workload: str,
    *,
    rows: int | None,
    project_s: float | None,
    floor_s: float | None,
    peer_s: float | None,
    matches_peer: bool | None,
    peak_rss_mb: float | None,
    **extra: Any,
) -> dict[str, Any]:
    """One line of `latest.json`: the issue's fields first, then workload-specific details."""
    result: dict[str, Any] = {
        "workload": workload,
        "rows": rows,
        "project_s": _round(project_s, 3),
        "floor_s": _round(floor_s, 3),
        "peer_s": _round(peer_s, 3),
        "ratio_to_floor": _ratio(project_s, floor_s),
        "ratio_to_peer": _ratio(project_s, peer_s),
        "matches_peer": matches_peer,
        "peak_rss_mb": _round(peak_rss_mb, 1),
    }
    result.update(extra)
    return result


def evaluate_goals(result: Mapping[str, Any], goals: Iterable[Mapping[str, Any]]) -> list[dict]:
    """Check a result against its goals.

    A goal is `{"metric": name, "max": limit, "text": description}` (or `"equals"` for an exact
    value); `met` is None when the metric is missing (e.g. no peer).
    """
    checked = []
    for goal in goals:
        value = result.get(goal["metric"])
        if value is None:
            met = None
        elif "max" in goal:
            met = bool(value <= goal["max"])
        else:
            met = bool(value == goal["equals"])
        checked.append({**goal, "value": value, "met": met})
    return checked


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def format_table(results: Sequence[Mapping[str, Any]], *, markdown: bool = False) -> str:
    """The results as a plain-text (or Markdown) table with the issue's columns."""
    header = list(RESULT_FIELDS)
    rows = [[_cell(r.get(name)) for name in header] for r in results]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    aligned = [
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in [header, *rows]
    ]
    rule = "  ".join("-" * w for w in widths)
    return "\n".join([aligned[0], rule, *aligned[1:]])


def format_goals(results: Sequence[Mapping[str, Any]]) -> str:
    lines = []
    for result in results:
        for goal in result.get("goals", []):
            status = {True: "met", False: "MISSED", None: "not measured"}[goal["met"]]
            lines.append(
                f"{result['workload']}: {goal['text']} -> {_cell(goal['value'])} ({status})"
            )
    return "\n".join(lines)


NOTE_FIELDS = {
    "spark_startup_s": "Spark start-up {} s",
    "floor_all_columns_s": "floor reading every column {} s",
    "ratio_to_floor_all_columns": "project / that floor {}",
    "time_to_first_node_s": "dbt start to first node {} s",
    "build_succeeded": "build succeeded: {}",
    "summary_ratio_to_peer": "summary models vs DuckDB summary {}x",
    "dbt_overhead_s": "dbt overhead per run {} s",
    "error": "ERROR: {}",
}


def format_notes(results: Sequence[Mapping[str, Any]]) -> str:
    """One line per workload with the details the table has no column for."""
    lines = []
    for result in results:
        notes = [text.format(result[key]) for key, text in NOTE_FIELDS.items() if key in result]
        partitions = result.get("partitions")
        if partitions:
            notes.append(
                f"largest run {partitions['largest_run_raw_rows']:,} raw rows, "
                f"{partitions['largest_run_occupied_buckets']:,} occupied buckets (the grid "
                f"kernel's input), {partitions['largest_run_grid_rows']:,} grid rows"
            )
        if notes:
            lines.append(f"{result['workload']}: " + "; ".join(notes))
    return "\n".join(lines)


def _command_output(args: Sequence[str]) -> str | None:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (done.stdout + done.stderr).strip() or None


def machine_info() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    versions: dict[str, str | None] = {}
    for module in ("pyspark", "duckdb", "pandas", "pyarrow", "dbt.version"):
        try:
            imported = __import__(module, fromlist=["__version__"])
            versions[module.split(".")[0]] = getattr(
                imported, "__version__", getattr(imported, "__version__", None)
            )
        except ImportError:
            versions[module.split(".")[0]] = None
    java = _command_output(["java", "-version"])
    commit = _command_output(["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"])
    return {
        "hostname": platform.node(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1) if mem_kb else None,
        "os": f"{platform.system()} {platform.release()}",
        "python": sys.version.split()[0],
        "java": java.splitlines()[0] if java else None,
        "versions": versions,
        "git_commit": commit,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def write_report(path: Path, machine: Mapping[str, Any], results: Sequence[Mapping]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"machine": machine, "results": list(results)}, indent=2) + "\n")
    tmp.replace(path)


def validate_report(report: Mapping[str, Any]) -> list[str]:
    """Problems with a report's shape (empty when it has the issue's layout)."""
    problems = []
    if not isinstance(report.get("machine"), dict):
        problems.append("'machine' must be an object")
    results = report.get("results")
    if not isinstance(results, list) or not results:
        return [*problems, "'results' must be a non-empty list"]
    for index, result in enumerate(results):
        absent = [name for name in RESULT_FIELDS if name not in result]
        if absent:
            problems.append(f"result {index} lacks {absent}")
            continue
        if not isinstance(result["workload"], str):
            problems.append(f"result {index}: workload must be text")
        for name in (*RESULT_FIELDS[1:7], "peak_rss_mb"):
            value = result[name]
            if value is not None and not isinstance(value, int | float):
                problems.append(f"result {index}: {name} must be a number or null")
        if result["matches_peer"] not in (True, False, None):
            problems.append(f"result {index}: matches_peer must be true, false or null")
    return problems

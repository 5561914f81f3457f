"""Deterministic generator of long-format robot forming-cell telemetry.

Writes rows shaped like the production feed (see `sample_data/PROVENANCE.md`): one parquet
file per run with the columns

- `time` (string): ISO-8601 UTC with millisecond precision and trailing zeros trimmed, as the
  feed writes them (`...00.444Z`, `...13.78Z`, `...53.8Z`, `...:50:00Z`), so text order is not
  time order;
- `value` (float64): millimetres for encoder fields, newtons for load-cell fields;
- `field` (string): `x`, `y`, `z` (encoder) or `fx`, `fy`, `fz` (load cell);
- `robot_id` (int64): 1 or 2;
- `run_uuid` (string): a random unsigned 64-bit integer at or above 2**63 written in decimal,
  so it does not fit a signed 64-bit integer and must stay a string;
- `sensor_type` (string): `encoder` or `load_cell`.

Each sensor (robot x sensor type) runs on its own clock, starting at a random offset within
its first period. Encoders step 12 ms (98 % of steps; 1 % each 11 ms and 13 ms), load cells
10 ms (98 %; 1 % each 9 ms and 11 ms); the three fields of one sensor share its timestamps.
Positions follow smooth closed-form trajectories (a descending spiral tool path per robot, the
second robot mirrored below the sheet), with 1 micrometre of encoder noise; forces follow the
path (a forming force that grows as the tool descends, plus tangential drag) with 0.5 N noise.

Optional realism: `drop_rate` removes that fraction of samples at random (missed packets), and
`missing_series` mimics the production gaps: run index 1 (the second run) has no `z` of robot 2
and run index 2 (the third) is encoder-only.

The output depends only on the configuration (seed included): the same arguments give
byte-identical values. Rows are written in chunks (one parquet row group per sensor and run),
so memory stays bounded by one sensor series of one run whatever the number of runs.

Usage::

    python -m python_helpers.robot_generator --runs 4 --duration-s 600 --seed 7 --out DIR
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from tqdm import tqdm

ENCODER_FIELDS = ("x", "y", "z")
LOAD_CELL_FIELDS = ("fx", "fy", "fz")
ROBOT_IDS = (1, 2)
SENSOR_FIELDS = {"encoder": ENCODER_FIELDS, "load_cell": LOAD_CELL_FIELDS}
# Nominal step and its jitter (milliseconds, probability) per sensor type.
STEP_CHOICES_MS = {
    "encoder": ((11, 0.01), (12, 0.98), (13, 0.01)),
    "load_cell": ((9, 0.01), (10, 0.98), (11, 0.01)),
}
DEFAULT_START = "2022-11-23T20:40:00"
RUN_GAP_S = 300.0
SCHEMA = pa.schema(
    [
        ("time", pa.string()),
        ("value", pa.float64()),
        ("field", pa.string()),
        ("robot_id", pa.int64()),
        ("run_uuid", pa.string()),
        ("sensor_type", pa.string()),
    ]
)


@dataclass(frozen=True)
class RobotGeneratorConfig:
    """What to generate.

    `duration_s` is the length of each run in seconds; runs follow each other with a
    five-minute pause. `drop_rate` is the probability (0..1) that a sample is missing.
    """

    runs: int = 4
    duration_s: float = 600.0
    seed: int = 42
    start: str = DEFAULT_START
    drop_rate: float = 0.0
    missing_series: bool = False

    def __post_init__(self) -> None:
        if self.runs < 1:
            raise ValueError("runs must be at least 1")
        if self.duration_s <= 0:
            raise ValueError("duration_s must be positive")
        if not 0.0 <= self.drop_rate < 1.0:
            raise ValueError("drop_rate must be in [0, 1)")


@dataclass(frozen=True)
class RunPlan:
    """One run: its index, identifier, start (epoch milliseconds) and the series it carries."""

    index: int
    run_uuid: str
    start_ms: int
    series: tuple[tuple[int, str], ...]  # (robot_id, sensor_type) pairs present in the run


def plan_runs(config: RobotGeneratorConfig) -> list[RunPlan]:
    """The runs to generate, with identifiers drawn from the seed."""
    start_ms = int(np.datetime64(config.start, "ms").astype(np.int64))
    plans = []
    for index in range(config.runs):
        rng = np.random.default_rng([config.seed, index, 0])
        run_uuid = str(int(rng.integers(2**63, 2**64 - 1, dtype=np.uint64, endpoint=True)))
        series = tuple(
            (robot, sensor)
            for robot in ROBOT_IDS
            for sensor in SENSOR_FIELDS
            if not (config.missing_series and index == 2 and sensor == "load_cell")
        )
        run_start = start_ms + round(index * (config.duration_s + RUN_GAP_S) * 1000)
        plans.append(RunPlan(index, run_uuid, run_start, series))
    return plans


def sample_offsets_ms(rng: np.random.Generator, sensor_type: str, duration_s: float) -> np.ndarray:
    """Sample times of one sensor, in milliseconds from the run start (int64, increasing).

    The first sample falls at a random offset inside the first nominal period; the steps
    follow STEP_CHOICES_MS; the last sample is before `duration_s`.
    """
    steps, probabilities = zip(*STEP_CHOICES_MS[sensor_type], strict=True)
    nominal = steps[len(steps) // 2]
    duration_ms = round(duration_s * 1000)
    count = duration_ms // min(steps) + 2
    first = int(rng.integers(0, nominal))
    drawn = rng.choice(np.asarray(steps, dtype=np.int64), size=count, p=probabilities)
    offsets = first + np.concatenate(([0], np.cumsum(drawn[:-1])))
    return offsets[offsets < duration_ms]


def trajectory(robot_id: int, t_s: np.ndarray, duration_s: float, phase: float) -> np.ndarray:
    """Tool-centre position (mm) of one robot at times `t_s` (seconds from run start).

    A spiral of radius shrinking from 150 mm to 30 mm, one turn every 20 s, descending 40 mm
    over the run; robot 2 follows the same path mirrored below the sheet. Shape (3, n).
    """
    progress = t_s / duration_s
    radius = 150.0 - 120.0 * progress
    angle = 2.0 * math.pi * t_s / 20.0 + phase
    sign = 1.0 if robot_id == 1 else -1.0
    x = 800.0 + radius * np.cos(angle)
    y = 400.0 + radius * np.sin(angle)
    z = sign * (-40.0 * progress + 2.0 * np.sin(2.0 * math.pi * t_s / 7.0))
    return np.vstack((x, y, z))


def forces(robot_id: int, t_s: np.ndarray, duration_s: float, phase: float) -> np.ndarray:
    """Forming force (N) on one robot's tool at times `t_s`: drag along the path, push in z."""
    progress = t_s / duration_s
    angle = 2.0 * math.pi * t_s / 20.0 + phase
    sign = 1.0 if robot_id == 1 else -1.0
    drag = 60.0 + 40.0 * progress
    fx = -drag * np.sin(angle)
    fy = drag * np.cos(angle)
    fz = -sign * (300.0 + 500.0 * progress + 30.0 * np.sin(2.0 * math.pi * t_s / 7.0))
    return np.vstack((fx, fy, fz))


def format_times(epoch_ms: np.ndarray) -> pa.Array:
    """ISO-8601 UTC strings with trailing fractional zeros trimmed (`...00.44Z`, `...:00Z`)."""
    stamps = pa.array(epoch_ms, type=pa.timestamp("ms"))
    text = pc.strftime(stamps, format="%Y-%m-%dT%H:%M:%S")  # %S carries the milliseconds
    with_zone = pc.binary_join_element_wise(text, pa.scalar("Z"), "")
    return pc.replace_substring_regex(with_zone, pattern=r"\.?0+Z$", replacement="Z")


def series_table(
    config: RobotGeneratorConfig, plan: RunPlan, robot_id: int, sensor_type: str
) -> pa.Table:
    """All rows of one sensor (three fields) of one run, long format."""
    sensor_index = ROBOT_IDS.index(robot_id) * 2 + list(SENSOR_FIELDS).index(sensor_type)
    rng = np.random.default_rng([config.seed, plan.index, 1 + sensor_index])
    offsets = sample_offsets_ms(rng, sensor_type, config.duration_s)
    if config.drop_rate > 0:
        offsets = offsets[rng.random(offsets.size) >= config.drop_rate]
    t_s = offsets / 1000.0
    phase = np.random.default_rng([config.seed, plan.index, 99]).uniform(0, 2 * math.pi)
    if sensor_type == "encoder":
        values = trajectory(robot_id, t_s, config.duration_s, phase)
        values = values + rng.normal(0.0, 0.001, size=values.shape)
    else:
        values = forces(robot_id, t_s, config.duration_s, phase)
        values = values + rng.normal(0.0, 0.5, size=values.shape)
    fields = SENSOR_FIELDS[sensor_type]
    keep = [
        i
        for i, name in enumerate(fields)
        if not (config.missing_series and plan.index == 1 and robot_id == 2 and name == "z")
    ]
    n = offsets.size
    times = format_times(plan.start_ms + offsets)
    columns = {
        "time": pa.concat_arrays([times] * len(keep)),
        "value": pa.array(np.concatenate([values[i] for i in keep]), type=pa.float64()),
        "field": pa.array(np.repeat(np.array([fields[i] for i in keep], dtype=object), n)),
        "robot_id": pa.array(np.full(n * len(keep), robot_id, dtype=np.int64)),
        "run_uuid": pa.array([plan.run_uuid] * (n * len(keep)), type=pa.string()),
        "sensor_type": pa.array([sensor_type] * (n * len(keep)), type=pa.string()),
    }
    return pa.table(columns, schema=SCHEMA)


def iter_run_tables(config: RobotGeneratorConfig, plan: RunPlan) -> Iterator[pa.Table]:
    """The row groups of one run, one per sensor present in it."""
    for robot_id, sensor_type in plan.series:
        yield series_table(config, plan, robot_id, sensor_type)


def write_dataset(config: RobotGeneratorConfig, out_dir: Path, *, progress: bool = True) -> int:
    """Write one `robot_run_<index>_<run_uuid>.parquet` per run into `out_dir`; rows written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    plans = plan_runs(config)
    total = 0
    bar = tqdm(
        total=sum(len(p.series) for p in plans),
        desc="robot runs",
        unit="series",
        disable=not progress,
    )
    with bar:
        for plan in plans:
            path = out_dir / f"robot_run_{plan.index:04d}_{plan.run_uuid}.parquet"
            tmp = path.with_suffix(".parquet.tmp")
            with pq.ParquetWriter(tmp, SCHEMA, compression="snappy") as writer:
                for table in iter_run_tables(config, plan):
                    writer.write_table(table)
                    total += table.num_rows
                    bar.update(1)
            tmp.replace(path)
    return total


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m python_helpers.robot_generator",
        description="Generate long-format robot forming-cell telemetry as parquet files.",
    )
    parser.add_argument("--runs", type=int, default=4, help="number of runs (default 4)")
    parser.add_argument(
        "--duration-s", type=float, default=600.0, help="length of each run, seconds"
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--start", default=DEFAULT_START, help="first run start, UTC ISO time")
    parser.add_argument(
        "--drop-rate", type=float, default=0.0, help="fraction of samples missing (0..1)"
    )
    parser.add_argument(
        "--missing-series",
        action="store_true",
        help="mimic production gaps: run 1 has no z_2, run 2 is encoder-only",
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    config = RobotGeneratorConfig(
        runs=args.runs,
        duration_s=args.duration_s,
        seed=args.seed,
        start=args.start,
        drop_rate=args.drop_rate,
        missing_series=args.missing_series,
    )
    rows = write_dataset(config, args.out, progress=not args.no_progress)
    print(f"wrote {rows} rows in {config.runs} runs to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

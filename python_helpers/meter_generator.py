"""Synthetic per-second energy meter readings (`meter,time,energy,power` CSV files).

Writes one reading per second for each of N meters over H hours, in the landing format of
the energy meters feed: `meter` (id, e.g. `M00001`), `time` (`yyyy-MM-dd HH:mm:ss`, UTC),
`energy` (cumulative counter, integer mWh) and `power` (instantaneous, integer mW).

Signal per meter: a load between 50 W and 5 kW (about one meter in ten exports: negative
power, falling counter) with a daily sinusoidal swing, sampled each second with random noise.
The counter is the running integral of the reported power (mW x s / 3600 = mWh), floored to
whole mWh. Each hour's integral equals the closed-form integral of the meter's load over that
hour (the hour's noisy samples are scaled to it), so the counter at any hour follows from the
hour alone: it starts from a random value (100-1,000 MWh) at 2024-01-01 00:00 UTC and
continues from there whatever `--start` is. A delivery that starts where an earlier one
ended continues its counters exactly; one that starts later shows the energy of the hours in
between in its first counter step, as a meter that kept counting would.

Determinism: the output depends only on the arguments other than `--chunk-rows`, and the
readings of a given meter and hour are the same in every delivery that holds them, whatever
its `--meters`. Random numbers are drawn per (seed, block of 100 meters) for each meter's
load, always for a whole block, and per (seed, hour, block) for the noise, meter after meter,
so a meter's numbers do not depend on how many meters follow it in its block, and the chunk
size changes only how rows are split into files. Files are written
in chunks named after the first reading time and a sequence number
(`readings_20240101T000000_00000.csv`, ...), each holding whole hours of a block of meters,
never the whole data set in memory. A later `--start` into the same
folder adds files instead of replacing them, as a new delivery to the landing folder would.
`--start` is on a whole hour.

Run: `telemetry-generate-meters --meters 100 --hours 24 --out landing/energy_meters` or
`python -m python_helpers.meter_generator ...`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
from tqdm import tqdm

HEADER = b"meter,time,energy,power\n"
SECONDS_PER_HOUR = 3600
METERS_PER_BLOCK = 100
EXPORTING_SHARE = 0.1
DEFAULT_START = "2024-01-01T00:00:00"
DEFAULT_START_TIME = np.datetime64(DEFAULT_START, "s")
#: Where every meter's counter has its random initial value.
COUNTER_EPOCH = DEFAULT_START_TIME
SWING_AMPLITUDE = 0.3
RADIANS_PER_SECOND = 2 * np.pi / 86_400.0
# Sum over an hour's seconds s = a .. a + 3599 of sin(w s + phase) is
# HOUR_SINE_SUM_FACTOR * sin(w (a + 1799.5) + phase) (sum of a sine over equal steps).
HOUR_SINE_SUM_FACTOR = np.sin(1800 * RADIANS_PER_SECOND) / np.sin(RADIANS_PER_SECOND / 2)
_UNIX_EPOCH = np.datetime64("1970-01-01T00:00:00", "s")


@dataclass(frozen=True)
class GeneratorConfig:
    """What to generate. `start` is a naive UTC time on a whole hour, from 1970 on."""

    meters: int
    hours: int
    seed: int = 0
    start: np.datetime64 = DEFAULT_START_TIME
    chunk_rows: int = 5_000_000

    def __post_init__(self) -> None:
        if self.meters < 1 or self.hours < 1:
            raise ValueError("meters and hours must be at least 1")
        if self.chunk_rows < 1:
            raise ValueError("chunk_rows must be at least 1")
        since_unix_epoch = int((self.start - _UNIX_EPOCH) / np.timedelta64(1, "s"))
        if since_unix_epoch < 0 or since_unix_epoch % SECONDS_PER_HOUR:
            raise ValueError("start must be on a whole hour, from 1970-01-01 on")

    @property
    def first_hour(self) -> int:
        """Index of the first generated hour, counted from COUNTER_EPOCH (negative before)."""
        return int((self.start - COUNTER_EPOCH) / np.timedelta64(SECONDS_PER_HOUR, "s"))


@dataclass
class _MeterBlock:
    """Fixed per-meter parameters and the running counter of one block of meters."""

    names: np.ndarray  # str
    base_mw: np.ndarray  # float, signed: negative for exporting meters (mW)
    phase: np.ndarray  # float, radians
    counter_mws: np.ndarray  # int64, exact running integral of power (mW x s)


def meter_names(count: int, first: int = 0) -> list[str]:
    """Ids of the meters `first` .. `count - 1` (0-based): `M00001` ... in generation order."""
    return [f"M{index:05d}" for index in range(first + 1, count + 1)]


def _block_ranges(meters: int) -> list[tuple[int, int]]:
    return [
        (first, min(first + METERS_PER_BLOCK, meters))
        for first in range(0, meters, METERS_PER_BLOCK)
    ]


def hour_energy_mws(base_mw: np.ndarray, phase: np.ndarray, hours: np.ndarray) -> np.ndarray:
    """Each meter's load summed over the seconds of each hour (mW x s, rounded to integers).

    `hours` counts from COUNTER_EPOCH; the load at second s is
    `base_mw * (1 + SWING_AMPLITUDE * sin(RADIANS_PER_SECOND * s + phase))`. Shape: meters x
    hours.
    """
    middle_s = hours[None, :] * SECONDS_PER_HOUR + (SECONDS_PER_HOUR - 1) / 2
    sine_sum = HOUR_SINE_SUM_FACTOR * np.sin(RADIANS_PER_SECOND * middle_s + phase[:, None])
    return np.rint(base_mw[:, None] * (SECONDS_PER_HOUR + SWING_AMPLITUDE * sine_sum)).astype(
        np.int64
    )


def _counter_at_hour_mws(
    initial_mws: np.ndarray, base_mw: np.ndarray, phase: np.ndarray, hour: int
) -> np.ndarray:
    """Counters (mW x s) at the start of `hour` (from COUNTER_EPOCH) from their values there."""
    counter = initial_mws.copy()
    sign, first, last = (1, 0, hour) if hour >= 0 else (-1, hour, 0)
    step = 8_760  # a year of hours at a time bounds the memory for distant starts
    for chunk_first in range(first, last, step):
        hours = np.arange(chunk_first, min(chunk_first + step, last))
        counter += sign * hour_energy_mws(base_mw, phase, hours).sum(axis=1)
    return counter


def _new_block(config: GeneratorConfig, block_index: int, first: int, last: int) -> _MeterBlock:
    rng = np.random.default_rng([config.seed, block_index, 0])
    size = last - first
    # Drawn for a whole block and cut, so that a meter's load does not depend on how many
    # meters a partial last block holds (i.e. on `--meters`).
    base = rng.uniform(50_000.0, 5_000_000.0, METERS_PER_BLOCK)[:size]
    exporting = (rng.random(METERS_PER_BLOCK) < EXPORTING_SHARE)[:size]
    base_mw = np.where(exporting, -base, base)
    phase = rng.uniform(0.0, 2 * np.pi, METERS_PER_BLOCK)[:size]
    initial_mwh = rng.uniform(1.0e11, 1.0e12, METERS_PER_BLOCK)[:size]
    initial_mws = np.rint(initial_mwh * SECONDS_PER_HOUR).astype(np.int64)
    return _MeterBlock(
        names=np.array(meter_names(last, first), dtype=object),
        base_mw=base_mw,
        phase=phase,
        counter_mws=_counter_at_hour_mws(initial_mws, base_mw, phase, config.first_hour),
    )


def _block_hour(
    config: GeneratorConfig, block: _MeterBlock, block_index: int, hour: int
) -> pa.Table:
    """Readings of one block of meters for one generated hour (0 = the first), meter-major;
    advances the counters."""
    epoch_hour = config.first_hour + hour
    hours_since_1970 = int((COUNTER_EPOCH - _UNIX_EPOCH) / np.timedelta64(3600, "s")) + epoch_hour
    rng = np.random.default_rng([config.seed, block_index, 1 + hours_since_1970])
    size = len(block.names)
    seconds = epoch_hour * SECONDS_PER_HOUR + np.arange(SECONDS_PER_HOUR)
    load = block.base_mw[:, None] * (
        1.0 + SWING_AMPLITUDE * np.sin(RADIANS_PER_SECOND * seconds[None, :] + block.phase[:, None])
    )
    sampled = load * rng.normal(1.0, 0.05, (size, SECONDS_PER_HOUR))
    hour_mws = hour_energy_mws(block.base_mw, block.phase, np.array([epoch_hour]))[:, 0]
    power = np.rint(sampled * (hour_mws / sampled.sum(axis=1))[:, None]).astype(np.int64)
    # Rounding leaves the hour a few mW x s off its integral: the last second takes it up.
    power[:, -1] += hour_mws - power.sum(axis=1)
    running_mws = block.counter_mws[:, None] + np.cumsum(power, axis=1)
    block.counter_mws = running_mws[:, -1].copy()
    times = config.start + (hour * SECONDS_PER_HOUR + np.arange(SECONDS_PER_HOUR)).astype(
        "timedelta64[s]"
    )
    return pa.table(
        {
            "meter": pa.array(np.repeat(block.names, SECONDS_PER_HOUR), pa.string()),
            "time": pa.array(np.tile(times, size)),
            "energy": pa.array((running_mws // SECONDS_PER_HOUR).ravel()),
            "power": pa.array(power.ravel()),
        }
    )


def iter_tables(config: GeneratorConfig) -> Iterator[pa.Table]:
    """Readings as Arrow tables, hour by hour, each hour block by block of meters."""
    ranges = _block_ranges(config.meters)
    blocks = [_new_block(config, index, first, last) for index, (first, last) in enumerate(ranges)]
    for hour in range(config.hours):
        for index, block in enumerate(blocks):
            yield _block_hour(config, block, index, hour)


def write_readings(config: GeneratorConfig, out_dir: Path, *, progress: bool = True) -> list[Path]:
    """Write the readings as CSV files under `out_dir`; return the files written.

    A new file is started once the current one holds at least `chunk_rows` rows.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    name_prefix = f"readings_{config.start.astype(datetime):%Y%m%dT%H%M%S}"
    total = config.meters * config.hours * SECONDS_PER_HOUR
    options = pa_csv.WriteOptions(include_header=False, quoting_style="none")
    files: list[Path] = []
    handle = None
    rows_in_file = 0
    try:
        with tqdm(total=total, unit="rows", unit_scale=True, disable=not progress) as bar:
            for table in iter_tables(config):
                if handle is None or rows_in_file >= config.chunk_rows:
                    if handle is not None:
                        handle.close()
                    path = out_dir / f"{name_prefix}_{len(files):05d}.csv"
                    files.append(path)
                    handle = open(path, "wb")  # noqa: SIM115 - closed when the chunk is full
                    handle.write(HEADER)
                    rows_in_file = 0
                pa_csv.write_csv(table, handle, options)
                rows_in_file += table.num_rows
                bar.update(table.num_rows)
    finally:
        if handle is not None:
            handle.close()
    return files


def _parse_start(text: str) -> np.datetime64:
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is not None:
        raise argparse.ArgumentTypeError("--start is a naive UTC time, without an offset")
    return np.datetime64(parsed.replace(microsecond=0), "s")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="telemetry-generate-meters",
        description="Write per-second energy meter readings (meter,time,energy,power CSV).",
    )
    parser.add_argument("--meters", type=int, required=True, help="number of meters")
    parser.add_argument("--hours", type=int, required=True, help="hours of readings per meter")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--start",
        type=_parse_start,
        default=DEFAULT_START_TIME,
        help=f"first reading time, naive UTC, on a whole hour (default {DEFAULT_START})",
    )
    parser.add_argument(
        "--chunk-rows",
        type=int,
        default=5_000_000,
        help="rows per output file, rounded up to whole hour blocks (default 5,000,000)",
    )
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = GeneratorConfig(
            meters=args.meters,
            hours=args.hours,
            seed=args.seed,
            start=args.start,
            chunk_rows=args.chunk_rows,
        )
    except ValueError as exc:
        print(f"telemetry-generate-meters: {exc}", file=sys.stderr)
        return 2
    files = write_readings(config, args.out, progress=not args.no_progress)
    rows = config.meters * config.hours * SECONDS_PER_HOUR
    print(f"wrote {rows:,} readings to {len(files)} file(s) under {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

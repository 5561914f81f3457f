"""Wind turbine feed scaled up: `data_group_<n>.csv` files like the sample, with its defects.

The sample (`sample_data/wind_turbines`, 15 turbines, March 2022, hourly) holds independent
values spread evenly over wind speed 9-15 m/s, direction 0-359 degrees and power 1.5-4.5 MW,
written with one decimal (direction as an integer), CRLF line endings, rows ordered by time
then turbine, five turbines per file. This module writes the same shape for any number of
turbines (a multiple of five) over `days` days from 2022-03-01, and adds the defects the real
feed carries (`sample_data/PROVENANCE.md`), at fixed rates drawn from the seed:

- 1 % of rows missing; 0.5 % of rows delivered twice;
- 0.3 % empty cells, 0.2 % cells holding the text `error`;
- 0.2 % negative power, 0.2 % power of 300 or 999 MW, 0.1 % direction 380;
- whole numbers written without the decimal (`4` for `4.0`), as the sample's writer does;
- about 2 % of turbines run at 40 % output on 3 days, the deviating turbines the summary
  should report.

A registry CSV for the generated fleet (`turbine_id,turbine_group,rated_power_mw,
in_service_from`: 5 MW, in service from the first generated day) is written next to the data
folder as `wind_turbine_registry.csv`. Deterministic by seed.

Usage: `python -m benchmarks.wind_data --turbines 1000 --days 31 --seed 1 --out DIR`.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tqdm import tqdm

START = np.datetime64("2022-03-01T00:00:00", "s")
TURBINES_PER_FILE = 5
RATED_POWER_MW = 5.0
MISSING_ROW_RATE = 0.01
DUPLICATE_ROW_RATE = 0.005
EMPTY_CELL_RATE = 0.003
ERROR_CELL_RATE = 0.002
NEGATIVE_POWER_RATE = 0.002
HUGE_POWER_RATE = 0.002
BAD_DIRECTION_RATE = 0.001
DEVIATING_TURBINE_SHARE = 0.02


def _number(values: np.ndarray) -> np.ndarray:
    """One-decimal text, with whole numbers written without the decimal (`4`, not `4.0`)."""
    text = np.char.mod("%.1f", values)
    return np.where(np.char.endswith(text, ".0"), np.char.replace(text, ".0", ""), text)


def group_rows(group: int, days: int, seed: int) -> list[str]:
    """CSV lines (without header) of one group file: turbines 5(group-1)+1 .. 5 group."""
    rng = np.random.default_rng([seed, group])
    hours = days * 24
    turbines = np.arange((group - 1) * TURBINES_PER_FILE + 1, group * TURBINES_PER_FILE + 1)
    times = START + np.arange(hours).astype("timedelta64[h]")
    # Row order: time, then turbine (as in the sample).
    t_index = np.repeat(np.arange(hours), TURBINES_PER_FILE)
    turbine = np.tile(turbines, hours)
    n = t_index.size
    speed = np.round(rng.uniform(9.0, 15.0, n), 1)
    direction = rng.integers(0, 360, n).astype(float)
    power = np.round(rng.uniform(1.5, 4.5, n), 1)
    deviating = rng.random(TURBINES_PER_FILE) < DEVIATING_TURBINE_SHARE
    if deviating.any():
        low_days = rng.choice(days, size=min(3, days), replace=False)
        is_low = np.isin(turbine, turbines[deviating]) & np.isin(t_index // 24, low_days)
        power = np.where(is_low, np.round(power * 0.4, 1), power)
    power = np.where(rng.random(n) < NEGATIVE_POWER_RATE, -power, power)
    huge = rng.random(n) < HUGE_POWER_RATE
    power = np.where(huge, rng.choice([300.0, 999.0], n), power)
    direction = np.where(rng.random(n) < BAD_DIRECTION_RATE, 380.0, direction)

    cells = [
        np.datetime_as_string(times[t_index], unit="s").astype(object),
        turbine.astype(str).astype(object),
        _number(speed).astype(object),
        np.char.mod("%d", direction).astype(object),
        _number(power).astype(object),
    ]
    for column in cells[2:]:
        empty = rng.random(n) < EMPTY_CELL_RATE
        error = rng.random(n) < ERROR_CELL_RATE
        column[empty] = ""
        column[error] = "error"
    timestamps = np.char.replace(cells[0].astype(str), "T", " ")
    lines = [
        f"{ts},{tid},{ws},{wd},{po}"
        for ts, tid, ws, wd, po in zip(timestamps, *cells[1:], strict=True)
    ]
    keep = rng.random(n) >= MISSING_ROW_RATE
    duplicate = rng.random(n) < DUPLICATE_ROW_RATE
    out: list[str] = []
    for line, kept, twice in zip(lines, keep, duplicate, strict=True):
        if kept:
            out.append(line)
            if twice:
                out.append(line)
    return out


def write_feed(out_dir: Path, turbines: int, days: int, seed: int, *, progress: bool = True) -> int:
    """Write the group files and the registry; return the data rows written."""
    if turbines < TURBINES_PER_FILE or turbines % TURBINES_PER_FILE:
        raise ValueError("turbines must be a positive multiple of 5")
    out_dir.mkdir(parents=True, exist_ok=True)
    groups = turbines // TURBINES_PER_FILE
    total = 0
    for group in tqdm(range(1, groups + 1), desc="wind groups", disable=not progress):
        lines = group_rows(group, days, seed)
        body = "timestamp,turbine_id,wind_speed,wind_direction,power_output\r\n"
        body += "\r\n".join(lines) + "\r\n"
        (out_dir / f"data_group_{group}.csv").write_text(body, newline="")
        total += len(lines)
    in_service_from = str(START.astype("datetime64[D]"))
    registry = ["turbine_id,turbine_group,rated_power_mw,in_service_from"] + [
        f"{t},{(t - 1) // TURBINES_PER_FILE + 1},{RATED_POWER_MW},{in_service_from}"
        for t in range(1, turbines + 1)
    ]
    (out_dir.parent / "wind_turbine_registry.csv").write_text("\n".join(registry) + "\n")
    return total


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.wind_data", description=__doc__)
    parser.add_argument("--turbines", type=int, default=1000)
    parser.add_argument("--days", type=int, default=31)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    rows = write_feed(args.out, args.turbines, args.days, args.seed, progress=not args.no_progress)
    print(f"wrote {rows} rows for {args.turbines} turbines to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

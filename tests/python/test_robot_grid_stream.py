"""Unit tests of python_helpers.robot_grid_stream, the streaming grid kernel (no Spark).

The kernel reads a partition's occupied buckets in Arrow batches. Its result must not depend
on how the rows are cut into batches, must equal a whole-run computation done independently
with pandas (fills) and numpy.gradient (derivatives), and must emit rows as it goes rather
than holding runs until they end.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from python_helpers.robot_forming import (
    KINEMATICS_STREAM_LAYOUT as LAYOUT,
)
from python_helpers.robot_grid_stream import gradient, grid_stream

BUCKET_US = 10_000
T0_US = 1_669_236_000_000_000  # 2022-11-23 20:40:00 UTC, a multiple of the bucket
POSITIONS = list(LAYOUT.positions)
SERIES = list(LAYOUT.series)


def occupied_buckets(seed: int) -> pd.DataFrame:
    """Two runs of bucket means in the kernel's input layout (without the summary rows).

    Run "a" (600 buckets): encoders of robot 1 every 1-2 buckets on a sine, with a 150-bucket
    silence of x_1 only; forces of robot 1 on most buckets; z_2 a single observation (bucket
    3); robot 2's other series absent. Run "b" (300 buckets): y_1 first observed at bucket
    120 (back fill), x_1 last observed at bucket 40, fx_2 the only force.
    Empty buckets between occupied ones exercise the grid expansion.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for run, length in (("a", 600), ("b", 300)):
        for bucket in range(length):
            row = {"run_uuid": run, "_bucket_us": T0_US + bucket * BUCKET_US}
            t = bucket / 100
            for axis, name in enumerate(("x_1", "y_1", "z_1")):
                silent = (
                    (run == "a" and name == "x_1" and 200 <= bucket < 350)
                    or (run == "b" and name == "y_1" and bucket < 120)
                    or (run == "b" and name == "x_1" and bucket > 40)
                )
                if rng.random() < 0.7 and not silent:
                    row[name] = 100 * np.sin(2 * t + axis)
                    row[f"sample_offset_ms_{name}"] = round(rng.uniform(0, 9.999), 3)
            if run == "a" and bucket == 3:
                row["z_2"] = 5.0
                row["sample_offset_ms_z_2"] = 2.5
            for name in ("fx_1", "fy_1", "fz_1") if run == "a" else ("fx_2",):
                if rng.random() < 0.8:
                    row[name] = float(rng.normal(10, 2))
            if len(row) > 2 and rng.random() < 0.9:  # some buckets stay empty
                rows.append(row)
    frame = pd.DataFrame(rows)
    for name in SERIES + list(LAYOUT.offsets):
        if name not in frame:
            frame[name] = np.nan
    return frame


def with_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Put each run's summary row before its buckets: bucket null, each series' first mean in
    the series columns, each encoder series' last observed bucket in the last-bucket columns."""
    records: list[dict[str, object]] = []
    for run, rows in frame.groupby("run_uuid"):
        rows = rows.sort_values("_bucket_us")
        summary: dict[str, object] = {"run_uuid": run, "_bucket_us": None}
        for series in SERIES:
            observed = rows[series].dropna()
            summary[series] = observed.iloc[0] if len(observed) else None
        for series, last_name in zip(POSITIONS, LAYOUT.last_buckets, strict=True):
            observed = rows.loc[rows[series].notna(), "_bucket_us"]
            summary[last_name] = observed.max() if len(observed) else None
        records += [summary, *rows.to_dict("records")]
    return pd.DataFrame.from_records(records)


def to_batches(frame: pd.DataFrame, size: int) -> list[pa.RecordBatch]:
    """The kernel's input for the occupied buckets `frame`, in batches of `size` rows."""
    columns = ["run_uuid", "_bucket_us", *SERIES, *LAYOUT.offsets, *LAYOUT.last_buckets]
    schema = pa.schema(
        [
            ("run_uuid", pa.string()),
            ("_bucket_us", pa.int64()),
            *((name, pa.float64()) for name in (*SERIES, *LAYOUT.offsets)),
            *((name, pa.int64()) for name in LAYOUT.last_buckets),
        ]
    )
    rows = with_summary(frame)[columns].astype(object)
    table = pa.Table.from_pandas(rows.where(rows.notna(), None), schema, preserve_index=False)
    return table.to_batches(max_chunksize=size)


def run_kernel(batches: list[pa.RecordBatch]) -> pd.DataFrame:
    output = list(grid_stream(iter(batches), layout=LAYOUT, bucket_us=BUCKET_US))
    return pa.Table.from_batches(output, schema=LAYOUT.output_schema()).to_pandas()


def expected_grid(frame: pd.DataFrame) -> pd.DataFrame:
    """The grid computed per whole run with pandas fills and numpy.gradient derivatives."""
    results = []
    for run, rows in frame.groupby("run_uuid"):
        rows = rows.set_index("_bucket_us").sort_index()
        grid = pd.RangeIndex(rows.index.min(), rows.index.max() + BUCKET_US, BUCKET_US)
        occupied = rows.reindex(grid)
        out = pd.DataFrame(index=grid)
        out["run_uuid"] = run
        for series, flag in zip(SERIES, LAYOUT.flags, strict=True):
            out[series] = occupied[series].ffill().bfill()
            out[flag] = occupied[series].notna()
        for name in LAYOUT.offsets:
            out[name] = occupied[name]
        for series, v_name, a_name in zip(
            POSITIONS, LAYOUT.velocities, LAYOUT.accelerations, strict=True
        ):
            observed = rows[rows[series].notna()]
            seconds = (observed.index - T0_US) / 1e6 + observed[f"sample_offset_ms_{series}"] / 1e3
            velocity = pd.Series(np.nan, index=observed.index)
            acceleration = pd.Series(np.nan, index=observed.index)
            if len(observed) >= 2:
                velocity[:] = np.gradient(observed[series].to_numpy(), seconds, edge_order=1)
                acceleration[:] = np.gradient(velocity.to_numpy(), seconds, edge_order=1)
            out[v_name] = velocity.reindex(grid).ffill().bfill()
            out[a_name] = acceleration.reindex(grid).ffill().bfill()
        for name, parts in LAYOUT.norms:
            out[name] = np.sqrt(sum(out[part] ** 2 for part in parts))
        out["time"] = pd.to_datetime(out.index, unit="us", utc=True)
        results.append(out.reset_index(drop=True))
    return pd.concat(results, ignore_index=True)


@pytest.fixture(scope="module")
def occupied() -> pd.DataFrame:
    return occupied_buckets(seed=3)


def assert_same_grid(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(actual.columns) == [f.name for f in LAYOUT.output_schema()]
    assert len(actual) == len(expected)
    for name in actual.columns:
        left, right = actual[name], expected[name]
        if name in LAYOUT.flags or name in ("run_uuid", "time"):
            assert left.tolist() == right.tolist(), name
        else:
            np.testing.assert_allclose(
                left.to_numpy(dtype=float), right.to_numpy(dtype=float), rtol=1e-9, err_msg=name
            )


def test_grid_equals_whole_run_pandas_and_numpy(occupied) -> None:
    assert_same_grid(run_kernel(to_batches(occupied, size=10_000)), expected_grid(occupied))


@pytest.mark.parametrize("size", [1, 2, 7, 64])
def test_result_does_not_depend_on_batch_boundaries(occupied, size) -> None:
    assert_same_grid(run_kernel(to_batches(occupied, size=size)), expected_grid(occupied))


def test_absent_and_single_observation_series_have_null_derivatives(occupied) -> None:
    grid = run_kernel(to_batches(occupied, size=16))
    run_a = grid[grid.run_uuid == "a"]
    # z_2: one observation -> value filled everywhere, no derivative; x_2: absent -> null.
    assert (run_a["z_2"] == 5.0).all()
    assert run_a["vz_2"].isna().all() and run_a["az_2"].isna().all() and run_a["v2"].isna().all()
    assert run_a["x_2"].isna().all() and not run_a["is_observed_x_2"].any()


def test_rows_are_emitted_while_reading_not_at_run_end(occupied) -> None:
    """Output follows input a few buckets behind, except where derivatives need observations
    that have not been read yet.

    - Run a, x_1 silent from bucket 200 to 349: rows from its last observation on wait for
      its next two observations.
    - Run b, y_1 first observed at bucket 120: the rows before wait for its first derivative
      (their back fill), which needs three observations.
    - Run b, x_1 last observed at bucket 40: nothing waits for it afterwards, because the run
      summary gives its last bucket.
    """
    emitted = {"run": None, "bucket": -1}
    lags: list[tuple[str, int, int]] = []  # (run, bucket read, buckets read but not emitted)

    def tracked(batches: list[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            run = batch.column("run_uuid")[0].as_py()
            first_bucket = pc.min(batch.column("_bucket_us")).as_py()  # skips a summary row
            read = (first_bucket - T0_US) // BUCKET_US
            if run == batch.column("run_uuid")[-1].as_py():
                behind = read - emitted["bucket"] if emitted["run"] == run else read
                lags.append((run, read, behind))
            yield batch

    stream = grid_stream(tracked(to_batches(occupied, size=8)), layout=LAYOUT, bucket_us=BUCKET_US)
    for out in stream:
        emitted["run"] = out.column("run_uuid")[-1].as_py()
        emitted["bucket"] = (out.column("time").cast(pa.int64())[-1].as_py() - T0_US) // BUCKET_US

    def behind(run: str, first: int, last: int) -> list[int]:
        return [lag for lag_run, read, lag in lags if lag_run == run and first <= read < last]

    assert min(behind("a", 300, 350)) >= 95  # waited from about bucket 200 on
    assert min(behind("b", 100, 120)) >= 95  # waited from the start of the run
    steady = behind("a", 0, 195) + behind("a", 365, 600) + behind("b", 135, 300)
    assert max(steady) <= 20  # batches of 8 rows and two observations of look-ahead


def test_gradient_matches_numpy_on_uneven_points() -> None:
    t = np.array([0.0, 0.01, 0.05, 0.06, 0.1])
    x = np.array([0.0, 1.0, 3.0, 2.5, 7.0])
    step = np.concatenate([[0.0], np.diff(t)])
    derivative, present = gradient(x, np.ones(5, dtype=bool), step)
    np.testing.assert_allclose(derivative, np.gradient(x, t, edge_order=1), rtol=1e-12)
    assert present.all()
    _, present = gradient(x, np.array([True, True, False, True, True]), step)
    assert present.tolist() == [True, False, False, False, True]


def test_a_run_without_its_summary_row_first_is_an_error(occupied) -> None:
    batches = to_batches(occupied, size=10_000)
    without_first_summary = [batches[0].slice(1), *batches[1:]]
    with pytest.raises(ValueError, match="does not start with its summary row"):
        run_kernel(without_first_summary)
    summary_twice = [batches[0].slice(0, 1), *batches]
    with pytest.raises(ValueError, match="has a summary row after its first row"):
        run_kernel(summary_twice)

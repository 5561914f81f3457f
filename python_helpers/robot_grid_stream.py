"""Streaming fill, derivatives and grid expansion of robot bucket means (numpy over Arrow).

`robot_forming.resample_with_kinematics` hands each Spark partition to `grid_stream` through
`mapInArrow`: the occupied buckets of whole runs, sorted by (run_uuid, bucket), in Arrow record
batches. This module turns them into the gap-free grid with filled values, observed flags,
encoder sample offsets, velocities, accelerations and norms, reading the batches once in order
and keeping only a small state per run:

- the last filled value of each series (forward fill across batch boundaries);
- the last three observations (bucket, mean, sample offset) of each encoder series, enough to
  compute the derivatives of the next observations;
- the pending buckets: rows whose derivatives are not known yet because the encoder series has
  not been observed twice more since the row's last observation (the acceleration at an
  observation uses the two observations on each side). At 12 ms encoders that is two or three
  buckets; a stretch in which one encoder series is silent while others report waits until the
  series reports again (or its last observation in the run, which the run summary gives).

Each run starts with a summary row (unioned into the stream before the sort, its bucket null
so it sorts first): each series' first observed mean (for the back fill before the first
observation) and each encoder series' last observed bucket (so that rows after it never wait
for observations that will not come).

Definitions (the same as `robot_forming.resample_with_kinematics`'s docstring): a bucket's value
is the mean of its samples; empty buckets take the last observed value before them, buckets
before a series' first observation its first value; derivatives are taken at each observation
at the samples' mean time (bucket start + mean offset) from the neighbouring observations of
the series with numpy.gradient's second-order formula for uneven spacing (one-sided at a run's
first and last observation, null for a single observation), and filled like the values.
Nulls are tracked with masks, never NaN, so a NaN mean stays a NaN value.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MICROS_PER_S = 1_000_000
MS_PER_S = 1000
CONTEXT_OBSERVATIONS = 3
"""Observations kept per encoder series before the pending rows: the acceleration at the last
of them needs the two before it."""


@dataclass(frozen=True)
class StreamLayout:
    """Column names of the kernel's input and output.

    `series`: the twelve series, encoder positions first (`positions` = the first
    `len(positions)` of them); `offsets[i]`: input column of encoder series i's sample
    offset; `last_buckets[i]`: input column of the run's last observed bucket of encoder
    series i (summary rows only). Output: `flags`, `velocities`, `accelerations`, and `norms`
    as (name, component names).
    """

    series: tuple[str, ...]
    positions: tuple[str, ...]
    offsets: tuple[str, ...]
    last_buckets: tuple[str, ...]
    flags: tuple[str, ...]
    velocities: tuple[str, ...]
    accelerations: tuple[str, ...]
    norms: tuple[tuple[str, tuple[str, ...]], ...]
    run_column: str = "run_uuid"
    bucket_column: str = "_bucket_us"
    time_column: str = "time"

    def output_schema(self) -> pa.Schema:
        double_columns = (*self.velocities, *self.accelerations, *(n for n, _ in self.norms))
        return pa.schema(
            [
                pa.field(self.run_column, pa.string()),
                pa.field(self.time_column, pa.timestamp("us", tz="UTC")),
                *(pa.field(name, pa.float64()) for name in self.series),
                *(pa.field(name, pa.bool_()) for name in self.flags),
                *(pa.field(name, pa.float64()) for name in self.offsets),
                *(pa.field(name, pa.float64()) for name in double_columns),
            ]
        )


def _values_and_mask(batch: pa.RecordBatch, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(values as float64 with 0 at nulls, True where present) of one numeric column."""
    column = batch.column(name)
    present = column.is_valid().to_numpy(zero_copy_only=False)
    values = column.fill_null(0).to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
    return values, present


def _masked_array(values: np.ndarray, present: np.ndarray) -> pa.Array:
    """Arrow array of `values`, null where `present` is False (no validity bitmap when all
    are present, which is most batches)."""
    return pa.array(values) if present.all() else pa.array(values, mask=~present)


def gradient(
    x: np.ndarray, present: np.ndarray, step_s: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """d x / d t at each point of a series, from its neighbours (numpy.gradient's formulas).

    `x`: the points' values in order; `present`: False where a value is null; `step_s[k]`:
    t[k] - t[k-1] in seconds (`step_s[0]` unused). Interior points use the second-order
    formula for uneven spacing, the first and last point the one-sided difference; a
    series of one point has no derivative. A null value makes the derivatives that use it
    null. Returns (derivative, present).
    """
    count = len(x)
    derivative = np.zeros(count)
    defined = np.zeros(count, dtype=bool)
    if count < 2:
        return derivative, defined
    h0 = step_s[1:-1]  # to the previous point, for the interior points
    h2 = step_s[2:]  # to the next point
    derivative[1:-1] = (
        -h2 / (h0 * (h0 + h2)) * x[:-2]
        + (h2 - h0) / (h0 * h2) * x[1:-1]
        + h0 / (h2 * (h0 + h2)) * x[2:]
    )
    defined[1:-1] = present[:-2] & present[1:-1] & present[2:]
    derivative[0] = (x[1] - x[0]) / step_s[1]
    defined[0] = present[0] & present[1]
    derivative[-1] = (x[-1] - x[-2]) / step_s[-1]
    defined[-1] = present[-1] & present[-2]
    return derivative, defined


def _forward_fill_index(present: np.ndarray) -> np.ndarray:
    """For each row, the index of the last present row at or before it (-1 if none)."""
    index = np.where(present, np.arange(len(present)), -1)
    return np.maximum.accumulate(index) if len(index) else index


@dataclass
class _Observations:
    """Observations of one encoder series in time order: bucket (us), mean, offset (ms)."""

    bucket: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    value: np.ndarray = field(default_factory=lambda: np.zeros(0))
    offset_ms: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def extended(
        self, bucket: np.ndarray, value: np.ndarray, offset_ms: np.ndarray
    ) -> _Observations:
        return _Observations(
            np.concatenate([self.bucket, bucket]),
            np.concatenate([self.value, value]),
            np.concatenate([self.offset_ms, offset_ms]),
        )

    def slice(self, start: int, stop: int) -> _Observations:
        part = slice(start, stop)
        return _Observations(self.bucket[part], self.value[part], self.offset_ms[part])

    def derivatives(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(velocity, present, acceleration, present) at each observation."""
        step_s = np.zeros(len(self.bucket))
        step_s[1:] = np.diff(self.bucket) / MICROS_PER_S + np.diff(self.offset_ms) / MS_PER_S
        observed = np.ones(len(self.bucket), dtype=bool)
        velocity, velocity_present = gradient(self.value, observed, step_s)
        # numpy applies the same gradient to the velocity series itself, so the
        # acceleration's nulls follow the velocity's.
        acceleration, acceleration_present = gradient(velocity, velocity_present, step_s)
        return velocity, velocity_present, acceleration, acceleration_present


class _RunState:
    """What one run keeps between batches: pending rows, fill values, recent observations."""

    def __init__(self, layout: StreamLayout, run_uuid: str, summary: dict[str, np.ndarray]):
        self.layout = layout
        self.run_uuid = run_uuid
        self.first_value = summary["first_value"]
        self.first_present = summary["first_present"]
        self.last_bucket = summary["last_bucket"]  # -1: series absent from the run
        series_count = len(layout.series)
        self.last_value = np.zeros(series_count)  # where `seen`: the last mean emitted
        self.seen = np.zeros(series_count, dtype=bool)  # observed before the pending rows
        self.context = [_Observations() for _ in layout.positions]
        self.bucket = np.zeros(0, dtype=np.int64)
        self.value = np.zeros((0, series_count))
        self.present = np.zeros((0, series_count), dtype=bool)
        self.offset = np.zeros((0, len(layout.positions)))

    def append(
        self, bucket: np.ndarray, value: np.ndarray, present: np.ndarray, offset: np.ndarray
    ) -> None:
        """Add rows of this run (bucket; means, presence and offsets as 2-D arrays)."""
        self.bucket = np.concatenate([self.bucket, bucket])
        self.value = np.concatenate([self.value, value])
        self.present = np.concatenate([self.present, present])
        self.offset = np.concatenate([self.offset, offset])

    def emit(self, bucket_us: int, run_ended: bool) -> pa.RecordBatch | None:
        """The grid rows of the pending buckets whose values are all known, or None."""
        pending = len(self.bucket)
        if pending == 0:
            return None
        observations = []
        ready = pending if run_ended else pending - 1  # expansion needs the next bucket
        for index in range(len(self.layout.positions)):
            rows = np.flatnonzero(self.present[:, index])
            combined = self.context[index].extended(
                self.bucket[rows], self.value[rows, index], self.offset[rows, index]
            )
            observations.append((rows, combined))
            if run_ended or self.last_bucket[index] < 0:
                continue
            if len(combined.bucket) and combined.bucket[-1] == self.last_bucket[index]:
                continue  # the series' last observation of the run is here: nothing to wait for
            # A row's derivatives need the observation after its last one and the one after
            # that: rows from the second-to-last observation on wait.
            context_count = len(self.context[index].bucket)
            waiting_from = len(combined.bucket) - 2
            if waiting_from >= max(context_count, 1):
                ready = min(ready, int(rows[waiting_from - context_count]))
            else:
                ready = 0
        if ready <= 0:
            return None
        batch = self._grid(ready, observations, bucket_us, run_ended)
        self._keep_after(ready, observations)
        return batch

    def _grid(
        self,
        ready: int,
        observations: list[tuple[np.ndarray, _Observations]],
        bucket_us: int,
        run_ended: bool,
    ) -> pa.RecordBatch:
        """Grid rows of the first `ready` pending buckets and the empty buckets after each."""
        layout = self.layout
        bucket = self.bucket[:ready]
        following = self.bucket[1 : ready + 1]
        repeats = np.ones(ready, dtype=np.int64)
        repeats[: len(following)] = (following - bucket[: len(following)]) // bucket_us
        if run_ended and ready == len(self.bucket):
            repeats[-1] = 1
        if (repeats == 1).all():
            # No empty bucket among these rows (the common case): every array is used as is.
            grid_bucket = bucket
            is_occupied = np.ones(ready, dtype=bool)

            def expand(values: np.ndarray) -> np.ndarray:
                return values

        else:
            starts = np.repeat(np.cumsum(repeats) - repeats, repeats)
            position = np.arange(int(repeats.sum())) - starts
            is_occupied = position == 0
            grid_bucket = np.repeat(bucket, repeats) + position * bucket_us

            def expand(values: np.ndarray) -> np.ndarray:
                return np.repeat(values, repeats)

        def spread(values: np.ndarray, present: np.ndarray) -> pa.Array:
            return _masked_array(expand(values), expand(present))

        columns: dict[str, pa.Array] = {
            layout.run_column: pa.repeat(pa.scalar(self.run_uuid, pa.string()), len(grid_bucket)),
            layout.time_column: pa.array(grid_bucket, pa.int64()).cast(
                pa.timestamp("us", tz="UTC")
            ),
        }
        filled: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for index, name in enumerate(layout.series):
            present = self.present[:ready, index]
            source = _forward_fill_index(present)
            found = source >= 0
            if self.seen[index]:
                fallback, fallback_present = self.last_value[index], True
            else:
                fallback, fallback_present = self.first_value[index], self.first_present[index]
            values = np.where(found, self.value[source, index], fallback)
            values_present = np.where(found, True, fallback_present)
            filled[name] = (values, values_present)
            columns[name] = spread(values, values_present)
            columns[layout.flags[index]] = pa.array(expand(present) & is_occupied)
        for index, name in enumerate(layout.offsets):
            # An encoder's offset is present exactly where its mean is (same bucket samples).
            present = self.present[:ready, index]
            columns[name] = _masked_array(
                expand(self.offset[:ready, index]), expand(present) & is_occupied
            )
        derivative_values: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for index, (_, combined) in enumerate(observations):
            velocity, velocity_present, acceleration, acceleration_present = combined.derivatives()
            context_count = len(self.context[index].bucket)
            # Observation index of each row's last observation (the first one before any).
            counts = np.cumsum(self.present[:ready, index])
            source = np.maximum(context_count - 1 + counts, 0)
            has_source = len(combined.bucket) > 0
            for name, derivative, present in (
                (layout.velocities[index], velocity, velocity_present),
                (layout.accelerations[index], acceleration, acceleration_present),
            ):
                if has_source:
                    values, values_present = derivative[source], present[source]
                else:
                    values = np.zeros(ready)
                    values_present = np.zeros(ready, dtype=bool)
                derivative_values[name] = (values, values_present)
                columns[name] = spread(values, values_present)
        components = {**filled, **derivative_values}
        for name, parts in layout.norms:
            total = np.zeros(ready)
            present = np.ones(ready, dtype=bool)
            for part in parts:
                values, values_present = components[part]
                total = total + values * values
                present &= values_present
            columns[name] = spread(np.sqrt(total), present)
        schema = layout.output_schema()
        return pa.RecordBatch.from_arrays([columns[f.name] for f in schema], schema=schema)

    def _keep_after(self, ready: int, observations: list[tuple[np.ndarray, _Observations]]) -> None:
        """Drop the emitted rows; carry fill values and recent observations forward."""
        for index in range(len(self.layout.series)):
            present = self.present[:ready, index]
            if present.any():
                last = int(np.flatnonzero(present)[-1])
                self.last_value[index] = self.value[last, index]
                self.seen[index] = True
        for index, (rows, combined) in enumerate(observations):
            emitted = len(self.context[index].bucket) + int(np.count_nonzero(rows < ready))
            start = max(emitted - CONTEXT_OBSERVATIONS, 0)
            self.context[index] = combined.slice(start, emitted)
        self.bucket = self.bucket[ready:]
        self.value = self.value[ready:]
        self.present = self.present[ready:]
        self.offset = self.offset[ready:]


def _run_summary(
    batch: pa.RecordBatch, row: int, layout: StreamLayout, value: np.ndarray, present: np.ndarray
) -> dict[str, np.ndarray]:
    """The summary in row `row` of `batch` (its series columns read into `value`/`present`)."""
    last = [batch.column(name)[row].as_py() for name in layout.last_buckets]
    return {
        "first_value": value[row].copy(),
        "first_present": present[row].copy(),
        "last_bucket": np.array([-1 if v is None else v for v in last], dtype=np.int64),
    }


def grid_stream(
    batches: Iterator[pa.RecordBatch], *, layout: StreamLayout, bucket_us: int
) -> Iterator[pa.RecordBatch]:
    """The grid of every run in `batches` (rows sorted by run, then bucket; see module doc).

    Input columns: `layout.run_column`, `layout.bucket_column` (bucket start, epoch us, a
    multiple of `bucket_us`), the series means, the encoder offsets and `layout.last_buckets`.
    Each run starts with its summary row (bucket null): each series' first observed mean in
    the series columns and each encoder series' last observed bucket in `last_buckets`; its
    occupied buckets follow. Output: `layout.output_schema()`, one row per bucket from each
    run's first to its last occupied bucket. A run without a summary row is an error.
    """
    state: _RunState | None = None
    for batch in batches:
        if batch.num_rows == 0:
            continue
        runs = batch.column(layout.run_column)
        changes = pc.not_equal(runs.slice(1), runs.slice(0, batch.num_rows - 1))
        starts = [0, *(np.flatnonzero(changes.to_numpy(zero_copy_only=False)) + 1).tolist()]
        bucket_column = batch.column(layout.bucket_column)
        is_summary = bucket_column.is_null().to_numpy(zero_copy_only=False)
        bucket = bucket_column.fill_null(0).to_numpy(zero_copy_only=False)
        means = [_values_and_mask(batch, name) for name in layout.series]
        offsets = [_values_and_mask(batch, name) for name in layout.offsets]
        value = np.column_stack([values for values, _ in means])
        present = np.column_stack([mask for _, mask in means])
        offset = np.column_stack([values for values, _ in offsets])
        for start, stop in zip(starts, [*starts[1:], batch.num_rows], strict=True):
            run_uuid = runs[start].as_py()
            if state is None or state.run_uuid != run_uuid:
                if state is not None:
                    final = state.emit(bucket_us, run_ended=True)
                    if final is not None:
                        yield final
                if not is_summary[start]:
                    raise ValueError(f"run {run_uuid!r} does not start with its summary row")
                summary = _run_summary(batch, start, layout, value, present)
                state = _RunState(layout, run_uuid, summary)
                start += 1
            if is_summary[start:stop].any():
                raise ValueError(f"run {run_uuid!r} has a summary row after its first row")
            state.append(
                bucket[start:stop], value[start:stop], present[start:stop], offset[start:stop]
            )
            emitted = state.emit(bucket_us, run_ended=False)
            if emitted is not None:
                yield emitted
    if state is not None:
        final = state.emit(bucket_us, run_ended=True)
        if final is not None:
            yield final

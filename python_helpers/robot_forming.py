"""Robot forming cell: wide pivot, gap-free resampling, kinematics and run statistics.

Two robot arms (robot_id 1 and 2) each log encoder positions x, y, z (millimetres, about every
12 ms) and load-cell forces fx, fy, fz (newtons, about every 10 ms); every robot-sensor pair
runs on its own clock. A "series" is one (field, robot_id) pair, named `<field>_<robot_id>`
(`x_1`, `fz_2`, ...).

Input of every public function: a long-format Spark DataFrame `long_readings` with columns

    run_uuid  string     run identifier (kept as a string: values exceed the int64 range)
    time      timestamp  sample instant (UTC)
    field     string     x | y | z | fx | fy | fz
    robot_id  int-like   1 | 2 (int, bigint or a numeric string)
    value     double     mm for x, y, z; N for fx, fy, fz

Other columns are ignored; rows whose (field, robot_id) is not one of the twelve series or
whose run_uuid, time or value is null are ignored (staging rejects them before they get here).

Public functions (stable names and signatures):

    parse_sensor_time(column) -> Column
    pivot_wide(long_readings) -> DataFrame
    bucket_means(long_readings, bucket_ms=10) -> DataFrame
    resample_to_grid(long_readings, bucket_ms=10) -> DataFrame
    resample_with_kinematics(long_readings, bucket_ms=10) -> DataFrame
    run_statistics(long_readings) -> DataFrame

Scale: no function collects data to the driver or loops over rows in Python.
`pivot_wide`, `bucket_means` and `run_statistics` are Spark SQL operations only.
`resample_to_grid` and `resample_with_kinematics` first exchange the raw rows by (run_uuid,
bucket) and aggregate them there with one `groupBy(run_uuid, bucket)`, which turns millions
of raw rows into one row per occupied bucket, spread over all tasks; only those rows (at most
run length / bucket width per run, e.g. 60,000 for a 600 s run at 10 ms) are shuffled by run
and sorted. The fills, derivatives and empty buckets are then computed by
`robot_grid_stream.grid_stream`, a numpy kernel that Spark feeds each sorted partition in
Arrow batches (`mapInArrow`): one pass in time order that holds only the buckets whose
derivatives wait for an encoder's next observations. It replaced a plan of Spark window
functions (`lag`/`lead` ignoring nulls for the neighbour observations, `last`/`first` ignoring
nulls for the fills) that computed the same result about three times slower
(docs/benchmarks.md).
"""

from __future__ import annotations

from functools import partial

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from python_helpers.robot_grid_stream import StreamLayout, grid_stream

DEFAULT_BUCKET_MS = 10
ROBOT_IDS: tuple[int, ...] = (1, 2)
ENCODER_FIELDS: tuple[str, ...] = ("x", "y", "z")
LOAD_CELL_FIELDS: tuple[str, ...] = ("fx", "fy", "fz")

#: Encoder position columns (mm), in mart order.
POSITION_COLUMNS: tuple[str, ...] = tuple(
    f"{field}_{robot}" for robot in ROBOT_IDS for field in ENCODER_FIELDS
)
#: Load-cell force columns (N), in mart order.
FORCE_COLUMNS: tuple[str, ...] = tuple(
    f"{field}_{robot}" for robot in ROBOT_IDS for field in LOAD_CELL_FIELDS
)
#: The twelve series columns of the wide tables.
SERIES_COLUMNS: tuple[str, ...] = POSITION_COLUMNS + FORCE_COLUMNS
#: Velocity columns (mm/s): `v<axis>_<robot>`.
VELOCITY_COLUMNS: tuple[str, ...] = tuple(f"v{column}" for column in POSITION_COLUMNS)
#: Acceleration columns (mm/s2): `a<axis>_<robot>`.
ACCELERATION_COLUMNS: tuple[str, ...] = tuple(f"a{column}" for column in POSITION_COLUMNS)
#: Norm columns: total velocity v1, v2 (mm/s), acceleration a1, a2 (mm/s2), force f1, f2 (N).
NORM_COLUMNS: tuple[str, ...] = ("v1", "v2", "a1", "a2", "f1", "f2")

_MICROS_PER_MS = 1000
_MICROS_PER_S = 1_000_000

# Time strings accepted by staging (stg_robot_forming__sensor_readings repeats the rule in
# SQL): `yyyy-MM-dd`, then `T` or a space, then at least `HH:mm:ss`, then what Spark's cast to
# timestamp accepts: 0 to 9 fractional digits and an optional zone (`Z`, `+hh:mm`). A string
# without a zone is read as UTC. Cheap positional checks rather than a regular expression:
# this runs on every raw row (see `parse_sensor_time`).
_MIN_TIME_LENGTH = len("2022-11-23T20:40:00")


def observed_flag_column(series: str) -> str:
    """Name of the flag telling whether `series` had at least one sample in the bucket."""
    return f"is_observed_{series}"


def sample_offset_column(series: str) -> str:
    """Name of the mean offset (ms) of `series`' samples from the bucket start."""
    return f"sample_offset_ms_{series}"


#: The 32 columns of `resample_to_grid`, in order.
GRID_COLUMNS: tuple[str, ...] = (
    "run_uuid",
    "time",
    *SERIES_COLUMNS,
    *(observed_flag_column(s) for s in SERIES_COLUMNS),
    *(sample_offset_column(s) for s in POSITION_COLUMNS),
)


def parse_sensor_time(column: Column | str) -> Column:
    """Parse a sensor time string to a UTC timestamp; null when it is not a valid time.

    Accepts every variant seen in the feed: `2022-11-23T20:40:00.444Z`, `...13.78Z`,
    `...53.8Z`, `...:50:00Z` (no fraction) and `2022-11-23 20:40:00.003000+00:00`; 0 to 9
    fractional digits (digits beyond microseconds are truncated), a `Z` or `+hh:mm` zone,
    no zone = UTC. Leading/trailing blanks are ignored. Anything else (a date alone,
    `garbage`, an empty string) gives null, never an error, also with ANSI mode on.
    """
    text = F.trim(F.col(column) if isinstance(column, str) else column)
    has_zone = text.endswith("Z") | F.substring(text, -6, 1).isin("+", "-")
    with_zone = F.when(has_zone, text).otherwise(F.concat(text, F.lit("Z")))

    # Two checks stand for the whole `yyyy-MM-dd[T ]HH:` prefix, because the cast accepts
    # only digits in its fields (1 or 2 for month, day and hour), `-` between the date's,
    # `T` or a space after the date and `:` after the hour: with `-` as the 5th character
    # (a 4-digit year) and the first `:` as the 14th, month, day and hour must have 2 digits
    # each, so the separators sit at 8 and 11. The byte length is read in constant time
    # where `length` counts characters; the two differ only for non-ASCII text, which the
    # cast rejects anyway. `locate` from a position and `instr` allocate nothing per row;
    # these two checks cost half the five single-position checks they replace (0.36
    # against 0.75 s of wall time on 5.5 M rows, 2 cores).
    shaped = (
        (F.octet_length(text) >= _MIN_TIME_LENGTH)
        & (F.locate("-", text, 5) == 5)
        & (F.instr(text, ":") == 14)
    )
    return F.when(shaped, with_zone.try_cast("timestamp"))


def _case_sql(expression: str, codes: dict[object, int]) -> str:
    """SQL `case` giving `codes[value]` for each value of `expression`, else null."""
    branches = " ".join(f"when {value!r} then {code}" for value, code in codes.items())
    return f"case {expression} {branches} end"


def _series_code_sql() -> str:
    """SQL of the series index (into SERIES_COLUMNS) of a raw row; null for any other
    field/robot pair."""
    # SERIES_COLUMNS is grouped by sensor kind, then robot, then axis, so the index is
    # (kind offset + axis) + robot position x axes per robot: one switch on the field and one
    # on the robot instead of twelve (field, robot) comparisons per raw row.
    field_codes = {name: axis for axis, name in enumerate(ENCODER_FIELDS)}
    field_codes |= {
        name: len(POSITION_COLUMNS) + axis for axis, name in enumerate(LOAD_CELL_FIELDS)
    }
    robot_codes = {
        robot: position * len(ENCODER_FIELDS) for position, robot in enumerate(ROBOT_IDS)
    }
    return (
        f"({_case_sql('field', field_codes)}) + ({_case_sql('cast(robot_id as int)', robot_codes)})"
    )


def _mean_of_series_sql(index: int, column: str) -> str:
    """SQL of the mean of `column` over the rows of series `index` (null without any)."""
    return f"avg(case when _series = {index} then {column} end)"


def pivot_wide(long_readings: DataFrame) -> DataFrame:
    """One row per (run_uuid, exact sample time) with the twelve series as columns.

    Returns `run_uuid, time, x_1, y_1, z_1, x_2, y_2, z_2, fx_1, fy_1, fz_1, fx_2, fy_2,
    fz_2`. A column is null where that series has no sample at that instant (the series run
    on different clocks, so most rows hold only some columns). Two samples of one series at
    the same instant are averaged. No resampling, no fill.
    """
    coded = long_readings.withColumn("_series", F.expr(_series_code_sql())).where(
        "_series is not null"
    )
    aggregates = [
        F.expr(f"{_mean_of_series_sql(index, 'value')} as {series}")
        for index, series in enumerate(SERIES_COLUMNS)
    ]
    return (
        coded.groupBy("run_uuid", "time")
        .agg(*aggregates)
        .select("run_uuid", "time", *SERIES_COLUMNS)
    )


def _bucket_micros(bucket_ms: float) -> int:
    bucket_us = round(bucket_ms * _MICROS_PER_MS)
    if bucket_us <= 0:
        raise ValueError(f"bucket_ms must be at least 0.001 ms, got {bucket_ms!r}")
    return bucket_us


def _bucket_aggregate(long_readings: DataFrame, bucket_us: int) -> DataFrame:
    """Per (run_uuid, `_bucket_us` = bucket start in epoch microseconds): series means and,
    for encoder series, the mean sample offset from the bucket start (ms). Only buckets with
    at least one sample of the twelve series."""
    # Expressions are SQL text: one call into Spark per step instead of one per column
    # operation, which took about 0.5 s of driver time per query for this plan.
    offset_us = f"pmod(unix_micros(time), {bucket_us})"
    # Rows without a time or outside the twelve series are dropped by the `having` below, not
    # by a filter on the raw rows: Spark would push that filter under the projection and
    # evaluate `time` (the time parser when the input parses strings) and the series code
    # twice per raw row (the aggregation of 5.5 M rows took 8.8 s instead of 6.4 s).
    coded = (
        long_readings.where("value is not null and run_uuid is not null")
        .selectExpr(
            "run_uuid",
            f"unix_micros(time) - {offset_us} as _bucket_us",
            f"{offset_us} / {_MICROS_PER_MS} as _offset_ms",
            f"{_series_code_sql()} as _series",
            "value",
        )
        # Raw rows go to the aggregation's partitions before any aggregation, instead of a
        # partial aggregation in the scan tasks: each scan task reads whole runs in the files'
        # series-major order and would keep a 37-field buffer for every bucket of its runs,
        # updated in no useful order, while the shuffled rows are spread evenly over the
        # aggregation's tasks. The partial buffers are also wide: they would shuffle only a
        # third fewer bytes than these five narrow columns (65 against 98 MB for 5.5 M rows;
        # docs/benchmarks-log.md, robot workload).
        .repartition("run_uuid", "_bucket_us")
    )
    # `_samples` counts `_bucket_us`, not the value, so that the group of rows without a time
    # (null bucket) has none and the `having` drops it with the buckets of unknown series.
    aggregates = ["count(case when _series is not null then _bucket_us end) as _samples"]
    for index, series in enumerate(SERIES_COLUMNS):
        aggregates.append(f"{_mean_of_series_sql(index, 'value')} as {series}")
        if series in POSITION_COLUMNS:
            aggregates.append(
                f"{_mean_of_series_sql(index, '_offset_ms')} as {sample_offset_column(series)}"
            )
    return (
        coded.groupBy("run_uuid", "_bucket_us")
        .agg(*(F.expr(aggregate) for aggregate in aggregates))
        .where("_samples > 0")
        .drop("_samples")
    )


def bucket_means(long_readings: DataFrame, bucket_ms: float = DEFAULT_BUCKET_MS) -> DataFrame:
    """Mean of each series per run and time bucket, for occupied buckets only (no grid).

    Buckets are `bucket_ms` wide, aligned to the Unix epoch and left-closed:
    [start, start + bucket_ms). Returns `run_uuid, time` (bucket start, timestamp), the twelve
    series means (null where the series has no sample in the bucket) and, for the six encoder
    series, `sample_offset_ms_<series>`: the mean offset in ms of its samples from the bucket
    start (where inside the bucket the mean sits in time). One row per bucket that holds at
    least one sample of any series.
    """
    aggregate = _bucket_aggregate(long_readings, _bucket_micros(bucket_ms))
    return aggregate.select(
        "run_uuid",
        F.timestamp_micros(F.col("_bucket_us")).alias("time"),
        *SERIES_COLUMNS,
        *(sample_offset_column(series) for series in POSITION_COLUMNS),
    )


_LAST_BUCKET_NAME = "_last_bucket_{}"
_LAST_BUCKET_COLUMNS = tuple(_LAST_BUCKET_NAME.format(s) for s in POSITION_COLUMNS)
_OFFSET_COLUMNS = tuple(sample_offset_column(s) for s in POSITION_COLUMNS)


def _kernel_input(aggregate: DataFrame) -> DataFrame:
    """The grid kernel's input: each run's summary row followed by its occupied buckets.

    Summary row (`_bucket_us` null, so it sorts first): each series' first observed mean in the
    series columns and each encoder series' last observed bucket in `_last_bucket_<series>`
    (null where the series is absent from the run). Bucket rows: the aggregate, with null
    `_last_bucket_*`. Sorted by (run_uuid, _bucket_us) within partitions of whole runs.
    """
    # Both branches read the same exchange of the occupied buckets by run, which Spark
    # computes once: the aggregation runs once, and the summary needs no exchange of its own.
    by_run = aggregate.repartition("run_uuid")
    # An encoder's sample offset is present exactly where its mean is.
    summary_columns = [
        "cast(null as bigint) as _bucket_us",
        *(
            f"min_by({s}, case when {s} is not null then _bucket_us end) as {s}"
            for s in SERIES_COLUMNS
        ),
        *(f"cast(null as double) as {name}" for name in _OFFSET_COLUMNS),
        *(
            f"max(case when {offset} is not null then _bucket_us end) as {name}"
            for offset, name in zip(_OFFSET_COLUMNS, _LAST_BUCKET_COLUMNS, strict=True)
        ),
    ]
    summary_rows = by_run.groupBy("run_uuid").agg(*(F.expr(c) for c in summary_columns))
    # One row per run instead of the summary joined onto every bucket: 18 fewer columns
    # through the exchange, the sort and the Arrow batches (the kernel's stage went from 3.8
    # to 3.0 s of task time on 600,000 buckets).
    bucket_rows = by_run.selectExpr(
        "run_uuid",
        "_bucket_us",
        *SERIES_COLUMNS,
        *_OFFSET_COLUMNS,
        *(f"cast(null as bigint) as {name}" for name in _LAST_BUCKET_COLUMNS),
    )
    # The union keeps its children's partitioning by run, so Spark drops this repartition
    # (no second exchange); it keeps each run in one partition if the union ever does not.
    return (
        bucket_rows.unionByName(summary_rows)
        .repartition("run_uuid")
        .sortWithinPartitions("run_uuid", F.col("_bucket_us").asc_nulls_first())
    )


KINEMATICS_STREAM_LAYOUT = StreamLayout(
    series=SERIES_COLUMNS,
    positions=POSITION_COLUMNS,
    offsets=_OFFSET_COLUMNS,
    last_buckets=_LAST_BUCKET_COLUMNS,
    flags=tuple(observed_flag_column(s) for s in SERIES_COLUMNS),
    velocities=VELOCITY_COLUMNS,
    accelerations=ACCELERATION_COLUMNS,
    norms=tuple(
        (f"{kind}{robot}", tuple(f"{prefix}{field}_{robot}" for field in fields))
        for kind, prefix, fields in (
            ("v", "v", ENCODER_FIELDS),
            ("a", "a", ENCODER_FIELDS),
            ("f", "", LOAD_CELL_FIELDS),
        )
        for robot in ROBOT_IDS
    ),
)
_SPARK_TYPE_OF_ARROW = {
    "string": "string",
    "timestamp[us, tz=UTC]": "timestamp",
    "double": "double",
    "bool": "boolean",
}


def _stream_schema() -> str:
    """Spark DDL of the grid kernel's output (the Arrow schema of `StreamLayout`)."""
    fields = KINEMATICS_STREAM_LAYOUT.output_schema()
    return ", ".join(f"{f.name} {_SPARK_TYPE_OF_ARROW[str(f.type)]}" for f in fields)


def resample_to_grid(long_readings: DataFrame, bucket_ms: float = DEFAULT_BUCKET_MS) -> DataFrame:
    """Gap-free wide series per run on a uniform grid of `bucket_ms` buckets.

    Input: `long_readings` (run_uuid string, time timestamp, field, robot_id, value double).
    For each run the grid runs from the bucket of the run's first sample to the bucket of its
    last sample (any series), one row per bucket (epoch-aligned, labelled by its start).
    Each series' value in a bucket is the mean of its samples in that bucket; a bucket without
    a sample takes the last observed value before it (forward fill); buckets before the
    series' first sample take that first value (back fill). A series with no sample at all in
    a run stays null on every row of that run: nothing is invented.

    Returns, one row per (run_uuid, time):
      run_uuid, time (bucket start, UTC timestamp),
      x_1, y_1, z_1, x_2, y_2, z_2 (mm), fx_1, fy_1, fz_1, fx_2, fy_2, fz_2 (N): filled values,
      is_observed_<series> (12 booleans): true when the value is a mean of samples in this
        bucket, false when it was filled (or the series is absent from the run),
      sample_offset_ms_<series> for the six encoder series: mean offset (ms) of the samples
        from the bucket start, null when the bucket was filled.

    The columns of `resample_with_kinematics` without the derivatives (the same plan).
    """
    grid = resample_with_kinematics(long_readings, bucket_ms)
    return grid.select(*GRID_COLUMNS)


def resample_with_kinematics(
    long_readings: DataFrame, bucket_ms: float = DEFAULT_BUCKET_MS
) -> DataFrame:
    """The `resample_to_grid` grid plus velocities, accelerations and norms.

    Returns the 32 grid columns of `resample_to_grid`, then, per robot r in (1, 2) and axis
    q in (x, y, z):
      v<q>_r (mm/s): derivative of position q_r in time. It is computed at the buckets where the
        position was observed, at the samples' own mean time (bucket start + sample offset), by
        central differences over the neighbouring observed buckets (second-order formula for
        uneven spacing, as numpy.gradient), one-sided at the first and last observation of the
        run. Filled buckets carry the last computed velocity forward (the first one backward
        before the first observation), like positions.
      a<q>_r (mm/s2): the same derivative applied to v<q>_r.
      v_r = sqrt(vx_r^2 + vy_r^2 + vz_r^2) (mm/s), a_r = sqrt(ax_r^2 + ay_r^2 + az_r^2) (mm/s2),
      f_r = sqrt(fx_r^2 + fy_r^2 + fz_r^2) (N) on the filled forces.
    A component that is null (series absent from the run, or a single observation for
    derivatives) makes its derivative and the norms that use it null.

    Plan: the raw rows exchanged by (run, bucket) and aggregated there, in one hash
    aggregation per (run, bucket); one exchange of those occupied buckets by run; one summary
    row per run computed from them (each series' first mean, each encoder series' last
    bucket) and put in front of them; a sort by (run, bucket) within partitions; then
    `robot_grid_stream.grid_stream` through `mapInArrow` reads each partition's sorted rows
    once, in Arrow batches, and writes the grid (fills, derivatives, norms, empty buckets)
    with numpy. Raw rows never reach the stream, and it holds only the few occupied buckets
    whose derivatives still wait for the encoder's next observations (see that module).
    """
    bucket_us = _bucket_micros(bucket_ms)
    aggregate = _bucket_aggregate(long_readings, bucket_us)
    kernel = partial(grid_stream, layout=KINEMATICS_STREAM_LAYOUT, bucket_us=bucket_us)
    return _kernel_input(aggregate).mapInArrow(kernel, _stream_schema())


def run_statistics(long_readings: DataFrame) -> DataFrame:
    """Per run: start, stop, runtime and path length of each robot's encoder position.

    Returns one row per run_uuid:
      run_start_at, run_stop_at: time of the run's first and last raw sample (any series),
      total_runtime_s: run_stop_at - run_start_at in seconds (microsecond precision),
      distance_robot_1_mm, distance_robot_2_mm: path length of the robot's position: the
        encoder samples are joined into (x, y, z) points per exact sample time (several
        samples of one axis at the same instant are averaged), points missing an axis are
        left out, and the Euclidean lengths of the steps between consecutive points in time
        order are summed. Raw samples only: no resampled or filled value counts. Null when the
        robot has no complete encoder point in the run; 0 when it has exactly one.
      total_distance_mm: sum of the two robots' distances, ignoring a null one; null when both
        are null.
    """
    bounds = long_readings.groupBy("run_uuid").agg(
        F.min("time").alias("run_start_at"), F.max("time").alias("run_stop_at")
    )
    robot = F.col("robot_id").cast("int")
    encoder = long_readings.where(
        F.col("field").isin(*ENCODER_FIELDS) & robot.isin(*ROBOT_IDS) & F.col("value").isNotNull()
    ).select("run_uuid", robot.alias("robot_id"), "time", "field", "value")
    points = (
        encoder.groupBy("run_uuid", "robot_id", "time")
        .agg(*(F.avg(F.when(F.col("field") == q, F.col("value"))).alias(q) for q in ENCODER_FIELDS))
        .where(F.col("x").isNotNull() & F.col("y").isNotNull() & F.col("z").isNotNull())
    )
    by_robot = Window.partitionBy("run_uuid", "robot_id").orderBy("time")
    steps = points.select(
        "run_uuid",
        "robot_id",
        F.sqrt(
            sum(
                (
                    (F.col(q) - F.lag(q).over(by_robot)) * (F.col(q) - F.lag(q).over(by_robot))
                    for q in ENCODER_FIELDS
                ),
                F.lit(0.0),
            )
        ).alias("_step_mm"),
    )
    distances = steps.groupBy("run_uuid").agg(
        *(
            F.when(
                F.max(F.when(F.col("robot_id") == r, F.lit(1))).isNotNull(),
                F.coalesce(F.sum(F.when(F.col("robot_id") == r, F.col("_step_mm"))), F.lit(0.0)),
            ).alias(f"distance_robot_{r}_mm")
            for r in ROBOT_IDS
        )
    )
    joined = bounds.join(distances, "run_uuid", "left")
    total = F.when(
        F.col("distance_robot_1_mm").isNotNull() | F.col("distance_robot_2_mm").isNotNull(),
        F.coalesce(F.col("distance_robot_1_mm"), F.lit(0.0))
        + F.coalesce(F.col("distance_robot_2_mm"), F.lit(0.0)),
    )
    return joined.select(
        "run_uuid",
        "run_start_at",
        "run_stop_at",
        (
            (F.unix_micros(F.col("run_stop_at")) - F.unix_micros(F.col("run_start_at")))
            / F.lit(_MICROS_PER_S)
        ).alias("total_runtime_s"),
        "distance_robot_1_mm",
        "distance_robot_2_mm",
        total.alias("total_distance_mm"),
    )

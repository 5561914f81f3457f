"""Cleaning of the wind feed: spine of cadence steps, plausibility, outliers, gap filling.

All functions take and return Spark DataFrames and use Spark's own column and window
operations. Units: wind speed in m/s, wind direction in degrees (compass, [0, 360)), power
in MW, times as UTC timestamps. A turbine's series is keyed by `turbine_id`; `reading_at` is
the start of the hour (or of the cadence step) the values describe.

Per-measure status values (columns `<measure>_status`), before filling:
- `observed`: a valid value was delivered for that step;
- `missing_row`: the spine step has no delivered row at all;
- `invalid_cell`: a row was delivered but the cell was empty or not a number;
- `implausible`: the value lies outside the seeded plausibility limits;
- `outlier`: the value is plausible but a robust (median/MAD) outlier in its window.
Every status but `observed` makes the value missing; it is then filled by time interpolation
when the gap is short enough, else left null. Readings are checked one by one before the
readings of one step are averaged: a step is `observed` when one of them holds a valid value,
and its value is the mean of those values. The values left out that way stay counted: every
step carries `implausible_value_count`, the number of its readings' values outside the limits.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

MEASURES = ("wind_speed_m_s", "wind_direction_deg", "power_output_mw")
OUTLIER_MEASURES = ("wind_speed_m_s", "power_output_mw")
CIRCULAR_MEASURES = ("wind_direction_deg",)

# Scale factor that makes the median absolute deviation a consistent estimator of the
# standard deviation for normally distributed data.
MAD_TO_SIGMA = 1.4826
# Fewer values than this in an outlier window: no outlier decision is taken.
MIN_OUTLIER_WINDOW_VALUES = 3

STATUS_OBSERVED = "observed"
STATUS_MISSING_ROW = "missing_row"
STATUS_INVALID_CELL = "invalid_cell"
STATUS_IMPLAUSIBLE = "implausible"
STATUS_OUTLIER = "outlier"
#: Per step: values of its delivered readings found outside their plausibility limits.
IMPLAUSIBLE_VALUE_COUNT = "implausible_value_count"
# Row-level quality flag precedence, most severe reason first.
_REASON_PRECEDENCE = (STATUS_MISSING_ROW, STATUS_IMPLAUSIBLE, STATUS_OUTLIER, STATUS_INVALID_CELL)
QUALITY_OBSERVED = "observed"
QUALITY_UNFILLED_GAP = "unfilled_gap"
QUALITY_FLAGS = (
    QUALITY_OBSERVED,
    QUALITY_UNFILLED_GAP,
    *(f"imputed_{reason}" for reason in _REASON_PRECEDENCE),
)

_T = "_t_seconds"


@dataclass(frozen=True)
class CleaningParameters:
    """Thresholds of the cleaning (dbt vars `wind_*`).

    cadence_minutes: spine step (minutes); max_gap_hours: longest run of missing steps that is
    filled (hours); outlier_window_hours: width of the centred median/MAD window (hours);
    outlier_mad_k: a value is an outlier when it lies more than k scaled MADs from the window
    median; power_tolerance: plausible power up to rated power x tolerance.
    """

    cadence_minutes: int = 60
    max_gap_hours: float = 6.0
    outlier_window_hours: float = 24.0
    outlier_mad_k: float = 5.0
    power_tolerance: float = 1.1

    @property
    def cadence_seconds(self) -> int:
        return int(self.cadence_minutes * 60)

    @property
    def history_seconds(self) -> int:
        """How far before an incremental window's start the input must reach.

        A step's outlier decision reads half a window on each side; its fill reads the
        nearest valid neighbours up to max gap + one step away, whose own outlier decisions
        read another half window. Two steps of margin on top.
        """
        return int(
            self.max_gap_hours * 3600
            + self.outlier_window_hours * 3600 / 2
            + 2 * self.cadence_seconds
        )


def _epoch_seconds(column: str = "reading_at") -> Column:
    return F.unix_seconds(F.col(column))


def _step_status(measure: str) -> Column:
    """A step's status from its readings' statuses: `observed` when one reading has a valid
    value, else `implausible` when one had an implausible value, else `invalid_cell`."""
    status = F.col(f"{measure}_status")
    return (
        F.when(F.count(F.col(measure)) > 0, F.lit(STATUS_OBSERVED))
        .when(F.max(status == F.lit(STATUS_IMPLAUSIBLE)), F.lit(STATUS_IMPLAUSIBLE))
        .otherwise(F.lit(STATUS_INVALID_CELL))
        .alias(f"{measure}_status")
    )


def align_to_cadence(readings: DataFrame, cadence_minutes: int) -> DataFrame:
    """Snap readings to the start of their cadence step; one row per (turbine_id, step).

    Input: readings checked by `apply_plausibility` (turbine_id, reading_at, wind_speed_m_s,
    wind_direction_deg, power_output_mw, each null unless observed, and each measure's
    `<m>_status`). Several readings in one step are averaged, null values left out (direction
    on the circle); a single reading is kept exactly as delivered. A step is `observed` when
    one of its readings is, so a 999 MW reading among six 10-minute readings leaves the mean of
    the other five (averaged first, it would have made the whole hour implausible). Output
    adds `implausible_value_count` (values of the step's readings outside their limits, those
    left out of an `observed` step's mean included) and `has_row` (true).
    """
    step = int(cadence_minutes * 60)
    snapped = readings.withColumn(
        "reading_at",
        F.timestamp_seconds(F.floor(_epoch_seconds() / F.lit(step)) * F.lit(step)),
    )
    direction = F.col("wind_direction_deg")
    implausible_values = sum(
        (F.col(f"{m}_status") == F.lit(STATUS_IMPLAUSIBLE)).cast("int") for m in MEASURES
    )
    circular_mean = F.pmod(
        F.degrees(F.atan2(F.avg(F.sin(F.radians(direction))), F.avg(F.cos(F.radians(direction))))),
        F.lit(360.0),
    )
    return snapped.groupBy("turbine_id", "reading_at").agg(
        F.avg("wind_speed_m_s").alias("wind_speed_m_s"),
        F.when(F.count(direction) == 1, F.max(direction))
        .otherwise(circular_mean)
        .alias("wind_direction_deg"),
        F.avg("power_output_mw").alias("power_output_mw"),
        *(_step_status(m) for m in MEASURES),
        F.sum(implausible_values).cast("int").alias(IMPLAUSIBLE_VALUE_COUNT),
        F.lit(True).alias("has_row"),
    )


def build_spine(aligned: DataFrame, cadence_minutes: int) -> DataFrame:
    """Every cadence step of each turbine from its first to its last row, with the rows' values.

    Steps without a row get null values and `has_row` false. Nothing is added before a
    turbine's first or after its last delivered row. `aligned` holds one row per turbine and
    step, on step boundaries (`align_to_cadence`); a row with `has_row` false (an incremental
    run's series start, see `clean_readings`) starts the series without delivering values.

    Each row is followed by the steps missing before the turbine's next row: one window over
    the aligned rows, no join back to them, so the input is computed once and stays
    partitioned by turbine for the cleaning's later windows.
    """
    step = F.expr(f"make_dt_interval(0, 0, {int(cadence_minutes)}, 0)")
    by_turbine = Window.partitionBy("turbine_id").orderBy("reading_at")
    reading_at = F.col("reading_at")
    last_step_before_next = F.coalesce(F.col("_next_at") - step, reading_at)
    with_steps = aligned.select("*", F.lead(reading_at).over(by_turbine).alias("_next_at")).select(
        "*", F.explode(F.sequence(reading_at, last_step_before_next, step)).alias("_step_at")
    )
    is_row = F.col("_step_at") == reading_at
    values = [c for c in aligned.columns if c not in ("turbine_id", "reading_at", "has_row")]
    return with_steps.select(
        "turbine_id",
        F.col("_step_at").alias("reading_at"),
        *(F.when(is_row, F.col(c)).alias(c) for c in values),
        (is_row & F.col("has_row")).alias("has_row"),
    )


def plausibility_bounds(
    registry: DataFrame, limits: DataFrame, power_tolerance: float
) -> DataFrame:
    """Per turbine: lower/upper limit and upper exclusivity of every measure.

    `limits` has one row per measure (measure, min_value, max_value, max_is_exclusive); a null
    power max_value means rated_power_mw x power_tolerance. Output columns per measure m:
    `<m>_min`, `<m>_max`, `<m>_max_exclusive`.
    """

    def pick(measure: str, column: str) -> Column:
        return F.max(F.when(F.col("measure") == measure, F.col(column)))

    # One row holding every measure's limits; no join per measure.
    limits_row = limits.agg(
        *(pick(m, "min_value").alias(f"{m}_min") for m in MEASURES),
        *(pick(m, "max_value").alias(f"{m}_max_seeded") for m in MEASURES),
        *(
            F.coalesce(pick(m, "max_is_exclusive"), F.lit(False)).alias(f"{m}_max_exclusive")
            for m in MEASURES
        ),
    )
    joined = registry.select("turbine_id", "rated_power_mw").crossJoin(F.broadcast(limits_row))
    rated_max = F.col("rated_power_mw") * F.lit(float(power_tolerance))
    bounds = joined.select(
        "turbine_id",
        *(
            col
            for m in MEASURES
            for col in (
                F.col(f"{m}_min"),
                (
                    F.coalesce(F.col(f"{m}_max_seeded"), rated_max)
                    if m == "power_output_mw"
                    else F.col(f"{m}_max_seeded")
                ).alias(f"{m}_max"),
                F.col(f"{m}_max_exclusive"),
            )
        ),
    )
    return bounds


def apply_plausibility(spine: DataFrame, bounds: DataFrame) -> DataFrame:
    """Set values outside their limits to null and record each measure's `<m>_status`.

    Status is `missing_row` (`has_row` false), `invalid_cell`, `implausible` or `observed`
    (see module doc). A turbine absent from `bounds` has no limits, so its values are all
    kept. Works on delivered readings (`has_row` true) as on spine steps.
    """
    joined = spine.join(F.broadcast(bounds), "turbine_id", "left")
    statuses = []
    for measure in MEASURES:
        value = F.col(measure)
        low, high = F.col(f"{measure}_min"), F.col(f"{measure}_max")
        below_high = F.when(F.col(f"{measure}_max_exclusive"), value < high).otherwise(
            value <= high
        )
        plausible = (low.isNull() | (value >= low)) & (high.isNull() | below_high)
        statuses.append(
            F.when(~F.col("has_row"), F.lit(STATUS_MISSING_ROW))
            .when(value.isNull(), F.lit(STATUS_INVALID_CELL))
            .when(~plausible, F.lit(STATUS_IMPLAUSIBLE))
            .otherwise(F.lit(STATUS_OBSERVED))
            .alias(f"{measure}_status")
        )
    with_status = joined.select("turbine_id", "reading_at", *MEASURES, *statuses)
    return with_status.select(
        "turbine_id",
        "reading_at",
        *(F.when(F.col(f"{m}_status") == STATUS_OBSERVED, F.col(m)).alias(m) for m in MEASURES),
        *(f"{m}_status" for m in MEASURES),
    )


def _sorted_array_median(sorted_values: Column) -> Column:
    """Median of an ascending array (null for an empty array)."""
    n = F.size(sorted_values)
    middle = F.element_at(sorted_values, F.floor((n + 1) / 2).cast("int"))
    upper_middle = F.element_at(sorted_values, F.floor(n / 2).cast("int") + 1)
    return F.when(n <= 0, F.lit(None).cast("double")).otherwise(
        F.when(n % 2 == 1, middle).otherwise((middle + upper_middle) / 2)
    )


def _absolute_deviation_from(center: str):
    """Lambda for F.transform: |x - center column| (one argument, so no element index).

    The center is null only for an empty array, where the lambda never runs; the coalesce
    makes the result non-nullable, so the deviations array is typed without nulls and
    `sort_array` sorts it as primitive doubles (a nullable array is sorted through boxed
    values, several times slower here).
    """

    def deviation(x: Column) -> Column:
        return F.coalesce(F.abs(x - F.col(center)), F.lit(0.0))

    return deviation


def flag_outliers(
    df: DataFrame, measures: tuple[str, ...], window_hours: float, mad_k: float
) -> DataFrame:
    """Null the values of `measures` that are robust outliers and mark their status `outlier`.

    Rule (Hampel filter): over a centred window of `window_hours` (half on each side,
    inclusive) of the turbine's valid values, a value is an outlier when
    |value - median| > mad_k x 1.4826 x MAD, MAD being the median absolute deviation from
    that median. No decision when the window holds fewer than 3 values or MAD is 0 (a flat
    signal, e.g. a parked turbine at 0 MW, is not an outlier). Needs `<m>_status` columns.
    """
    half = int(window_hours * 3600 / 2)
    window = Window.partitionBy("turbine_id").orderBy(_epoch_seconds()).rangeBetween(-half, half)
    keep = list(df.columns)
    # sort_array, not array_sort: array_sort compares through a lambda evaluated per pair,
    # sort_array sorts a null-free array of doubles natively (collect_list drops nulls).
    with_values = df.select(
        *keep,
        *(
            F.sort_array(F.collect_list(F.col(m)).over(window)).alias(f"_{m}_values")
            for m in measures
        ),
    )
    with_median = with_values.select(
        "*", *(_sorted_array_median(F.col(f"_{m}_values")).alias(f"_{m}_median") for m in measures)
    )
    with_deviations = with_median.select(
        "*",
        *(
            F.sort_array(
                F.transform(F.col(f"_{m}_values"), _absolute_deviation_from(f"_{m}_median"))
            ).alias(f"_{m}_deviations")
            for m in measures
        ),
    )
    with_mad = with_deviations.select(
        "*",
        *(_sorted_array_median(F.col(f"_{m}_deviations")).alias(f"_{m}_mad") for m in measures),
    )
    threshold = F.lit(float(mad_k) * MAD_TO_SIGMA)
    with_flag = with_mad.select(
        *keep,
        *(
            (
                F.col(m).isNotNull()
                & (F.size(F.col(f"_{m}_values")) >= MIN_OUTLIER_WINDOW_VALUES)
                & (F.col(f"_{m}_mad") > 0)
                & (F.abs(F.col(m) - F.col(f"_{m}_median")) > threshold * F.col(f"_{m}_mad"))
            ).alias(f"_{m}_outlier")
            for m in measures
        ),
    )
    replaced = {}
    for m in measures:
        is_outlier = F.col(f"_{m}_outlier")
        replaced[m] = F.when(is_outlier, F.lit(None).cast("double")).otherwise(F.col(m))
        replaced[f"{m}_status"] = F.when(is_outlier, F.lit(STATUS_OUTLIER)).otherwise(
            F.col(f"{m}_status")
        )
    return with_flag.select(*(replaced.get(c, F.col(c)).alias(c) for c in keep))


def interpolate_gaps(
    df: DataFrame,
    measures: tuple[str, ...],
    max_gap_hours: float,
    cadence_minutes: int,
    circular_measures: tuple[str, ...] = (),
) -> DataFrame:
    """Fill null values of `measures` by time interpolation between the nearest valid values.

    A gap is a run of consecutive steps without a valid value; it is filled when it lasts at
    most `max_gap_hours` (neighbours at most max gap + one step apart) and has a valid value on
    both sides, so nothing is extrapolated before the first or after the last valid value.
    Measures in `circular_measures` are angles in degrees, interpolated along the shorter arc
    and returned in [0, 360) (350 and 10 meet at 0). Adds boolean `<measure>_imputed`.
    """
    t = _epoch_seconds()
    before = (
        Window.partitionBy("turbine_id")
        .orderBy(t)
        .rowsBetween(Window.unboundedPreceding, Window.currentRow)
    )
    # The next valid value is the last one seen walking the series backwards: a growing frame
    # in descending order, one streaming pass. A frame from the current row to the end
    # ("unbounded following") would be re-aggregated for every row, quadratic per turbine.
    after = (
        Window.partitionBy("turbine_id")
        .orderBy(t.desc())
        .rowsBetween(Window.unboundedPreceding, Window.currentRow)
    )
    keep = list(df.columns)
    neighbours = []
    for m in measures:
        valid_t = F.when(F.col(m).isNotNull(), t)
        neighbours += [
            F.last(F.col(m), True).over(before).alias(f"_{m}_prev_value"),
            F.last(valid_t, True).over(before).alias(f"_{m}_prev_t"),
            F.last(F.col(m), True).over(after).alias(f"_{m}_next_value"),
            F.last(valid_t, True).over(after).alias(f"_{m}_next_t"),
        ]
    staged = df.select(*keep, t.alias("_t"), *neighbours)
    max_span = F.lit(float(max_gap_hours) * 3600 + int(cadence_minutes) * 60)
    fillable = {}
    for m in measures:
        p_t, n_t = F.col(f"_{m}_prev_t"), F.col(f"_{m}_next_t")
        fillable[m] = (
            F.col(m).isNull() & p_t.isNotNull() & n_t.isNotNull() & ((n_t - p_t) <= max_span)
        ).alias(f"{m}_imputed")
    with_fillable = staged.select("*", *fillable.values())
    replaced = {}
    for m in measures:
        p_v, n_v = F.col(f"_{m}_prev_value"), F.col(f"_{m}_next_value")
        p_t, n_t = F.col(f"_{m}_prev_t"), F.col(f"_{m}_next_t")
        fraction = (F.col("_t") - p_t) / (n_t - p_t)
        if m in circular_measures:
            delta = F.pmod(n_v - p_v + F.lit(180.0), F.lit(360.0)) - F.lit(180.0)
            angle = F.pmod(p_v + fraction * delta, F.lit(360.0))
            # pmod of a tiny negative number rounds to 360.0, which is 0 on the compass.
            filled = F.when(angle >= 360.0, F.lit(0.0)).otherwise(angle)
        else:
            filled = p_v + fraction * (n_v - p_v)
        replaced[m] = F.when(F.col(f"{m}_imputed"), filled).otherwise(F.col(m))
    return with_fillable.select(
        *(replaced.get(c, F.col(c)).alias(c) for c in keep),
        *(f"{m}_imputed" for m in measures),
    )


def quality_flag(df: DataFrame) -> DataFrame:
    """Add row-level `is_imputed` and `quality_flag` from the per-measure status columns.

    quality_flag: `observed` when every measure was delivered valid; `unfilled_gap` when a
    measure is still null; else `imputed_<reason>` with the most severe reason among the
    measures (missing_row > implausible > outlier > invalid_cell).
    """
    is_imputed = F.lit(False)
    any_null = F.lit(False)
    for measure in MEASURES:
        is_imputed = is_imputed | F.col(f"{measure}_imputed")
        any_null = any_null | F.col(measure).isNull()
    flag = F.when(any_null, F.lit(QUALITY_UNFILLED_GAP))
    for reason in _REASON_PRECEDENCE:
        has_reason = F.lit(False)
        for measure in MEASURES:
            has_reason = has_reason | (F.col(f"{measure}_status") == reason)
        flag = flag.when(has_reason, F.lit(f"imputed_{reason}"))
    return df.select(
        "*",
        is_imputed.alias("is_imputed"),
        flag.otherwise(F.lit(QUALITY_OBSERVED)).alias("quality_flag"),
    )


def _utc_midnight(day: dt.date) -> Column:
    """The timestamp of `day` at 00:00 UTC."""
    # Epoch seconds, not a datetime literal: PySpark reads a naive datetime in the driver
    # process's local time zone, which would move the cutoff off UTC midnight.
    return F.timestamp_seconds(F.lit(calendar.timegm(day.timetuple())))


@dataclass(frozen=True)
class IncrementalWindow:
    """Where an incremental run of `clean_readings` starts: the arguments `since` and
    `continuing_turbines` (see there)."""

    since: dt.date
    continuing_turbines: DataFrame


def incremental_window(
    stored: DataFrame, readings: DataFrame, lookback_days: int
) -> IncrementalWindow | None:
    """The days an incremental run re-computes, from the stored series; None when nothing is
    stored (the run computes everything).

    `stored`: the cleaned series as stored (turbine_id, reading_date); `readings`:
    the staged readings (turbine_id, reading_at). The run starts `lookback_days` before the
    latest stored day, or earlier: at the day of the last stored step of a turbine whose series
    ended before that start and that reports again from it on. In a full computation the
    steps between such a turbine's last stored step and its return are missing rows; they may
    lie in days the run would otherwise not overwrite (an outage longer than the lookback).
    Costs one more read of the readings, only in a run where some turbine's series ends before
    the start (a turbine out of service, or back from an outage).
    """
    latest_day = stored.agg(F.max("reading_date")).first()[0]
    if latest_day is None:
        return None
    since = latest_day - dt.timedelta(days=lookback_days)
    # The UTC day of each turbine's last stored step, from the partition column (no time column
    # is read): a series ends before `since` exactly when its last day is earlier.
    ended_before = (
        stored.groupBy("turbine_id")
        .agg(F.max("reading_date").alias("last_day"))
        .filter(F.col("last_day") < F.lit(since))
    )
    if not ended_before.isEmpty():
        returning = readings.filter(F.col("reading_at") >= _utc_midnight(since))
        returning = returning.select("turbine_id")
        earliest_last_day = (
            ended_before.join(returning.distinct(), "turbine_id", "left_semi")
            .agg(F.min("last_day"))
            .first()[0]
        )
        if earliest_last_day is not None:
            since = min(since, earliest_last_day)
    continuing = stored.filter(F.col("reading_date") < F.lit(since)).select("turbine_id").distinct()
    return IncrementalWindow(since=since, continuing_turbines=continuing)


def clean_readings(
    readings: DataFrame,
    registry: DataFrame,
    limits: DataFrame,
    params: CleaningParameters,
    since: dt.date | None = None,
    continuing_turbines: DataFrame | None = None,
) -> DataFrame:
    """The cleaned series: one row per turbine and cadence step, values checked and filled.

    `readings`: staged readings (turbine_id, reading_at, wind_speed_m_s, wind_direction_deg,
    power_output_mw), unique per (turbine_id, reading_at). `since`: when given, only steps
    from that UTC date on are returned (incremental runs); the input is read from
    `params.history_seconds` earlier so that the result equals a full computation.
    `continuing_turbines` (turbine_id; with `since` only): the turbines whose series began
    before `since`. Their series start one step before the input's first step, as they do
    in a full computation, so that a gap longer than the history that reaches into `since`
    keeps its steps (as missing rows) instead of the series starting at the first row after it.

    Output: turbine_id, reading_at, wind_speed_m_s, wind_direction_deg, power_output_mw,
    is_imputed, quality_flag, `<measure>_status` (see module doc), implausible_value_count
    (`align_to_cadence`; 0 for a step without a row), reading_date (UTC date).
    """
    selected = readings.select("turbine_id", "reading_at", *MEASURES)
    since_ts: Column | None = None
    if since is not None:
        since_ts = _utc_midnight(since)
        earliest = F.timestamp_seconds(F.unix_seconds(since_ts) - F.lit(params.history_seconds))
        selected = selected.filter(F.col("reading_at") >= earliest)
    # Checked reading by reading, before several readings of one step are averaged.
    bounds = plausibility_bounds(registry, limits, params.power_tolerance)
    checked_readings = apply_plausibility(selected.withColumn("has_row", F.lit(True)), bounds)
    aligned = align_to_cadence(checked_readings, params.cadence_minutes)
    if since_ts is not None and continuing_turbines is not None:
        step = params.cadence_seconds
        first_step = F.floor(F.unix_seconds(earliest) / F.lit(step)) * F.lit(step)
        # One step before any aligned row: the series start never meets a delivered step.
        series_starts = continuing_turbines.select(
            "turbine_id",
            F.timestamp_seconds(first_step - F.lit(step)).alias("reading_at"),
            *(F.lit(None).cast("double").alias(m) for m in MEASURES),
            *(F.lit(STATUS_MISSING_ROW).alias(f"{m}_status") for m in MEASURES),
            F.lit(0).alias(IMPLAUSIBLE_VALUE_COUNT),
            F.lit(False).alias("has_row"),
        )
        aligned = aligned.unionByName(series_starts)
    spine = build_spine(aligned, params.cadence_minutes)
    # Steps the spine added have no status yet: no row was delivered for them.
    checked = spine.select(
        "turbine_id",
        "reading_at",
        *MEASURES,
        *(
            F.coalesce(F.col(f"{m}_status"), F.lit(STATUS_MISSING_ROW)).alias(f"{m}_status")
            for m in MEASURES
        ),
        F.coalesce(F.col(IMPLAUSIBLE_VALUE_COUNT), F.lit(0)).alias(IMPLAUSIBLE_VALUE_COUNT),
    )
    checked = flag_outliers(
        checked, OUTLIER_MEASURES, params.outlier_window_hours, params.outlier_mad_k
    )
    checked = interpolate_gaps(
        checked,
        MEASURES,
        params.max_gap_hours,
        params.cadence_minutes,
        circular_measures=CIRCULAR_MEASURES,
    )
    flagged = quality_flag(checked)
    if since_ts is not None:
        flagged = flagged.filter(F.col("reading_at") >= since_ts)
    return flagged.select(
        "turbine_id",
        "reading_at",
        *MEASURES,
        "is_imputed",
        "quality_flag",
        *(f"{m}_status" for m in MEASURES),
        IMPLAUSIBLE_VALUE_COUNT,
        F.to_date("reading_at").alias("reading_date"),
    )

"""Hourly energy windows from time-stamped meter readings, on Spark DataFrames.

One helper, two ways of getting the energy of an hour:

1. `hourly_energy_from_counter`: a cumulative energy counter (e.g. mWh) is read together with an
   instantaneous power (e.g. mW); the energy of an hour is a counter difference.
2. `hourly_energy_from_power`: only power is read (e.g. PV AC power in W every 15 minutes); the
   energy of an hour is the trapezoid-rule integral of power over time.

Windows
    Hour windows are half-open on the left, `(hh:00, hh+1:00]`: a reading taken exactly on the
    hour belongs to the hour that ends then. `window_start` and `window_end` are timestamps
    (UTC when the Spark session time zone is UTC, as it is locally) with
    `window_end = window_start + 1 hour`. Windows are computed from epoch microseconds, so they
    do not depend on the session time zone.

Both functions take a DataFrame with one row per key and reading time (deduplicate first; the
staging models do) and return one row per key and window. Rows with a null key, time or
measured value are ignored. Only Spark's native operations are used.

Cost of mode 1 (the per-second hot path): one hash aggregation by (key, hour) plus one window
function over the *hourly* rows of each key; never a window over the readings themselves.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

HOUR_MICROS = 3_600_000_000
"""Microseconds in one hour window."""

WINDOW_COLUMNS = ("window_start", "window_end")


def window_end_micros(time: Column) -> Column:
    """End of the `(hh:00, hh+1:00]` window holding `time`, in epoch microseconds (long).

    A time exactly on the hour is its own window end; any later instant belongs to the window
    ending at the next full hour. Integer arithmetic (`pmod`), exact for any time.
    """
    micros = F.unix_micros(time)
    return micros + F.pmod(-micros, F.lit(HOUR_MICROS))


def _micros_to_timestamp(micros: Column) -> Column:
    return F.timestamp_micros(micros)


def _clamp(value: Column, low: Column, high: Column) -> Column:
    """`value` limited to [low, high]: a mean of equal floats may round one ulp outside."""
    return F.least(F.greatest(value, low), high)


def hourly_energy_from_counter(
    readings: DataFrame,
    *,
    key_col: str,
    time_col: str,
    counter_col: str,
    power_col: str,
    previous_windows: DataFrame | None = None,
) -> DataFrame:
    """Hourly energy as counter differences, with min/max/mean power, per key and hour.

    Parameters
    ----------
    readings:
        One row per key and reading time: `key_col`, `time_col` (timestamp), `counter_col`
        (cumulative energy counter, e.g. mWh) and `power_col` (instantaneous power, e.g. mW).
    previous_windows:
        Optional rows of an earlier result (columns `key_col`, `window_end`,
        `last_reading_at`, `last_counter`), for incremental runs: per key, the last window
        before the readings passed in. It is used only as the predecessor of the key's first
        computed window and is not returned.

    Returns one row per key and window that holds at least one reading, with columns
    `key_col`, `window_start`, `window_end` (timestamps), and

    - `energy`: counter at the last reading at or before `window_end` minus the counter at the
      last reading at or before `window_start`, i.e. at the previous window's last reading
      (in counter units, e.g. mWh). For a key's first window (no earlier reading), the first
      reading inside the window is the baseline, so the energy before that reading is not
      counted. A falling counter (an exporting meter) gives a negative energy; it is kept,
      never clipped. A flat counter gives 0.
    - `min_power`, `max_power`, `mean_power`: over the readings inside the window (power
      units); `mean_power` is the plain mean of the readings, not time-weighted (kept within
      [min_power, max_power] against floating-point rounding of the sum).
    - `reading_count`: readings inside the window (always > 0).
    - `spans_gap`: true when the hour(s) before this window hold no readings but an earlier
      window does; the energy then covers everything since that earlier window's last reading.
    - `is_first_window`: true for a key's first window (baseline inside the window).
    - `baseline_reading_at`, `baseline_counter`: the reading the energy is counted from.
    - `last_reading_at`, `last_counter`: the window's last reading (the next window's baseline).

    Readings with a null key, time, counter or power are ignored. Input must be unique on
    (key, time): with two readings at the same last instant the counter taken is arbitrary.
    """
    end_micros = "_window_end_micros"
    valid = readings.where(
        F.col(key_col).isNotNull()
        & F.col(time_col).isNotNull()
        & F.col(counter_col).isNotNull()
        & F.col(power_col).isNotNull()
    )
    power = F.col(power_col).cast("double")
    counter = F.col(counter_col).cast("double")
    time = F.col(time_col)
    hourly = (
        valid.select(
            F.col(key_col),
            window_end_micros(time).alias(end_micros),
            time.alias("_t"),
            counter.alias("_c"),
            power.alias("_p"),
        )
        .groupBy(key_col, end_micros)
        .agg(
            F.min("_p").alias("min_power"),
            F.max("_p").alias("max_power"),
            F.sum("_p").alias("_power_sum"),
            F.count(F.lit(1)).alias("reading_count"),
            F.min("_t").alias("_first_reading_at"),
            F.min_by("_c", "_t").alias("_first_counter"),
            F.max("_t").alias("last_reading_at"),
            F.max_by("_c", "_t").alias("last_counter"),
        )
        .withColumn("_is_seed", F.lit(False))
    )
    if previous_windows is not None:
        seeds = previous_windows.select(
            F.col(key_col),
            F.unix_micros(F.col("window_end")).alias(end_micros),
            F.lit(None).cast("double").alias("min_power"),
            F.lit(None).cast("double").alias("max_power"),
            F.lit(None).cast("double").alias("_power_sum"),
            F.lit(0).cast("long").alias("reading_count"),
            F.lit(None).cast("timestamp").alias("_first_reading_at"),
            F.lit(None).cast("double").alias("_first_counter"),
            F.col("last_reading_at").cast("timestamp").alias("last_reading_at"),
            F.col("last_counter").cast("double").alias("last_counter"),
            F.lit(True).alias("_is_seed"),
        )
        hourly = hourly.unionByName(seeds)

    by_key = Window.partitionBy(key_col).orderBy(end_micros)
    previous_end = F.lag(end_micros).over(by_key)
    previous_reading_at = F.lag("last_reading_at").over(by_key)
    previous_counter = F.lag("last_counter").over(by_key)
    with_previous = hourly.select(
        "*",
        previous_end.alias("_previous_end"),
        previous_reading_at.alias("_previous_reading_at"),
        previous_counter.alias("_previous_counter"),
    ).where(~F.col("_is_seed"))

    is_first = F.col("_previous_end").isNull()
    baseline_counter = F.when(is_first, F.col("_first_counter")).otherwise(
        F.col("_previous_counter")
    )
    baseline_at = F.when(is_first, F.col("_first_reading_at")).otherwise(
        F.col("_previous_reading_at")
    )
    return with_previous.select(
        F.col(key_col),
        _micros_to_timestamp(F.col(end_micros) - HOUR_MICROS).alias("window_start"),
        _micros_to_timestamp(F.col(end_micros)).alias("window_end"),
        (F.col("last_counter") - baseline_counter).alias("energy"),
        F.col("min_power"),
        F.col("max_power"),
        _clamp(
            F.col("_power_sum") / F.col("reading_count"), F.col("min_power"), F.col("max_power")
        ).alias("mean_power"),
        F.col("reading_count"),
        (~is_first & (F.col("_previous_end") < F.col(end_micros) - HOUR_MICROS)).alias("spans_gap"),
        is_first.alias("is_first_window"),
        baseline_at.alias("baseline_reading_at"),
        baseline_counter.alias("baseline_counter"),
        F.col("last_reading_at"),
        F.col("last_counter"),
    )


def hourly_energy_from_power(
    readings: DataFrame,
    *,
    key_col: str,
    time_col: str,
    power_col: str,
    max_gap_seconds: float,
) -> DataFrame:
    """Hourly energy by integrating instantaneous power (trapezoid rule), per key and hour.

    Consecutive readings of a key, `(t0, p0)` and `(t1, p1)`, form a segment whose energy is
    `(p0 + p1) / 2 * (t1 - t0)`. A segment that crosses hour boundaries is split at each
    boundary, the power there interpolated linearly, and every piece is credited to the
    `(hh:00, hh+1:00]` window it lies in. Energy is in power units x hours (W -> Wh,
    mW -> mWh).

    Gap rule: a segment longer than `max_gap_seconds` is not integrated (nothing is assumed
    about power during the gap), and the windows it overlaps that are returned (those holding
    a reading or another integrated piece) get `spans_gap = true`; their energy covers only
    `integrated_seconds` of the hour. Energy before a key's first reading or after its last
    one is not estimated either.

    Returns one row per key and window that holds a reading or an integrated piece:
    `key_col`, `window_start`, `window_end`, `energy` (0.0 when nothing was integrated),
    `integrated_seconds` (seconds of the hour covered by integrated segments, at most 3600),
    `min_power`, `max_power`, `mean_power` (plain mean) and `reading_count` over the readings
    inside the window (null/0 for a window crossed by a segment without holding a reading),
    and `spans_gap`.

    This mode orders each key's readings (one window function over the readings); it is meant
    for sparse series such as 15-minute PV power, not for per-second meters (use
    `hourly_energy_from_counter` there).
    """
    valid = readings.where(
        F.col(key_col).isNotNull() & F.col(time_col).isNotNull() & F.col(power_col).isNotNull()
    ).select(
        F.col(key_col),
        F.unix_micros(F.col(time_col)).alias("_t"),
        F.col(power_col).cast("double").alias("_p"),
    )

    reading_stats = (
        valid.withColumn("_end", F.col("_t") + F.pmod(-F.col("_t"), F.lit(HOUR_MICROS)))
        .groupBy(key_col, "_end")
        .agg(
            F.min("_p").alias("min_power"),
            F.max("_p").alias("max_power"),
            F.avg("_p").alias("mean_power"),
            F.count(F.lit(1)).alias("reading_count"),
        )
    )

    by_key = Window.partitionBy(key_col).orderBy("_t")
    segments = valid.select(
        F.col(key_col),
        F.col("_t").alias("_t0"),
        F.col("_p").alias("_p0"),
        F.lead("_t").over(by_key).alias("_t1"),
        F.lead("_p").over(by_key).alias("_p1"),
    ).where(F.col("_t1").isNotNull() & (F.col("_t1") > F.col("_t0")))
    is_gap = (F.col("_t1") - F.col("_t0")) > F.lit(float(max_gap_seconds) * 1_000_000)
    # Windows a segment (t0, t1] overlaps: from the one after the hour holding t0 (t0 on the
    # hour belongs to the window ending at t0) to the one holding t1.
    first_end = F.col("_t0") - F.pmod(F.col("_t0"), F.lit(HOUR_MICROS)) + HOUR_MICROS
    last_end = F.col("_t1") + F.pmod(-F.col("_t1"), F.lit(HOUR_MICROS))

    integrated = (
        segments.where(~is_gap)
        .select(
            "*",
            F.explode(F.sequence(first_end, last_end, F.lit(HOUR_MICROS))).alias("_end"),
        )
        .select(
            "*",
            F.greatest(F.col("_t0"), F.col("_end") - HOUR_MICROS).alias("_a"),
            F.least(F.col("_t1"), F.col("_end")).alias("_b"),
        )
    )
    slope = (F.col("_p1") - F.col("_p0")) / (F.col("_t1") - F.col("_t0"))
    power_at_a = F.col("_p0") + slope * (F.col("_a") - F.col("_t0"))
    power_at_b = F.col("_p0") + slope * (F.col("_b") - F.col("_t0"))
    pieces = integrated.select(
        F.col(key_col),
        F.col("_end"),
        ((power_at_a + power_at_b) / 2 * (F.col("_b") - F.col("_a")) / HOUR_MICROS).alias(
            "_energy"
        ),
        ((F.col("_b") - F.col("_a")) / 1_000_000).alias("_seconds"),
        F.lit(False).alias("_gap"),
    )
    gap_edges = segments.where(is_gap).select(
        F.col(key_col),
        F.explode(F.array_distinct(F.array(first_end, last_end))).alias("_end"),
        F.lit(0.0).alias("_energy"),
        F.lit(0.0).alias("_seconds"),
        F.lit(True).alias("_gap"),
    )
    window_energy = (
        pieces.unionByName(gap_edges)
        .groupBy(key_col, "_end")
        .agg(
            F.sum("_energy").alias("energy"),
            F.sum("_seconds").alias("integrated_seconds"),
            F.max("_gap").alias("spans_gap"),
        )
    )
    joined = reading_stats.join(window_energy, on=[key_col, "_end"], how="full_outer")
    return joined.where(
        (F.coalesce(F.col("reading_count"), F.lit(0)) > 0)
        | (F.coalesce(F.col("integrated_seconds"), F.lit(0.0)) > 0)
    ).select(
        F.col(key_col),
        _micros_to_timestamp(F.col("_end") - HOUR_MICROS).alias("window_start"),
        _micros_to_timestamp(F.col("_end")).alias("window_end"),
        F.coalesce(F.col("energy"), F.lit(0.0)).alias("energy"),
        F.coalesce(F.col("integrated_seconds"), F.lit(0.0)).alias("integrated_seconds"),
        F.col("min_power"),
        F.col("max_power"),
        F.col("mean_power"),
        F.coalesce(F.col("reading_count"), F.lit(0)).cast("long").alias("reading_count"),
        F.coalesce(F.col("spans_gap"), F.lit(False)).alias("spans_gap"),
    )


# --- energy meters feed: house column names and incremental runs ------------------------------

SECONDS_PER_DAY = 86_400

METER_WINDOW_COLUMNS = {
    "energy": "energy_milliwatt_hours",
    "min_power": "min_power_milliwatts",
    "max_power": "max_power_milliwatts",
    "mean_power": "mean_power_milliwatts",
    "baseline_counter": "baseline_counter_milliwatt_hours",
    "last_counter": "last_counter_milliwatt_hours",
}
"""Generic output names of `hourly_energy_from_counter` -> energy meter column names."""


def utc_date(timestamp: Column) -> Column:
    """Calendar date (UTC) of a timestamp, independent of the session time zone."""
    return F.date_from_unix_date(F.floor(F.unix_seconds(timestamp) / SECONDS_PER_DAY).cast("int"))


def recompute_cutoff_seconds(existing: DataFrame, lookback_days: int) -> int | None:
    """Epoch seconds from which an incremental run re-computes windows, or None if empty.

    The cutoff is UTC midnight of the latest `window_start` in `existing`, minus
    `lookback_days` days: windows starting at or after it (whole UTC days) are re-computed
    from the readings after it. Collects one scalar.
    """
    if lookback_days < 0:
        raise ValueError("lookback_days must be >= 0")
    latest = existing.agg(F.max(F.unix_seconds(F.col("window_start")))).first()[0]
    if latest is None:
        return None
    return (int(latest) // SECONDS_PER_DAY - lookback_days) * SECONDS_PER_DAY


def meter_hourly_windows(
    readings: DataFrame,
    existing: DataFrame | None = None,
    *,
    lookback_days: int = 1,
) -> DataFrame:
    """Hourly energy windows of the energy meters feed, full or incremental.

    `readings`: staged readings (`meter_id`, `reading_at` UTC, `energy_milliwatt_hours`,
    `power_milliwatts`), unique on (meter_id, reading_at). `existing`: this function's earlier
    output (the incremental model's own table) or None for a full computation.

    Incremental rule: with `existing`, only windows starting at or after the cutoff of
    `recompute_cutoff_seconds` are computed, from readings after the cutoff; each meter's last
    earlier window in `existing` provides the baseline counter and the gap flag of its first
    re-computed window. The result then covers whole UTC days (`window_date`, the partition
    column), so overwriting those partitions gives what a full computation would, as long as
    no reading arrives for a day before the cutoff (such readings are picked up by a full
    refresh only).

    Columns: `meter_id`, `window_start`, `window_end`, `energy_milliwatt_hours`,
    `min_power_milliwatts`, `max_power_milliwatts`, `mean_power_milliwatts`, `reading_count`,
    `spans_gap`, `is_first_window`, `baseline_reading_at`, `baseline_counter_milliwatt_hours`,
    `last_reading_at`, `last_counter_milliwatt_hours`, `window_date` (UTC date of
    `window_start`). Definitions: `hourly_energy_from_counter`.
    """
    previous = None
    if existing is not None:
        cutoff = recompute_cutoff_seconds(existing, lookback_days)
        if cutoff is not None:
            cutoff_at = F.timestamp_seconds(F.lit(cutoff))
            readings = readings.where(F.col("reading_at") > cutoff_at)
            previous = (
                existing.where(F.col("window_end") <= cutoff_at)
                .groupBy("meter_id")
                .agg(
                    F.max("window_end").alias("window_end"),
                    F.max_by("last_reading_at", "window_end").alias("last_reading_at"),
                    F.max_by("last_counter_milliwatt_hours", "window_end").alias("last_counter"),
                )
            )
    windows = hourly_energy_from_counter(
        readings,
        key_col="meter_id",
        time_col="reading_at",
        counter_col="energy_milliwatt_hours",
        power_col="power_milliwatts",
        previous_windows=previous,
    )
    renamed = [F.col(name).alias(METER_WINDOW_COLUMNS.get(name, name)) for name in windows.columns]
    return windows.select(*renamed, utc_date(F.col("window_start")).alias("window_date"))

"""PV systems (PVDAQ): hourly AC energy from 15-minute power, on Spark DataFrames.

The energy integration itself is the shared helper
`python_helpers.energy_windows.hourly_energy_from_power` (trapezoid rule, split at hour
boundaries, `(hh:00, hh+1:00]` windows, gap rule); this module only selects the AC power series
of the PV measurements, converts them to watts and names the result's columns for the PV mart.
"""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from python_helpers.energy_windows import hourly_energy_from_power

WATTS_PER_UNIT: dict[str, float] = {"W": 1.0, "kW": 1_000.0, "MW": 1_000_000.0}
"""Factor from each accepted power unit (units after calc_scale/calc_offset) to watts."""

_SERIES_KEY = "_series"


def power_in_watts(value: Column, units: Column) -> Column:
    """`value` converted to watts from `units` (W, kW or MW); null for any other unit."""
    factor = F.lit(None).cast("double")
    for unit, watts in WATTS_PER_UNIT.items():
        factor = F.when(units == F.lit(unit), F.lit(watts)).otherwise(factor)
    return value.cast("double") * factor


def ac_power_series(measurements: DataFrame, *, ac_power_common_names: Sequence[str]) -> DataFrame:
    """AC power readings of every system and sensor, in watts.

    `measurements` holds one row per (ss_id, metric_id, measured_at) with `sensor_name`,
    `common_name`, `units` and `value` (the kept rows of stg_pvdaq__measurements). Rows whose
    `common_name` is one of `ac_power_common_names` are returned as (ss_id, sensor,
    measured_at, power_w); a power unit other than W, kW or MW gives a null power_w, which the
    integration ignores.
    """
    names = list(ac_power_common_names)
    return measurements.where(F.col("common_name").isin(names)).select(
        F.col("ss_id"),
        F.col("sensor_name").alias("sensor"),
        F.col("measured_at"),
        power_in_watts(F.col("value"), F.col("units")).alias("power_w"),
    )


def hourly_ac_energy(power: DataFrame, *, max_gap_seconds: float) -> DataFrame:
    """Hourly AC energy per system and sensor from `ac_power_series` rows.

    Returns one row per (ss_id, sensor, window) holding a reading or an integrated piece:
    `window_start`, `window_end` (UTC timestamps, window `(window_start, window_end]`),
    `energy_wh` (watt-hours, trapezoid rule), `integrated_seconds` (seconds of the hour
    covered, at most 3600), `min_power_w`, `max_power_w`, `mean_power_w` (plain mean of the
    readings inside the window, W), `reading_count` and `spans_gap` (a segment longer than
    `max_gap_seconds` touched the window and was not integrated; the energy then covers only
    `integrated_seconds`). See `energy_windows.hourly_energy_from_power` for the edge rules.
    """
    keyed = power.select(
        F.struct(F.col("ss_id"), F.col("sensor")).alias(_SERIES_KEY),
        F.col("measured_at"),
        F.col("power_w"),
    )
    hourly = hourly_energy_from_power(
        keyed,
        key_col=_SERIES_KEY,
        time_col="measured_at",
        power_col="power_w",
        max_gap_seconds=max_gap_seconds,
    )
    return hourly.select(
        F.col(f"{_SERIES_KEY}.ss_id").alias("ss_id"),
        F.col(f"{_SERIES_KEY}.sensor").alias("sensor"),
        F.col("window_start"),
        F.col("window_end"),
        F.col("energy").alias("energy_wh"),
        F.col("integrated_seconds"),
        F.col("min_power").alias("min_power_w"),
        F.col("max_power").alias("max_power_w"),
        F.col("mean_power").alias("mean_power_w"),
        F.col("reading_count"),
        F.col("spans_gap"),
    )

"""Hourly energy windows (python_helpers.energy_windows) against hand-computed windows.

Every expected number below is worked out by hand from the readings in the same test.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from python_helpers.energy_windows import hourly_energy_from_counter, hourly_energy_from_power

COUNTER_SCHEMA = "meter_id string, reading_at_text string, energy double, power double"
POWER_SCHEMA = "system_id string, measured_at_text string, ac_power_w double"


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _counter_readings(spark: SparkSession, rows: list[tuple]) -> DataFrame:
    frame = spark.createDataFrame(rows, COUNTER_SCHEMA)
    return frame.select(
        "meter_id",
        F.to_timestamp("reading_at_text").alias("reading_at"),
        "energy",
        "power",
    )


def _counter_windows(readings: DataFrame, previous: DataFrame | None = None) -> dict:
    result = hourly_energy_from_counter(
        readings,
        key_col="meter_id",
        time_col="reading_at",
        counter_col="energy",
        power_col="power",
        previous_windows=previous,
    )
    return {(row.meter_id, row.window_end): row.asDict() for row in result.collect()}


def _power_windows(spark: SparkSession, rows: list[tuple], max_gap_seconds: float) -> dict:
    frame = spark.createDataFrame(rows, POWER_SCHEMA).select(
        "system_id", F.to_timestamp("measured_at_text").alias("measured_at"), "ac_power_w"
    )
    result = hourly_energy_from_power(
        frame,
        key_col="system_id",
        time_col="measured_at",
        power_col="ac_power_w",
        max_gap_seconds=max_gap_seconds,
    )
    return {(row.system_id, row.window_end): row.asDict() for row in result.collect()}


# Meter A: a first window, readings on the hour boundaries, and a gap of two empty hours.
METER_A = [
    ("A", "2024-03-01 10:30:00", 100.0, 10.0),
    ("A", "2024-03-01 11:00:00", 130.0, 20.0),  # on the hour: closes (10:00, 11:00]
    ("A", "2024-03-01 11:00:01", 131.0, 30.0),
    ("A", "2024-03-01 11:59:59", 160.0, 40.0),
    ("A", "2024-03-01 12:00:00", 165.0, 50.0),  # closes (11:00, 12:00]
    ("A", "2024-03-01 14:30:00", 200.0, 60.0),  # after (12, 13] and (13, 14] without readings
]
# Meter E exports: negative power, falling counter.
METER_E = [
    ("E", "2024-03-01 00:10:00", 1000.0, -500.0),
    ("E", "2024-03-01 00:40:00", 900.0, -700.0),
    ("E", "2024-03-01 01:20:00", 850.0, -300.0),
]
# Meter F: a counter that stays flat, at zero power.
METER_F = [
    ("F", "2024-03-01 05:15:00", 42.0, 0.0),
    ("F", "2024-03-01 05:45:00", 42.0, 0.0),
    ("F", "2024-03-01 06:15:00", 42.0, 0.0),
]


@pytest.fixture(scope="module")
def counter_windows(spark: SparkSession) -> dict:
    return _counter_windows(_counter_readings(spark, METER_A + METER_E + METER_F))


def test_first_window_uses_first_reading_inside_as_baseline(counter_windows: dict) -> None:
    window = counter_windows[("A", _ts("2024-03-01 11:00:00"))]
    assert window["window_start"] == _ts("2024-03-01 10:00:00")
    assert window["energy"] == 30.0  # 130 (11:00:00) - 100 (10:30, first reading)
    assert window["reading_count"] == 2  # 10:30 and 11:00:00 (on the boundary)
    assert (window["min_power"], window["max_power"], window["mean_power"]) == (10.0, 20.0, 15.0)
    assert window["is_first_window"] is True
    assert window["spans_gap"] is False
    assert window["baseline_reading_at"] == _ts("2024-03-01 10:30:00")


def test_reading_on_the_hour_belongs_to_the_hour_that_ends_then(counter_windows: dict) -> None:
    window = counter_windows[("A", _ts("2024-03-01 12:00:00"))]
    assert window["energy"] == 35.0  # 165 (12:00:00) - 130 (11:00:00, previous window's last)
    assert window["reading_count"] == 3  # 11:00:01, 11:59:59, 12:00:00
    assert (window["min_power"], window["max_power"], window["mean_power"]) == (30.0, 50.0, 40.0)
    assert window["baseline_reading_at"] == _ts("2024-03-01 11:00:00")
    assert window["last_reading_at"] == _ts("2024-03-01 12:00:00")
    assert window["is_first_window"] is False
    assert window["spans_gap"] is False


def test_window_after_two_empty_hours_spans_the_gap(counter_windows: dict) -> None:
    meter_a = sorted(end for meter, end in counter_windows if meter == "A")
    assert meter_a == [
        _ts("2024-03-01 11:00:00"),
        _ts("2024-03-01 12:00:00"),
        _ts("2024-03-01 15:00:00"),
    ]  # no rows for the empty hours (12, 13] and (13, 14]
    window = counter_windows[("A", _ts("2024-03-01 15:00:00"))]
    assert window["energy"] == 35.0  # 200 (14:30) - 165 (12:00, last earlier reading)
    assert window["spans_gap"] is True
    assert window["reading_count"] == 1
    assert window["mean_power"] == 60.0


def test_exporting_meter_keeps_negative_energy(counter_windows: dict) -> None:
    first = counter_windows[("E", _ts("2024-03-01 01:00:00"))]
    second = counter_windows[("E", _ts("2024-03-01 02:00:00"))]
    assert first["energy"] == -100.0  # 900 - 1000
    assert (first["min_power"], first["max_power"], first["mean_power"]) == (-700.0, -500.0, -600.0)
    assert second["energy"] == -50.0  # 850 - 900
    assert second["min_power"] == second["max_power"] == -300.0


def test_flat_counter_gives_zero_energy(counter_windows: dict) -> None:
    assert counter_windows[("F", _ts("2024-03-01 06:00:00"))]["energy"] == 0.0
    assert counter_windows[("F", _ts("2024-03-01 07:00:00"))]["energy"] == 0.0
    assert counter_windows[("F", _ts("2024-03-01 07:00:00"))]["reading_count"] == 1


def test_window_bounds_are_one_hour_apart(counter_windows: dict) -> None:
    for window in counter_windows.values():
        assert (window["window_end"] - window["window_start"]).total_seconds() == 3600


def test_previous_windows_seed_the_first_computed_window(spark: SparkSession) -> None:
    later = _counter_readings(spark, [("A", "2024-03-01 14:30:00", 200.0, 60.0)])
    seed = spark.createDataFrame(
        [("A", _ts("2024-03-01 12:00:00"), _ts("2024-03-01 12:00:00"), 165.0)],
        "meter_id string, window_end timestamp, last_reading_at timestamp, last_counter double",
    )
    windows = _counter_windows(later, seed)
    assert list(windows) == [("A", _ts("2024-03-01 15:00:00"))]  # the seed is not returned
    window = windows[("A", _ts("2024-03-01 15:00:00"))]
    assert window["energy"] == 35.0  # same as computing from all of meter A's readings
    assert window["spans_gap"] is True
    assert window["is_first_window"] is False


def test_rows_with_missing_values_are_ignored(spark: SparkSession) -> None:
    readings = _counter_readings(
        spark,
        [
            ("G", "2024-03-01 08:10:00", 10.0, 1.0),
            ("G", "2024-03-01 08:20:00", None, 5.0),
            ("G", "2024-03-01 08:30:00", 16.0, 3.0),
        ],
    )
    window = _counter_windows(readings)[("G", _ts("2024-03-01 09:00:00"))]
    assert (window["energy"], window["reading_count"], window["mean_power"]) == (6.0, 2, 2.0)


# --- mode 2: power integration ----------------------------------------------------------------

SAMPLE_A_POWER = [  # meter A of sample_data/energy_meters/readings_sample.csv, as power only
    ("S", "2019-06-01 14:00:00", 300.0),
    ("S", "2019-06-01 14:15:00", 800.0),
    ("S", "2019-06-01 14:30:00", 400.0),
    ("S", "2019-06-01 14:45:00", 1600.0),
    ("S", "2019-06-01 15:00:00", 1200.0),
]


def test_trapezoid_over_a_full_hour(spark: SparkSession) -> None:
    windows = _power_windows(spark, SAMPLE_A_POWER, max_gap_seconds=1800)
    hour = windows[("S", _ts("2019-06-01 15:00:00"))]
    # 0.25 h x ((300+800)/2 + (800+400)/2 + (400+1600)/2 + (1600+1200)/2) = 0.25 x 3550
    assert hour["energy"] == pytest.approx(887.5)
    assert hour["integrated_seconds"] == pytest.approx(3600.0)
    assert hour["reading_count"] == 4  # 14:15 .. 15:00; 14:00 closes the previous hour
    assert (hour["min_power"], hour["max_power"], hour["mean_power"]) == (400.0, 1600.0, 1000.0)
    assert hour["spans_gap"] is False
    before = windows[("S", _ts("2019-06-01 14:00:00"))]
    assert (before["energy"], before["integrated_seconds"], before["reading_count"]) == (0.0, 0, 1)


def test_four_quarter_hour_readings(spark: SparkSession) -> None:
    windows = _power_windows(spark, SAMPLE_A_POWER[1:], max_gap_seconds=1800)
    assert list(windows) == [("S", _ts("2019-06-01 15:00:00"))]
    hour = windows[("S", _ts("2019-06-01 15:00:00"))]
    # 0.25 h x ((800+400)/2 + (400+1600)/2 + (1600+1200)/2) = 0.25 x 3000
    assert hour["energy"] == pytest.approx(750.0)
    assert hour["integrated_seconds"] == pytest.approx(2700.0)


def test_constant_power_hour_gives_power_times_one_hour(spark: SparkSession) -> None:
    rows = [("K", f"2024-06-01 10:{minute:02d}:00", 1234.5) for minute in (0, 15, 30, 45)]
    rows.append(("K", "2024-06-01 11:00:00", 1234.5))
    hour = _power_windows(spark, rows, max_gap_seconds=900)[("K", _ts("2024-06-01 11:00:00"))]
    assert hour["energy"] == 1234.5
    assert hour["integrated_seconds"] == 3600.0


def test_segment_crossing_the_hour_is_split_by_interpolation(spark: SparkSession) -> None:
    rows = [("X", "2024-06-01 13:50:00", 600.0), ("X", "2024-06-01 14:10:00", 1000.0)]
    windows = _power_windows(spark, rows, max_gap_seconds=1800)
    # power at 14:00 interpolates to 800
    assert windows[("X", _ts("2024-06-01 14:00:00"))]["energy"] == pytest.approx(
        (600 + 800) / 2 / 6
    )
    assert windows[("X", _ts("2024-06-01 15:00:00"))]["energy"] == pytest.approx(
        (800 + 1000) / 2 / 6
    )


def test_long_constant_segment_credits_every_hour_it_crosses(spark: SparkSession) -> None:
    rows = [("L", "2024-06-01 13:50:00", 1000.0), ("L", "2024-06-01 15:10:00", 1000.0)]
    windows = _power_windows(spark, rows, max_gap_seconds=7200)
    energies = {end.hour: round(row["energy"], 9) for (_, end), row in windows.items()}
    assert energies == {14: round(1000 / 6, 9), 15: 1000.0, 16: round(1000 / 6, 9)}
    assert windows[("L", _ts("2024-06-01 15:00:00"))]["reading_count"] == 0


def test_segment_longer_than_max_gap_is_not_integrated(spark: SparkSession) -> None:
    rows = [
        ("G", "2024-06-01 10:00:00", 100.0),
        ("G", "2024-06-01 10:15:00", 100.0),
        ("G", "2024-06-01 12:30:00", 100.0),  # 2 h 15 min after the previous reading
    ]
    windows = _power_windows(spark, rows, max_gap_seconds=3600)
    assert sorted(end.hour for _, end in windows) == [10, 11, 13]
    partial = windows[("G", _ts("2024-06-01 11:00:00"))]
    assert partial["energy"] == pytest.approx(25.0)  # 100 W x 0.25 h, then the gap
    assert partial["integrated_seconds"] == pytest.approx(900.0)
    assert partial["spans_gap"] is True
    after = windows[("G", _ts("2024-06-01 13:00:00"))]
    assert (after["energy"], after["reading_count"], after["spans_gap"]) == (0.0, 1, True)
    assert windows[("G", _ts("2024-06-01 10:00:00"))]["spans_gap"] is False

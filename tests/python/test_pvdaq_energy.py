"""Hourly PV energy: python_helpers.pvdaq on the shared energy_windows helper.

Expected values are worked by hand (trapezoid rule on the readings, window (hh:00, hh+1:00]).
"""

from __future__ import annotations

import datetime as dt

import pytest
from pyspark.sql import DataFrame, SparkSession

from python_helpers.pvdaq import ac_power_series, hourly_ac_energy, power_in_watts

MEASUREMENT_COLUMNS = "ss_id int, sensor_name string, common_name string, units string, "
MEASUREMENT_COLUMNS += "measured_at timestamp, value double"


def _measurements(spark: SparkSession, rows: list[tuple]) -> DataFrame:
    return spark.createDataFrame(rows, MEASUREMENT_COLUMNS)


def _at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2012, 3, 5, hour, minute)


def _energy_by_window(frame: DataFrame) -> dict[tuple[int, str, dt.datetime], dict]:
    return {
        (row["ss_id"], row["sensor"], row["window_end"]): row.asDict() for row in frame.collect()
    }


def _hourly(spark: SparkSession, rows: list[tuple], max_gap_seconds: float = 1800) -> dict:
    power = ac_power_series(_measurements(spark, rows), ac_power_common_names=["ac_power"])
    return _energy_by_window(hourly_ac_energy(power, max_gap_seconds=max_gap_seconds))


def test_four_quarter_hour_readings_by_hand(spark: SparkSession) -> None:
    # 10:15 100 W, 10:30 200 W, 10:45 300 W, 11:00 400 W: all four lie in (10:00, 11:00].
    # Trapezoids: (100+200)/2 x 0.25 h + (200+300)/2 x 0.25 h + (300+400)/2 x 0.25 h
    #           = 37.5 + 62.5 + 87.5 = 187.5 Wh over 2,700 s (nothing before 10:15).
    rows = [
        (50, "ac_power_2", "ac_power", "W", _at(10, 15), 100.0),
        (50, "ac_power_2", "ac_power", "W", _at(10, 30), 200.0),
        (50, "ac_power_2", "ac_power", "W", _at(10, 45), 300.0),
        (50, "ac_power_2", "ac_power", "W", _at(11, 0), 400.0),
    ]
    result = _hourly(spark, rows)
    assert set(result) == {(50, "ac_power_2", _at(11))}
    window = result[(50, "ac_power_2", _at(11))]
    assert window["window_start"] == _at(10)
    assert window["energy_wh"] == pytest.approx(187.5, abs=1e-9)
    assert window["integrated_seconds"] == pytest.approx(2700.0)
    assert window["reading_count"] == 4
    assert (window["min_power_w"], window["max_power_w"]) == (100.0, 400.0)
    assert window["mean_power_w"] == pytest.approx(250.0)
    assert window["spans_gap"] is False


def test_constant_power_hour_gives_power_times_one_hour(spark: SparkSession) -> None:
    # 1.25 kW from 12:00 to 13:00 every 15 minutes: (12:00, 13:00] holds exactly 1,250 Wh.
    rows = [
        (50, "ac_power_2", "ac_power", "kW", _at(12, minute), 1.25) for minute in (0, 15, 30, 45)
    ] + [(50, "ac_power_2", "ac_power", "kW", _at(13, 0), 1.25)]
    result = _hourly(spark, rows)
    hour = result[(50, "ac_power_2", _at(13))]
    assert hour["energy_wh"] == 1250.0
    assert hour["integrated_seconds"] == 3600.0
    # The 12:00 reading closes the window (11:00, 12:00]: nothing integrated there.
    assert result[(50, "ac_power_2", _at(12))]["energy_wh"] == 0.0


def test_segment_across_the_hour_is_split_and_long_gaps_are_not_integrated(
    spark: SparkSession,
) -> None:
    # 10:50 0 W -> 11:10 1200 W (20 min, bridged): power at 11:00 is 600 W by interpolation,
    # so (10:00, 11:00] gets (0+600)/2 x 10/60 h = 50 Wh and (11:00, 12:00] gets
    # (600+1200)/2 x 10/60 h = 150 Wh. Then 11:10 -> 12:10 (60 min > 1800 s): a gap, not
    # integrated; both windows it touches are flagged.
    rows = [
        (15, "ac_power", "ac_power", "W", _at(10, 50), 0.0),
        (15, "ac_power", "ac_power", "W", _at(11, 10), 1200.0),
        (15, "ac_power", "ac_power", "W", _at(12, 10), 900.0),
    ]
    result = _hourly(spark, rows)
    assert result[(15, "ac_power", _at(11))]["energy_wh"] == pytest.approx(50.0)
    assert result[(15, "ac_power", _at(12))]["energy_wh"] == pytest.approx(150.0)
    assert result[(15, "ac_power", _at(12))]["spans_gap"] is True
    assert result[(15, "ac_power", _at(13))]["energy_wh"] == 0.0
    assert result[(15, "ac_power", _at(13))]["spans_gap"] is True
    assert result[(15, "ac_power", _at(11))]["spans_gap"] is False


def test_series_are_kept_apart_and_only_ac_power_is_integrated(spark: SparkSession) -> None:
    rows = [
        (4, "ac_power_1", "ac_power", "W", _at(9, 0), 100.0),
        (4, "ac_power_1", "ac_power", "W", _at(10, 0), 100.0),
        (4, "ac_power_2", "ac_power", "W", _at(9, 0), 300.0),
        (4, "ac_power_2", "ac_power", "W", _at(9, 30), 300.0),
        (4, "ac_power_2", "ac_power", "W", _at(10, 0), 300.0),
        (4, "poa_irradiance", "poa_irradiance", "W/m^2", _at(9, 30), 800.0),
    ]
    result = _hourly(spark, rows, max_gap_seconds=3600)
    assert {key[1] for key in result} == {"ac_power_1", "ac_power_2"}
    assert result[(4, "ac_power_1", _at(10))]["energy_wh"] == pytest.approx(100.0)
    assert result[(4, "ac_power_2", _at(10))]["energy_wh"] == pytest.approx(300.0)


def test_power_units_are_converted_to_watts(spark: SparkSession) -> None:
    frame = spark.createDataFrame(
        [(2.0, "W"), (2.0, "kW"), (2.0, "MW"), (2.0, "W/m^2"), (2.0, None)],
        "value double, units string",
    )
    watts = [
        row[0] for row in frame.select(power_in_watts(frame["value"], frame["units"])).collect()
    ]
    assert watts == [2.0, 2000.0, 2_000_000.0, None, None]

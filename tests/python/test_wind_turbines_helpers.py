"""Unit tests of python_helpers.wind_turbines on small hand-made series.

Every expected value is worked out by hand in the test's docstring or comments.
"""

from __future__ import annotations

import datetime as dt
import math
import time

import numpy as np
import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from python_helpers.wind_turbines import (
    MEASURES,
    CleaningParameters,
    align_to_cadence,
    build_spine,
    clean_readings,
    incremental_window,
    interpolate_gaps,
)

START = dt.datetime(2022, 3, 1, 0, 0)
READING_SCHEMA = (
    "turbine_id int, reading_at timestamp, wind_speed_m_s double, "
    "wind_direction_deg double, power_output_mw double"
)
PARAMS = CleaningParameters(
    cadence_minutes=60,
    max_gap_hours=6,
    outlier_window_hours=24,
    outlier_mad_k=5.0,
    power_tolerance=1.1,
)


def _hour(h: int) -> dt.datetime:
    return START + dt.timedelta(hours=h)


@pytest.fixture(scope="module")
def registry(spark: SparkSession) -> DataFrame:
    return spark.createDataFrame(
        [(1, 1, 5.0), (2, 1, 5.0)], "turbine_id int, turbine_group int, rated_power_mw double"
    )


@pytest.fixture(scope="module")
def limits(spark: SparkSession) -> DataFrame:
    return spark.createDataFrame(
        [
            ("wind_speed_m_s", 0.0, 60.0, True),
            ("wind_direction_deg", 0.0, 360.0, True),
            ("power_output_mw", 0.0, None, False),
        ],
        "measure string, min_value double, max_value double, max_is_exclusive boolean",
    )


def _readings(spark: SparkSession, rows: list[tuple]) -> DataFrame:
    """rows: (turbine_id, hour offset, speed, direction, power)."""
    return spark.createDataFrame([(t, _hour(h), s, d, p) for t, h, s, d, p in rows], READING_SCHEMA)


def _clean(spark, registry, limits, rows, params=PARAMS, since=None) -> dict:
    result = clean_readings(_readings(spark, rows), registry, limits, params, since=since)
    return {
        (row.turbine_id, row.reading_at): row
        for row in result.orderBy("turbine_id", "reading_at").collect()
    }


def test_three_hour_gap_is_interpolated(spark, registry, limits):
    """Rows at hours 0, 1 and 5; hours 2-4 missing (a 3-hour gap, max gap 6 h).

    Power 1, 2, _, _, _, 4.5 MW: the line from (1 h, 2) to (5 h, 4.5) rises 0.625 MW per
    hour: 2.625, 3.25, 3.875. Wind speed 10, 10, _, _, _, 14 m/s: 11, 12, 13.
    """
    rows = [
        (1, 0, 10.0, 90.0, 1.0),
        (1, 1, 10.0, 90.0, 2.0),
        (1, 5, 14.0, 90.0, 4.5),
    ]
    out = _clean(spark, registry, limits, rows)
    assert sorted(h for (_, h) in out) == [_hour(h) for h in range(6)]
    for h, power, speed in [(2, 2.625, 11.0), (3, 3.25, 12.0), (4, 3.875, 13.0)]:
        row = out[(1, _hour(h))]
        assert row.power_output_mw == pytest.approx(power, abs=1e-12)
        assert row.wind_speed_m_s == pytest.approx(speed, abs=1e-12)
        assert row.wind_direction_deg == pytest.approx(90.0, abs=1e-12)
        assert row.is_imputed is True
        assert row.quality_flag == "imputed_missing_row"
        assert row.power_output_mw_status == "missing_row"
    for h, power in [(0, 1.0), (1, 2.0), (5, 4.5)]:
        row = out[(1, _hour(h))]
        assert row.power_output_mw == power
        assert row.is_imputed is False
        assert row.quality_flag == "observed"


def test_gap_longer_than_max_stays_null(spark, registry, limits):
    """Max gap 2 h; hours 1-3 missing (3 h) stay null and flagged; hours 5-6 (2 h) are filled."""
    params = CleaningParameters(max_gap_hours=2)
    rows = [
        (1, 0, 10.0, 90.0, 1.0),
        (1, 4, 10.0, 90.0, 3.0),
        (1, 7, 10.0, 90.0, 4.5),
    ]
    out = _clean(spark, registry, limits, rows, params=params)
    assert len(out) == 8
    for h in (1, 2, 3):
        row = out[(1, _hour(h))]
        assert row.power_output_mw is None
        assert row.wind_speed_m_s is None
        assert row.wind_direction_deg is None
        assert row.is_imputed is False
        assert row.quality_flag == "unfilled_gap"
    # from (4 h, 3.0) to (7 h, 4.5): 0.5 MW per hour
    assert out[(1, _hour(5))].power_output_mw == pytest.approx(3.5, abs=1e-12)
    assert out[(1, _hour(6))].power_output_mw == pytest.approx(4.0, abs=1e-12)
    assert out[(1, _hour(6))].quality_flag == "imputed_missing_row"


def test_direction_is_interpolated_on_the_circle(spark, registry, limits):
    """340 deg then three missing hours then 20 deg: the shorter arc is +40 deg, 10 per hour,
    so 350, 0, 10 (not 250, 160, 110 as a straight line through 180 would give).
    Turbine 2 goes the other way, 10 -> 350 over two steps: 0 at the midpoint."""
    rows = [
        (1, 0, 10.0, 340.0, 2.0),
        (1, 4, 10.0, 20.0, 2.0),
        (2, 0, 10.0, 10.0, 2.0),
        (2, 2, 10.0, 350.0, 2.0),
    ]
    out = _clean(spark, registry, limits, rows)
    expected = {(1, 1): 350.0, (1, 2): 0.0, (1, 3): 10.0, (2, 1): 0.0}
    for (turbine, h), angle in expected.items():
        value = out[(turbine, _hour(h))].wind_direction_deg
        assert 0.0 <= value < 360.0
        # compare on the circle: 359.9999999 and 0 are the same bearing
        assert math.isclose(math.cos(math.radians(value)), math.cos(math.radians(angle)))
        assert math.isclose(
            math.sin(math.radians(value)), math.sin(math.radians(angle)), abs_tol=1e-9
        )


def test_circular_interpolation_function_directly(spark):
    """interpolate_gaps(circular=True) on 350, null, 10: midpoint 0 within rounding."""
    df = spark.createDataFrame(
        [(1, _hour(0), 350.0), (1, _hour(1), None), (1, _hour(2), 10.0)],
        "turbine_id int, reading_at timestamp, wind_direction_deg double",
    )
    rows = (
        interpolate_gaps(
            df, ("wind_direction_deg",), 6, 60, circular_measures=("wind_direction_deg",)
        )
        .orderBy("reading_at")
        .collect()
    )
    middle = rows[1].wind_direction_deg
    assert min(middle, 360.0 - middle) == pytest.approx(0.0, abs=1e-9)
    assert rows[1].wind_direction_deg_imputed is True
    assert rows[0].wind_direction_deg_imputed is False


def test_build_spine_fills_every_step_between_each_turbines_rows(spark):
    """Aligned rows (turbine, minute offset, speed), 60-minute cadence except where noted.

    Turbine 1: rows at 0, 60 and 240 min -> steps 0, 60, 120, 180, 240 (120 and 180 added
    without values). Turbine 2: one row at 120 min -> that step only (no step before a
    turbine's first row or after its last). Turbine 3, 10-minute cadence: rows at 0 and 30
    min -> 0, 10, 20, 30.
    """
    schema = (
        "turbine_id int, reading_at timestamp, wind_speed_m_s double, "
        "wind_direction_deg double, power_output_mw double, has_row boolean"
    )

    def spine(rows: list[tuple[int, int, float]], cadence_minutes: int) -> list[tuple]:
        aligned = spark.createDataFrame(
            [(t, START + dt.timedelta(minutes=m), v, 90.0, 1.0, True) for t, m, v in rows],
            schema,
        )
        out = build_spine(aligned, cadence_minutes)
        assert out.columns == aligned.columns
        return [
            (
                r.turbine_id,
                int((r.reading_at - START).total_seconds() // 60),
                r.wind_speed_m_s,
                r.has_row,
            )
            for r in out.orderBy("turbine_id", "reading_at").collect()
        ]

    hourly = spine([(1, 0, 5.0), (1, 60, 6.0), (1, 240, 7.0), (2, 120, 8.0)], 60)
    assert hourly == [
        (1, 0, 5.0, True),
        (1, 60, 6.0, True),
        (1, 120, None, False),
        (1, 180, None, False),
        (1, 240, 7.0, True),
        (2, 120, 8.0, True),
    ]
    ten_minutes = spine([(3, 30, 2.0), (3, 0, 1.0)], 10)
    assert ten_minutes == [
        (3, 0, 1.0, True),
        (3, 10, None, False),
        (3, 20, None, False),
        (3, 30, 2.0, True),
    ]


def test_interpolate_gaps_matches_numpy_on_two_turbines(spark):
    """Each null is filled only between the nearest valid values before and after it (within
    its own turbine) when they are at most 6 h + one step apart; expected values from
    numpy.interp over the valid hours, so the neighbour search is checked independently.
    Turbine 1: gaps of 1, 3 and 7 hours (the last too long) and a null first and last hour;
    turbine 2: valid everywhere except hour 5, interleaved in the same frame."""
    power_1 = [None, 1.0, None, 3.0, None, None, None, 7.0] + [None] * 7 + [15.0, None]
    power_2 = [10.0 - h for h in range(len(power_1))]
    power_2[5] = None
    rows = [(1, _hour(h), v) for h, v in enumerate(power_1)]
    rows += [(2, _hour(h), v) for h, v in enumerate(power_2)]
    frame = spark.createDataFrame(rows, "turbine_id int, reading_at timestamp, power double")
    result = interpolate_gaps(frame, ("power",), max_gap_hours=6, cadence_minutes=60)
    got = {
        (row.turbine_id, row.reading_at): (row.power, row.power_imputed) for row in result.collect()
    }
    for turbine, series in ((1, power_1), (2, power_2)):
        hours = np.arange(len(series))
        valid = np.array([v is not None for v in series])
        values = np.array([np.nan if v is None else v for v in series])
        for h in hours:
            value, imputed = got[(turbine, _hour(int(h)))]
            before, after = hours[valid & (hours < h)], hours[valid & (hours > h)]
            fillable = (
                not valid[h]
                and before.size > 0
                and after.size > 0
                and after[0] - before[-1] <= 6 + 1
            )
            assert imputed is bool(fillable)
            if valid[h]:
                assert value == values[h]
            elif fillable:
                expected = np.interp(h, hours[valid], values[valid])
                assert value == pytest.approx(expected, rel=1e-12)
            else:
                assert value is None
    assert got[(1, _hour(2))] == (pytest.approx(2.0), True)  # by hand: halfway from 1 to 3
    assert got[(1, _hour(10))] == (None, False)  # 8 h between valid hours 7 and 15


def test_outlier_is_replaced(spark, registry, limits):
    """Power 2.0 2.1 1.9 2.0 4.9 2.1 1.9 2.0 2.0 MW over hours 0-8 (all in one 24 h window).

    Median 2.0; absolute deviations 0 0 0 0 .1 .1 .1 .1 2.9 -> MAD 0.1; threshold
    5 x 1.4826 x 0.1 = 0.7413 MW. 4.9 (plausible: below 5 x 1.1) deviates 2.9 -> outlier,
    replaced by the mean of its neighbours 2.0 and 2.1 = 2.05. Wind speed is constant 10
    (MAD 0): no outlier decision, nothing flagged.
    """
    powers = [2.0, 2.1, 1.9, 2.0, 4.9, 2.1, 1.9, 2.0, 2.0]
    rows = [(1, h, 10.0, 180.0, p) for h, p in enumerate(powers)]
    out = _clean(spark, registry, limits, rows)
    spike = out[(1, _hour(4))]
    assert spike.power_output_mw == pytest.approx(2.05, abs=1e-12)
    assert spike.power_output_mw_status == "outlier"
    assert spike.quality_flag == "imputed_outlier"
    assert spike.is_imputed is True
    for h, power in enumerate(powers):
        if h != 4:
            assert out[(1, _hour(h))].power_output_mw == power
            assert out[(1, _hour(h))].quality_flag == "observed"


def test_implausible_values_are_replaced(spark, registry, limits):
    """999 MW, -1 MW (power limits 0..5.5) and 380 deg (direction < 360) are implausible.

    Power 1, 999, -1, 4 over hours 0-3: line from (0, 1) to (3, 4) gives 2 and 3.
    Direction 100, 380, 120: midpoint 110. Wind speed 'error' (null cell) at hour 1 with
    neighbours 10 and 12 -> 11; the row's flag is the most severe reason, implausible.
    Implausible values per hour: 0, 2 (380 deg, 999 MW; the empty speed cell is invalid, not
    implausible), 1 (-1 MW), 0.
    """
    rows = [
        (1, 0, 10.0, 100.0, 1.0),
        (1, 1, None, 380.0, 999.0),
        (1, 2, 12.0, 120.0, -1.0),
        (1, 3, 12.0, 120.0, 4.0),
    ]
    out = _clean(spark, registry, limits, rows)
    assert out[(1, _hour(1))].power_output_mw == pytest.approx(2.0, abs=1e-12)
    assert out[(1, _hour(2))].power_output_mw == pytest.approx(3.0, abs=1e-12)
    assert out[(1, _hour(1))].wind_direction_deg == pytest.approx(110.0, abs=1e-9)
    assert out[(1, _hour(1))].wind_speed_m_s == pytest.approx(11.0, abs=1e-12)
    assert out[(1, _hour(1))].wind_speed_m_s_status == "invalid_cell"
    assert out[(1, _hour(1))].quality_flag == "imputed_implausible"
    assert out[(1, _hour(2))].power_output_mw_status == "implausible"
    assert [out[(1, _hour(h))].implausible_value_count for h in range(4)] == [0, 2, 1, 0]


def test_a_step_averages_its_plausible_readings_only(spark, registry, limits):
    """10-minute readings, hourly cadence (limits: power 0..5.5 MW, direction below 360).

    Hour 0, six readings: power 2, 999, 2, 4, 2, 2; the 999 MW reading is left out, so
    (2 + 2 + 4 + 2 + 2) / 5 = 2.4 (averaged first, 168.5 MW would have made the whole hour
    implausible); direction 90 but one 380, which is left out: 90. Hour 1: power 999 and -1
    only: implausible, filled on the line from hour 0 (2.4) to hour 2 (4.4): 3.4. Hour 2: one
    reading of 4.4 MW. Values outside the limits, counted though left out: hour 0 two (999 MW,
    380 deg), hour 1 two (999 and -1 MW), hour 2 none.
    """
    minutes = dt.timedelta(minutes=1)
    hour_0 = [(2.0, 90.0), (999.0, 90.0), (2.0, 380.0), (4.0, 90.0), (2.0, 90.0), (2.0, 90.0)]
    rows = [
        *((1, START + 10 * i * minutes, 10.0, d, p) for i, (p, d) in enumerate(hour_0)),
        (1, START + 60 * minutes, 10.0, 90.0, 999.0),
        (1, START + 70 * minutes, 10.0, 90.0, -1.0),
        (1, START + 120 * minutes, 10.0, 90.0, 4.4),
    ]
    result = clean_readings(spark.createDataFrame(rows, READING_SCHEMA), registry, limits, PARAMS)
    out = {row.reading_at: row for row in result.collect()}
    assert sorted(out) == [_hour(0), _hour(1), _hour(2)]
    first, second, third = out[_hour(0)], out[_hour(1)], out[_hour(2)]
    assert first.power_output_mw == pytest.approx(2.4, abs=1e-12)
    assert (first.power_output_mw_status, first.wind_direction_deg_status) == ("observed",) * 2
    assert first.wind_direction_deg == pytest.approx(90.0, abs=1e-9)
    assert first.quality_flag == "observed"
    assert second.power_output_mw == pytest.approx(3.4, abs=1e-12)
    assert second.power_output_mw_status == "implausible"
    assert second.quality_flag == "imputed_implausible"
    assert third.power_output_mw == 4.4
    assert [row.implausible_value_count for row in (first, second, third)] == [2, 2, 0]


def test_no_extrapolation_past_the_last_reading(spark, registry, limits):
    """Turbine 1 reports hours 0-3; at hour 3 the power cell is garbage (null).

    The spine ends at hour 3 (no hour 4 or later is invented) and hour 3's power has no
    valid value after it, so it stays null and flagged. Turbine 2 reports hours 0-5 and
    does not stretch turbine 1's spine.
    """
    rows = [(1, h, 10.0, 90.0, 2.0) for h in range(3)] + [(1, 3, 10.0, 90.0, None)]
    rows += [(2, h, 10.0, 90.0, 3.0) for h in range(6)]
    out = _clean(spark, registry, limits, rows)
    turbine_1_hours = sorted(h for (t, h) in out if t == 1)
    assert turbine_1_hours == [_hour(h) for h in range(4)]
    last = out[(1, _hour(3))]
    assert last.power_output_mw is None
    assert last.power_output_mw_status == "invalid_cell"
    assert last.quality_flag == "unfilled_gap"
    assert last.wind_speed_m_s == 10.0


def test_incremental_window_equals_full_computation(spark, registry, limits):
    """Computing from a date on (reading back the cleaning's history) gives the same rows as
    the full computation restricted to that date: a gap straddling midnight is filled the
    same way, and an outlier decision near midnight sees the same window."""
    rows = []
    for h in range(72):
        if 44 <= h <= 49:  # 6 missing hours across the day-2/day-3 boundary (h 48 = day 3)
            continue
        power = 4.9 if h == 47 + 3 else 2.0 + 0.1 * (h % 3)
        rows.append((1, h, 10.0 + (h % 4), (h * 37) % 360 * 1.0, power))
    since = (START + dt.timedelta(days=2)).date()
    full = _clean(spark, registry, limits, rows)
    partial = _clean(spark, registry, limits, rows, since=since)
    expected = {key: row for key, row in full.items() if key[1] >= _hour(48)}
    assert partial == expected
    assert len(partial) == 24


def test_incremental_window_keeps_a_gap_longer_than_the_history(spark, registry, limits):
    """Turbine 1 reports hours 0-25, then nothing until hour 52 (day 3, 04:00): a 26-hour gap,
    longer than the 20 hours of history an incremental run from day 3 (hour 48) reads. The
    full computation holds hours 48-51 as missing rows of an unfilled gap; so must the run
    from day 3, which sees no row of turbine 1 before hour 52 and learns from the stored table
    that its series began earlier. Turbine 2 starts at hour 50, after the cutoff: its series
    starts at its first row in both computations."""
    rows = [(1, h, 10.0, 90.0, 2.0) for h in [*range(26), *range(52, 72)]]
    rows += [(2, h, 9.0, 80.0, 1.5) for h in range(50, 72)]
    since = (START + dt.timedelta(days=2)).date()
    full = _clean(spark, registry, limits, rows)
    continuing = spark.createDataFrame([(1,)], "turbine_id int")
    partial = {
        (row.turbine_id, row.reading_at): row
        for row in clean_readings(
            _readings(spark, rows),
            registry,
            limits,
            PARAMS,
            since=since,
            continuing_turbines=continuing,
        ).collect()
    }
    expected = {key: row for key, row in full.items() if key[1] >= _hour(48)}
    assert partial == expected
    assert sorted(h for t, h in partial if t == 1) == [_hour(h) for h in range(48, 72)]
    assert sorted(h for t, h in partial if t == 2) == [_hour(h) for h in range(50, 72)]
    gap = [partial[(1, _hour(h))] for h in range(48, 52)]
    assert {(row.quality_flag, row.power_output_mw_status) for row in gap} == {
        ("unfilled_gap", "missing_row")
    }
    assert all(row.power_output_mw is None for row in gap)
    assert all(row.implausible_value_count == 0 for row in gap)


def test_incremental_window_reaches_back_to_a_turbine_back_from_an_outage(spark, registry, limits):
    """Turbine 1 reports hours 0-119 (days 1-5). Turbine 2 reports hours 0-40, is silent,
    and reports again from hour 110 (day 5). A first run stored the series of the readings
    before hour 96 (days 1-4): turbine 2's ends at hour 40 (day 2, 16:00). The next run with a
    lookback of 1 day would start at day 3 (latest stored day 4 - 1) and never write turbine
    2's hours 41-47, which the full computation holds as missing rows: it starts at day 2,
    the day of turbine 2's last stored step. Without turbine 2's return the start stays at
    day 3 (a turbine out of service moves nothing)."""
    rows = [(1, h, 10.0 + (h % 4), 90.0, 2.0 + 0.1 * (h % 3)) for h in range(120)]
    rows += [(2, h, 9.0, 80.0, 1.5) for h in [*range(41), *range(110, 120)]]
    first_rows = [row for row in rows if row[1] < 96]
    stored = clean_readings(_readings(spark, first_rows), registry, limits, PARAMS).cache()
    day = [(START + dt.timedelta(days=n)).date() for n in range(5)]

    window = incremental_window(stored, _readings(spark, rows), lookback_days=1)
    assert window is not None
    assert window.since == day[1]
    assert sorted(r.turbine_id for r in window.continuing_turbines.collect()) == [1, 2]
    partial = clean_readings(
        _readings(spark, rows),
        registry,
        limits,
        PARAMS,
        since=window.since,
        continuing_turbines=window.continuing_turbines,
    )
    combined = stored.filter(F.col("reading_date") < F.lit(window.since)).unionByName(partial)
    combined_rows = {(r.turbine_id, r.reading_at): r for r in combined.collect()}
    assert combined_rows == _clean(spark, registry, limits, rows)
    outage = [combined_rows[(2, _hour(h))] for h in range(41, 110)]
    assert {(r.quality_flag, r.power_output_mw_status) for r in outage} == {
        ("unfilled_gap", "missing_row")
    }

    not_returning = incremental_window(stored, _readings(spark, first_rows), lookback_days=1)
    assert not_returning is not None
    assert not_returning.since == day[2]
    assert incremental_window(stored.limit(0), _readings(spark, rows), lookback_days=1) is None
    stored.unpersist()


def test_incremental_cutoff_is_utc_midnight_whatever_the_driver_time_zone(
    spark, registry, limits, monkeypatch
):
    """The `since` date is a UTC date: a driver process in New York (UTC-5 in January) still
    returns the 24 steps from 00:00 UTC, not from 05:00 UTC."""
    rows = [(1, h, 10.0, 90.0, 2.0) for h in range(72)]
    readings = _readings(spark, rows)  # converted to Spark values under the session's UTC
    since = (START + dt.timedelta(days=2)).date()
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        result = clean_readings(readings, registry, limits, PARAMS, since=since)
    finally:
        monkeypatch.undo()
        time.tzset()
    hours = sorted(row.reading_at for row in result.collect())
    assert hours == [_hour(h) for h in range(48, 72)]


def test_align_to_cadence_averages_the_readings_of_a_step(spark: SparkSession):
    """Two readings in hour 0 (at :10 and :40), two in hour 1, one in hour 2.

    Hour 0: speed (4 + 6) / 2 = 5, power (1 + 2) / 2 = 1.5, direction 350 and 10 degrees meet
    at 0 on the circle (the plain mean, 180, would point the other way). Hour 1: 90 and 180
    average to 135. Hour 2: the single reading unchanged. Directions are checked against the
    angle of the mean unit vector computed with numpy.
    """
    minutes = dt.timedelta(minutes=1)
    rows = [
        (1, START + 10 * minutes, 4.0, 350.0, 1.0),
        (1, START + 40 * minutes, 6.0, 10.0, 2.0),
        (1, START + 70 * minutes, 3.0, 90.0, 0.5),
        (1, START + 119 * minutes, 3.0, 180.0, 0.7),
        (1, START + 120 * minutes, 7.5, 123.4, 3.3),
    ]
    observed = {f"{m}_status": F.lit("observed") for m in MEASURES}
    readings = spark.createDataFrame(rows, READING_SCHEMA).withColumns(observed)
    aligned = {row.reading_at: row for row in align_to_cadence(readings, 60).collect()}
    assert sorted(aligned) == [_hour(0), _hour(1), _hour(2)]

    def numpy_circular_mean(*degrees: float) -> float:
        radians = np.radians(degrees)
        return float(np.degrees(np.arctan2(np.sin(radians).mean(), np.cos(radians).mean())))

    def angular_gap(a: float, b: float) -> float:
        return abs((a - b + 180.0) % 360.0 - 180.0)

    first, second, third = aligned[_hour(0)], aligned[_hour(1)], aligned[_hour(2)]
    assert (first.wind_speed_m_s, first.power_output_mw) == pytest.approx((5.0, 1.5))
    assert 0.0 <= first.wind_direction_deg < 360.0
    assert angular_gap(first.wind_direction_deg, 0.0) < 1e-9
    assert angular_gap(first.wind_direction_deg, numpy_circular_mean(350.0, 10.0)) < 1e-9
    assert (second.wind_speed_m_s, second.power_output_mw) == pytest.approx((3.0, 0.6))
    assert second.wind_direction_deg == pytest.approx(135.0)
    assert angular_gap(second.wind_direction_deg, numpy_circular_mean(90.0, 180.0)) < 1e-9
    assert (third.wind_speed_m_s, third.wind_direction_deg, third.power_output_mw) == (
        7.5,
        123.4,
        3.3,
    )
    assert all(row.has_row for row in aligned.values())

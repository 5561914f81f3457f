"""Unit tests of python_helpers.robot_forming on the shared local Spark session.

Expected values come from hand calculation, closed-form signals or numpy/pandas on the same
input, never from the functions under test.
"""

from __future__ import annotations

import math
import random
import re
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import (
    DoubleType,
    IntegerType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

from python_helpers.robot_forming import (
    ACCELERATION_COLUMNS,
    NORM_COLUMNS,
    SERIES_COLUMNS,
    VELOCITY_COLUMNS,
    bucket_means,
    parse_sensor_time,
    pivot_wide,
    resample_to_grid,
    resample_with_kinematics,
    run_statistics,
)
from tests.python.conftest import FIXTURES

T0 = datetime(2022, 11, 23, 20, 40, 0, tzinfo=UTC)
LONG_SCHEMA = StructType(
    [
        StructField("run_uuid", StringType()),
        StructField("time", TimestampType()),
        StructField("field", StringType()),
        StructField("robot_id", IntegerType()),
        StructField("value", DoubleType()),
    ]
)


def at_ms(ms: float) -> datetime:
    return T0 + timedelta(microseconds=round(ms * 1000))


def long_frame(spark: SparkSession, rows: list[tuple]) -> DataFrame:
    """rows: (run_uuid, milliseconds after T0, field, robot_id, value)."""
    return spark.createDataFrame(
        [(run, at_ms(ms), field, robot, value) for run, ms, field, robot, value in rows],
        LONG_SCHEMA,
    )


def rows_by_time(frame: DataFrame, run_uuid: str) -> list[dict]:
    return [
        row.asDict() for row in frame.where(F.col("run_uuid") == run_uuid).orderBy("time").collect()
    ]


# --- time parsing ------------------------------------------------------------------------


TIME_CASES = [
    ("2022-11-23T20:40:00.444Z", datetime(2022, 11, 23, 20, 40, 0, 444000)),
    ("2022-11-23T20:40:13.78Z", datetime(2022, 11, 23, 20, 40, 13, 780000)),
    ("2022-11-23T20:41:53.8Z", datetime(2022, 11, 23, 20, 41, 53, 800000)),
    ("2022-11-23T20:50:00Z", datetime(2022, 11, 23, 20, 50, 0)),
    ("2022-11-23 20:40:00.003000+00:00", datetime(2022, 11, 23, 20, 40, 0, 3000)),
    ("2022-11-23 20:41:06+00:00", datetime(2022, 11, 23, 20, 41, 6)),
    ("2022-11-23T21:40:00.5+01:00", datetime(2022, 11, 23, 20, 40, 0, 500000)),
    ("2022-11-23T20:40:00.123456789Z", datetime(2022, 11, 23, 20, 40, 0, 123456)),
    ("  2022-11-23T20:40:00.1  ", datetime(2022, 11, 23, 20, 40, 0, 100000)),
    ("2022-11-23 20:40:00.041", datetime(2022, 11, 23, 20, 40, 0, 41000)),
    ("2022-11-23T20:40", None),
    ("2022-11-23T20:40Z\u2003", None),  # 18 characters, 20 bytes
    ("2022-1-23T20:40:00.000Z", None),  # the cast alone accepts one-digit fields
    ("2022-11-3T20:40:00.000Z", None),
    ("2022-11-23T2:40:00.000Z", None),
    ("2022-11-23X20:40:00.000Z", None),
    ("20:40:00.123456789012Z", None),  # a time alone, 19+ characters
    ("2022-11-23T20:40:00.444\u00e9", None),
    ("2022-11-23", None),
    ("2022-11-23T25:40:00Z", None),
    ("20:40:00.444Z", None),
    ("2022-11-23T20:40:00.444ZZ", None),
    ("garbage", None),
    ("", None),
    (None, None),
]


def test_parse_sensor_time_variants(spark: SparkSession) -> None:
    frame = spark.createDataFrame(
        [(index, text) for index, (text, _) in enumerate(TIME_CASES)], "i int, t string"
    )
    parsed = {
        row["i"]: row["parsed"]
        for row in frame.select("i", parse_sensor_time("t").alias("parsed")).collect()
    }
    # The session time zone is UTC, so collected timestamps are naive UTC wall times.
    for index, (text, expected) in enumerate(TIME_CASES):
        assert parsed[index] == expected, text


def _mutated_time_strings(count: int, seed: int) -> list[str]:
    """Valid sensor times with 0-2 random defects each: a field of 1 or 3 digits, another
    separator, fields cut off, a zone variant, blanks, the start cut off."""
    rng = random.Random(seed)
    strings = []
    for _ in range(count):
        year = rng.choice(["2022", "1999", "0999", "+2022", "20221", "202"])
        fields = [rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23)]
        fields += [rng.randint(0, 59), rng.randint(0, 59)]
        widths = [2] * 5
        for _ in range(rng.choice([0, 0, 1, 2])):
            widths[rng.randrange(5)] = rng.choice([1, 3])
        separators = ["-", "-", rng.choice(["T", " "]), ":", ":"]
        if rng.random() < 0.3:
            separators[rng.randrange(5)] = rng.choice(["-", ":", "T", " ", ".", "/", "", "X"])
        text = year
        for index in range(rng.choice([2, 3, 4, 5, 5, 5])):
            text += separators[index] + str(fields[index]).zfill(widths[index])
        if rng.random() < 0.7:
            text += "." + "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 10)))
        text += rng.choice(["", "Z", "Z", "+01:00", "-05:30", "+1:00", " UTC", "+0100", "ZZ"])
        if rng.random() < 0.2:
            text = text[rng.randint(1, 11) :]
        strings.append(rng.choice(["", " "]) + text + rng.choice(["", "", " "]))
    return strings


def test_parse_sensor_time_follows_its_rule_on_mutated_strings(spark: SparkSession) -> None:
    """The rule, written independently: after trimming blanks, the text starts with
    `yyyy-MM-dd`, `T` or a space, `HH:` (ASCII digits), has at least 19 bytes, and then parses
    as Spark's cast parses it (with `Z` appended when it has no zone); anything else is
    null. The parser's two position checks stand for this prefix (see its comments)."""
    shape = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:")
    strings = sorted(set(_mutated_time_strings(30_000, seed=11)))
    expected_input = []
    for text in strings:
        trimmed = text.strip(" ")
        has_zone = trimmed.endswith("Z") or trimmed[-6:-5] in ("+", "-")
        shaped = len(trimmed.encode()) >= 19 and shape.match(trimmed) is not None
        zoned = trimmed if has_zone else trimmed + "Z"
        expected_input.append((text, zoned if shaped else None))
    frame = spark.createDataFrame(expected_input, "t string, zoned string")
    rows = frame.select(
        parse_sensor_time("t").alias("parsed"), F.col("zoned").try_cast("timestamp").alias("cast")
    ).collect()
    assert sum(row["cast"] is not None for row in rows) > 1_000  # the rule accepts many
    assert sum(row["cast"] is None for row in rows) > 10_000  # and rejects many
    differing = [(text, row) for text, row in zip(strings, rows, strict=True) if row[0] != row[1]]
    assert not differing, differing[:5]


# --- pivot and bucket means ----------------------------------------------------------------


def test_pivot_wide_one_row_per_instant(spark: SparkSession) -> None:
    readings = long_frame(
        spark,
        [
            ("r", 0, "x", 1, 1.0),
            ("r", 0, "fx", 2, 7.0),
            ("r", 0, "fx", 2, 9.0),  # second sample of fx_2 at the same instant: averaged
            ("r", 12, "x", 1, 2.0),
            ("r", 12, "bogus", 1, 99.0),  # not a series: ignored
        ],
    )
    rows = rows_by_time(pivot_wide(readings), "r")
    assert [row["time"] for row in rows] == [
        at_ms(0).replace(tzinfo=None),
        at_ms(12).replace(tzinfo=None),
    ]
    assert rows[0]["x_1"] == 1.0 and rows[0]["fx_2"] == 8.0 and rows[0]["y_1"] is None
    assert rows[1]["x_1"] == 2.0 and rows[1]["fx_2"] is None
    assert list(pivot_wide(readings).columns) == ["run_uuid", "time", *SERIES_COLUMNS]


def test_pivot_wide_puts_each_field_and_robot_in_its_own_column(spark: SparkSession) -> None:
    fields = ("x", "y", "z", "fx", "fy", "fz")
    rows = [
        ("r", 0, field, robot, 10.0 * robot + index)
        for index, field in enumerate(fields)
        for robot in (1, 2)
    ]
    rows += [("r", 0, "x", 3, 99.0), ("r", 0, "x", 0, 98.0)]  # no such robot: ignored
    (row,) = rows_by_time(pivot_wide(long_frame(spark, rows)), "r")
    expected = {
        f"{field}_{robot}": 10.0 * robot + index
        for index, field in enumerate(fields)
        for robot in (1, 2)
    }
    assert {column: row[column] for column in SERIES_COLUMNS} == expected


def test_bucket_means_and_offsets(spark: SparkSession) -> None:
    readings = long_frame(
        spark,
        [
            ("r", 3, "x", 1, 1.0),
            ("r", 7, "x", 1, 3.0),
            ("r", 21, "x", 1, 5.0),
            ("r", 25, "fx", 1, 10.0),
        ],
    )
    rows = rows_by_time(bucket_means(readings, 10), "r")
    # Occupied buckets only: [0, 10) and [20, 30) ms.
    assert [(row["time"], row["x_1"], row["fx_1"]) for row in rows] == [
        (at_ms(0).replace(tzinfo=None), 2.0, None),
        (at_ms(20).replace(tzinfo=None), 5.0, 10.0),
    ]
    assert rows[0]["sample_offset_ms_x_1"] == pytest.approx(5.0)  # mean of 3 and 7 ms
    assert rows[1]["sample_offset_ms_x_1"] == pytest.approx(1.0)


# --- resampling ------------------------------------------------------------------------------


def test_resample_hand_computed_means_forward_and_back_fill(spark: SparkSession) -> None:
    readings = long_frame(
        spark,
        [
            # run r: buckets of 10 ms from 0 to 40 ms
            ("r", 3, "x", 1, 1.0),
            ("r", 7, "x", 1, 3.0),  # bucket 0: x_1 = mean(1, 3) = 2
            ("r", 21, "x", 1, 5.0),  # bucket 2: x_1 = 5; bucket 1 forward-filled = 2
            ("r", 25, "fx", 1, 10.0),  # fx_1 first seen in bucket 2: buckets 0, 1 back-filled
            ("r", 31, "fx", 1, 20.0),
            ("r", 39, "fx", 1, 40.0),  # bucket 3: fx_1 = 30
            ("r", 44, "fz", 2, -1.0),  # bucket 4: last sample of the run
            # run s: must not borrow anything from run r
            ("s", 1005, "x", 1, 100.0),
            ("s", 1028, "y", 1, 7.0),
        ],
    )
    grid = resample_to_grid(readings, bucket_ms=10)
    r_rows = rows_by_time(grid, "r")
    assert [row["time"] for row in r_rows] == [
        at_ms(ms).replace(tzinfo=None) for ms in (0, 10, 20, 30, 40)
    ]
    assert [row["x_1"] for row in r_rows] == [2.0, 2.0, 5.0, 5.0, 5.0]
    assert [row["is_observed_x_1"] for row in r_rows] == [True, False, True, False, False]
    assert [row["fx_1"] for row in r_rows] == [10.0, 10.0, 10.0, 30.0, 30.0]
    assert [row["is_observed_fx_1"] for row in r_rows] == [False, False, True, True, False]
    assert [row["fz_2"] for row in r_rows] == [-1.0] * 5
    # Series never seen in run r stay null and unobserved.
    for series in ("y_1", "z_1", "x_2", "fy_1", "fx_2"):
        assert [row[series] for row in r_rows] == [None] * 5
        assert not any(row[f"is_observed_{series}"] for row in r_rows)
    assert [row["sample_offset_ms_x_1"] for row in r_rows] == [5.0, None, 1.0, None, None]

    s_rows = rows_by_time(grid, "s")
    assert [row["time"] for row in s_rows] == [
        at_ms(ms).replace(tzinfo=None) for ms in (1000, 1010, 1020)
    ]
    assert [row["x_1"] for row in s_rows] == [100.0] * 3
    assert [row["y_1"] for row in s_rows] == [7.0] * 3
    assert [row["fx_1"] for row in s_rows] == [None] * 3


def test_resample_ignores_rows_without_run_or_time(spark: SparkSession) -> None:
    rows = [("r", ms, "x", 1, float(ms)) for ms in (0, 12, 24)]
    clean = long_frame(spark, rows)
    unusable = spark.createDataFrame(
        [(None, at_ms(5), "x", 1, 50.0), ("r", None, "x", 1, 60.0)], LONG_SCHEMA
    )
    expected = [row.asDict() for row in resample_with_kinematics(clean).orderBy("time").collect()]
    actual = resample_with_kinematics(clean.unionByName(unusable)).orderBy("time").collect()
    assert [row.asDict() for row in actual] == expected
    assert [row["x_1"] for row in actual] == [0.0, 12.0, 24.0]


def test_resample_real_load_cell_fixture_matches_pandas(spark: SparkSession) -> None:
    """Real 10 ms fx_1 series (steps of 9, 10 and 11 ms, rows out of order) vs pandas."""
    path = FIXTURES / "robot_forming" / "run_12405186538561671661_fx_1.csv"
    raw = spark.read.option("header", "true").csv(str(path))
    readings = raw.select(
        F.lit("12405186538561671661").alias("run_uuid"),
        parse_sensor_time("time").alias("time"),
        F.lit("fx").alias("field"),
        F.lit(1).alias("robot_id"),
        F.col("fx_1").cast("double").alias("value"),
    )
    assert readings.where(F.col("time").isNull()).count() == 0
    grid = resample_to_grid(readings, bucket_ms=10).orderBy("time")
    actual = pd.DataFrame(
        grid.select("time", "fx_1", "is_observed_fx_1").collect(),
        columns=["time", "fx_1", "observed"],
    )

    expected_source = pd.read_csv(path)
    expected_source["time"] = pd.to_datetime(
        expected_source["time"], utc=True, format="ISO8601"
    ).dt.tz_localize(None)
    means = expected_source.set_index("time")["fx_1"].resample("10ms").mean()
    expected = means.ffill().bfill()

    # 77.6 s of 10 ms buckets from the first to the last sample.
    assert len(actual) == len(expected) == 7764
    assert (actual["time"].to_numpy() == expected.index.to_numpy()).all()
    np.testing.assert_allclose(actual["fx_1"].to_numpy(), expected.to_numpy(), rtol=0, atol=1e-9)
    assert (actual["observed"].to_numpy() == means.notna().to_numpy()).all()


def test_resample_rejects_non_positive_bucket(spark: SparkSession) -> None:
    readings = long_frame(spark, [("r", 0, "x", 1, 1.0)])
    with pytest.raises(ValueError, match="bucket_ms"):
        resample_to_grid(readings, bucket_ms=0)


# --- kinematics ------------------------------------------------------------------------------

AMPLITUDE_MM = 100.0
OMEGA = 2 * math.pi * 0.5  # rad/s
DURATION_MS = 4000.0


def jittered_sample_times_ms(seed: int) -> np.ndarray:
    """12 ms steps with +-2 ms uniform jitter, like the encoders."""
    rng = np.random.default_rng(seed)
    steps = 12.0 + rng.uniform(-2.0, 2.0, size=int(DURATION_MS / 10))
    times = np.cumsum(steps)
    return np.round(times[times < DURATION_MS], 3)


@pytest.fixture(scope="module")
def circle_features(spark: SparkSession) -> tuple[np.ndarray, pd.DataFrame]:
    """Robot 1 moves on a circle: x = A sin(wt), y = A cos(wt), z = 5; forces (3, 4, 12)."""
    times_ms = jittered_sample_times_ms(seed=7)
    seconds = times_ms / 1000.0
    rows = []
    for ms, t in zip(times_ms, seconds, strict=True):
        rows.append(("c", ms, "x", 1, AMPLITUDE_MM * math.sin(OMEGA * t)))
        rows.append(("c", ms, "y", 1, AMPLITUDE_MM * math.cos(OMEGA * t)))
        rows.append(("c", ms, "z", 1, 5.0))
    for ms in np.arange(0.0, DURATION_MS, 10.0) + 1.0:
        rows.extend([("c", ms, "fx", 1, 3.0), ("c", ms, "fy", 1, 4.0), ("c", ms, "fz", 1, 12.0)])
    features = resample_with_kinematics(long_frame(spark, rows), bucket_ms=10)
    frame = pd.DataFrame([row.asDict() for row in features.orderBy("time").collect()])
    return times_ms, frame


def test_kinematics_columns(circle_features) -> None:
    _, frame = circle_features
    for column in (*VELOCITY_COLUMNS, *ACCELERATION_COLUMNS, *NORM_COLUMNS):
        assert column in frame.columns


def test_velocity_and_acceleration_match_closed_form(circle_features) -> None:
    """vx = A w cos(wt), ax = -A w^2 sin(wt) at the sample instants, away from the ends.

    Tolerance: 0.1 % of A w for velocity and 0.5 % of A w^2 for acceleration (the truncation
    error of the three-point formula at 12 ms is about h^2 A w^3 / 6 = 0.07 mm/s).
    """
    times_ms, frame = circle_features
    observed = frame[frame["is_observed_x_1"]].copy()
    assert len(observed) == len(times_ms)  # 12 ms steps: never two samples in one 10 ms bucket
    t = times_ms / 1000.0
    inner = slice(3, -3)
    v_tol = 1e-3 * AMPLITUDE_MM * OMEGA
    a_tol = 5e-3 * AMPLITUDE_MM * OMEGA**2
    vx = observed["vx_1"].to_numpy()[inner]
    vy = observed["vy_1"].to_numpy()[inner]
    ax = observed["ax_1"].to_numpy()[inner]
    ay = observed["ay_1"].to_numpy()[inner]
    np.testing.assert_allclose(vx, AMPLITUDE_MM * OMEGA * np.cos(OMEGA * t[inner]), atol=v_tol)
    np.testing.assert_allclose(vy, -AMPLITUDE_MM * OMEGA * np.sin(OMEGA * t[inner]), atol=v_tol)
    np.testing.assert_allclose(ax, -AMPLITUDE_MM * OMEGA**2 * np.sin(OMEGA * t[inner]), atol=a_tol)
    np.testing.assert_allclose(ay, -AMPLITUDE_MM * OMEGA**2 * np.cos(OMEGA * t[inner]), atol=a_tol)
    # Circular motion: constant speed A w and centripetal acceleration A w^2; z is constant.
    np.testing.assert_allclose(observed["v1"].to_numpy()[inner], AMPLITUDE_MM * OMEGA, atol=v_tol)
    np.testing.assert_allclose(
        observed["a1"].to_numpy()[inner], AMPLITUDE_MM * OMEGA**2, atol=a_tol
    )
    assert np.abs(observed["vz_1"].to_numpy()).max() == pytest.approx(0.0, abs=1e-9)


def test_derivatives_equal_numpy_gradient_at_observations(circle_features) -> None:
    """Second method on the same samples: numpy.gradient with coordinates, ends included."""
    times_ms, frame = circle_features
    observed = frame[frame["is_observed_x_1"]]
    t = times_ms / 1000.0
    x = AMPLITUDE_MM * np.sin(OMEGA * t)
    v = np.gradient(x, t, edge_order=1)
    a = np.gradient(v, t, edge_order=1)
    np.testing.assert_allclose(observed["vx_1"].to_numpy(), v, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(observed["ax_1"].to_numpy(), a, rtol=1e-9, atol=1e-5)


def test_filled_buckets_carry_last_velocity_and_norms(circle_features) -> None:
    _, frame = circle_features
    filled = frame.index[~frame["is_observed_x_1"]]
    assert len(filled) > 0
    for index in filled[filled > 0][:20]:
        assert frame.loc[index, "vx_1"] == frame.loc[index - 1, "vx_1"]
        assert frame.loc[index, "ax_1"] == frame.loc[index - 1, "ax_1"]
    # f1 = |(3, 4, 12)| = 13 N on every row; robot 2 has no data at all: everything null.
    assert (frame["f1"] == 13.0).all()
    for column in ("x_2", "vx_2", "ax_2", "v2", "a2", "f2", "fx_2"):
        assert frame[column].isna().all()


def test_derivatives_skip_an_encoder_outage_by_hand(spark: SparkSession) -> None:
    """x_1 observed at 0, 10 and 50 ms (a 30 ms outage while the load cell keeps reporting).

    Worked by hand with the uneven-spacing formula (h0 = 0.01 s, h2 = 0.04 s):
    v = (1 - 0) / 0.01 = 100 mm/s at 0 ms; at 10 ms
    -0.04 / (0.01 * 0.05) * 0 + 0.03 / (0.01 * 0.04) * 1 + 0.01 / (0.04 * 0.05) * 3 = 90 mm/s;
    (3 - 1) / 0.04 = 50 mm/s at 50 ms. The same formula on (100, 90, 50) gives -1000 mm/s2 at
    all three points. Buckets 20..40 ms carry the 10 ms values forward.
    """
    rows = [("g", ms, "x", 1, x) for ms, x in ((0, 0.0), (10, 1.0), (50, 3.0))]
    rows += [("g", ms, q, 1, 0.0) for ms in (0, 10, 50) for q in ("y", "z")]
    rows += [("g", ms, "fx", 1, 1.0) for ms in range(0, 60, 10)]
    grid = rows_by_time(resample_with_kinematics(long_frame(spark, rows), bucket_ms=10), "g")
    assert [row["is_observed_x_1"] for row in grid] == [True, True, False, False, False, True]
    expected_velocity = [100.0, 90.0, 90.0, 90.0, 90.0, 50.0]
    assert [row["vx_1"] for row in grid] == pytest.approx(expected_velocity, rel=1e-12)
    assert [row["ax_1"] for row in grid] == pytest.approx([-1000.0] * 6, rel=1e-9)
    assert [row["v1"] for row in grid] == pytest.approx(expected_velocity, rel=1e-12)
    assert [row["vy_1"] for row in grid] == [0.0] * 6


def test_single_observation_has_null_derivative(spark: SparkSession) -> None:
    readings = long_frame(
        spark,
        [
            ("r", 0, "x", 1, 1.0),
            ("r", 0, "y", 1, 1.0),
            ("r", 0, "z", 1, 1.0),
            ("r", 30, "fx", 1, 2.0),
        ],
    )
    rows = rows_by_time(resample_with_kinematics(readings), "r")
    assert len(rows) == 4
    assert all(row["vx_1"] is None and row["ax_1"] is None and row["v1"] is None for row in rows)
    assert all(row["x_1"] == 1.0 for row in rows)


# --- run statistics ----------------------------------------------------------------------------


def test_square_path_distance_and_run_bounds(spark: SparkSession) -> None:
    side = 250.0
    corners = [(0.0, 0.0), (side, 0.0), (side, side), (0.0, side), (0.0, 0.0)]
    points = []
    for (x0, y0), (x1, y1) in pairwise(corners):
        for k in range(4):  # three intermediate points on each edge
            points.append((x0 + (x1 - x0) * k / 4, y0 + (y1 - y0) * k / 4))
    points.append(corners[-1])
    rows = []
    for i, (x, y) in enumerate(points):
        ms = 100.0 + 12.0 * i
        rows.extend([("sq", ms, "x", 1, x), ("sq", ms, "y", 1, y), ("sq", ms, "z", 1, 40.0)])
    rows.append(("sq", 50.0, "fx", 2, 1.0))  # first raw sample of the run: a force
    rows.append(("sq", 900.0, "fz", 1, 1.0))  # last raw sample of the run
    rows.append(("sq", 130.0, "x", 1, 123.0))  # x without y, z at that instant: not a point
    rows.append(("one", 0.0, "x", 2, 1.0))
    rows.append(("one", 0.0, "y", 2, 1.0))
    rows.append(("one", 0.0, "z", 2, 1.0))
    rows.append(("forces", 0.0, "fx", 1, 1.0))
    rows.append(("forces", 2500.0, "fx", 1, 1.0))
    readings = long_frame(spark, list(reversed(rows)))  # arrival order must not matter

    stats = {row["run_uuid"]: row.asDict() for row in run_statistics(readings).collect()}
    square = stats["sq"]
    assert square["distance_robot_1_mm"] == pytest.approx(4 * side, abs=1e-9)
    assert square["distance_robot_2_mm"] is None
    assert square["total_distance_mm"] == pytest.approx(4 * side, abs=1e-9)
    assert square["run_start_at"] == at_ms(50).replace(tzinfo=None)
    assert square["run_stop_at"] == at_ms(900).replace(tzinfo=None)
    assert square["total_runtime_s"] == pytest.approx(0.85, abs=1e-12)

    assert stats["one"]["distance_robot_1_mm"] is None
    assert stats["one"]["distance_robot_2_mm"] == 0.0
    assert stats["one"]["total_distance_mm"] == 0.0
    assert stats["forces"]["distance_robot_1_mm"] is None
    assert stats["forces"]["total_distance_mm"] is None
    assert stats["forces"]["total_runtime_s"] == pytest.approx(2.5, abs=1e-12)


def test_time_parser_is_not_pushed_into_a_filter(spark: SparkSession) -> None:
    """The aggregation's input filter must not test the parsed time or the series code: Spark
    would push it under the projection that computes them and evaluate the parser twice per
    raw row (docs/benchmarks-log.md, robot workload)."""
    raw = spark.createDataFrame(
        [("r", "2022-11-23T20:40:00.444Z", "x", 1, 1.0)],
        "run_uuid string, time string, field string, robot_id int, value double",
    )
    readings = raw.select(
        "run_uuid", parse_sensor_time("time").alias("time"), "field", "robot_id", "value"
    )
    plan = resample_with_kinematics(readings)._jdf.queryExecution().optimizedPlan().toString()
    filters = [line for line in plan.splitlines() if "Filter " in line]
    assert filters, plan
    assert not [line for line in filters if "try_cast" in line or "CASE WHEN" in line], plan


def test_kinematics_plan_aggregates_raw_rows_once_after_one_exchange(spark: SparkSession) -> None:
    """The executed plan (docs/benchmarks.md, robot workload): raw rows are exchanged by
    (run, bucket) and aggregated after the exchange, not in the scan tasks; the occupied
    buckets are exchanged by run once, and the summary branch reuses that exchange instead of
    aggregating the raw rows a second time; no exchange between the union and the sort."""
    rows = [
        (run, ms, field, robot, float(ms))
        for run in ("a", "b")
        for ms in range(0, 200, 7)
        for field, robot in (("x", 1), ("fz", 2))
    ]
    kinematics = resample_with_kinematics(long_frame(spark, rows), 10)
    # collect() executes this DataFrame's own plan, which then holds AQE's final plan.
    assert len(kinematics.collect()) == 2 * 20
    final_plan = (
        kinematics._jdf.queryExecution().executedPlan().toString().split("== Initial Plan ==")[0]
    )
    lines = final_plan.splitlines()
    bucket_aggregations = [
        i
        for i, line in enumerate(lines)
        if "HashAggregate(keys=[run_uuid#" in line and "_bucket_us#" in line.split("functions=")[0]
    ]
    assert len(bucket_aggregations) == 1, final_plan
    below = lines[bucket_aggregations[0] + 1 :]
    raw_exchange = next(line for line in below if "Exchange " in line)
    assert "hashpartitioning(run_uuid#" in raw_exchange and "_bucket_us#" in raw_exchange
    assert "ReusedExchange" in final_plan, final_plan
    union_at = next(i for i, line in enumerate(lines) if line.strip().endswith("Union"))
    assert "Sort [run_uuid#" in lines[union_at - 1], final_plan

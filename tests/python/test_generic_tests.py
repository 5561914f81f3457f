"""The project's generic tests (tests/generic/): each passes on good data and fails on bad data.

One throw-away dbt project under pytest's tmp dir holds a copy of `tests/generic/` and of the
helper macros in `macros/tests/`, small datasets (good and bad series written below, loaded as
seeds, or as models over inline values where they hold nulls) and a schema file applying every
test, under an explicit name, to good and bad data. ONE in-process
`dbt build` on the shared Spark session loads the seeds and runs all tests; each test's outcome
(pass/fail) and failing-row count is then compared with the count worked out by hand in the
comments next to the datasets.
"""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from tests.python.conftest import REPO_ROOT
from tests.python.dbt_harness import DbtProject

pytestmark = pytest.mark.dbt

SCHEMA = "generic_test_checks"
GENERIC_TESTS_DIR = REPO_ROOT / "tests" / "generic"
TEST_MACROS_DIR = REPO_ROOT / "macros" / "tests"

# Recency seeds are written relative to the time of the run.
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)


def _at(delta: dt.timedelta) -> str:
    return (NOW + delta).strftime("%Y-%m-%d %H:%M:%S")


def _csv(text: str) -> str:
    return textwrap.dedent(text).strip() + "\n"


def _quarter_hours(meter_id: str, start_hour: int, count: int) -> list[str]:
    base = dt.datetime(2024, 1, 1, start_hour)
    return [
        f"{meter_id},{(base + dt.timedelta(minutes=15 * i)):%Y-%m-%d %H:%M:%S}"
        for i in range(count)
    ]


# --- seeds --------------------------------------------------------------------------------------

# Good quarter-hourly series: meters m1 and m2, 00:00 to 01:45 on 2024-01-01, 8 rows each.
# Counter strictly increasing per meter, power in [0, 500], max_power_w > min_power_w,
# (meter_id, reading_at) unique, 4 rows per hour, steps of exactly 900 s.
_GOOD_ROWS = []
for _meter, _offset in (("m1", 0.0), ("m2", 1000.0)):
    for _i, _key in enumerate(_quarter_hours(_meter, 0, 8)):
        _power = 100.0 + 50.0 * _i if _meter == "m1" else 500.0 - 60.0 * _i
        _GOOD_ROWS.append(f"{_key},{_offset + 25.0 * _i},{_power},{_power - 20.0},{_power + 20.0}")
METER_READINGS_GOOD = (
    "meter_id,reading_at,energy_wh,power_w,min_power_w,max_power_w\n" + "\n".join(_GOOD_ROWS) + "\n"
)

BETWEEN_BAD = _csv(
    """
    reading_id,power_w
    1,0
    2,500
    3,-1
    4,500.5
    5,
    6,250
    """
)
# between [0, 500]:             ids 3 (-1) and 4 (500.5) fail                       -> 2
# between [0, 500] strictly:    ids 1 (= min), 2 (= max), 3, 4 fail                 -> 4
# min_value 0 only:             id 3                                                -> 1
# [0, 500], row_condition reading_id <> 3: id 4                                     -> 1
# id 5 (null) never fails: nulls are not tested.

PAIR_BAD = _csv(
    """
    reading_id,max_power_w,min_power_w
    1,10,5
    2,5,5
    3,4,5
    4,,5
    5,8,9
    """
)
# max > min:                     ids 2 (equal), 3, 5 fail; id 4 (null) not tested   -> 3
# max >= min (or_equal):         ids 3, 5                                           -> 2
# or_equal, row_condition reading_id < 5: id 3                                      -> 1

UNIQUE_BAD = _csv(
    """
    meter_id,reading_at
    m1,2024-01-01 00:00:00
    m1,2024-01-01 00:00:00
    m1,2024-01-01 00:15:00
    m2,2024-01-01 00:00:00
    m2,2024-01-01 00:15:00
    m2,2024-01-01 00:15:00
    m2,2024-01-01 00:15:00
    ,2024-01-01 00:30:00
    ,2024-01-01 00:30:00
    """
)
# [meter_id, reading_at]: duplicated combinations (m1, 00:00) x2, (m2, 00:15) x3,
#                         (null, 00:30) x2 (nulls count as values)                  -> 3
# same, row_condition meter_id is not null                                          -> 2
# [reading_at] alone: 00:00 x3, 00:15 x4, 00:30 x2                                  -> 3

RECENCY_GOOD = _csv(
    f"""
    event_id,event_at
    1,{_at(dt.timedelta(days=-10))}
    2,{_at(dt.timedelta(hours=-30))}
    3,{_at(dt.timedelta(hours=-1))}
    """
)
RECENCY_BAD = _csv(
    f"""
    event_id,event_at
    1,{_at(dt.timedelta(days=-10))}
    2,{_at(dt.timedelta(days=-3))}
    3,{_at(dt.timedelta(days=10))}
    """
)
# good, day/1: newest 1 h old, within 1 day                                          -> pass
# bad, day/1: the future row (id 3) is ignored; newest real value is 3 days old      -> 1 row
# bad, day/5: 3 days old is within 5 days                                           -> pass
# bad, hour/71: 72 h old is older than 71 h                                         -> 1 row
# good, row_condition event_id > 3: no row left, no data is not recent data          -> 1 row

INCREASING_BAD = _csv(
    """
    meter_id,reading_at,energy_wh
    m1,2024-01-01 00:00:00,10
    m1,2024-01-01 00:15:00,20
    m1,2024-01-01 00:30:00,20
    m1,2024-01-01 00:45:00,15
    m1,2024-01-01 01:00:00,30
    m2,2024-01-01 00:00:00,5
    m2,2024-01-01 00:15:00,
    m2,2024-01-01 00:30:00,4
    m2,2024-01-01 00:45:00,6
    """
)
# per meter, strictly: m1 00:30 (20 after 20), m1 00:45 (15 after 20),
#                      m2 00:30 (4 after 5; the null at 00:15 is skipped)           -> 3
# per meter, not strictly: m1 00:45, m2 00:30                                       -> 2
# one series (no group_by), ordered by time then value:
#   5, 10, 20, 4, 20, 6, 15, 30 -> 4 (after 20) and 6 (after 20) fail               -> 2

ROWS_PER_PERIOD_BAD = (
    "meter_id,reading_at\n"
    + "\n".join(
        _quarter_hours("m1", 0, 4)  # hour 00: 4 rows
        + _quarter_hours("m1", 1, 3)  # hour 01: 3 rows
        # hour 02: no row
        + _quarter_hours("m1", 3, 4)  # hour 03: 4 rows
        + _quarter_hours("m2", 0, 4)  # hour 00: 4 rows ...
        + ["m2,2024-01-01 00:15:00"]  # ... plus a duplicate: 5 rows
        + _quarter_hours("m2", 1, 4)  # hour 01: 4 rows
    )
    + "\n"
)
# 4 per hour per meter: m1 01:00 (3), m1 02:00 (0, missing hour), m2 00:00 (5)        -> 3
# same, row_condition meter_id = 'm2': m2 00:00                                     -> 1
# 15 per day, no group_by: 2024-01-01 holds 11 + 9 = 20 rows                         -> 1
# good seed, 16 per day without group_by (8 + 8)                                    -> pass

ROWS_PER_PERIOD_EDGES = (
    "meter_id,reading_at\n"
    + "\n".join(
        [
            "m1,2024-01-01 00:30:00",  # hour 00: 2 rows (first)
            "m1,2024-01-01 00:45:00",
            *_quarter_hours("m1", 1, 4),  # hour 01: 4 rows
            "m1,2024-01-01 02:00:00",  # hour 02: 1 row (last)
            *_quarter_hours("m2", 0, 4),  # hour 00: 4 rows
            *_quarter_hours("m2", 1, 3),  # hour 01: 3 rows (inner)
            *_quarter_hours("m2", 2, 4),  # hour 02: 4 rows
            *_quarter_hours("m3", 0, 4),  # hour 00: 4 rows ...
            "m3,2024-01-01 00:15:00",  # ... plus a duplicate: 5 rows (first and last)
        ]
    )
    + "\n"
)
# 4 per hour per meter: m1 00:00 (2), m1 02:00 (1), m2 01:00 (3), m3 00:00 (5)         -> 4
# same, partial_edge_periods: m2 01:00 (3, inner), m3 00:00 (5, more than 4)          -> 2

GAPS_BAD = _csv(
    """
    meter_id,reading_at
    m1,2024-01-01 00:00:00
    m1,2024-01-01 00:15:00
    m1,2024-01-01 00:45:00
    m1,2024-01-01 01:00:00
    m1,2024-01-01 01:00:00
    m1,2024-01-01 01:15:00
    m1,2024-01-01 01:20:00
    m2,2024-01-01 00:00:00
    m2,2024-01-01 00:15:00
    m2,2024-01-01 00:30:00
    """
)
# per meter, 900 s: m1 steps 900, 1800 (gap), 900, 0 (duplicate), 900, 300 (off-grid);
#                   m2 steps 900, 900                                               -> 3
# one series (no group_by): times 00:00 x2, 00:15 x2, 00:30, 00:45, 01:00 x2, 01:15,
#   01:20 -> three zero steps and the 300 s step; 00:15->00:30->00:45->01:00 are 900  -> 4

SERIES_MS = _csv(
    """
    run_id,sample_at
    r1,2024-01-01 00:00:00.000
    r1,2024-01-01 00:00:00.010
    r1,2024-01-01 00:00:00.020
    r1,2024-01-01 00:00:00.030
    r2,2024-01-01 00:00:00.000
    r2,2024-01-01 00:00:00.010
    r2,2024-01-01 00:00:00.030
    r2,2024-01-01 00:00:00.040
    """
)
# 0.01 s per run: r2 steps 10, 20 (gap), 10 ms                                       -> 1
# same, row_condition run_id = 'r1'                                                 -> pass

MOVING_GOOD = _csv(
    """
    sensor_id,reading_at,value
    s1,2024-01-01 00:00:00,10
    s1,2024-01-01 01:00:00,12
    s1,2024-01-01 02:00:00,10
    s1,2024-01-01 03:00:00,12
    s1,2024-01-01 04:00:00,11
    s1,2024-01-01 05:00:00,10
    s1,2024-01-01 06:00:00,12
    s1,2024-01-01 07:00:00,11
    s1,2024-01-01 08:00:00,11
    s2,2024-01-01 00:00:00,5
    s2,2024-01-01 01:00:00,6
    s2,2024-01-01 02:00:00,5
    s2,2024-01-01 03:00:00,6
    s2,2024-01-01 04:00:00,5
    s2,2024-01-01 05:00:00,6
    """
)
# lookback 4, sigma 3 on the good seed, by hand (sample stddev of the 4 previous rows):
#   s1 04:00 11 vs [10,12,10,12] mean 11     sd 1.155 z  0
#   s1 05:00 10 vs [12,10,12,11] mean 11.25  sd 0.957 z -1.31
#   s1 06:00 12 vs [10,12,11,10] mean 10.75  sd 0.957 z  1.31
#   s1 07:00 11 vs [12,11,10,12] mean 11.25  sd 0.957 z -0.26
#   s1 08:00 11 vs [11,10,12,11] mean 11     sd 0.816 z  0
#   s2 04:00  5 vs [5,6,5,6]     mean 5.5    sd 0.577 z -0.87
#   s2 05:00  6 vs [6,5,6,5]     mean 5.5    sd 0.577 z  0.87                        -> pass

MOVING_BAD = _csv(
    """
    sensor_id,reading_at,value
    s1,2024-01-01 00:00:00,10
    s1,2024-01-01 01:00:00,12
    s1,2024-01-01 02:00:00,10
    s1,2024-01-01 03:00:00,12
    s1,2024-01-01 04:00:00,11
    s1,2024-01-01 05:00:00,10
    s1,2024-01-01 06:00:00,12
    s1,2024-01-01 07:00:00,30
    s1,2024-01-01 08:00:00,11
    s2,2024-01-01 00:00:00,5
    s2,2024-01-01 01:00:00,5
    s2,2024-01-01 02:00:00,5
    s2,2024-01-01 03:00:00,5
    s2,2024-01-01 04:00:00,9
    s2,2024-01-01 05:00:00,5
    s3,2024-01-01 00:00:00,100
    s3,2024-01-01 01:00:00,1
    s3,2024-01-01 02:00:00,1
    s3,2024-01-01 03:00:00,2
    s3,2024-01-01 04:00:00,1
    s3,2024-01-01 05:00:00,-50
    """
)
# lookback 4, sigma 3, raw values:
#   s1 07:00 30 vs [12,11,10,12] mean 11.25 sd 0.9574: z = 18.75 / 0.9574 = 19.58    fail
#   s1 08:00 11 vs [11,10,12,30] mean 15.75 sd 9.535:  z = -0.50
#   s2 04:00  9 vs [5,5,5,5]: constant baseline, z undefined, not tested
#   s2 05:00  5 vs [5,5,5,9] mean 6 sd 2: z = -0.5
#   s3 00:00-03:00 have fewer than 4 previous rows: not tested (the 100 is never scored)
#   s3 04:00  1 vs [100,1,1,2] mean 26 sd 49.3: z = -0.51
#   s3 05:00 -50 vs [1,1,2,1] mean 1.25 sd 0.5: z = -51.25 / 0.5 = -102.5              fail -> 2
# sigma 20: s1 07:00 (19.58) passes, s3 05:00 (-102.5) fails                         -> 1
# sigma 20, row_condition sensor_id = 's1'                                          -> pass
# take_logs, sigma 3: -50 is left out (no log); s3 04:00 ln 1 = 0 vs
#   ln[100,1,1,2] = [4.605,0,0,0.693] mean 1.325 sd 2.211: z = -0.60;
#   s1 07:00 ln 30 = 3.401 vs ln[12,11,10,12] mean 2.4176 sd 0.08694: z = 11.3        fail -> 1

COUNTER_POWER = _csv(
    """
    window_id,energy_mwh,mean_power_mw,from_at,to_at,reading_count,spans_gap
    1,3600,3600,2024-01-01 00:00:00,2024-01-01 01:00:00,3600,false
    2,0,3600,2024-01-01 00:00:00,2024-01-01 01:00:00,3600,false
    3,1090,1000,2024-01-01 00:00:00,2024-01-01 01:00:00,3600,false
    4,1110,1000,2024-01-01 00:00:00,2024-01-01 01:00:00,3600,false
    5,0,1000,2024-01-01 00:00:00,2024-01-01 01:00:00,4,false
    6,0,1000,2024-01-01 01:00:00,2024-01-01 01:00:00,1,false
    7,,1000,2024-01-01 00:00:00,2024-01-01 01:00:00,3600,false
    8,-1000,-2000,2024-01-01 00:00:00,2024-01-01 00:30:00,1800,false
    9,5000,1000,2024-01-01 00:00:00,2024-01-01 02:00:00,3600,true
    10,3,0,2024-01-01 00:00:00,2024-01-01 01:00:00,3600,false
    11,2,0,2024-01-01 00:00:00,2024-01-01 01:00:00,3600,false
    """
)
# min 60 readings per hour, relative 0.1, absolute 2 (expected = mean power x elapsed hours):
#   1: 3600 vs 3600                                                    pass
#   2: 0 vs 3600: |diff| 3600 > 2 + 360                                fail (stuck counter)
#   3: 1090 vs 1000: 90 <= 2 + 100                                     pass
#   4: 1110 vs 1000: 110 > 102                                         fail
#   5: 4 readings in 1 h < 60: not tested; 6: no time elapsed; 7: null counter change
#   8: -1000 vs -2000 x 0.5 h = -1000                                  pass (exporting)
#   9: 5000 vs 1000 x 2 h = 2000 (3,600 readings in 2 h: dense)        fail (a gap window)
#  10: 3 vs 0: 3 > 2                                                   fail; 11: 2 vs 0: pass
# -> 4 (2, 4, 9, 10); row_condition "not spans_gap" -> 3;
#    row_condition "window_id in (1, 3, 5, 6, 7, 8, 11)" -> pass

# Datasets holding nulls are dbt models over inline values rather than seeds: dbt-spark's
# session seed loader binds a missing CSV value as the text 'None', not as null.
VALUE_MODELS: dict[str, str] = {
    "between_bad": BETWEEN_BAD,
    "pair_bad": PAIR_BAD,
    "unique_bad": UNIQUE_BAD,
    "increasing_bad": INCREASING_BAD,
    "counter_power": COUNTER_POWER,
}
SEEDS: dict[str, str] = {
    "meter_readings_good": METER_READINGS_GOOD,
    "recency_good": RECENCY_GOOD,
    "recency_bad": RECENCY_BAD,
    "rows_per_period_bad": ROWS_PER_PERIOD_BAD,
    "rows_per_period_edges": ROWS_PER_PERIOD_EDGES,
    "gaps_bad": GAPS_BAD,
    "series_ms": SERIES_MS,
    "moving_good": MOVING_GOOD,
    "moving_bad": MOVING_BAD,
}

COLUMN_TYPES: dict[str, dict[str, str]] = {
    "meter_readings_good": {
        "meter_id": "string",
        "reading_at": "timestamp",
        "energy_wh": "double",
        "power_w": "double",
        "min_power_w": "double",
        "max_power_w": "double",
    },
    "between_bad": {"reading_id": "int", "power_w": "double"},
    "pair_bad": {"reading_id": "int", "max_power_w": "double", "min_power_w": "double"},
    "unique_bad": {"meter_id": "string", "reading_at": "timestamp"},
    "recency_good": {"event_id": "int", "event_at": "timestamp"},
    "recency_bad": {"event_id": "int", "event_at": "timestamp"},
    "increasing_bad": {"meter_id": "string", "reading_at": "timestamp", "energy_wh": "double"},
    "rows_per_period_bad": {"meter_id": "string", "reading_at": "timestamp"},
    "rows_per_period_edges": {"meter_id": "string", "reading_at": "timestamp"},
    "gaps_bad": {"meter_id": "string", "reading_at": "timestamp"},
    "series_ms": {"run_id": "string", "sample_at": "timestamp"},
    "moving_good": {"sensor_id": "string", "reading_at": "timestamp", "value": "double"},
    "moving_bad": {"sensor_id": "string", "reading_at": "timestamp", "value": "double"},
    "counter_power": {
        "window_id": "int",
        "energy_mwh": "double",
        "mean_power_mw": "double",
        "from_at": "timestamp",
        "to_at": "timestamp",
        "reading_count": "int",
        "spans_gap": "boolean",
    },
}


def _values_model(csv_text: str, column_types: dict[str, str]) -> str:
    """A SQL model selecting the CSV rows as typed columns; an empty cell is a null."""
    header, *lines = csv_text.strip().splitlines()
    columns = header.split(",")
    rows = ",\n    ".join(
        "(" + ", ".join(f"'{cell}'" if cell else "null" for cell in line.split(",")) + ")"
        for line in lines
    )
    select_list = ",\n    ".join(
        f"cast({column} as {column_types[column]}) as {column}" for column in columns
    )
    return (
        f"select\n    {select_list}\nfrom values\n    {rows}\n"
        f"    as source_rows({', '.join(columns)})\n"
    )


# --- tests applied, with the failing-row counts worked out above (0 = the test passes) ----------

SCHEMA_YML = """
version: 2

seeds:
  - name: meter_readings_good
    data_tests:
      - expect_column_pair_values_a_to_be_greater_than_b:
          name: pair_good
          arguments: {column_a: max_power_w, column_b: min_power_w}
      - expect_compound_columns_to_be_unique:
          name: unique_good
          arguments: {column_list: [meter_id, reading_at]}
      - expect_rows_per_period:
          name: rows_per_period_good
          arguments: {timestamp_column: reading_at, period: hour, expected_rows: 4,
                      group_by: [meter_id]}
      - expect_rows_per_period:
          name: rows_per_period_good_day_no_group
          arguments: {timestamp_column: reading_at, period: day, expected_rows: 16}
      - expect_no_gaps_in_series:
          name: gaps_good
          arguments: {timestamp_column: reading_at, interval_seconds: 900, group_by: meter_id}
    columns:
      - name: power_w
        data_tests:
          - expect_column_values_to_be_between:
              name: between_good
              arguments: {min_value: 0, max_value: 500}
      - name: energy_wh
        data_tests:
          - expect_column_values_to_be_increasing:
              name: increasing_good
              arguments: {sort_column: reading_at, group_by: [meter_id]}

  - name: recency_good
    columns:
      - name: event_at
        data_tests:
          - expect_row_values_to_have_recent_data:
              name: recency_good
              arguments: {datepart: day, interval: 1}
          - expect_row_values_to_have_recent_data:
              name: recency_good_no_rows_left
              arguments: {datepart: day, interval: 1, row_condition: "event_id > 3"}

  - name: recency_bad
    columns:
      - name: event_at
        data_tests:
          - expect_row_values_to_have_recent_data:
              name: recency_bad
              arguments: {datepart: day, interval: 1}
          - expect_row_values_to_have_recent_data:
              name: recency_bad_wider_interval
              arguments: {datepart: day, interval: 5}
          - expect_row_values_to_have_recent_data:
              name: recency_bad_hours
              arguments: {datepart: hour, interval: 71}

  - name: rows_per_period_bad
    data_tests:
      - expect_rows_per_period:
          name: rows_per_period_bad
          arguments: &four_rows_per_hour_per_meter
            {timestamp_column: reading_at, period: hour, expected_rows: 4, group_by: [meter_id]}
      - expect_rows_per_period:
          name: rows_per_period_bad_row_condition
          arguments: {timestamp_column: reading_at, period: hour, expected_rows: 4,
                      group_by: [meter_id], row_condition: "meter_id = 'm2'"}
      - expect_rows_per_period:
          name: rows_per_period_bad_day_no_group
          arguments: {timestamp_column: reading_at, period: day, expected_rows: 15}

  - name: rows_per_period_edges
    data_tests:
      - expect_rows_per_period:
          name: rows_per_period_edges_strict
          arguments: *four_rows_per_hour_per_meter
      - expect_rows_per_period:
          name: rows_per_period_edges_partial
          arguments: {<<: *four_rows_per_hour_per_meter, partial_edge_periods: true}

  - name: gaps_bad
    data_tests:
      - expect_no_gaps_in_series:
          name: gaps_bad
          arguments: {timestamp_column: reading_at, interval_seconds: 900, group_by: [meter_id]}
      - expect_no_gaps_in_series:
          name: gaps_bad_one_series
          arguments: {timestamp_column: reading_at, interval_seconds: 900}

  - name: series_ms
    data_tests:
      - expect_no_gaps_in_series:
          name: gaps_ms_bad
          arguments: {timestamp_column: sample_at, interval_seconds: 0.01, group_by: [run_id]}
      - expect_no_gaps_in_series:
          name: gaps_ms_good
          arguments: {timestamp_column: sample_at, interval_seconds: 0.01, group_by: [run_id],
                      row_condition: "run_id = 'r1'"}

  - name: moving_good
    columns:
      - name: value
        data_tests:
          - expect_column_values_to_be_within_n_moving_stdevs:
              name: moving_good
              arguments: {date_column_name: reading_at, group_by: [sensor_id],
                          lookback_periods: 4, sigma_threshold: 3}

  - name: moving_bad
    columns:
      - name: value
        data_tests:
          - expect_column_values_to_be_within_n_moving_stdevs:
              name: moving_bad
              arguments: {date_column_name: reading_at, group_by: [sensor_id],
                          lookback_periods: 4, sigma_threshold: 3}
          - expect_column_values_to_be_within_n_moving_stdevs:
              name: moving_bad_sigma_20
              arguments: {date_column_name: reading_at, group_by: [sensor_id],
                          lookback_periods: 4, sigma_threshold: 20}
          - expect_column_values_to_be_within_n_moving_stdevs:
              name: moving_bad_sigma_20_s1_only
              arguments: {date_column_name: reading_at, group_by: [sensor_id],
                          lookback_periods: 4, sigma_threshold: 20,
                          row_condition: "sensor_id = 's1'"}
          - expect_column_values_to_be_within_n_moving_stdevs:
              name: moving_bad_take_logs
              arguments: {date_column_name: reading_at, group_by: [sensor_id],
                          lookback_periods: 4, sigma_threshold: 3, take_logs: true}

models:
  - name: between_bad
    columns:
      - name: power_w
        data_tests:
          - expect_column_values_to_be_between:
              name: between_bad
              arguments: {min_value: 0, max_value: 500}
          - expect_column_values_to_be_between:
              name: between_bad_strictly
              arguments: {min_value: 0, max_value: 500, strictly: true}
          - expect_column_values_to_be_between:
              name: between_bad_min_only
              arguments: {min_value: 0}
          - expect_column_values_to_be_between:
              name: between_bad_row_condition
              arguments: {min_value: 0, max_value: 500, row_condition: "reading_id <> 3"}

  - name: pair_bad
    data_tests:
      - expect_column_pair_values_a_to_be_greater_than_b:
          name: pair_bad
          arguments: {column_a: max_power_w, column_b: min_power_w}
      - expect_column_pair_values_a_to_be_greater_than_b:
          name: pair_bad_or_equal
          arguments: {column_a: max_power_w, column_b: min_power_w, or_equal: true}
      - expect_column_pair_values_a_to_be_greater_than_b:
          name: pair_bad_or_equal_row_condition
          arguments: {column_a: max_power_w, column_b: min_power_w, or_equal: true,
                      row_condition: "reading_id < 5"}

  - name: unique_bad
    data_tests:
      - expect_compound_columns_to_be_unique:
          name: unique_bad
          arguments: {column_list: [meter_id, reading_at]}
      - expect_compound_columns_to_be_unique:
          name: unique_bad_row_condition
          arguments: {column_list: [meter_id, reading_at],
                      row_condition: "meter_id is not null"}
      - expect_compound_columns_to_be_unique:
          name: unique_bad_single_column
          arguments: {column_list: reading_at}

  - name: increasing_bad
    columns:
      - name: energy_wh
        data_tests:
          - expect_column_values_to_be_increasing:
              name: increasing_bad
              arguments: {sort_column: reading_at, group_by: [meter_id]}
          - expect_column_values_to_be_increasing:
              name: increasing_bad_not_strictly
              arguments: {sort_column: reading_at, group_by: [meter_id], strictly: false}
          - expect_column_values_to_be_increasing:
              name: increasing_bad_one_series
              arguments: {sort_column: reading_at}

  - name: counter_power
    data_tests:
      - expect_counter_change_to_match_power:
          name: counter_power_bad
          arguments: &counter_power_arguments
            counter_change_column: energy_mwh
            mean_power_column: mean_power_mw
            from_column: from_at
            to_column: to_at
            reading_count_column: reading_count
            min_readings_per_hour: 60
            relative_tolerance: 0.1
            absolute_tolerance: 2
      - expect_counter_change_to_match_power:
          name: counter_power_bad_row_condition
          arguments:
            <<: *counter_power_arguments
            row_condition: not spans_gap
      - expect_counter_change_to_match_power:
          name: counter_power_good
          arguments:
            <<: *counter_power_arguments
            row_condition: "window_id in (1, 3, 5, 6, 7, 8, 11)"
"""

EXPECTED_FAILURES: dict[str, tuple[str, int]] = {
    # test name: (generic test, failing rows worked out by hand above; 0 = passes)
    "between_good": ("expect_column_values_to_be_between", 0),
    "between_bad": ("expect_column_values_to_be_between", 2),
    "between_bad_strictly": ("expect_column_values_to_be_between", 4),
    "between_bad_min_only": ("expect_column_values_to_be_between", 1),
    "between_bad_row_condition": ("expect_column_values_to_be_between", 1),
    "pair_good": ("expect_column_pair_values_a_to_be_greater_than_b", 0),
    "pair_bad": ("expect_column_pair_values_a_to_be_greater_than_b", 3),
    "pair_bad_or_equal": ("expect_column_pair_values_a_to_be_greater_than_b", 2),
    "pair_bad_or_equal_row_condition": ("expect_column_pair_values_a_to_be_greater_than_b", 1),
    "unique_good": ("expect_compound_columns_to_be_unique", 0),
    "unique_bad": ("expect_compound_columns_to_be_unique", 3),
    "unique_bad_row_condition": ("expect_compound_columns_to_be_unique", 2),
    "unique_bad_single_column": ("expect_compound_columns_to_be_unique", 3),
    "recency_good": ("expect_row_values_to_have_recent_data", 0),
    "recency_good_no_rows_left": ("expect_row_values_to_have_recent_data", 1),
    "recency_bad": ("expect_row_values_to_have_recent_data", 1),
    "recency_bad_wider_interval": ("expect_row_values_to_have_recent_data", 0),
    "recency_bad_hours": ("expect_row_values_to_have_recent_data", 1),
    "increasing_good": ("expect_column_values_to_be_increasing", 0),
    "increasing_bad": ("expect_column_values_to_be_increasing", 3),
    "increasing_bad_not_strictly": ("expect_column_values_to_be_increasing", 2),
    "increasing_bad_one_series": ("expect_column_values_to_be_increasing", 2),
    "rows_per_period_good": ("expect_rows_per_period", 0),
    "rows_per_period_good_day_no_group": ("expect_rows_per_period", 0),
    "rows_per_period_bad": ("expect_rows_per_period", 3),
    "rows_per_period_bad_row_condition": ("expect_rows_per_period", 1),
    "rows_per_period_bad_day_no_group": ("expect_rows_per_period", 1),
    "rows_per_period_edges_strict": ("expect_rows_per_period", 4),
    "rows_per_period_edges_partial": ("expect_rows_per_period", 2),
    "gaps_good": ("expect_no_gaps_in_series", 0),
    "gaps_bad": ("expect_no_gaps_in_series", 3),
    "gaps_bad_one_series": ("expect_no_gaps_in_series", 4),
    "gaps_ms_good": ("expect_no_gaps_in_series", 0),
    "gaps_ms_bad": ("expect_no_gaps_in_series", 1),
    "moving_good": ("expect_column_values_to_be_within_n_moving_stdevs", 0),
    "moving_bad": ("expect_column_values_to_be_within_n_moving_stdevs", 2),
    "moving_bad_sigma_20": ("expect_column_values_to_be_within_n_moving_stdevs", 1),
    "moving_bad_sigma_20_s1_only": ("expect_column_values_to_be_within_n_moving_stdevs", 0),
    "moving_bad_take_logs": ("expect_column_values_to_be_within_n_moving_stdevs", 1),
    "counter_power_bad": ("expect_counter_change_to_match_power", 4),
    "counter_power_bad_row_condition": ("expect_counter_change_to_match_power", 3),
    "counter_power_good": ("expect_counter_change_to_match_power", 0),
}

DBT_PROJECT_YML = """
name: generic_test_checks
version: "1.0.0"
config-version: 2
profile: telemetry_lakehouse

model-paths: ["models"]
seed-paths: ["seeds"]
test-paths: ["tests"]
macro-paths: ["macros"]

flags:
  send_anonymous_usage_stats: false

seeds:
  generic_test_checks:
    +file_format: parquet
"""


def _write_project(project_dir: Path) -> None:
    shutil.copytree(GENERIC_TESTS_DIR, project_dir / "tests" / "generic")
    shutil.copytree(TEST_MACROS_DIR, project_dir / "macros" / "tests")
    shutil.copy(REPO_ROOT / "profiles.yml.example", project_dir / "profiles.yml.example")
    seed_types = ""
    for name in SEEDS:
        types = COLUMN_TYPES[name]
        mapping = ", ".join(f"{column}: {data_type}" for column, data_type in types.items())
        seed_types += f"    {name}:\n      +column_types: {{{mapping}}}\n"
    (project_dir / "dbt_project.yml").write_text(DBT_PROJECT_YML + seed_types)
    seeds_dir = project_dir / "seeds"
    seeds_dir.mkdir()
    for name, text in SEEDS.items():
        (seeds_dir / f"{name}.csv").write_text(text)
    models_dir = project_dir / "models"
    models_dir.mkdir()
    for name, text in VALUE_MODELS.items():
        (models_dir / f"{name}.sql").write_text(_values_model(text, COLUMN_TYPES[name]))
    (seeds_dir / "_generic_tests.yml").write_text(SCHEMA_YML)


@pytest.fixture(scope="module")
def outcomes(
    spark: SparkSession, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], tuple[str, int | None, str | None]]:
    """(status, failures, generic test) per (resource type, node name), from ONE `dbt build`."""
    project_dir = tmp_path_factory.mktemp("generic_tests_project")
    _write_project(project_dir)
    project = DbtProject(project_dir, tmp_path_factory.mktemp("generic_tests_work"))
    result = project.run(["build"], schema=SCHEMA, expect_success=False)
    assert result.exception is None, repr(result.exception)
    return {
        (str(node_result.node.resource_type), node_result.node.name): (
            str(node_result.status),
            node_result.failures,
            getattr(getattr(node_result.node, "test_metadata", None), "name", None),
        )
        for node_result in result.result.results
    }


def test_every_dataset_builds(outcomes):
    datasets = {key: status for key, (status, _, _) in outcomes.items() if key[0] != "test"}
    assert datasets == {
        **{("seed", name): "success" for name in SEEDS},
        **{("model", name): "success" for name in VALUE_MODELS},
    }


def test_every_applied_test_ran(outcomes):
    ran = {name for kind, name in outcomes if kind == "test"}
    assert ran == set(EXPECTED_FAILURES)


@pytest.mark.parametrize(
    ("test_name", "generic_test", "expected_failures"),
    [(name, generic, failures) for name, (generic, failures) in EXPECTED_FAILURES.items()],
)
def test_outcome_and_failing_rows(outcomes, test_name, generic_test, expected_failures):
    status, failures, ran_generic_test = outcomes[("test", test_name)]
    assert ran_generic_test == generic_test
    assert (status, failures) == ("pass" if expected_failures == 0 else "fail", expected_failures)


def test_each_generic_test_passes_and_fails_somewhere():
    """Every test file in tests/generic/ is shown passing on good data and failing on bad."""
    defined = {path.stem for path in GENERIC_TESTS_DIR.glob("*.sql")}
    outcomes_by_test: dict[str, set[bool]] = {}
    for generic_test, failures in EXPECTED_FAILURES.values():
        outcomes_by_test.setdefault(generic_test, set()).add(failures > 0)
    assert set(outcomes_by_test) == defined
    assert all(seen == {True, False} for seen in outcomes_by_test.values())

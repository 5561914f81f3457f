"""The energy meters feed end to end: dbt builds on a small landing folder.

One scenario, six dbt invocations on one schema:
1. build on day 1 (hand-made edge cases + generated per-second readings);
2. build after a day of readings and a late reading are appended (incremental run);
3. run again with no new data (nothing may change);
4. run with --full-refresh (must equal the incremental result);
5. build after a reading for a day before the re-computed days lands (left out, warned about);
6. build with --full-refresh (takes it in, no warning).
Expected values come from hand computation (edge cases) and from an independent pandas
computation of the window definition (generated readings).

The scenario runs with `meters_lookback_days: 0` so that the incremental run re-computes only
day 1 onwards and has to take the baseline of meter A's first re-computed window from the
stored window of the day before.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyspark.sql import SparkSession

from python_helpers.meter_generator import GeneratorConfig, write_readings
from tests.python.dbt_harness import node_result

pytestmark = pytest.mark.dbt

SCHEMA = "meters_e2e"
VARS = ["--vars", "{meters_lookback_days: 0}"]
SELECT = ["--select", "+fct_meter_hourly_energy", "stg_energy_meters__rejected_readings"]
# The incremental build adds the rejected-rows summary (and its warning test), which covers
# every feed; the other feeds' folders hold no data here, so they contribute empty staging views
# (the robot folder holds one file that no landing table reads, which the summary lists).
# Cautious selection leaves out the tests that also read the other feeds' unbuilt marts.
SELECT_WITH_SUMMARY = [*SELECT, "+fct_rejected_rows_summary", "--indirect-selection", "cautious"]
MART_COLUMNS = [
    "meter_id",
    "window_start",
    "window_end",
    "energy_milliwatt_hours",
    "min_power_milliwatts",
    "max_power_milliwatts",
    "mean_power_milliwatts",
    "reading_count",
    "spans_gap",
    "is_first_window",
]

# Hand-made readings: minute- and second-precision times, duplicates, garbage, a meter clock far
# ahead, an exporting meter, a gap and a flat counter.
EDGE_CASES = """meter,time,energy,power
A,2023-12-31 23:30,1000,400
A,2024-01-01 00:00,1200,500
A,2024-01-01 00:30:15,1300,600
A,2024-01-01 00:30:15,1300,600
A,2024-01-01 01:00:00,1450,700
A,2024-01-01 03:10,1500,100
A,2024-01-01 03:40,1500,100
A,2024-01-01 04:30,1500,0
E,2024-01-01 10:15,5000,-2000
E,2024-01-01 10:45,4000,-1000
E,2024-01-01 10:45,4100,-900
E,2024-01-01 11:05:30,3900,-1200
X,2024-01-01 05:00,not-a-number,5
X,2024-01-01 25:00,10,5
,2024-01-01 05:00,10,5
X,2024-01-01 05:00,10,abc
X,2024-01-01 06:00,NaN,5
X,2024-01-01 06:00:01,10,-Infinity
F,2099-01-01 12:00,10,5
"""
LATE_READING = "meter,time,energy,power\nA,2024-01-01 04:50:00,1510,200\n"
LATE_FILE_NAME = "late_2024-01-02 (re'sent\\) +1 100%.csv"
# Lands after the last build covered its day and lies before the next build's re-computed
# days (lookback 0): kept out of the windows until a full refresh, and warned about. The same
# file re-delivers E's 10:45 reading with a higher counter (it replaces the stored kept row)
# and brings a row with an unparseable time (its null day holds a stored one already).
TOO_LATE_FILE = (
    "meter,time,energy,power\n"
    "A,2023-12-31 23:10,900,300\n"
    "E,2024-01-01 10:45,4200,-900\n"
    "X,yesterday,10,5\n"
)
# Appended to a landing file already stored: incremental runs skip stored file names, so only
# the full refresh reads it.
ROW_ADDED_TO_A_STORED_FILE = "Q,2024-01-01 07:00,1,1\n"
HEADER = "meter,time,energy,power"
# Energy and power swapped in the header: both values parse, so only the header tells that
# they would be read under each other's names. Every line of the file is refused.
SWAPPED_COLUMNS_FILE = (
    "meter,time,power,energy\nS,2024-01-02 00:10,500,2000\nS,2024-01-02 00:20,500,2100\n"
)
COVERAGE_TEST = "assert_meter_windows_hold_every_staged_reading"
COUNTER_POWER_TEST = "assert_meter_counter_change_matches_power"


def stuck_counter_csv() -> str:
    """Meter S, every 30 s from 07:00:00 to 08:59:30 at a steady 3,600 mW: its counter rises
    30 mWh per reading (3,600 mW x 30 s / 3,600 s/h) up to 08:00:00, then sticks.

    (07:00, 08:00]: 120 readings, counter +3,600 mWh over 1 h = 3,600 mW x 1 h: consistent.
    (08:00, 09:00]: 119 readings, counter +0 over 59.5 min where 3,570 mWh were due: fails
    the counter-vs-power check. (06:00, 07:00] holds the 07:00:00 reading only (no time
    elapsed: not checked).
    """
    start = datetime(2024, 1, 1, 7)
    rows = []
    for step in range(240):
        counter = 10_000 + 30 * min(step, 120)
        rows.append(f"S,{start + timedelta(seconds=30 * step):%Y-%m-%d %H:%M:%S},{counter},3600")
    return "meter,time,energy,power\n" + "\n".join(rows) + "\n"


def _classified(spark: SparkSession) -> pd.DataFrame:
    frame = spark.table(f"{SCHEMA}.stg_energy_meters__readings_classified").toPandas()
    keys = [
        "source_file",
        "meter_id",
        "reading_at",
        "energy_milliwatt_hours",
        "power_milliwatts",
        "meter_text",
        "reading_time_text",
        "energy_text",
        "power_text",
    ]
    return frame.sort_values(keys).reset_index(drop=True)


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _mart(spark: SparkSession) -> pd.DataFrame:
    frame = spark.table(f"{SCHEMA}.fct_meter_hourly_energy").toPandas()
    assert list(frame.columns) == MART_COLUMNS
    return frame.sort_values(["meter_id", "window_end"]).reset_index(drop=True)


def _intermediate(spark: SparkSession) -> pd.DataFrame:
    frame = spark.table(f"{SCHEMA}.int_energy_meters__hourly_windows").toPandas()
    return frame.sort_values(["meter_id", "window_end"]).reset_index(drop=True)


def _window(mart: pd.DataFrame, meter: str, end: str) -> dict:
    rows = mart[(mart["meter_id"] == meter) & (mart["window_end"] == pd.Timestamp(end))]
    assert len(rows) == 1, f"{meter} {end}: {len(rows)} rows"
    return rows.iloc[0].to_dict()


def oracle_windows(readings: pd.DataFrame) -> pd.DataFrame:
    """The window definition computed independently with pandas/numpy, meter by meter.

    For each hour end e holding a reading: energy = counter at the last reading at or before
    e minus the counter at the last reading at or before e - 1 h, or minus the first reading
    after e - 1 h when there is none (searchsorted on the sorted times).
    """
    rows = []
    for meter, group in readings.groupby("meter"):
        group = group.sort_values("time")
        times = group["time"].to_numpy()
        counters = group["energy"].to_numpy(dtype=float)
        powers = group["power"].to_numpy(dtype=float)
        ends = group["time"].dt.ceil("h").to_numpy()
        unique_ends = np.unique(ends)
        for index, end in enumerate(unique_ends):
            start = end - np.timedelta64(1, "h")
            inside = (times > start) & (times <= end)
            last = np.searchsorted(times, end, side="right") - 1
            before = np.searchsorted(times, start, side="right") - 1
            baseline = counters[before] if before >= 0 else counters[np.argmax(inside)]
            rows.append(
                {
                    "meter_id": meter,
                    "window_start": pd.Timestamp(start),
                    "window_end": pd.Timestamp(end),
                    "energy_milliwatt_hours": counters[last] - baseline,
                    "min_power_milliwatts": powers[inside].min(),
                    "max_power_milliwatts": powers[inside].max(),
                    "mean_power_milliwatts": powers[inside].mean(),
                    "reading_count": int(inside.sum()),
                    "spans_gap": index > 0 and unique_ends[index - 1] < start,
                    "is_first_window": index == 0,
                }
            )
    return pd.DataFrame(rows).sort_values(["meter_id", "window_end"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Per-second readings of 3 meters, 2024-01-01 22:00 to 2024-01-02 01:59:59, one file
    per day (2 hours x 3 meters x 3600 s = 21,600 rows each)."""
    folder = tmp_path_factory.mktemp("generated_meters")
    config = GeneratorConfig(
        meters=3, hours=4, seed=42, start=np.datetime64("2024-01-01T22:00"), chunk_rows=21_600
    )
    files = write_readings(config, folder, progress=False)
    assert len(files) == 2
    return files


@pytest.fixture(scope="module")
def scenario(spark: SparkSession, dbt_project, generated: list[Path], tmp_path_factory) -> dict:
    landing = tmp_path_factory.mktemp("meters_landing")
    meters = landing / "energy_meters"
    meters.mkdir()
    (meters / "edge_cases.csv").write_text(EDGE_CASES)
    (meters / "stuck_counter.csv").write_text(stuck_counter_csv())
    shutil.copy(generated[0], meters / "readings_2024-01-01.csv")
    # A file no landing table reads, in another feed's folder: the summary lists it as well.
    robot_folder = landing / "robot_forming"
    robot_folder.mkdir()
    (robot_folder / "run_notes.txt").write_text("not a landing file\n")

    day_one_build = dbt_project.run(["build", *SELECT, *VARS], schema=SCHEMA, landing_dir=landing)
    day_one = _mart(spark)

    shutil.copy(generated[1], meters / "readings_2024-01-02.csv")
    # A quote and a backslash in the name: incremental runs list stored names as SQL literals;
    # a blank, `+` and `%`, which Spark reports URL-encoded. Also a UTF-8 byte-order mark
    # before its header line, which Spark's readers drop.
    (meters / LATE_FILE_NAME).write_text("\ufeff" + LATE_READING, encoding="utf-8")
    (meters / "swapped_columns.csv").write_text(SWAPPED_COLUMNS_FILE)
    # No header line: its first line is a reading (re-sent, so an exact duplicate), and a line
    # with one field too many.
    resent_line = generated[1].read_text().splitlines()[1]
    (meters / "resent_without_header.csv").write_text(
        f"{resent_line}\nS,2024-01-02 00:30,2200,500,7\n"
    )
    files_at_incremental_build = {path.name for path in meters.glob("*.csv")}
    incremental_build = dbt_project.run(
        ["build", *SELECT_WITH_SUMMARY, *VARS], schema=SCHEMA, landing_dir=landing
    )
    incremental = _mart(spark)
    incremental_windows = _intermediate(spark)
    incremental_classified = _classified(spark)
    staged = spark.table(f"{SCHEMA}.stg_energy_meters__readings").toPandas()
    rejected = spark.table(f"{SCHEMA}.stg_energy_meters__rejected_readings").toPandas()
    raw_rows = sum(
        line.lower() != HEADER
        for path in meters.glob("*.csv")
        for line in path.read_text(encoding="utf-8-sig").splitlines()
    )
    summary = spark.table(f"{SCHEMA}.fct_rejected_rows_summary").toPandas()

    dbt_project.run(["run", *SELECT, *VARS], schema=SCHEMA, landing_dir=landing)
    rerun = _mart(spark)
    rerun_windows = _intermediate(spark)
    rerun_classified = _classified(spark)

    dbt_project.run(["run", *SELECT, *VARS, "--full-refresh"], schema=SCHEMA, landing_dir=landing)
    full_refresh = _mart(spark)
    full_refresh_windows = _intermediate(spark)

    (meters / "too_late_2023-12-31.csv").write_text(TOO_LATE_FILE)
    with (meters / "edge_cases.csv").open("a") as stored_file:
        stored_file.write(ROW_ADDED_TO_A_STORED_FILE)
    too_late_build = dbt_project.run(["build", *SELECT, *VARS], schema=SCHEMA, landing_dir=landing)
    after_too_late = _mart(spark)
    after_too_late_classified = _classified(spark)
    refreshed_build = dbt_project.run(
        ["build", *SELECT, *VARS, "--full-refresh"], schema=SCHEMA, landing_dir=landing
    )
    return {
        "files_at_incremental_build": files_at_incremental_build,
        "day_one": day_one,
        "incremental": incremental,
        "incremental_windows": incremental_windows,
        "rerun": rerun,
        "rerun_windows": rerun_windows,
        "full_refresh": full_refresh,
        "full_refresh_windows": full_refresh_windows,
        "staged": staged,
        "rejected": rejected,
        "raw_rows": raw_rows,
        "resent_line": resent_line,
        "summary": summary,
        "rejections_warning": node_result(incremental_build, "assert_no_rejected_rows"),
        "counter_power_day_one": node_result(day_one_build, COUNTER_POWER_TEST),
        "counter_power_incremental": node_result(incremental_build, COUNTER_POWER_TEST),
        "coverage_after_incremental": node_result(incremental_build, COVERAGE_TEST),
        "coverage_after_too_late": node_result(too_late_build, COVERAGE_TEST),
        "after_too_late": after_too_late,
        "coverage_after_refresh": node_result(refreshed_build, COVERAGE_TEST),
        "after_refresh": _mart(spark),
        "incremental_classified": incremental_classified,
        "rerun_classified": rerun_classified,
        "after_too_late_classified": after_too_late_classified,
        "after_refresh_classified": _classified(spark),
    }


def test_rows_are_staged_or_rejected_with_a_reason(scenario: dict) -> None:
    reasons = scenario["rejected"]["rejection_reason"].value_counts().to_dict()
    assert reasons == {
        "unexpected_header": 3,
        "wrong_field_count": 1,
        "exact_duplicate": 2,
        "conflicting_duplicate": 1,
        "missing_meter_id": 1,
        "unparseable_time": 1,
        "future_time": 1,
        "unparseable_energy_counter": 2,
        "unparseable_power": 2,
    }
    assert len(scenario["staged"]) + len(scenario["rejected"]) == scenario["raw_rows"]
    rejected = scenario["rejected"]
    refused_file = rejected[rejected["rejection_reason"] == "unexpected_header"]
    assert set(refused_file["source_file"]) == {"swapped_columns.csv"}
    # the delivered text is kept, the header line's too
    assert sorted(refused_file["power_text"]) == ["2000", "2100", "energy"]
    assert rejected[rejected["rejection_reason"] == "wrong_field_count"][
        "source_file"
    ].tolist() == ["resent_without_header.csv"]
    # the headerless file's first line was read: it re-sends a reading, and of two equal
    # copies the one of the later file name is kept
    meter, time = scenario["resent_line"].split(",")[:2]
    duplicates = rejected[
        (rejected["rejection_reason"] == "exact_duplicate")
        & (rejected["meter_id"] == meter)
        & (rejected["reading_at"] == pd.Timestamp(time))
    ]
    assert duplicates["source_file"].tolist() == ["readings_2024-01-02.csv"]
    conflicting = rejected[
        ~rejected["rejection_reason"].isin(
            ["exact_duplicate", "unexpected_header", "wrong_field_count"]
        )
    ]
    assert set(conflicting["source_file"]) == {"edge_cases.csv"}
    kept = scenario["staged"][scenario["staged"]["meter_id"] == "E"]
    assert kept[kept["reading_at"] == pd.Timestamp("2024-01-01 10:45")][
        "energy_milliwatt_hours"
    ].tolist() == [4100.0]


def test_rejected_rows_are_counted_in_the_summary_and_warned_about(scenario: dict) -> None:
    expected = (
        scenario["rejected"]
        .groupby(["source_file", "rejection_reason"])
        .size()
        .rename("rejected_row_count")
        .reset_index()
        .assign(feed="energy_meters")
    )
    unread_file = {
        "feed": "robot_forming",
        "source_file": "run_notes.txt",
        "rejection_reason": "unrecognised_file_name",
        "rejected_row_count": float("nan"),  # no row was read: the count is unknown
    }
    expected = pd.concat([expected, pd.DataFrame([unread_file])], ignore_index=True)
    columns = ["feed", "source_file", "rejection_reason", "rejected_row_count"]
    summary = scenario["summary"][columns].sort_values(columns).reset_index(drop=True)
    expected = expected[columns].sort_values(columns).reset_index(drop=True)
    pd.testing.assert_frame_equal(summary, expected, check_dtype=False)
    # 9 from the other files, 3 in swapped_columns.csv, 1 in resent_without_header.csv and the
    # copy of its re-sent reading in readings_2024-01-02.csv
    assert summary["rejected_row_count"].sum() == 14
    # The singular test warns, never fails, with one failure per (feed, file, reason) group.
    warning = scenario["rejections_warning"]
    assert str(warning.status) == "warn"
    assert warning.failures == len(summary) == 11


def test_a_reading_older_than_the_lookback_is_warned_about_not_lost(scenario: dict) -> None:
    after_incremental = scenario["coverage_after_incremental"]
    assert (str(after_incremental.status), after_incremental.failures) == ("pass", 0)
    # The 23:10 reading joins A's window ending 2024-01-01 00:00 only after a full refresh:
    # until then the mart is unchanged and the warning names that one window.
    pd.testing.assert_frame_equal(scenario["after_too_late"], scenario["full_refresh"])
    # The same file's higher counter for E at 10:45 replaces the staged reading but not the
    # stored window ending 11:00: the warning names both windows.
    too_late = scenario["coverage_after_too_late"]
    assert (str(too_late.status), too_late.failures) == ("warn", 2)
    # The full refresh counts it: 23:10, 23:30 and 00:00 are in (23:00, 00:00].
    refreshed = scenario["coverage_after_refresh"]
    assert (str(refreshed.status), refreshed.failures) == ("pass", 0)
    before = _window(scenario["after_too_late"], "A", "2024-01-01 00:00")
    after = _window(scenario["after_refresh"], "A", "2024-01-01 00:00")
    assert (before["reading_count"], after["reading_count"]) == (2, 3)
    # E's 10:45 counter went from 4,100 to 4,200 mWh: its window's energy grows by 100 mWh.
    before = _window(scenario["after_too_late"], "E", "2024-01-01 11:00")
    after = _window(scenario["after_refresh"], "E", "2024-01-01 11:00")
    assert after["energy_milliwatt_hours"] - before["energy_milliwatt_hours"] == 100


def test_source_files_are_named_as_on_disk(scenario: dict) -> None:
    staged = scenario["staged"]
    late = staged[
        (staged["meter_id"] == "A") & (staged["reading_at"] == pd.Timestamp("2024-01-01 04:50"))
    ]
    assert late["source_file"].tolist() == [LATE_FILE_NAME]
    read_files = set(staged["source_file"]) | set(scenario["rejected"]["source_file"])
    assert read_files == scenario["files_at_incremental_build"]


def test_minute_and_second_precision_times_parse(scenario: dict) -> None:
    meter_a = scenario["staged"][scenario["staged"]["meter_id"] == "A"]
    assert set(meter_a["reading_at"]) >= {
        pd.Timestamp("2023-12-31 23:30:00"),
        pd.Timestamp("2024-01-01 00:30:15"),
        pd.Timestamp("2024-01-01 01:00:00"),
    }


def test_hand_computed_windows(scenario: dict) -> None:
    mart = scenario["incremental"]
    first = _window(mart, "A", "2024-01-01 00:00")  # 23:30 and the 00:00 boundary reading
    assert (first["energy_milliwatt_hours"], first["reading_count"]) == (200.0, 2)
    assert (first["mean_power_milliwatts"], first["is_first_window"]) == (450.0, True)
    second = _window(mart, "A", "2024-01-01 01:00")  # duplicate 00:30:15 counted once
    assert (second["energy_milliwatt_hours"], second["reading_count"]) == (250.0, 2)
    assert (second["min_power_milliwatts"], second["max_power_milliwatts"]) == (600.0, 700.0)
    assert (second["is_first_window"], second["spans_gap"]) == (False, False)
    after_gap = _window(mart, "A", "2024-01-01 04:00")  # (01, 02] and (02, 03] are empty
    assert (after_gap["energy_milliwatt_hours"], after_gap["spans_gap"]) == (50.0, True)
    flat = _window(mart, "A", "2024-01-01 05:00")  # 04:30 flat counter + late 04:50 reading
    assert (flat["energy_milliwatt_hours"], flat["reading_count"]) == (10.0, 2)
    assert flat["mean_power_milliwatts"] == 100.0
    exporting = _window(mart, "E", "2024-01-01 11:00")
    assert exporting["energy_milliwatt_hours"] == -900.0  # 4100 (kept duplicate) - 5000
    assert (exporting["min_power_milliwatts"], exporting["max_power_milliwatts"]) == (
        -2000.0,
        -900.0,
    )
    assert _window(mart, "E", "2024-01-01 12:00")["energy_milliwatt_hours"] == -200.0
    assert set(mart["meter_id"]) == {"A", "E", "S", "M00001", "M00002", "M00003"}


def test_a_stuck_counter_is_warned_about(scenario: dict) -> None:
    steady = _window(scenario["incremental"], "S", "2024-01-01 08:00")
    assert (steady["energy_milliwatt_hours"], steady["reading_count"]) == (3600.0, 120)
    stuck = _window(scenario["incremental"], "S", "2024-01-01 09:00")
    assert (stuck["energy_milliwatt_hours"], stuck["reading_count"]) == (0.0, 119)
    # Only the stuck hour: the generated meters' counters are the running integral of their
    # power (within the 2 mWh of two floored readings), and the hand-made meters' readings
    # are too sparse (a few per hour) to be checked.
    for build in ("counter_power_day_one", "counter_power_incremental"):
        result = scenario[build]
        assert (str(result.status), result.failures) == ("warn", 1), build


def test_day_one_before_the_late_reading(scenario: dict) -> None:
    flat = _window(scenario["day_one"], "A", "2024-01-01 05:00")
    assert (flat["energy_milliwatt_hours"], flat["reading_count"]) == (0.0, 1)
    assert scenario["day_one"]["window_end"].max() == pd.Timestamp("2024-01-02 00:00")


def test_generated_meters_match_pandas_oracle(scenario: dict, generated: list[Path]) -> None:
    readings = pd.concat([pd.read_csv(path) for path in generated], ignore_index=True)
    readings["time"] = pd.to_datetime(readings["time"], format="%Y-%m-%d %H:%M:%S")
    expected = oracle_windows(readings)
    assert len(expected) == 3 * 5  # (21,22] holds only 22:00:00; then four full hours
    mart = scenario["incremental"]
    actual = mart[mart["meter_id"].str.startswith("M")].reset_index(drop=True)
    actual["reading_count"] = actual["reading_count"].astype(int)
    actual["spans_gap"] = actual["spans_gap"].astype(bool)
    actual["is_first_window"] = actual["is_first_window"].astype(bool)
    pd.testing.assert_frame_equal(actual, expected, check_dtype=False, rtol=1e-12)


def test_incremental_equals_full_refresh(scenario: dict) -> None:
    pd.testing.assert_frame_equal(scenario["incremental"], scenario["full_refresh"])
    pd.testing.assert_frame_equal(scenario["incremental_windows"], scenario["full_refresh_windows"])


def test_rerun_without_new_data_changes_nothing(scenario: dict) -> None:
    pd.testing.assert_frame_equal(scenario["incremental"], scenario["rerun"])
    pd.testing.assert_frame_equal(scenario["incremental_windows"], scenario["rerun_windows"])


def test_times_in_a_named_zone_are_converted_to_utc(
    spark: SparkSession, dbt_project, tmp_path_factory
) -> None:
    """Berlin wall-clock times: winter (UTC+1), summer (UTC+2), the spring-forward gap
    (02:30 on 2024-03-31 does not exist) and the fall-back hour (02:30 on 2024-10-27 occurs
    twice). Expected instants from pandas' own zone database: a time in the gap is moved
    forward by the gap's length (1 h: 02:30 reads as 03:30 summer time), an ambiguous time is
    the earlier (summer-time) instant."""
    landing = tmp_path_factory.mktemp("meters_zone")
    (landing / "energy_meters").mkdir()
    local_times = [
        "2024-01-15 12:00:00",
        "2024-07-01 12:00:00",
        "2024-03-31 02:30:00",
        "2024-10-27 02:30:00",
    ]
    rows = [f"Z,{time},{index},1" for index, time in enumerate(local_times)]
    (landing / "energy_meters" / "zoned.csv").write_text(
        "meter,time,energy,power\n" + "\n".join(rows) + "\n"
    )
    schema = "meters_zone"
    dbt_project.run(
        [
            "run",
            "--select",
            "+stg_energy_meters__readings",
            "--vars",
            "{meters_source_time_zone: Europe/Berlin}",
        ],
        schema=schema,
        landing_dir=landing,
    )
    staged = spark.table(f"{schema}.stg_energy_meters__readings").toPandas()
    converted = dict(zip(staged["energy_milliwatt_hours"], staged["reading_at"], strict=True))

    expected = (
        pd.DatetimeIndex(pd.to_datetime(local_times))
        .tz_localize("Europe/Berlin", ambiguous=[True] * 4, nonexistent=pd.Timedelta(hours=1))
        .tz_convert("UTC")
        .tz_localize(None)
    )
    assert [converted[float(index)] for index in range(4)] == list(expected)
    assert list(expected) == [
        pd.Timestamp("2024-01-15 11:00"),
        pd.Timestamp("2024-07-01 10:00"),
        pd.Timestamp("2024-03-31 01:30"),
        pd.Timestamp("2024-10-27 00:30"),
    ]


def test_landing_rows_are_parsed_once_and_reclassified_with_later_files(scenario: dict) -> None:
    """The classified table is incremental: a run with no new file keeps it as it is; a new
    file's rows are ranked with the stored rows of their days (E's re-delivered 10:45 reading
    with the higher counter is kept, the stored one becomes a conflicting duplicate) and of
    the null day (the stored unparseable time stays); stored file names are not read again."""
    pd.testing.assert_frame_equal(scenario["incremental_classified"], scenario["rerun_classified"])

    incremental = scenario["after_too_late_classified"]
    refreshed = scenario["after_refresh_classified"]
    added_row = refreshed["meter_id"] == "Q"
    assert added_row.sum() == 1 and not (incremental["meter_id"] == "Q").any()
    pd.testing.assert_frame_equal(incremental, refreshed[~added_row].reset_index(drop=True))

    e_1045 = incremental[
        (incremental["meter_id"] == "E") & (incremental["reading_at"] == _t("2024-01-01 10:45"))
    ]
    by_counter = dict(
        zip(e_1045["energy_milliwatt_hours"], e_1045["rejection_reason"], strict=True)
    )
    assert by_counter == {
        4200.0: None,
        4100.0: "conflicting_duplicate",
        4000.0: "conflicting_duplicate",
    }
    unparseable = incremental[incremental["rejection_reason"] == "unparseable_time"]
    assert sorted(unparseable["reading_time_text"]) == ["2024-01-01 25:00", "yesterday"]
    assert unparseable["reading_date"].isna().all()

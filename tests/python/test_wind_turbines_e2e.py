"""End-to-end builds of the wind turbine feed on copies of the real sample data.

Scenario 1 (defects): the real files with injected defects, one `dbt build` (models and all
tests); results are checked against values computed with pandas from the untouched files.
Scenario 2 (incremental): build on days 1-20, build again with nothing new, append days
21-31, build, then a full refresh in another schema; the tables must agree (a turbine silent
for longer than the lookback included).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyspark.sql import SparkSession

from tests.python.conftest import REPO_ROOT, SAMPLE_DATA
from tests.python.dbt_harness import node_result

pytestmark = pytest.mark.dbt

WIND = SAMPLE_DATA / "wind_turbines"
SELECT = ["--select", "+fct_turbine_anomalies", "stg_wind_turbines__rejected_readings"]
# Models plus the singular tests (the readings' limits and the coverage warning); the generic
# and unit tests run in the defects scenario.
MODELS_AND_SINGULAR_TESTS = ["--exclude", "test_type:generic", "test_type:unit"]
HEADER = "timestamp,turbine_id,wind_speed,wind_direction,power_output"


def _raw() -> pd.DataFrame:
    frames = [pd.read_csv(WIND / f"data_group_{n}.csv") for n in (1, 2, 3)]
    raw = pd.concat(frames, ignore_index=True)
    raw["timestamp"] = pd.to_datetime(raw["timestamp"])
    return raw


def _hampel_outliers(values: pd.DataFrame, k: float = 5.0, half_hours: int = 12) -> set:
    """Independent Hampel filter (numpy): (turbine_id, timestamp, column) of every value
    further than k x 1.4826 x MAD from the median of the valid values within +-12 h."""
    outliers = set()
    for column in ("wind_speed", "power_output"):
        for turbine, group in values.dropna(subset=[column]).groupby("turbine_id"):
            hours = group["timestamp"].to_numpy().astype("datetime64[h]").astype(np.int64)
            series = group[column].to_numpy()
            for i in range(len(series)):
                window = series[np.abs(hours - hours[i]) <= half_hours]
                median = np.median(window)
                mad = np.median(np.abs(window - median))
                if len(window) >= 3 and mad > 0 and abs(series[i] - median) > k * 1.4826 * mad:
                    outliers.add((turbine, group["timestamp"].iloc[i], column))
    return outliers


def _landed_values() -> pd.DataFrame:
    """The defects scenario's readings as the cleaning sees them before outlier removal:
    dropped hours removed, every damaged cell missing."""
    raw = _raw()
    for turbine, hours in (MISSING_HOURS, LONG_GAP):
        raw = raw[~((raw["turbine_id"] == turbine) & raw["timestamp"].isin(pd.to_datetime(hours)))]
    raw = raw.copy()
    for turbine, ts, column, _, _ in SINGLE_DEFECTS:
        hit = (raw["turbine_id"] == turbine) & (raw["timestamp"] == pd.Timestamp(ts))
        raw.loc[hit, RAW_NAMES[column]] = np.nan
    return raw


def _lines(group: int) -> list[str]:
    return (WIND / f"data_group_{group}.csv").read_text().splitlines()


def _key(line: str) -> tuple[str, str]:
    cells = line.split(",")
    return cells[0], cells[1]


def _write(path: Path, lines: list[str], newline: str = "\r\n") -> None:
    path.write_bytes((newline.join(lines) + newline).encode())


def _edit(lines: list[str], ts: str, turbine: int, edit: Callable[[list[str]], list[str]]):
    """Apply `edit` to the cells of the row (ts, turbine); return the original row."""
    for i, line in enumerate(lines):
        if _key(line) == (ts, str(turbine)):
            cells = line.split(",")
            lines[i] = ",".join(edit(cells))
            return line
    raise AssertionError(f"row {ts} turbine {turbine} not in file")


def _drop(lines: list[str], ts: str, turbine: int) -> None:
    lines.remove(next(line for line in lines if _key(line) == (ts, str(turbine))))


def _set(column: int, value: str) -> Callable[[list[str]], list[str]]:
    def edit(cells: list[str]) -> list[str]:
        cells[column] = value
        return cells

    return edit


SPEED, DIRECTION, POWER = 2, 3, 4
# (turbine, hour, flag of the row, measures that must be imputed)
SINGLE_DEFECTS = [
    (1, "2022-03-07 05:00:00", SPEED, "error", "imputed_invalid_cell"),
    (4, "2022-03-07 06:00:00", POWER, "", "imputed_invalid_cell"),
    (7, "2022-03-09 12:00:00", POWER, "-2.5", "imputed_implausible"),
    (8, "2022-03-09 13:00:00", POWER, "999", "imputed_implausible"),
    (9, "2022-03-10 00:00:00", POWER, "300", "imputed_implausible"),
    (11, "2022-03-10 14:00:00", DIRECTION, "380", "imputed_implausible"),
]
MISSING_HOURS = (2, ["2022-03-05 10:00:00", "2022-03-05 11:00:00", "2022-03-05 12:00:00"])
LONG_GAP = (3, [f"2022-03-06 {h:02d}:00:00" for h in range(2, 10)])  # 8 h > max gap 6 h
COLUMN_NAMES = {SPEED: "wind_speed_m_s", DIRECTION: "wind_direction_deg", POWER: "power_output_mw"}
RAW_NAMES = {SPEED: "wind_speed", DIRECTION: "wind_direction", POWER: "power_output"}
COLUMN_NAMES_BY_RAW = {RAW_NAMES[c]: COLUMN_NAMES[c] for c in RAW_NAMES}


def _land_defects(landing: Path) -> None:
    folder = landing / "wind_turbines"
    folder.mkdir(parents=True)
    files = {n: _lines(n) for n in (1, 2, 3)}
    for turbine, ts, column, value, _ in SINGLE_DEFECTS:
        _edit(files[(turbine - 1) // 5 + 1], ts, turbine, _set(column, value))
    for turbine, hours in (MISSING_HOURS, LONG_GAP):
        for ts in hours:
            _drop(files[1], ts, turbine)
    # an exact duplicate (power written "4" for "4.0" style: same number) and a conflict
    exact = next(line for line in files[1] if _key(line) == ("2022-03-08 00:00:00", "5"))
    cells = exact.split(",")
    cells[POWER] = str(float(cells[POWER])) + "0"
    files[1].append(",".join(cells))
    conflict = next(line for line in files[1] if _key(line) == ("2022-03-08 01:00:00", "5"))
    files[1].append(",".join([*conflict.split(",")[:POWER], "999"]))
    # unparseable keys and a header repeated mid-file as when files are concatenated (not a row)
    files[2].insert(100, HEADER)
    files[2].append("garbage,6,10.0,100,2.0")
    files[2].append("2022-03-15 00:00:00,T?,10.0,100,2.0")
    _write(folder / "data_group_1.csv", files[1])
    _write(folder / "data_group_2.csv", files[2])
    _write(folder / "data_group_3.csv", files[3], newline="\n")  # LF, not CRLF
    # a new group file is picked up; its turbine is not registered
    # and a registered turbine's clock far ahead: a series up to 2099 would hold 67 years of
    # empty steps; and reset to 1970, before its in-service day (52 years of empty steps)
    _write(
        folder / "data_group_4.csv",
        [
            HEADER,
            "2022-03-01 00:00:00,99,10.0,100,2.0",
            "2099-03-01 00:00:00,3,10.0,100,2.0",
            "1970-01-01 00:00:00,3,10.0,100,2.0",
        ],
    )
    # wind speed and direction swapped in the header: every line of the file is refused,
    # whatever its values
    _write(
        folder / "data_group_5.csv",
        [
            "timestamp,turbine_id,wind_direction,wind_speed,power_output",
            "2022-03-31 23:00:00,16,200,10.0,2.0",
            "2022-03-31 23:00:00,17,210,11.0,2.5",
        ],
    )
    # no header line: the first line is a reading like any other (here a re-sent one)
    _write(folder / "data_group_6.csv", [files[3][1]])
    # a re-sent line with a stray trailing field, in a file whose name sorts before the
    # original's: ranked with the valid copy it would be kept for its file name and the valid
    # reading lost as its duplicate
    _write(folder / "data_group_10.csv", [HEADER, files[2][1] + ","])
    # files not named data_group_*.csv are ignored
    _write(folder / "notes.csv", [HEADER, "x,y,z,w,v"])


@pytest.fixture(scope="module")
def defects_landing(tmp_path_factory) -> Path:
    landing = tmp_path_factory.mktemp("wind_defects")
    _land_defects(landing)
    return landing


@pytest.fixture(scope="module")
def defects_build(dbt_project, spark: SparkSession, defects_landing: Path) -> str:
    schema = "wind_e2e_defects"
    dbt_project.run(
        ["build", *SELECT, "--full-refresh"], schema=schema, landing_dir=defects_landing
    )
    return schema


def _table(spark: SparkSession, schema: str, name: str) -> pd.DataFrame:
    return spark.table(f"{schema}.{name}").toPandas()


def test_every_broken_hour_is_imputed_and_flagged(spark, defects_build):
    readings = _table(spark, defects_build, "fct_turbine_readings")
    readings = readings.set_index(["turbine_id", "reading_at"]).sort_index()
    raw = _raw().set_index(["turbine_id", "timestamp"]).sort_index()
    hour = pd.Timedelta(hours=1)
    for turbine, ts, column, _, flag in SINGLE_DEFECTS:
        at = pd.Timestamp(ts)
        row = readings.loc[(turbine, at)]
        assert row["is_imputed"], (turbine, ts)
        assert row["quality_flag"] == flag, (turbine, ts)
        before = raw.loc[(turbine, at - hour), RAW_NAMES[column]]
        after = raw.loc[(turbine, at + hour), RAW_NAMES[column]]
        if column == DIRECTION:  # midpoint along the shorter arc
            delta = (after - before + 180) % 360 - 180
            expected = (before + delta / 2) % 360
        else:
            expected = (before + after) / 2
        assert row[COLUMN_NAMES[column]] == pytest.approx(expected, abs=1e-9), (turbine, ts)
    turbine, hours = MISSING_HOURS
    start, end = pd.Timestamp(hours[0]) - hour, pd.Timestamp(hours[-1]) + hour
    for step, ts in enumerate(hours, start=1):
        row = readings.loc[(turbine, pd.Timestamp(ts))]
        assert row["is_imputed"] and row["quality_flag"] == "imputed_missing_row"
        for name in ("wind_speed", "power_output"):
            first, last = raw.loc[(turbine, start), name], raw.loc[(turbine, end), name]
            expected = first + (last - first) * step / 4
            assert row[f"{name}_m_s" if name == "wind_speed" else "power_output_mw"] == (
                pytest.approx(expected, abs=1e-9)
            )
    turbine, hours = LONG_GAP
    for ts in hours:
        row = readings.loc[(turbine, pd.Timestamp(ts))]
        assert row["quality_flag"] == "unfilled_gap"
        assert not row["is_imputed"]
        assert pd.isna(row["power_output_mw"])
    # the whole feed is still 24 rows per turbine-day, 15 turbines x 31 days
    assert len(readings) == 15 * 31 * 24
    # the real data itself holds a few values the median/MAD rule calls outliers
    outliers = _hampel_outliers(_landed_values())
    for turbine, ts, column in outliers:
        row = readings.loc[(turbine, ts)]
        assert row[f"{COLUMN_NAMES_BY_RAW[column]}"] != raw.loc[(turbine, ts), column]
        assert row["is_imputed"] and row["quality_flag"] == "imputed_outlier"
    broken = len(SINGLE_DEFECTS) + len(MISSING_HOURS[1]) + len(LONG_GAP[1])
    outlier_hours = {(turbine, ts) for turbine, ts, _ in outliers}
    assert (readings["quality_flag"] != "observed").sum() == broken + len(outlier_hours)


def test_every_implausible_value_is_counted_in_its_step(spark, defects_build):
    """The sample's own values all lie within the limits: the counted values are exactly the
    injected ones outside them (-2.5, 999 and 300 MW against 0-5.5 MW, i.e. 5 MW rated x 1.1;
    380 degrees against [0, 360))."""
    cleaned = _table(spark, defects_build, "int_wind_turbines__cleaned_hourly")
    counted = cleaned[cleaned["implausible_value_count"] > 0]
    expected = {
        (turbine, pd.Timestamp(ts))
        for turbine, ts, _, _, flag in SINGLE_DEFECTS
        if flag == "imputed_implausible"
    }
    assert set(zip(counted["turbine_id"], counted["reading_at"], strict=True)) == expected
    assert counted["implausible_value_count"].tolist() == [1] * len(expected)
    assert cleaned["implausible_value_count"].notna().all()


def test_untouched_turbine_days_match_raw_statistics(spark, defects_build):
    summary = _table(spark, defects_build, "fct_turbine_power_summary")
    raw = _raw()
    raw["day"] = raw["timestamp"].dt.floor("D")
    expected = raw.groupby(["turbine_id", "day"])["power_output"].agg(["min", "max", "mean"])
    touched = {(t, pd.Timestamp(ts).floor("D")) for t, ts, *_ in SINGLE_DEFECTS}
    touched |= {(MISSING_HOURS[0], pd.Timestamp(MISSING_HOURS[1][0]).floor("D"))}
    touched |= {(LONG_GAP[0], pd.Timestamp(LONG_GAP[1][0]).floor("D"))}
    outliers = _hampel_outliers(_landed_values())
    touched |= {
        (turbine, ts.floor("D")) for turbine, ts, column in outliers if column == "power_output"
    }
    # A wind-speed or direction outlier is imputed without touching power: it counts in
    # imputed_count while min/max/avg power stay the raw ones.
    other_outlier_hours: dict[tuple, set] = {}
    for turbine, ts, _column in outliers:
        other_outlier_hours.setdefault((turbine, ts.floor("D")), set()).add(ts)
    summary = summary.set_index(["turbine_id", "period_start"]).sort_index()
    assert len(summary) == 15 * 31
    compared = 0
    for (turbine, day), stats in expected.iterrows():
        if (turbine, day) in touched:
            continue
        row = summary.loc[(turbine, day)]
        assert row["min_power_mw"] == stats["min"]
        assert row["max_power_mw"] == stats["max"]
        assert row["avg_power_mw"] == pytest.approx(stats["mean"], rel=1e-12)
        assert row["reading_count"] == 24
        assert row["imputed_count"] == len(other_outlier_hours.get((turbine, day), set()))
        assert row["period_end"] - day == pd.Timedelta(days=1)
        compared += 1
    assert compared == 15 * 31 - len(touched)
    long_gap_day = summary.loc[(LONG_GAP[0], pd.Timestamp("2022-03-06"))]
    assert long_gap_day["reading_count"] == 24 - len(LONG_GAP[1])


def test_rejected_rows_are_counted_with_reason_and_file(spark, defects_build, defects_landing):
    rejected = _table(spark, defects_build, "stg_wind_turbines__rejected_readings")
    counts = rejected.groupby(["rejection_reason", "source_file"]).size().to_dict()
    assert counts == {
        ("exact_duplicate", "data_group_1.csv"): 1,
        ("conflicting_duplicate", "data_group_1.csv"): 1,
        ("unparseable_timestamp", "data_group_2.csv"): 1,
        ("unparseable_turbine_id", "data_group_2.csv"): 1,
        ("wrong_field_count", "data_group_10.csv"): 1,
        ("unexpected_header", "data_group_5.csv"): 3,
        ("exact_duplicate", "data_group_6.csv"): 1,
        ("unknown_turbine_id", "data_group_4.csv"): 1,
        ("future_timestamp", "data_group_4.csv"): 1,
        ("before_in_service_date", "data_group_4.csv"): 1,
    }
    conflict = rejected[rejected["rejection_reason"] == "conflicting_duplicate"].iloc[0]
    assert conflict["power_output_text"] == "999"
    staged = spark.table(f"{defects_build}.stg_wind_turbines__readings")
    raw_rows = spark.table(f"{defects_build}.base_wind_turbines__raw_readings").count()
    assert raw_rows == staged.count() + len(rejected)
    # every line of every read file is a row, except lines that are the declared header
    landed_lines = [
        line
        for path in (defects_landing / "wind_turbines").glob("data_group_*.csv")
        for line in path.read_text().splitlines()
    ]
    assert raw_rows == sum(line != HEADER for line in landed_lines)
    # the garbage and the empty cell are kept as nulls and counted, not dropped
    assert staged.agg({"invalid_numeric_cell_count": "sum"}).first()[0] == 2


def test_anomalies_match_an_independent_calculation(spark, defects_build):
    summary = _table(spark, defects_build, "fct_turbine_power_summary")
    anomalies = _table(spark, defects_build, "fct_turbine_anomalies")
    fleet = summary.groupby("period_start")["avg_power_mw"].agg(["mean", "std"])
    scored = summary.join(fleet, on="period_start")
    scored["z"] = (scored["avg_power_mw"] - scored["mean"]) / scored["std"]
    expected = scored[scored["z"].abs() > 2.0].set_index(["turbine_id", "period_start"])
    actual = anomalies.set_index(["turbine_id", "period_start"])
    assert sorted(actual.index) == sorted(expected.index)
    assert len(actual) > 0
    for key, row in actual.iterrows():
        assert row["z_score"] == pytest.approx(expected.loc[key, "z"], rel=1e-9)
        assert row["fleet_stddev_power_mw"] == pytest.approx(expected.loc[key, "std"], rel=1e-9)
    assert list(anomalies.columns[:6]) == [
        "turbine_id",
        "period_start",
        "avg_power_mw",
        "fleet_avg_power_mw",
        "fleet_stddev_power_mw",
        "z_score",
    ]


# --- incremental -------------------------------------------------------------------------

CUT = "2022-03-21"
INCREMENTAL_TABLES = {
    "fct_turbine_readings": ["turbine_id", "reading_at"],
    "fct_turbine_power_summary": ["turbine_id", "period_start"],
    "fct_turbine_anomalies": ["turbine_id", "period_start"],
}


# Turbine 1's hours at the end of day 20: missing from the deliveries until the last step.
WITHHELD_KEYS = {("2022-03-20 22:00:00", "1"), ("2022-03-20 23:00:00", "1")}
# Turbine 5's outage: never delivered, from day 16 13:00 to day 21 05:00. The appended build
# (lookback 2 days: from day 18) must also write its steps of days 16 and 17.
OUTAGE_HOURS = pd.date_range("2022-03-16 13:00", "2022-03-21 05:00", freq="h")
OUTAGE_KEYS = {(str(hour), "5") for hour in OUTAGE_HOURS}
COVERAGE_TEST = "assert_turbine_readings_hold_every_staged_reading"
ROWS_PER_DAY_TEST = "fct_turbine_readings_rows_per_day"


def _split(group: int) -> tuple[list[str], list[str]]:
    lines = [line for line in _lines(group) if _key(line) not in WITHHELD_KEYS | OUTAGE_KEYS]
    if group == 1:  # and one broken value right after the cut
        _edit(lines, "2022-03-21 00:00:00", 2, _set(POWER, "error"))
    head = [line for line in lines[1:] if line < CUT]
    tail = [line for line in lines[1:] if line >= CUT]
    return [lines[0], *head], tail


def _snapshot(spark: SparkSession, schema: str) -> dict[str, pd.DataFrame]:
    return {
        name: _table(spark, schema, name).sort_values(keys).reset_index(drop=True)
        for name, keys in INCREMENTAL_TABLES.items()
    }


def _assert_same(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> None:
    for name in INCREMENTAL_TABLES:
        pd.testing.assert_frame_equal(left[name], right[name], check_exact=False, rtol=1e-12)


@pytest.fixture(scope="module")
def incremental_runs(dbt_project, spark: SparkSession, tmp_path_factory) -> dict:
    landing = tmp_path_factory.mktemp("wind_incremental")
    folder = landing / "wind_turbines"
    folder.mkdir()
    schema = "wind_e2e_incremental"
    build = ["build", *SELECT, *MODELS_AND_SINGULAR_TESTS]
    # The first build finds no file yet: the tables exist and are empty, and the first
    # delivery is loaded by an incremental run.
    dbt_project.run([*build, "--full-refresh"], schema=schema, landing_dir=landing)
    before_first_delivery = _snapshot(spark, schema)
    tails = {}
    for group in (1, 2, 3):
        head, tails[group] = _split(group)
        _write(folder / f"data_group_{group}.csv", head)
    dbt_project.run(build, schema=schema, landing_dir=landing)
    first = _snapshot(spark, schema)
    # The re-run also runs the generic tests: turbine 1's last day is partial (its 22:00 and
    # 23:00 are withheld), which the rows-per-day test allows at a series' edges.
    rerun_build = dbt_project.run(
        ["build", *SELECT, "--exclude", "test_type:unit"], schema=schema, landing_dir=landing
    )
    rerun = _snapshot(spark, schema)
    for group in (1, 2, 3):  # the daily delivery: rows appended to the same files
        with (folder / f"data_group_{group}.csv").open("ab") as handle:
            handle.write(("\r\n".join(tails[group]) + "\r\n").encode())
    covered = dbt_project.run(build, schema=schema, landing_dir=landing)
    appended = _snapshot(spark, schema)
    dbt_project.run([*build, "--full-refresh"], schema="wind_e2e_full", landing_dir=landing)
    full = _snapshot(spark, "wind_e2e_full")

    # Turbine 1's two withheld hours of 2022-03-20 land now, older than the lookback.
    with (folder / "data_group_1.csv").open("ab") as handle:
        withheld = [line for line in _lines(1)[1:] if _key(line) in WITHHELD_KEYS]
        handle.write(("\r\n".join(withheld) + "\r\n").encode())
    uncovered = dbt_project.run(build, schema=schema, landing_dir=landing)
    after_withheld_rows = _snapshot(spark, schema)
    refreshed = dbt_project.run([*build, "--full-refresh"], schema=schema, landing_dir=landing)
    return {
        "before_first_delivery": before_first_delivery,
        "first": first,
        "rerun": rerun,
        "rows_per_day_on_rerun": node_result(rerun_build, ROWS_PER_DAY_TEST),
        "appended": appended,
        "full": full,
        "coverage_before": node_result(covered, COVERAGE_TEST),
        "after_withheld_rows": after_withheld_rows,
        "coverage_after_withheld_rows": node_result(uncovered, COVERAGE_TEST),
        "coverage_after_refresh": node_result(refreshed, COVERAGE_TEST),
        "refreshed": _snapshot(spark, schema),
    }


def test_a_build_before_any_delivery_leaves_empty_tables_that_later_runs_fill(incremental_runs):
    for name, table in incremental_runs["before_first_delivery"].items():
        assert table.empty, name
    first = incremental_runs["first"]
    outage_before_cut = sum(hour < pd.Timestamp(CUT) for hour in OUTAGE_HOURS)
    assert outage_before_cut == 11 + 4 * 24
    # turbine 5's series ends at its last hour before the outage
    expected_rows = 15 * 20 * 24 - len(WITHHELD_KEYS) - outage_before_cut
    assert len(first["fct_turbine_readings"]) == expected_rows
    assert len(first["fct_turbine_power_summary"]) > 0


def test_rerun_without_new_data_changes_nothing(incremental_runs):
    _assert_same(incremental_runs["first"], incremental_runs["rerun"])
    rows_per_day = incremental_runs["rows_per_day_on_rerun"]
    assert (str(rows_per_day.status), rows_per_day.failures) == ("pass", 0)
    readings = incremental_runs["first"]["fct_turbine_readings"]
    assert readings["reading_at"].max() == pd.Timestamp("2022-03-20 23:00:00")
    # turbine 1's series ends at its last delivered hour: nothing extrapolated
    last_1 = readings[readings["turbine_id"] == 1]["reading_at"].max()
    assert last_1 == pd.Timestamp("2022-03-20 21:00:00")


def test_appended_days_equal_a_full_refresh(incremental_runs):
    appended, full = incremental_runs["appended"], incremental_runs["full"]
    _assert_same(appended, full)
    readings = appended["fct_turbine_readings"]
    assert len(readings) == 15 * 31 * 24
    filled = readings[
        (readings["turbine_id"] == 1)
        & readings["reading_at"].isin(
            [pd.Timestamp("2022-03-20 22:00:00"), pd.Timestamp("2022-03-20 23:00:00")]
        )
    ]
    assert filled["quality_flag"].tolist() == ["imputed_missing_row"] * 2
    outage = readings[(readings["turbine_id"] == 5) & readings["reading_at"].isin(OUTAGE_HOURS)]
    assert len(outage) == len(OUTAGE_HOURS)
    assert set(outage["quality_flag"]) == {"unfilled_gap"}
    raw = _raw()
    raw_1 = raw[raw["turbine_id"] == 1].set_index("timestamp")["power_output"]
    first, last = raw_1[pd.Timestamp("2022-03-20 21:00")], raw_1[pd.Timestamp("2022-03-21 00:00")]
    assert filled["power_output_mw"].tolist() == pytest.approx(
        [first + (last - first) / 3, first + 2 * (last - first) / 3], abs=1e-9
    )
    summary = appended["fct_turbine_power_summary"]
    silent_days = pd.date_range("2022-03-17", "2022-03-20", freq="D")  # turbine 5, whole days
    silent = (summary["turbine_id"] == 5) & summary["period_start"].isin(silent_days)
    assert silent.sum() == 4
    assert summary.loc[silent, "avg_power_mw"].isna().all()
    assert (summary.loc[silent, "reading_count"] == 0).all()
    assert np.isfinite(summary.loc[~silent, "avg_power_mw"]).all()


def test_registry_snapshot_keeps_the_rated_power_history(dbt_project, spark: SparkSession):
    schema = "wind_registry_history"
    selected = [
        "--select",
        "wind_turbine_registry",
        "snap_wind_turbines__registry",
        "--indirect-selection",
        "cautious",
    ]
    dbt_project.run(["build", *selected], schema=schema)
    seed = pd.read_csv(REPO_ROOT / "seeds" / "wind_turbines" / "wind_turbine_registry.csv")
    first = _table(spark, schema, "snap_wind_turbines__registry")
    assert sorted(first["turbine_id"]) == sorted(seed["turbine_id"])
    assert first["dbt_valid_to"].isna().all()

    # The registry as re-seeded later: turbine 7 re-rated to 6 MW, turbine 15 decommissioned.
    registry = spark.table(f"{schema}.wind_turbine_registry")
    changed = registry.where("turbine_id <> 15").selectExpr(
        "turbine_id",
        "turbine_group",
        "if(turbine_id = 7, 6.0d, rated_power_mw) as rated_power_mw",
        "in_service_from",
    )
    spark.createDataFrame(changed.collect(), registry.schema).write.insertInto(
        f"{schema}.wind_turbine_registry", overwrite=True
    )
    dbt_project.run(["snapshot", "--select", "snap_wind_turbines__registry"], schema=schema)
    history = _table(spark, schema, "snap_wind_turbines__registry")

    assert len(history) == len(seed) + 1
    turbine_7 = history[history["turbine_id"] == 7].sort_values("dbt_valid_from")
    assert turbine_7["rated_power_mw"].tolist() == [5.0, 6.0]
    assert turbine_7["dbt_valid_to"].iloc[0] == turbine_7["dbt_valid_from"].iloc[1]
    assert pd.isna(turbine_7["dbt_valid_to"].iloc[1])
    assert history[history["turbine_id"] == 15]["dbt_valid_to"].notna().all()
    unchanged = history[~history["turbine_id"].isin([7, 15])]
    assert unchanged["dbt_valid_to"].isna().all()
    assert len(unchanged) == len(seed) - 2


def test_rows_older_than_the_lookback_are_warned_about(incremental_runs):
    before = incremental_runs["coverage_before"]
    assert (str(before.status), before.failures) == ("pass", 0)
    # The incremental run leaves the two hours as they were (missing rows, imputed) ...
    _assert_same(incremental_runs["appended"], incremental_runs["after_withheld_rows"])
    after = incremental_runs["coverage_after_withheld_rows"]
    assert (str(after.status), after.failures) == ("warn", 2)
    # ... and a full refresh takes them in.
    refreshed = incremental_runs["coverage_after_refresh"]
    assert (str(refreshed.status), refreshed.failures) == ("pass", 0)
    readings = incremental_runs["refreshed"]["fct_turbine_readings"]
    hours = [pd.Timestamp(time) for time, _ in sorted(WITHHELD_KEYS)]
    withheld = readings[(readings["turbine_id"] == 1) & readings["reading_at"].isin(hours)]
    assert len(withheld) == 2
    assert "imputed_missing_row" not in set(withheld["quality_flag"])

"""PV systems feed end to end: dbt builds on a private copy of the landing sample.

One build on the unchanged sample (values checked against the real series read with pandas)
plus a day file two days ahead of now, then one incremental build after landing events: a day
delivered a second time, a corrected day file, a corrected day file with every value blank, a
file with an implausible module temperature, changed and unkeyed metadata, a new system whose
site time zone Spark does not know; and a var that lets the future day's reading in, as the
passing of time would.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from dbt.cli.main import dbtRunnerResult
from pyspark.sql import SparkSession

from python_helpers.pvdaq_sample import SERIES, SeriesSpec
from tests.python.conftest import FIXTURES, SAMPLE_DATA
from tests.python.dbt_harness import DbtProject, node_result

pytestmark = pytest.mark.dbt

SCHEMA = "pvdaq_e2e"
SELECT = [
    "--select",
    "+fct_pv_measurements",
    "+dim_pv_system",
    "+fct_pv_hourly_energy",
    "stg_pvdaq__rejected_pvdata",
    "stg_pvdaq__rejected_metadata",
]
REAL_DATA = FIXTURES / "pvdaq"  # the real series, trimmed to the sample days
REDELIVERED_DAY = ("system_id=15", "year=2020", "month=3", "day=5")
CORRECTED_DAY = ("system_id=50", "year=2012", "month=3", "day=6")
# Not within two days of the newest stored day (2020-03-14): rebuilt for its new file only.
EMPTIED_DAY = ("system_id=15", "year=2020", "month=3", "day=9")
EMPTIED_DATE = pd.Timestamp("2020-03-09").date()
IMPLAUSIBLE_DAY = ("system_id=4", "year=2018", "month=6", "day=5")
UNKNOWN_ZONE_DAY = ("system_id=99", "year=2018", "month=6", "day=5")
# A module temperature of system 4 (site zone -07:00) at noon local time two days after today
# (UTC): rejected as future_time by the first build (var pv_max_future_minutes: 60); the
# second build and the full refresh run with a week instead, as if that time had come.
FUTURE_DATE = (datetime.now(UTC) + timedelta(days=2)).date()
FUTURE_DAY = (
    "system_id=4",
    f"year={FUTURE_DATE.year}",
    f"month={FUTURE_DATE.month}",
    f"day={FUTURE_DATE.day}",
)
A_WEEK_AHEAD = ["--vars", "{pv_max_future_minutes: 10080}"]
FUTURE_FILE_MODIFIED_S = datetime(2000, 1, 1, tzinfo=UTC).timestamp()


@dataclass
class Built:
    landing: Path
    facts: pd.DataFrame
    energy: pd.DataFrame
    systems: pd.DataFrame
    snapshot: pd.DataFrame
    rejected: pd.DataFrame
    rejected_metadata: pd.DataFrame
    time_zone_warnings: int = 0  # rows of the warn-level data test on site time zones


def _time_zone_warnings(result: dbtRunnerResult) -> int:
    test = node_result(result, "assert_pv_site_time_zones_are_recognised")
    assert str(test.status) == ("warn" if test.failures else "pass")
    return test.failures


def _read_all(spark: SparkSession, landing: Path, schema: str = SCHEMA) -> Built:
    def read(table: str) -> pd.DataFrame:
        return spark.table(f"{schema}.{table}").toPandas()

    return Built(
        landing=landing,
        facts=read("fct_pv_measurements"),
        energy=read("fct_pv_hourly_energy"),
        systems=read("dim_pv_system"),
        snapshot=read("snap_pvdaq__systems"),
        rejected=read("stg_pvdaq__rejected_pvdata"),
        rejected_metadata=read("stg_pvdaq__rejected_metadata"),
    )


def _module_temperature(pvdata: Path, measured_on: str, kelvin: float) -> pa.Table:
    """One local-time module temperature (metric 217) in the layout of system 4's day files."""
    (day_file,) = pvdata.joinpath(*IMPLAUSIBLE_DAY).glob("*.parquet")
    day_schema = pq.read_schema(day_file)
    return pa.table(
        {
            "measured_on": [pd.Timestamp(measured_on)],
            "utc_measured_on": pa.nulls(1, day_schema.field("utc_measured_on").type),
            "metric_id": [217],
            "value": [kelvin],
        },
        schema=day_schema,
    )


@pytest.fixture(scope="module")
def first_build(
    dbt_project: DbtProject, spark: SparkSession, tmp_path_factory: pytest.TempPathFactory
) -> Built:
    landing = tmp_path_factory.mktemp("pvdaq") / "landing"
    shutil.copytree(SAMPLE_DATA, landing)
    pvdata = landing / "pvdaq" / "pvdata"
    future_folder = pvdata.joinpath(*FUTURE_DAY)
    future_folder.mkdir(parents=True)
    future = _module_temperature(pvdata, f"{FUTURE_DATE} 12:00:00", 300.15)
    pq.write_table(future, future_folder / "day.parquet")
    # Landed before every other file: the incremental build finds no newer file in its day.
    os.utime(future_folder / "day.parquet", (FUTURE_FILE_MODIFIED_S, FUTURE_FILE_MODIFIED_S))
    result = dbt_project.run(["build", *SELECT], schema=SCHEMA, landing_dir=landing)
    built = _read_all(spark, landing)
    built.time_zone_warnings = _time_zone_warnings(result)
    return built


@pytest.fixture(scope="module")
def second_build(first_build: Built, dbt_project: DbtProject, spark: SparkSession) -> Built:
    pvdata = first_build.landing / "pvdaq" / "pvdata"
    time.sleep(1.1)  # landing events happen after the first load (file modification times)
    # 1. The same day delivered again, as a second file in its partition.
    day_folder = pvdata.joinpath(*REDELIVERED_DAY)
    (original,) = day_folder.glob("*.parquet")
    shutil.copyfile(original, day_folder / "redelivered.parquet")
    # 2. A corrected day: the file is replaced by one with every value doubled, one row fewer.
    corrected_folder = pvdata.joinpath(*CORRECTED_DAY)
    (corrected,) = corrected_folder.glob("*.parquet")
    table = pq.read_table(corrected).to_pandas()
    table = table.iloc[1:].assign(value=lambda frame: frame["value"] * 2)
    schema = pq.read_schema(corrected)
    corrected.unlink()
    pq.write_table(pa.Table.from_pandas(table, schema=schema, preserve_index=False), corrected)
    # 2b. A corrected day whose values are all blank: every row is rejected, none is a fact.
    (emptied,) = pvdata.joinpath(*EMPTIED_DAY).glob("*.parquet")
    blank = pq.read_table(emptied)
    blank = blank.set_column(
        blank.schema.get_field_index("value"), "value", pa.nulls(len(blank), pa.float64())
    )
    emptied.unlink()
    pq.write_table(blank, emptied)
    # 3. A site file change: system 4's average pressure is revised.
    site = first_build.landing / "pvdaq" / "site" / "site.csv"
    text = site.read_text()
    assert ",820.4," in text
    # 4. Metadata rows that cannot be keyed; a second mount file repeats system 15's row and
    # changes system 4's mount type (a column the dimension does not carry).
    bad_site = "x4,Broken row,39.74,-105.18,1795,820.4,10.1,BSk,-07:00\n"
    site.write_text(text.replace(",820.4,", ",815.0,") + bad_site)
    metrics = first_build.landing / "pvdaq" / "metrics" / "metrics.csv"
    # A metric row with one field too many: its cells cannot be trusted to be in place.
    metrics.write_text(
        metrics.read_text()
        + "15,,poa_2,poa_irradiance,W/m^2,W/m^2,1,0\n"
        + "50,999,ac_power_9,ac_power,W,W,1,0,1\n"
    )
    mount = first_build.landing / "pvdaq" / "mount"
    rows = {line.split(",")[0]: line for line in (mount / "mount.csv").read_text().splitlines()}
    assert rows["4"].endswith(",fixed rack")
    changed_4 = rows["4"].replace(",fixed rack", ",roof rack")
    # System 50 twice in that file, first with another azimuth, then as before: the row whose
    # cells sort last ("180.0" after "170.0") wins, not the first one, in the dimension and
    # the rejected rows alike.
    assert rows["50"].startswith("50,180.0,")
    other_50 = rows["50"].replace(",180.0,", ",170.0,")
    # Its header line is the declared one in capitals with blanks after the commas: still the
    # declared header (cells compared trimmed, in any letter case), so not a row.
    header_in_capitals = ", ".join(rows["system_id"].upper().split(","))
    (mount / "mount_2.csv").write_text(
        "\n".join([header_in_capitals, rows["15"], changed_4, other_50, rows["50"]]) + "\n"
    )
    # The newest mount file has azimuth and tilt swapped in its header: read by position, it
    # would turn system 15 to azimuth 25 with a tilt of 180; the whole file is refused.
    assert rows["15"].startswith("15,180,25,")
    (mount / "mount_3.csv").write_text(
        "system_id,tilt,azimuth,tracking,mount_type\n15,25,180,,fixed rack\n"
    )
    # 5. A late file for a loaded day: one module temperature of 423.15 K = 150 C, outside
    # the plausible range for C, at a time the day does not hold yet.
    implausible_folder = pvdata.joinpath(*IMPLAUSIBLE_DAY)
    late = _module_temperature(pvdata, "2018-06-05 12:07:00", 423.15)
    pq.write_table(late, implausible_folder / "late.parquet")
    # 6. A new system 99 whose site row names a time zone Spark does not know ("Mountain"),
    # with one module temperature without a UTC time: Spark's zone functions would stop the
    # build on it.
    site.write_text(
        site.read_text() + "99,Unknown zone,39.74,-105.18,1795,820.4,10.1,BSk,Mountain\n"
    )
    metrics.write_text(
        metrics.read_text() + "99,217,module_temp_1,module_temperature,K,C,,-273.15\n"
    )
    unknown_zone_folder = pvdata.joinpath(*UNKNOWN_ZONE_DAY)
    unknown_zone_folder.mkdir(parents=True)
    pq.write_table(
        late.set_column(3, "value", pa.array([300.15])), unknown_zone_folder / "day.parquet"
    )
    # 7. No new file in the future day's partition; the var stands for the time that passed.
    result = dbt_project.run(
        ["build", *SELECT, *A_WEEK_AHEAD], schema=SCHEMA, landing_dir=first_build.landing
    )
    built = _read_all(spark, first_build.landing)
    built.time_zone_warnings = _time_zone_warnings(result)
    return built


@pytest.fixture(scope="module")
def full_refresh_build(second_build: Built, dbt_project: DbtProject, spark: SparkSession) -> Built:
    """The second build's landing folder built from scratch in another schema."""
    schema = f"{SCHEMA}_full"
    dbt_project.run(
        [
            "build",
            *SELECT,
            *A_WEEK_AHEAD,
            "--full-refresh",
            "--exclude-resource-type",
            "test",
            "unit_test",
        ],
        schema=schema,
        landing_dir=second_build.landing,
    )
    return _read_all(spark, second_build.landing, schema)


def _real_series(spec: SeriesSpec) -> pd.DataFrame:
    """The real series of one sample system with UTC instants, computed independently."""
    frame = pd.read_parquet(REAL_DATA / spec.file_name)
    stamps = pd.DatetimeIndex(frame[spec.time_column])
    clock = stamps.tz_localize(None)
    in_days = np.zeros(len(frame), dtype=bool)
    for first, last in spec.periods:
        in_days |= (clock.normalize() >= pd.Timestamp(first)) & (
            clock.normalize() <= pd.Timestamp(last)
        )
    values = frame[spec.value_column].astype("float64").to_numpy()
    keep = in_days & ~np.isnan(values)
    if spec.system_id == 50:
        # Its clock follows Mountain daylight time: wall time in America/Denver.
        utc = clock[keep].tz_localize("America/Denver", ambiguous=True, nonexistent="NaT")
    else:
        utc = stamps[keep]  # true instants at a fixed -07:00
    real = pd.DataFrame(
        {"timestamp": utc.tz_convert("UTC").tz_localize(None), "real": values[keep]}
    )
    return real.dropna(subset=["timestamp"])


@pytest.mark.parametrize("spec", SERIES, ids=lambda spec: f"system_{spec.system_id}")
def test_facts_match_the_real_series(first_build: Built, spec: SeriesSpec) -> None:
    facts = first_build.facts[first_build.facts["ss_id"] == spec.system_id]
    real = _real_series(spec)
    merged = real.merge(facts, on="timestamp", how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    np.testing.assert_allclose(merged["value"], merged["real"], rtol=1e-9, atol=1e-9)
    assert facts["units"].unique().tolist() == [{4: "C", 15: "W/m^2", 50: "W"}[spec.system_id]]


def test_fact_key_is_unique(first_build: Built) -> None:
    assert not first_build.facts.duplicated(["ss_id", "timestamp", "sensor"]).any()
    # The sample itself has no rejected row: only the future reading added to it.
    assert first_build.rejected["local_date"].eq(FUTURE_DATE).all()
    assert len(first_build.rejected) == 1


def test_dst_days_of_the_sample_span_23_and_25_hours(first_build: Built) -> None:
    facts = first_build.facts[first_build.facts["ss_id"] == 50]
    by_day = facts.groupby("local_date")["timestamp"].agg(["min", "max", "count"])
    spring = by_day.loc[pd.Timestamp("2012-03-11").date()]
    # 00:00 MST = 07:00Z; last reading 23:45 MDT = 05:45Z; the day ends 06:00Z: 23 h.
    assert spring["min"] == pd.Timestamp("2012-03-11 07:00")
    assert spring["max"] == pd.Timestamp("2012-03-12 05:45")
    assert spring["count"] == 92
    fall = by_day.loc[pd.Timestamp("2012-11-04").date()]
    # 00:00 MDT = 06:00Z; last reading 23:45 MST = 06:45Z next day; the day ends 07:00Z: 25 h.
    assert fall["min"] == pd.Timestamp("2012-11-04 06:00")
    assert fall["max"] == pd.Timestamp("2012-11-05 06:45")


def test_dimension_reads_blank_and_mixed_case_metadata(first_build: Built) -> None:
    systems = first_build.systems.set_index("ss_id").sort_index()
    assert systems.index.tolist() == [4, 15, 50]
    assert systems["climate_type"].tolist() == ["BSk", "BSk", "BSk"]  # BSk, Bsk, " bsk "
    assert pd.isna(systems.loc[15, "elevation"]) and pd.isna(systems.loc[15, "av_temp"])
    assert systems.loc[50, "elevation"] == 1789.0
    assert systems.loc[4, "av_pressure"] == 820.4
    assert pd.isna(systems.loc[15, "mount_is_tracking"])
    assert bool(systems.loc[50, "mount_is_tracking"]) is False  # "False"
    assert systems.loc[50, "mount_azimuth"] == 180.0  # "180.0"
    assert systems.loc[50, "time_zone"] == "America/Denver"


def test_hourly_energy_totals_match_a_trapezoid_over_the_real_series(first_build: Built) -> None:
    real = _real_series(next(spec for spec in SERIES if spec.system_id == 50))
    real = real.sort_values("timestamp")
    seconds = real["timestamp"].diff().dt.total_seconds().to_numpy()[1:]
    power = real["real"].to_numpy()
    segments = (power[1:] + power[:-1]) / 2 * seconds / 3600
    expected_wh = segments[seconds <= 1800].sum()
    energy = first_build.energy[first_build.energy["ss_id"] == 50]
    assert energy["energy_wh"].sum() == pytest.approx(expected_wh, rel=1e-9)
    assert (energy["window_end"] - energy["window_start"] == pd.Timedelta(hours=1)).all()
    assert set(first_build.energy["ss_id"]) == {50}  # only system 50 measures AC power


def test_redelivered_day_adds_no_duplicates(first_build: Built, second_build: Built) -> None:
    facts = second_build.facts
    assert not facts.duplicated(["ss_id", "timestamp", "sensor"]).any()
    day = (facts["ss_id"] == 15) & (facts["local_date"] == pd.Timestamp("2020-03-05").date())
    before = first_build.facts
    before_day = (before["ss_id"] == 15) & (
        before["local_date"] == pd.Timestamp("2020-03-05").date()
    )
    assert day.sum() == before_day.sum() > 0
    # Every row of the second copy is listed as a duplicate delivery, none silently dropped.
    reasons = second_build.rejected["rejection_reason"].value_counts().to_dict()
    assert reasons == {
        "duplicate_delivery": before_day.sum(),
        "missing_value": _emptied_day_rows(second_build),
        "implausible_value": 1,
        "unknown_site_time_zone": 1,
    }


def _emptied_day_rows(built: Built) -> int:
    (day_file,) = built.landing.joinpath("pvdaq", "pvdata", *EMPTIED_DAY).glob("*.parquet")
    return pq.read_metadata(day_file).num_rows


def _on_emptied_day(frame: pd.DataFrame) -> pd.Series:
    return (frame["ss_id"] == 15) & (frame["local_date"] == EMPTIED_DATE)


def test_a_day_whose_rows_are_all_rejected_now_loses_its_facts(
    first_build: Built, second_build: Built
) -> None:
    # The insert_overwrite writes no row into the day; the pre-hook empties its partition.
    file_rows = _emptied_day_rows(second_build)
    assert _on_emptied_day(first_build.facts).sum() == file_rows == 93
    assert not _on_emptied_day(second_build.facts).any()
    rejected = second_build.rejected[_on_emptied_day(second_build.rejected)]
    assert rejected["rejection_reason"].value_counts().to_dict() == {"missing_value": file_rows}


def test_corrected_day_replaces_that_days_facts(first_build: Built, second_build: Built) -> None:
    corrected_date = pd.Timestamp("2012-03-06").date()

    def day(frame: pd.DataFrame) -> pd.DataFrame:
        mask = (frame["ss_id"] == 50) & (frame["local_date"] == corrected_date)
        return frame[mask].set_index("timestamp")["value"].sort_index()

    before, after = day(first_build.facts), day(second_build.facts)
    assert len(after) == len(before) - 1  # the first reading was removed from the file
    np.testing.assert_allclose(after.to_numpy(), before.iloc[1:].to_numpy() * 2, rtol=1e-12)

    def other_days(frame: pd.DataFrame) -> pd.DataFrame:
        mask = (
            ~((frame["ss_id"] == 50) & (frame["local_date"] == corrected_date))
            & ~_on_emptied_day(frame)
            & (frame["local_date"] != FUTURE_DATE)
        )
        return (
            frame[mask][["ss_id", "timestamp", "sensor", "value"]]
            .sort_values(["ss_id", "sensor", "timestamp"])
            .reset_index(drop=True)
        )

    pd.testing.assert_frame_equal(other_days(first_build.facts), other_days(second_build.facts))


def test_an_implausible_value_is_rejected_not_loaded(
    first_build: Built, second_build: Built
) -> None:
    implausible = second_build.rejected[
        second_build.rejected["rejection_reason"] == "implausible_value"
    ].assign(source_file=lambda frame: frame["source_file"].str.rsplit("/", n=1).str[-1])
    assert implausible[["ss_id", "metric_id", "measured_on", "source_file"]].to_dict("records") == [
        {
            "ss_id": 4,
            "metric_id": 217,
            "measured_on": pd.Timestamp("2018-06-05 12:07:00"),
            "source_file": "late.parquet",
        }
    ]

    # The day was rebuilt (a new file landed in it) and holds the same facts as before.
    def system_4_day(frame: pd.DataFrame) -> pd.DataFrame:
        mask = (frame["ss_id"] == 4) & (frame["local_date"] == pd.Timestamp("2018-06-05").date())
        return frame[mask].sort_values("timestamp").reset_index(drop=True)

    assert len(system_4_day(first_build.facts)) == 96
    pd.testing.assert_frame_equal(
        system_4_day(first_build.facts).drop(columns="source_modified_at"),
        system_4_day(second_build.facts).drop(columns="source_modified_at"),
    )


def test_site_change_is_a_new_snapshot_version(first_build: Built, second_build: Built) -> None:
    assert len(first_build.snapshot) == 3
    assert first_build.snapshot["dbt_valid_to"].isna().all()
    history = second_build.snapshot.sort_values(["ss_id", "dbt_valid_from"])
    system_4 = history[history["ss_id"] == 4]
    assert system_4["av_pressure"].tolist() == [820.4, 815.0]
    assert system_4["dbt_valid_to"].iloc[0] == system_4["dbt_valid_from"].iloc[1]
    assert pd.isna(system_4["dbt_valid_to"].iloc[1])
    assert len(history) == 5  # systems 15 and 50 unchanged: one version each; new system 99
    systems = second_build.systems.set_index("ss_id")
    assert systems.loc[4, "av_pressure"] == 815.0
    assert len(systems) == 4


def test_unkeyed_and_superseded_metadata_rows_are_rejected_with_a_reason(
    first_build: Built, second_build: Built
) -> None:
    assert first_build.rejected_metadata.empty
    rejected = {
        (row.metadata_table, row.source_file, row.system_id_text, row.rejection_reason)
        for row in second_build.rejected_metadata.itertuples()
    }
    assert rejected == {
        ("site", "site.csv", "x4", "missing_system_or_metric_id"),
        ("metrics", "metrics.csv", "15", "missing_system_or_metric_id"),
        ("metrics", "metrics.csv", "50", "wrong_field_count"),
        # mount_2.csv is newer: system 15's older row repeats it, system 4's differs
        ("mount", "mount.csv", "15", "duplicate_delivery"),
        ("mount", "mount.csv", "4", "superseded_by_newer_delivery"),
        # system 50: the older file repeats the kept row; the newer file's other row differs
        ("mount", "mount.csv", "50", "duplicate_delivery"),
        ("mount", "mount_2.csv", "50", "superseded_by_newer_delivery"),
        # the header line itself and the one row of the file with a reordered header
        ("mount", "mount_3.csv", "system_id", "unexpected_header"),
        ("mount", "mount_3.csv", "15", "unexpected_header"),
    }
    assert len(second_build.rejected_metadata) == 9
    systems = second_build.systems.set_index("ss_id")
    assert systems.loc[50, "mount_azimuth"] == 180.0
    assert (systems.loc[15, "mount_azimuth"], systems.loc[15, "mount_tilt"]) == (180.0, 25.0)
    assert sorted(second_build.systems["ss_id"]) == [4, 15, 50, 99]


def test_unknown_site_time_zone_rejects_the_systems_local_times_and_warns(
    first_build: Built, second_build: Built
) -> None:
    assert first_build.time_zone_warnings == 0
    assert second_build.time_zone_warnings == 1
    systems = second_build.systems.set_index("ss_id")
    assert pd.isna(systems.loc[99, "time_zone"])
    assert systems.loc[50, "time_zone"] == "America/Denver"
    assert systems.loc[4, "time_zone"] == "-07:00"
    rejected = second_build.rejected[second_build.rejected["ss_id"] == 99]
    assert rejected["rejection_reason"].tolist() == ["unknown_site_time_zone"]
    assert rejected["raw_value"].tolist() == [300.15]
    assert not (second_build.facts["ss_id"] == 99).any()


def test_incremental_builds_equal_a_full_refresh(
    second_build: Built, full_refresh_build: Built
) -> None:
    # The dimension's valid_from is the snapshot time of each schema's own history.
    for name, keys in (
        ("facts", ["ss_id", "timestamp", "sensor"]),
        ("energy", ["ss_id", "sensor", "window_start"]),
        ("systems", ["ss_id"]),
    ):
        incremental, full = (
            getattr(built, name)
            .drop(columns=["valid_from"], errors="ignore")
            .sort_values(keys)
            .reset_index(drop=True)
            for built in (second_build, full_refresh_build)
        )
        assert len(incremental) > 0, name
        pd.testing.assert_frame_equal(incremental, full, check_exact=False, rtol=1e-12)
    assert len(second_build.rejected) == len(full_refresh_build.rejected)


def test_a_future_reading_is_rejected_then_loaded_when_its_time_has_come(
    first_build: Built, second_build: Built
) -> None:
    def future_day(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["local_date"] == FUTURE_DATE]

    rejected = future_day(first_build.rejected)
    assert rejected[["ss_id", "metric_id", "rejection_reason"]].to_dict("records") == [
        {"ss_id": 4, "metric_id": 217, "rejection_reason": "future_time"}
    ]
    assert future_day(first_build.facts).empty
    # The day's file is older than every loaded file: the incremental build rebuilds the day
    # since it is not before the newest stored day (see docs pvdaq_incremental_rule).
    loaded = future_day(second_build.facts)
    assert loaded[["ss_id", "sensor", "value"]].to_dict("records") == [
        {"ss_id": 4, "sensor": "module_temp_1", "value": pytest.approx(300.15 - 273.15)}
    ]
    assert loaded["timestamp"].tolist() == [pd.Timestamp(f"{FUTURE_DATE} 19:00:00")]
    assert future_day(second_build.rejected).empty

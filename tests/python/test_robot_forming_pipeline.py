"""The robot forming feed end to end: two dbt builds of the feed's models.

1. The real `sample.csv` (4 runs, one encoder-only): run statistics against pandas on the same
   file, every time-string variant parsed, run_uuid 12405186538561671661 intact, the
   encoder-only run's forces null, the grid complete.
2. Bad input: a hand-made CSV with every rejection case, a parquet file with run_uuid as text
   and one with run_uuid as float64 (the production layout), one without run_uuid (both
   parquet landing tables read it; its rows must count once), and files no landing table can
   read (a parquet file of neither layout, a truncated one, a file of another type).
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyspark.sql import SparkSession

from tests.python.conftest import SAMPLE_DATA
from tests.python.dbt_harness import DbtProject, partition_folders

pytestmark = pytest.mark.dbt

SAMPLE_SCHEMA = "robot_e2e"
BAD_SCHEMA = "robot_bad_input"
SELECT = [
    "--select",
    "+fct_robot_features",
    "+fct_robot_run_stats",
    "int_robot_forming__wide_readings",
    "stg_robot_forming__rejected_sensor_readings",
    "stg_robot_forming__unread_landing_files",
]
SAMPLE_CSV = SAMPLE_DATA / "robot_forming" / "sample.csv"
ENCODER_ONLY_RUN = "8910095844186657261"
BIG_RUN = "12405186538561671661"
FEATURE_COLUMNS = [
    "run_uuid",
    "time",
    *(f"{q}_{r}" for r in (1, 2) for q in ("x", "y", "z")),
    *(f"{q}_{r}" for r in (1, 2) for q in ("fx", "fy", "fz")),
    *(f"v{q}_{r}" for r in (1, 2) for q in ("x", "y", "z")),
    *(f"a{q}_{r}" for r in (1, 2) for q in ("x", "y", "z")),
    "v1",
    "v2",
    "a1",
    "a2",
    "f1",
    "f2",
]


def sample_frame() -> pd.DataFrame:
    frame = pd.read_csv(SAMPLE_CSV, dtype={"run_uuid": str, "time": str})
    frame["parsed"] = pd.to_datetime(frame["time"], format="ISO8601", utc=True).dt.tz_localize(None)
    return frame


@pytest.fixture(scope="module")
def sample_build(spark: SparkSession, dbt_project: DbtProject) -> str:
    dbt_project.run(["build", *SELECT], schema=SAMPLE_SCHEMA)
    return SAMPLE_SCHEMA


def test_sample_staging_keeps_every_row_and_run_uuid(spark: SparkSession, sample_build: str):
    staged = spark.table(f"{sample_build}.stg_robot_forming__sensor_readings")
    assert staged.count() == len(sample_frame()) == 15162
    assert spark.table(f"{sample_build}.stg_robot_forming__rejected_sensor_readings").count() == 0
    assert dict(staged.dtypes)["run_uuid"] == "string"
    runs = {row.run_uuid for row in staged.select("run_uuid").distinct().collect()}
    assert runs == {BIG_RUN, "6176976534744076781", "7582293080991470061", ENCODER_ONLY_RUN}


def test_sample_every_time_variant_parsed(spark: SparkSession, sample_build: str):
    frame = sample_frame()
    staged = spark.table(f"{sample_build}.stg_robot_forming__sensor_readings")
    # One row per string length: '...00.444Z' (24), '...13.78Z' (23), '...53.8Z' (22),
    # '...:50:00Z' (20).
    picks = frame.groupby(frame["time"].str.len()).head(1)
    assert sorted(picks["time"].str.len()) == [20, 22, 23, 24]
    expected_by_text = {
        "2022-11-23T20:50:00Z": datetime(2022, 11, 23, 20, 50, 0),
        "2022-11-23T20:41:53.8Z": datetime(2022, 11, 23, 20, 41, 53, 800000),
        "2022-11-23T20:40:13.78Z": datetime(2022, 11, 23, 20, 40, 13, 780000),
        "2022-11-23T20:40:00.444Z": datetime(2022, 11, 23, 20, 40, 0, 444000),
    }
    for _, pick in picks.iterrows():
        matches = staged.where(
            (staged.run_uuid == pick["run_uuid"])
            & (staged.field == pick["field"])
            & (staged.robot_id == int(pick["robot_id"]))
            & (staged.value == float(pick["value"]))
        ).collect()
        assert [row.time for row in matches] == [pick["parsed"].to_pydatetime()]
        if pick["time"] in expected_by_text:
            assert matches[0].time == expected_by_text[pick["time"]]
    # Every staged time equals pandas' ISO-8601 parse of the same string.
    staged_times = sorted(row.time for row in staged.select("time").collect())
    assert staged_times == sorted(ts.to_pydatetime() for ts in frame["parsed"])


def test_sample_run_stats_match_raw_data(spark: SparkSession, sample_build: str):
    frame = sample_frame()
    stats = {
        row.run_uuid: row.asDict()
        for row in spark.table(f"{sample_build}.fct_robot_run_stats").collect()
    }
    assert len(stats) == 4
    for run_uuid, group in frame.groupby("run_uuid"):
        row = stats[run_uuid]
        assert row["run_start_at"] == group["parsed"].min().to_pydatetime()
        assert row["run_stop_at"] == group["parsed"].max().to_pydatetime()
        expected_runtime = (group["parsed"].max() - group["parsed"].min()).total_seconds()
        assert row["total_runtime_s"] == pytest.approx(expected_runtime, abs=1e-6)
        for robot in (1, 2):
            encoder = group[group["robot_id"] == robot].pivot_table(
                index="parsed", columns="field", values="value", aggfunc="mean"
            )
            points = encoder[["x", "y", "z"]].dropna().sort_index().to_numpy()
            expected = float(np.sqrt((np.diff(points, axis=0) ** 2).sum(axis=1)).sum())
            assert row[f"distance_robot_{robot}_mm"] == pytest.approx(expected, rel=1e-12)
        assert row["total_distance_mm"] == pytest.approx(
            row["distance_robot_1_mm"] + row["distance_robot_2_mm"], rel=1e-12
        )


def test_sample_features_grid_and_encoder_only_run(spark: SparkSession, sample_build: str):
    frame = sample_frame()
    features = spark.table(f"{sample_build}.fct_robot_features")
    # Spark stores a partition column (run_uuid) after the data columns.
    stored = [column for column in features.columns if column != "run_uuid"]
    assert stored[: len(FEATURE_COLUMNS) - 1] == FEATURE_COLUMNS[1:]
    assert features.columns[-1] == "run_uuid"
    partitions = partition_folders(spark, f"{sample_build}.fct_robot_features")
    assert len(partitions) == 4 and all(name.startswith("run_uuid=") for name in partitions)
    counts = {row.run_uuid: row["count"] for row in features.groupBy("run_uuid").count().collect()}
    for run_uuid, group in frame.groupby("run_uuid"):
        first = group["parsed"].min().floor("10ms")
        last = group["parsed"].max().floor("10ms")
        assert counts[run_uuid] == int((last - first) / pd.Timedelta("10ms")) + 1

    encoder_only = features.where(features.run_uuid == ENCODER_ONLY_RUN)
    force_columns = ["fx_1", "fy_1", "fz_1", "fx_2", "fy_2", "fz_2", "f1", "f2"]
    non_null = encoder_only.selectExpr(
        *(f"count({column}) as {column}" for column in [*force_columns, "x_1", "v1", "z_2"])
    ).first()
    assert all(non_null[column] == 0 for column in force_columns)
    assert non_null["x_1"] == non_null["v1"] == non_null["z_2"] == counts[ENCODER_ONLY_RUN]

    # A sample lands in its bucket; the next buckets (no sample for 1.667 s) are filled with it.
    x_1 = group_values(frame, BIG_RUN, "x", 1).iloc[0]
    bucket = x_1["parsed"].floor("10ms").to_pydatetime()
    rows = (
        features.where((features.run_uuid == BIG_RUN) & (features.time >= bucket))
        .orderBy("time")
        .select("time", "x_1", "is_observed_x_1")
        .limit(3)
        .collect()
    )
    assert [(r.x_1, r.is_observed_x_1) for r in rows] == [
        (x_1["value"], True),
        (x_1["value"], False),
        (x_1["value"], False),
    ]


def group_values(frame: pd.DataFrame, run_uuid: str, field: str, robot: int) -> pd.DataFrame:
    selected = frame[
        (frame["run_uuid"] == run_uuid) & (frame["field"] == field) & (frame["robot_id"] == robot)
    ]
    return selected.sort_values("parsed")


# --- bad input -----------------------------------------------------------------------------------

BAD_CSV = """,time,value,field,cell_id,robot_id,run_uuid,sensor_type
0,2022-11-23T20:40:00.444Z,1.0,x,1,1,12405186538561671661,encoder
1,2022-11-23T20:40:00.444Z,2.0,y,1,1,12405186538561671661,encoder
2,2022-11-23T20:40:00.444Z,3.0,z,1,1,12405186538561671661,encoder
3,2022-11-23T20:40:00.456Z,4.0,x,1,1,12405186538561671661,encoder
4,2022-11-23T20:40:00.456Z,6.0,y,1,1,12405186538561671661,encoder
5,2022-11-23T20:40:00.456Z,3.0,z,1,1,12405186538561671661,encoder
6,2022-11-23T20:40:00.456Z,4.0,x,1,1,12405186538561671661,encoder
7,2022-11-23T20:40:00.5Z,10.0,fx,1,2,12405186538561671661,load_cell
8,2022-11-23T20:40:00.5Z,12.0,fx,1,2,12405186538561671661,load_cell
9,2022-11-23T20:40:00.5Z,NaN,fy,1,2,12405186538561671661,load_cell
10,2022-11-23T20:40:00.5Z,,fy,1,2,12405186538561671661,load_cell
11,2022-11-23T20:40:00.5Z,abc,fy,1,2,12405186538561671661,load_cell
12,2022-11-23T20:40:00.5Z,1.0,q,1,2,12405186538561671661,load_cell
13,2022-11-23T20:40:00.5Z,1.0,x,1,2,12405186538561671661,load_cell
14,2022-11-23T20:40:00.5Z,1.0,fz,1,3,12405186538561671661,load_cell
15,not a time,1.0,fz,1,2,12405186538561671661,load_cell
16,2022-11-23,1.0,fz,1,2,12405186538561671661,load_cell
17,2022-11-23T20:40:00.5Z,1.0,fz,1,2,,load_cell
18,2022-11-23T20:40:00.5Z,1.0,fz,1,2,run-7,load_cell
19,2022-11-23T20:40:01Z,99999.0,x,1,1,12405186538561671661,encoder
20,2022-11-23T20:40:01Z,0.0,y,1,1,12405186538561671661,encoder
21,2022-11-23T20:40:01Z,0.0,z,1,1,12405186538561671661,encoder
22,2022-11-23T20:40:02Z,5.0,fx,1,1,1.2405186538561671e+19,load_cell
23,2022-1-23T20:40:00.000Z,1.0,fz,1,2,12405186538561671661,load_cell
24,20:40:00.123456789012Z,1.0,fz,1,2,12405186538561671661,load_cell
25,2022-11-23T20:40:00.5Z,-Infinity,fz,1,2,12405186538561671661,load_cell
26,2022-11-23T20:40:00.5Z,1.0,fz,1,3000000000,12405186538561671661,load_cell
27,2022-11-23T20:40:00.5Z,1.0,fz,1,1.5,12405186538561671661,load_cell
28,2022-11-23T23:40:00.5Z,7.0,x,1,1,12405186538561671661,encoder
"""
EXPECTED_REJECTIONS = {
    "exact_duplicate": 1,  # row 6
    "nan_value": 1,
    "infinite_value": 1,
    "missing_value": 1,
    "non_numeric_value": 1,
    "unknown_field": 1,
    "sensor_type_mismatch": 1,
    "unknown_robot_id": 3,  # rows 14, 26 (beyond the int range), 27 (not a whole number)
    "unparseable_time": 4,  # rows 15, 16, 23, 24 (a cast alone accepts 16, 23 and 24)
    # row 28: 3 h after the run's median time (var robot_max_run_minutes: 120); kept, it
    # would stretch the run's 10 ms grid by over a million buckets
    "time_outside_run": 1,
    "missing_run_uuid": 1,
    "malformed_run_uuid": 1,
}
MAX_UINT64 = "18446744073709551615"
CSV_HEADER = ",time,value,field,cell_id,robot_id,run_uuid,sensor_type"
# robot_id and run_uuid swapped in the header: every line of the file is refused
REORDERED_HEADER_CSV = """,time,value,field,cell_id,run_uuid,robot_id,sensor_type
0,2022-11-23T20:40:03Z,1.0,fx,1,12405186538561671661,1,load_cell
1,2022-11-23T20:40:03Z,2.0,fy,1,12405186538561671661,1,load_cell
"""
# one field too many (a value written with a decimal comma), one too few
WRONG_FIELD_COUNT_CSV = f"""{CSV_HEADER}
0,2022-11-23T20:40:03Z,1,5,fx,1,1,12405186538561671661,load_cell
1,2022-11-23T20:40:03Z,2.0,fy,1,1,12405186538561671661
"""


def write_bad_landing(landing: Path) -> None:
    folder = landing / "robot_forming"
    shutil.rmtree(folder)
    folder.mkdir()
    (folder / "bad_rows.csv").write_text(BAD_CSV)
    # The same CSV delivered again: every row is an exact duplicate or rejected again.
    (folder / "bad_rows_redelivered.csv").write_text(BAD_CSV)
    (folder / "reordered_header.csv").write_text(REORDERED_HEADER_CSV)
    (folder / "wrong_field_count.csv").write_text(WRONG_FIELD_COUNT_CSV)
    text_uuid = pa.table(
        {
            "time": ["2022-11-23T20:40:00Z", "2022-11-23T20:40:00.025Z", "2022-11-23 20:40:00.041"],
            "value": [0.0, 3.0, 3.0],
            "field": ["x", "x", "x"],
            "robot_id": pa.array([2, 2, 2], type=pa.int64()),
            "run_uuid": [MAX_UINT64] * 3,
            "sensor_type": ["encoder"] * 3,
        }
    )
    pq.write_table(text_uuid, folder / "text_uuid.parquet")
    float_uuid = pa.table(
        {
            "time": ["2022-11-23T20:40:00Z", "2022-11-23T20:40:00.010Z"],
            "value": [1.0, 2.0],
            "field": ["fx", "fx"],
            "robot_id": pa.array([1, 1], type=pa.int64()),
            "run_uuid": pa.array([12405186538561671661.0] * 2, type=pa.float64()),
            "sensor_type": ["load_cell"] * 2,
        }
    )
    # A space, `#`, `+` and `%` in the name: Spark reports file names URL-encoded
    # (`float%20uuid%20%232%20+50%25.parquet`); models store them as on disk.
    pq.write_table(float_uuid, folder / FILE_NAME_TO_ENCODE)
    # No run_uuid column: both parquet layouts fit it, its rows must count once.
    pq.write_table(float_uuid.drop_columns(["run_uuid"]), folder / "no_run_uuid.parquet")
    write_unreadable_files(folder)


FILE_NAME_TO_ENCODE = "float uuid #2 +50%.parquet"
UNREADABLE_FILES = {
    "float_robot_id.parquet": "parquet_file_not_read",
    "truncated.parquet": "parquet_file_not_read",
    "run_notes.txt": "unrecognised_file_name",
    "upper_case.PARQUET": "unrecognised_file_name",
}


def write_unreadable_files(folder: Path) -> None:
    """Files that neither parquet landing table reads, or that no landing table covers."""
    float_robot_id = pa.table(
        {
            "time": ["2022-11-23T20:40:00Z"],
            "value": [1.0],
            "field": ["x"],
            "robot_id": pa.array([1.0], type=pa.float64()),
            "run_uuid": ["1"],
            "sensor_type": ["encoder"],
        }
    )
    pq.write_table(float_robot_id, folder / "float_robot_id.parquet")
    pq.write_table(float_robot_id, folder / "upper_case.PARQUET")
    whole = (folder / "float_robot_id.parquet").read_bytes()
    (folder / "truncated.parquet").write_bytes(whole[: len(whole) // 2])
    (folder / "run_notes.txt").write_text("run 1: tool changed\n")


@pytest.fixture(scope="module")
def bad_landing(tmp_path_factory) -> Path:
    landing = tmp_path_factory.mktemp("robot_bad") / "landing"
    shutil.copytree(SAMPLE_DATA, landing)
    write_bad_landing(landing)
    return landing


@pytest.fixture(scope="module")
def bad_build(spark: SparkSession, dbt_project: DbtProject, bad_landing: Path) -> str:
    landing = bad_landing
    # With every data test: staging keeps the bad rows out, so the tests of the staged rows
    # and the marts pass on this input as well (the build fails otherwise).
    dbt_project.run(["build", *SELECT], schema=BAD_SCHEMA, landing_dir=landing)
    return BAD_SCHEMA


def test_bad_rows_rejected_with_reasons(spark: SparkSession, bad_build: str):
    rejected = spark.table(f"{bad_build}.stg_robot_forming__rejected_sensor_readings")
    counts = {
        row.rejection_reason: row["count"]
        for row in rejected.groupBy("rejection_reason").count().collect()
    }
    expected = {reason: 2 * n for reason, n in EXPECTED_REJECTIONS.items()}
    # The re-delivered file: its 12 otherwise valid rows become exact duplicates as well.
    expected["exact_duplicate"] = 2 * EXPECTED_REJECTIONS["exact_duplicate"] + 12
    expected["missing_run_uuid"] += 2  # no_run_uuid.parquet, read once
    expected["unexpected_header"] = 3  # reordered_header.csv, its header line included
    expected["wrong_field_count"] = 2
    assert counts == expected
    staged = spark.table(f"{bad_build}.stg_robot_forming__sensor_readings")
    # every CSV line but the declared header lines, and the parquet files' rows
    delivered = 2 * len(BAD_CSV.strip().splitlines()[1:]) + 3 + 2 + 2 + 3 + 2
    assert staged.count() + rejected.count() == delivered  # nothing vanishes
    assert rejected.where("source_file is null").count() == 0
    parsed_files = {
        row.source_file
        for row in spark.table(f"{bad_build}.base_robot_forming__parsed_sensor_readings")
        .select("source_file")
        .distinct()
        .collect()
    }
    assert parsed_files == {
        "bad_rows.csv",
        "bad_rows_redelivered.csv",
        "reordered_header.csv",
        "wrong_field_count.csv",
        "text_uuid.parquet",
        FILE_NAME_TO_ENCODE,
        "no_run_uuid.parquet",
    }
    # An id outside the configured ones is kept as text and never cast: 3000000000 would
    # overflow the int (an error under ANSI mode), 1.5 would become robot 1.
    parsed = spark.table(f"{bad_build}.base_robot_forming__parsed_sensor_readings")
    unknown_ids = parsed.where("rejection_reason = 'unknown_robot_id'").collect()
    assert sorted((r.robot_id_text, r.robot_id) for r in unknown_ids) == [
        (text, None) for text in ("1.5", "1.5", "3", "3", "3000000000", "3000000000")
    ]


def test_unreadable_landing_files_listed_with_reason(
    spark: SparkSession, bad_build: str, bad_landing: Path
):
    unread = spark.table(f"{bad_build}.stg_robot_forming__unread_landing_files").collect()
    assert {row.source_file: row.rejection_reason for row in unread} == UNREADABLE_FILES
    folder_sizes = {
        name: (bad_landing / "robot_forming" / name).stat().st_size for name in UNREADABLE_FILES
    }
    assert {row.source_file: row.file_size_bytes for row in unread} == folder_sizes
    # The files that were read (both CSV files and both parquet layouts, one of them with a
    # space in its name) are not listed, and none of their rows is lost
    # (test_bad_rows_rejected_with_reasons counts them).


def test_bad_input_kept_rows_flags_and_run_uuids(spark: SparkSession, bad_build: str):
    staged = spark.table(f"{bad_build}.stg_robot_forming__sensor_readings")
    runs = {row.run_uuid for row in staged.select("run_uuid").distinct().collect()}
    # Text identifiers survive exactly (also above the int64 range); float64 ones were
    # rounded by the producer and are rendered without exponent.
    assert runs == {"12405186538561671661", MAX_UINT64, "12405186538561671000"}
    out_of_range = staged.where("is_out_of_range").collect()
    assert [(r.field, r.value) for r in out_of_range] == [("x", 99999.0)]
    conflicting = staged.where("is_conflicting_duplicate").orderBy("value").collect()
    assert [(r.field, r.robot_id, r.value) for r in conflicting] == [
        ("fx", 2, 10.0),
        ("fx", 2, 12.0),
    ]


def test_bad_input_marts(spark: SparkSession, bad_build: str):
    stats = {
        row.run_uuid: row.asDict()
        for row in spark.table(f"{bad_build}.fct_robot_run_stats").collect()
    }
    assert set(stats) == {"12405186538561671661", MAX_UINT64, "12405186538561671000"}
    main = stats["12405186538561671661"]
    # Points (1, 2, 3) -> (4, 6, 3) -> (99999, 0, 0): 5 + |(99995, -6, -3)|.
    assert main["distance_robot_1_mm"] == pytest.approx(5.0 + float(np.sqrt(99995**2 + 36 + 9)))
    assert main["distance_robot_2_mm"] is None
    assert main["run_start_at"] == datetime(2022, 11, 23, 20, 40, 0, 444000)
    assert main["run_stop_at"] == datetime(2022, 11, 23, 20, 40, 1)
    # Robot 2 moves 0 -> 3 -> 3 along x only; y and z are never logged: no complete point.
    assert stats[MAX_UINT64]["distance_robot_2_mm"] is None

    features = spark.table(f"{bad_build}.fct_robot_features")
    fx_2 = (
        features.where(
            "run_uuid = '12405186538561671661' and time = timestamp'2022-11-23 20:40:00.500'"
        )
        .select("fx_2", "is_observed_fx_2")
        .first()
    )
    assert (fx_2.fx_2, fx_2.is_observed_fx_2) == (11.0, True)  # conflicting values averaged
    text_run = features.where(f"run_uuid = '{MAX_UINT64}'").orderBy("time").collect()
    assert [r.x_2 for r in text_run] == [0.0, 0.0, 3.0, 3.0, 3.0]
    assert [r.is_observed_x_2 for r in text_run] == [True, False, True, False, True]
    assert all(r.y_2 is None and r.v2 is None for r in text_run)

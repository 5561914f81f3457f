"""The benchmark harness: report layout, table, result comparison, peers, generated data.

Expected values are worked by hand on small inputs; the Spark checks use the shared session.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from benchmarks import datasets, dbt_build, meters, robot, wind_data
from benchmarks.harness import (
    RESULT_FIELDS,
    PeakTracker,
    compare_frames,
    evaluate_goals,
    format_table,
    make_result,
    measure_alternating,
    validate_report,
    write_report,
)
from python_helpers import robot_generator

# --------------------------------------------------------------------------------------------
# Report, table, goals
# --------------------------------------------------------------------------------------------


def _result(**overrides):
    values = {
        "rows": 20_044_800,
        "project_s": 4.5,
        "floor_s": 3.0,
        "peer_s": 0.5,
        "matches_peer": True,
        "peak_rss_mb": 1500.0,
    }
    values.update(overrides)
    return make_result("meters_hourly_energy", **values)


def test_make_result_ratios_and_fields():
    result = _result()
    assert list(result)[: len(RESULT_FIELDS)] == list(RESULT_FIELDS)
    assert result["ratio_to_floor"] == 1.5
    assert result["ratio_to_peer"] == 9.0
    missing = _result(floor_s=None, peer_s=0.0)
    assert missing["ratio_to_floor"] is None
    assert missing["ratio_to_peer"] is None


def test_report_round_trip_has_the_issue_layout(tmp_path: Path):
    path = tmp_path / "latest.json"
    write_report(
        path,
        {"cores": 2},
        [
            _result(),
            make_result(
                "dbt_build_sample",
                rows=None,
                project_s=95.0,
                floor_s=None,
                peer_s=None,
                matches_peer=None,
                peak_rss_mb=None,
            ),
        ],
    )
    report = json.loads(path.read_text())
    assert validate_report(report) == []
    assert report["results"][1]["ratio_to_floor"] is None


def test_validate_report_names_problems():
    assert validate_report({"results": []}) == [
        "'machine' must be an object",
        "'results' must be a non-empty list",
    ]
    bad = {"machine": {}, "results": [{"workload": "w", "rows": "many"}]}
    assert "lacks" in validate_report(bad)[0]
    wrong_type = _result(matches_peer="yes")
    assert validate_report({"machine": {}, "results": [wrong_type]}) == [
        "result 0: matches_peer must be true, false or null"
    ]


def test_format_table_prints_every_result():
    table = format_table([_result(), _result(matches_peer=False, peer_s=None)])
    lines = table.splitlines()
    assert lines[0].split() == list(RESULT_FIELDS)
    assert set(lines[1]) <= {"-", " "}
    assert lines[2].split() == [
        "meters_hourly_energy",
        "20,044,800",
        "4.50",
        "3.00",
        "0.50",
        "1.50",
        "9.00",
        "yes",
        "1,500",
    ]
    assert lines[3].split()[4] == "-" and lines[3].split()[7] == "NO"
    markdown = format_table([_result()], markdown=True)
    assert markdown.splitlines()[0].startswith("| workload | rows |")


def test_evaluate_goals():
    goals = [
        {"metric": "ratio_to_floor", "max": 1.5, "text": "t1"},
        {"metric": "matches_peer", "equals": True, "text": "t2"},
        {"metric": "peer_s", "max": 1, "text": "t3"},
    ]
    checked = evaluate_goals(_result(project_s=4.6, peer_s=None, matches_peer=None), goals)
    assert [g["met"] for g in checked] == [False, None, None]
    assert [g["met"] for g in evaluate_goals(_result(), goals)] == [True, True, True]


def test_measure_alternating_runs_cases_in_turn_and_tracks_peak():
    calls: list[str] = []
    holder: list[np.ndarray] = []

    def heavy():
        calls.append("heavy")
        holder.append(np.ones(40 * 1024 * 1024 // 8))  # 40 MiB, touched

    def light():
        calls.append("light")
        holder.clear()

    stats = measure_alternating({"heavy": heavy, "light": light}, runs=3, warmup=1)
    assert calls == ["heavy", "light"] + ["heavy", "light"] * 3
    assert len(stats["heavy"].seconds) == 3 and len(stats["heavy"].warmup_seconds) == 1
    assert stats["heavy"].median_s is not None
    assert stats["heavy"].peak.python_mb >= 40
    tracker = PeakTracker()
    tracker.reset()
    holder.append(np.ones(40 * 1024 * 1024 // 8))
    assert tracker.read().python_mb >= 40


# --------------------------------------------------------------------------------------------
# Comparing results
# --------------------------------------------------------------------------------------------


def _frame():
    return pd.DataFrame(
        {
            "key": ["a", "a", "b"],
            "t": pd.to_datetime(["2024-01-01 00:00", "2024-01-01 01:00", "2024-01-01 00:00"]),
            "n": [1, 2, 3],
            "x": [1.0, 1000.0, np.nan],
            "flag": [True, False, True],
        }
    )


def test_compare_frames_ignores_row_order_and_time_unit():
    left = _frame()
    right = _frame().iloc[::-1].copy()
    right["t"] = right["t"].astype("datetime64[us]")
    right["x"] = right["x"] * (1 + 1e-12)
    outcome = compare_frames(left, right, keys=["key", "t"])
    assert outcome.matches, outcome.detail
    assert 0 < outcome.max_rel_diff < 1e-11


@pytest.mark.parametrize(
    ("column", "value", "expected_detail"),
    [
        ("x", 1000.001, "'x' differs beyond 1e-09 relative"),
        ("n", 4, "'n' differs at 1 rows"),
        ("flag", True, "'flag' differs"),
        ("x", np.nan, "nulls differ in 'x'"),
    ],
)
def test_compare_frames_reports_differences(column, value, expected_detail):
    right = _frame()
    right.loc[1, column] = value
    outcome = compare_frames(_frame(), right, keys=["key", "t"])
    assert not outcome.matches
    assert expected_detail in outcome.detail


def test_compare_frames_absolute_floor_for_near_zero_values():
    left = pd.DataFrame({"k": [1, 2], "a": [1000.0, 0.0]})
    noisy = pd.DataFrame({"k": [1, 2], "a": [1000.0, 1e-13]})  # 1e-16 of the column's scale
    assert compare_frames(left, noisy, keys=["k"]).matches
    wrong = pd.DataFrame({"k": [1, 2], "a": [1000.0, 1e-3]})
    assert not compare_frames(left, wrong, keys=["k"]).matches


def test_compare_frames_row_count_and_columns():
    assert "row counts differ" in compare_frames(_frame(), _frame().head(2), keys=["key"]).detail
    assert "peer lacks" in compare_frames(_frame(), _frame().drop(columns="x"), keys=["key"]).detail


# --------------------------------------------------------------------------------------------
# Peers on hand-worked inputs
# --------------------------------------------------------------------------------------------

METER_CSV = """meter,time,energy,power
A,2024-01-01 00:00:00,1000,100
A,2024-01-01 00:30:00,1010,300
A,2024-01-01 01:00:00,1030,200
A,2024-01-01 03:15:00,1100,400
B,2024-01-01 00:10:00,500,-50
B,2024-01-01 00:20:00,490,-70
"""


def test_meters_peer_sql_by_hand(tmp_path: Path):
    (tmp_path / "readings.csv").write_text(METER_CSV)
    datasets.csv_to_parquet(tmp_path / "readings.csv", tmp_path / "readings.parquet")
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    got = con.sql(meters.peer_sql(tmp_path)).df()
    ts = pd.Timestamp
    # fmt: off
    expected = pd.DataFrame(
        [
            # (23:00, 00:00]: first window, baselined on its only reading.
            ("A", ts("2023-12-31 23:00"), ts("2024-01-01 00:00"), 0.0, 100.0, 100.0, 100.0, 1,
             False, True, ts("2024-01-01 00:00"), 1000.0, ts("2024-01-01 00:00"), 1000.0),
            # (00:00, 01:00]: 01:00 belongs to the hour it ends; 1030 - 1000.
            ("A", ts("2024-01-01 00:00"), ts("2024-01-01 01:00"), 30.0, 200.0, 300.0, 250.0, 2,
             False, False, ts("2024-01-01 00:00"), 1000.0, ts("2024-01-01 01:00"), 1030.0),
            # (03:00, 04:00] after two empty hours: spans the gap; 1100 - 1030.
            ("A", ts("2024-01-01 03:00"), ts("2024-01-01 04:00"), 70.0, 400.0, 400.0, 400.0, 1,
             True, False, ts("2024-01-01 01:00"), 1030.0, ts("2024-01-01 03:15"), 1100.0),
            # Exporting meter: falling counter, negative energy kept.
            ("B", ts("2024-01-01 00:00"), ts("2024-01-01 01:00"), -10.0, -70.0, -50.0, -60.0, 2,
             False, True, ts("2024-01-01 00:10"), 500.0, ts("2024-01-01 00:20"), 490.0),
        ],
        columns=[
            "meter_id", "window_start", "window_end", "energy_milliwatt_hours",
            "min_power_milliwatts", "max_power_milliwatts", "mean_power_milliwatts",
            "reading_count", "spans_gap", "is_first_window", "baseline_reading_at",
            "baseline_counter_milliwatt_hours", "last_reading_at", "last_counter_milliwatt_hours",
        ],
    )
    # fmt: on
    expected["window_date"] = expected["window_start"].dt.date
    got["window_date"] = pd.to_datetime(got["window_date"]).dt.date
    outcome = compare_frames(expected, got, keys=meters.KEYS)
    assert outcome.matches, outcome.detail


def _robot_rows(rows):
    return pa.table(
        {
            "time": [r[0] for r in rows],
            "value": [float(r[1]) for r in rows],
            "field": [r[2] for r in rows],
            "robot_id": [r[3] for r in rows],
            "run_uuid": ["18446744073709551615"] * len(rows),
            "sensor_type": ["encoder" if r[2] in "xyz" else "load_cell" for r in rows],
        }
    )


def test_robot_peer_sql_by_hand(tmp_path: Path):
    # x_1 moves at 3 mm/s (x = 2 + 3 t), sampled every 12 ms; y_1 once; fx_1 twice.
    rows = [
        ("2022-11-23T20:40:00Z", 2.0, "x", 1),
        ("2022-11-23T20:40:00.012Z", 2.036, "x", 1),
        ("2022-11-23T20:40:00.024Z", 2.072, "x", 1),
        ("2022-11-23T20:40:00.036Z", 2.108, "x", 1),
        ("2022-11-23T20:40:00.024Z", 5.0, "y", 1),
        ("2022-11-23T20:40:00.005Z", 10.0, "fx", 1),
        ("2022-11-23T20:40:00.025Z", 20.0, "fx", 1),
        ("2022-11-23T20:40:00.027Z", 30.0, "fx", 1),
        ("2022-11-23T20:40:00.030Z", 1.0, "w", 1),  # not a series: ignored
    ]
    pq.write_table(_robot_rows(rows), tmp_path / "run.parquet")
    got = duckdb.connect().sql(robot.peer_sql(tmp_path)).df().sort_values("time")
    assert list(got["time"].dt.strftime("%S.%f")) == [
        "00.000000",
        "00.010000",
        "00.020000",
        "00.030000",
    ]
    assert list(got["x_1"]) == [2.0, 2.036, 2.072, 2.108]
    assert list(got["sample_offset_ms_x_1"]) == [0.0, 2.0, 4.0, 6.0]
    assert list(got["y_1"]) == [5.0, 5.0, 5.0, 5.0]  # back fill, then forward fill
    assert list(got["is_observed_y_1"]) == [False, False, True, False]
    assert list(got["fx_1"]) == [10.0, 10.0, 25.0, 25.0]  # bucket mean of 20 and 30
    assert list(got["is_observed_fx_1"]) == [True, False, True, False]
    np.testing.assert_allclose(got["vx_1"], 3.0, rtol=1e-9)
    np.testing.assert_allclose(got["ax_1"], 0.0, atol=1e-6)
    assert got["vy_1"].isna().all()  # one observation: no derivative
    assert got["z_1"].isna().all() and got["v1"].isna().all() and got["f1"].isna().all()
    assert len(got.columns) == 50


def test_sample_build_reads_the_session_start_up_from_the_dbt_log(tmp_path: Path):
    from python_helpers.dbt_spark_local.adapter import SESSION_STARTED_MESSAGE

    log = tmp_path / "dbt.log"
    assert dbt_build.session_start_seconds(log) is None  # no log: the build did not start
    log.write_text("\x1b[0m09:44:38.1 [debug] [MainThread]: Acquiring new spark connection\n")
    assert dbt_build.session_start_seconds(log) is None  # no session started
    line = "Spark adapter: " + SESSION_STARTED_MESSAGE.format(seconds=5.5)
    with log.open("a") as file:
        file.write(f"\x1b[0m09:44:43.1 [debug] [MainThread]: {line}\n")
        file.write("\x1b[0m09:44:44.0 [debug] [MainThread]: On model.x: select 1\n")
    assert dbt_build.session_start_seconds(log) == 5.5


# --------------------------------------------------------------------------------------------
# Generated data
# --------------------------------------------------------------------------------------------


def test_default_scale_meets_the_issue_sizes():
    meter_params = datasets.meters_dataset(1).params
    assert meter_params["meters"] * meter_params["hours"] * 3600 >= 20_000_000
    robot_params = datasets.robot_dataset(1).params
    # Load cells every ~10 ms and encoders every ~12 ms, three fields per sensor, two robots;
    # the production gaps remove one encoder series of run 1 and the load cells of run 2.
    per_run = 2 * 3 * robot_params["duration_s"] * (1 / 0.010 + 1 / 0.012)
    approx_rows = robot_params["runs"] * per_run - per_run / 12 - per_run * 0.5
    assert approx_rows >= 5_000_000
    assert datasets.wind_dataset(1).params["turbines"] == 1000
    assert datasets.meters_dataset(5).params["rows"] >= 100_000_000


def test_a_data_set_made_by_another_generator_is_made_anew(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(datasets, "DATA_ROOT", tmp_path)
    data_set = datasets.meters_dataset(1)
    data_set.path.mkdir()
    marker = data_set.path / datasets.SUCCESS
    marker.write_text(json.dumps({"params": data_set.params}))
    assert data_set.is_complete()
    digest = datasets.source_digest("python_helpers/meter_generator.py")
    assert data_set.params["generator"] == digest and len(digest) == 12
    marker.write_text(json.dumps({"params": {**data_set.params, "generator": "0" * 12}}))
    assert not data_set.is_complete()


def test_robot_generator_rows_times_and_trajectory(tmp_path: Path):
    config = robot_generator.RobotGeneratorConfig(runs=2, duration_s=30, seed=3)
    robot_generator.write_dataset(config, tmp_path / "a", progress=False)
    robot_generator.write_dataset(config, tmp_path / "b", progress=False)
    first = pq.read_table(tmp_path / "a").to_pandas()
    again = pq.read_table(tmp_path / "b").to_pandas()
    pd.testing.assert_frame_equal(first, again)  # deterministic by seed

    assert first["run_uuid"].nunique() == 2
    assert all(int(u) >= 2**63 for u in first["run_uuid"].unique())
    assert set(first["field"]) == {"x", "y", "z", "fx", "fy", "fz"}
    assert not first["time"].str.contains(r"\.\d*0Z$|\.Z$").any()  # trailing zeros trimmed
    assert first["time"].str.endswith("Z").all()
    times = pd.to_datetime(first["time"], utc=True, format="ISO8601")
    for (sensor, _robot, _run), group in first.assign(t=times).groupby(
        ["sensor_type", "robot_id", "run_uuid"]
    ):
        steps = group[group["field"] == group["field"].iloc[0]]["t"].sort_values().diff().dropna()
        nominal = 12 if sensor == "encoder" else 10
        assert steps.dt.total_seconds().mul(1000).round().median() == nominal
    # Spiral tool path: distance from the centre shrinks linearly from 150 mm to 30 mm.
    run = first[
        (first["run_uuid"] == first["run_uuid"].iloc[0])
        & (first["robot_id"] == 1)
        & first["field"].isin(["x", "y", "z"])
    ]
    wide = run.assign(t=times).pivot_table(index="t", columns="field", values="value")
    seconds = (wide.index - wide.index[0]).total_seconds().to_numpy()
    radius = np.hypot(wide["x"] - 800.0, wide["y"] - 400.0).to_numpy()
    start_offset = wide.index[0].microsecond / 1e6  # first sample within the first period
    np.testing.assert_allclose(radius, 150 - 120 * (seconds + start_offset) / 30, atol=0.01)


def test_robot_generator_production_gaps(tmp_path: Path):
    config = robot_generator.RobotGeneratorConfig(
        runs=3, duration_s=5, seed=1, missing_series=True, drop_rate=0.1
    )
    rows = robot_generator.write_dataset(config, tmp_path, progress=False)
    table = pq.read_table(tmp_path).to_pandas()
    assert rows == len(table)
    series = table.groupby("run_uuid")[["field", "robot_id"]].apply(
        lambda g: set(zip(g["field"], g["robot_id"], strict=True))
    )
    plans = robot_generator.plan_runs(config)
    assert len(series[plans[0].run_uuid]) == 12
    assert ("z", 2) not in series[plans[1].run_uuid] and len(series[plans[1].run_uuid]) == 11
    assert {f for f, _ in series[plans[2].run_uuid]} == {"x", "y", "z"}
    # ~10 % of 500 load-cell samples dropped per series.
    fx = table[(table["run_uuid"] == plans[0].run_uuid) & (table["field"] == "fx")]
    assert 350 < len(fx) / 2 < 480


def test_robot_generator_cli(tmp_path: Path):
    code = robot_generator.main(
        ["--runs", "1", "--duration-s", "2", "--out", str(tmp_path), "--no-progress"]
    )
    assert code == 0
    (file,) = tmp_path.glob("robot_run_0000_*.parquet")
    assert pq.read_schema(file).names == [
        "time",
        "value",
        "field",
        "robot_id",
        "run_uuid",
        "sensor_type",
    ]


def test_wind_data_layout_and_defects(tmp_path: Path):
    rows = wind_data.write_feed(tmp_path / "files", turbines=10, days=20, seed=5, progress=False)
    files = sorted(p.name for p in (tmp_path / "files").iterdir())
    assert files == ["data_group_1.csv", "data_group_2.csv"]
    raw = (tmp_path / "files" / "data_group_2.csv").read_bytes()
    assert raw.startswith(b"timestamp,turbine_id,wind_speed,wind_direction,power_output\r\n")
    frame = pd.concat(
        pd.read_csv(tmp_path / "files" / f, dtype=str, keep_default_na=False) for f in files
    )
    assert len(frame) == rows
    assert set(frame["turbine_id"]) == {str(t) for t in range(1, 11)}
    expected = 10 * 20 * 24
    assert expected * 0.97 < rows < expected * 1.02  # 1 % missing, 0.5 % duplicated
    cells = frame[["wind_speed", "wind_direction", "power_output"]].stack()
    assert (cells == "error").any() and (cells == "").any()
    assert frame.duplicated().any()
    assert not cells.str.endswith(".0").any()  # `4`, never `4.0`
    registry = pd.read_csv(tmp_path / "wind_turbine_registry.csv")
    assert list(registry["turbine_id"]) == list(range(1, 11))
    assert list(registry["turbine_group"]) == [1] * 5 + [2] * 5
    # in service from the first generated day: no generated reading is rejected for its date
    assert set(registry["in_service_from"]) == {"2022-03-01"}
    assert pd.to_datetime(frame["timestamp"], errors="coerce").min() == pd.Timestamp("2022-03-01")


# --------------------------------------------------------------------------------------------
# Project against peer on the shared Spark session (tiny data)
# --------------------------------------------------------------------------------------------


def test_meters_project_matches_peer_on_spark(spark, tmp_path: Path):
    from python_helpers import meter_generator

    out = str(tmp_path / "files")
    meter_generator.main(["--meters", "3", "--hours", "2", "--seed", "4", "--out", out])
    data = datasets.meters_parquet(tmp_path)
    project = meters.project_frame(spark, data).toPandas()
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    peer = con.sql(meters.peer_sql(data)).df()
    outcome = compare_frames(project, peer, keys=meters.KEYS, columns=list(project.columns))
    assert outcome.matches, outcome.detail
    assert project["reading_count"].sum() == 3 * 2 * 3600


def test_robot_project_matches_peer_on_spark(spark, tmp_path: Path):
    config = robot_generator.RobotGeneratorConfig(
        runs=3, duration_s=3, seed=9, missing_series=True, drop_rate=0.05
    )
    robot_generator.write_dataset(config, tmp_path, progress=False)
    project = robot.project_frame(spark, tmp_path).toPandas()
    peer = duckdb.connect().sql(robot.peer_sql(tmp_path)).df()
    outcome = compare_frames(project, peer, keys=robot.KEYS, columns=list(project.columns))
    assert outcome.matches, outcome.detail
    steps = project.sort_values(robot.KEYS).groupby("run_uuid")["time"].diff().dropna()
    assert (steps == pd.Timedelta(milliseconds=10)).all()  # gap-free 10 ms grid
    assert project.groupby("run_uuid").size().between(298, 300).all()  # 3 s runs


def test_tree_footprint_follows_children_and_does_not_add_up_successive_ones():
    """Two children each hold 60 MiB, one after the other: the tree's peak is one of them
    (plus the interpreters), not both; summing each process's own peak would give both."""
    import subprocess
    import sys
    import time

    from benchmarks.harness import tree_footprint_mb

    hold = "import time; b = bytearray(60 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); "
    hold += "time.sleep(1.0)"
    script = (
        "import subprocess, sys\n"
        f"for _ in range(2): subprocess.run([sys.executable, '-c', {hold!r}], check=True)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script])
    samples = []
    while parent.poll() is None:
        samples.append(tree_footprint_mb(parent.pid))
        time.sleep(0.05)
    assert parent.returncode == 0
    assert 60 <= max(samples) < 110


def test_tree_footprint_counts_pages_shared_by_forked_copies_once():
    """A process holding 80 MiB forks two copies that only read it (PySpark's daemon and its
    workers): the tree holds those pages once. Resident sizes would count them three times
    (over 240 MiB), the copies' proportional shares beside the parent's resident size one and
    two thirds times (over 130 MiB)."""
    import statistics
    import subprocess
    import sys
    import time

    from benchmarks.harness import descendant_pids, tree_footprint_mb

    script = (
        "import os, time\n"
        "held = bytearray(80 * 1024 * 1024)\n"
        "held[::4096] = b'x' * len(held[::4096])\n"
        "copy = os.fork()\n"
        "if copy == 0:\n"
        "    os.fork()\n"  # the first copy forks the second: a copy of a copy
        "    time.sleep(3.0)\n"
        "    os._exit(0)\n"
        "time.sleep(3.0)\n"
        "os.waitpid(copy, 0)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script])
    samples = []
    processes = 0
    while parent.poll() is None:
        processes = max(processes, 1 + len(descendant_pids(parent.pid)))
        samples.append(tree_footprint_mb(parent.pid))
        time.sleep(0.05)
    assert parent.returncode == 0
    assert processes == 3
    # The median: a single sample taken while a copy starts or exits can miss the sharing
    # (one fresh-clone run read 177 MiB at its largest).
    assert 80 <= statistics.median(samples) < 130


def test_process_tree_of_an_exited_process_is_empty():
    """A process that ends while the tree is walked has no children (no error)."""
    import subprocess
    import sys

    from benchmarks.harness import descendant_pids, tree_footprint_mb

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # exited and reaped: /proc/<pid> is gone
    assert descendant_pids(child.pid) == []
    assert tree_footprint_mb(child.pid) == 0.0

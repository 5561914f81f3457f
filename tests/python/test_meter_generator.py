"""The synthetic energy meter generator (python_helpers.meter_generator); no Spark needed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from python_helpers.meter_generator import (
    GeneratorConfig,
    hour_energy_mws,
    iter_tables,
    main,
    write_readings,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def _read_all(folder: Path) -> pd.DataFrame:
    frames = [pd.read_csv(path) for path in sorted(folder.glob("*.csv"))]
    return pd.concat(frames, ignore_index=True)


def _file_bytes(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(folder.glob("*.csv")))


def test_a_later_start_adds_files_to_the_folder(tmp_path: Path) -> None:
    first = GeneratorConfig(meters=1, hours=1, seed=1, start=np.datetime64("2024-05-01T00:00"))
    second = GeneratorConfig(meters=1, hours=1, seed=1, start=np.datetime64("2024-05-02T00:00"))
    write_readings(first, tmp_path, progress=False)
    write_readings(second, tmp_path, progress=False)
    assert sorted(path.name for path in tmp_path.glob("*.csv")) == [
        "readings_20240501T000000_00000.csv",
        "readings_20240502T000000_00000.csv",
    ]
    assert len(_read_all(tmp_path)) == 2 * 3600


def test_writes_one_reading_per_second_per_meter(tmp_path: Path) -> None:
    config = GeneratorConfig(meters=3, hours=2, seed=1, start=np.datetime64("2024-05-01T10:00"))
    files = write_readings(config, tmp_path, progress=False)
    assert [path.name for path in files] == ["readings_20240501T100000_00000.csv"]
    assert files[0].read_text().splitlines()[0] == "meter,time,energy,power"
    frame = _read_all(tmp_path)
    assert len(frame) == 3 * 2 * 3600
    assert sorted(frame["meter"].unique()) == ["M00001", "M00002", "M00003"]
    times = pd.to_datetime(frame["time"], format="%Y-%m-%d %H:%M:%S")
    assert times.min() == pd.Timestamp("2024-05-01 10:00:00")
    assert times.max() == pd.Timestamp("2024-05-01 11:59:59")
    per_meter = frame.assign(time=times).groupby("meter")["time"]
    assert (per_meter.nunique() == 7200).all()
    assert per_meter.apply(
        lambda t: t.sort_values().diff().dropna().eq(pd.Timedelta("1s")).all()
    ).all()


def test_counter_is_the_running_integral_of_power(tmp_path: Path) -> None:
    write_readings(GeneratorConfig(meters=20, hours=1, seed=3), tmp_path, progress=False)
    frame = _read_all(tmp_path).sort_values(["meter", "time"])
    for _, meter in frame.groupby("meter"):
        step_mwh = np.diff(meter["energy"].to_numpy())
        expected = meter["power"].to_numpy()[1:] / 3600  # mW x 1 s = mW/3600 mWh
        # The counter is floored to whole mWh, so each step is within 1 mWh of power x 1 s.
        assert np.all(np.abs(step_mwh - expected) < 1.0 + 1e-9)
        total = meter["energy"].iloc[-1] - meter["energy"].iloc[0]
        assert total == pytest.approx(meter["power"].iloc[1:].sum() / 3600, abs=1.0)


def _readings(config: GeneratorConfig) -> pd.DataFrame:
    frame = pd.concat([table.to_pandas() for table in iter_tables(config)], ignore_index=True)
    return frame.sort_values(["meter", "time"]).reset_index(drop=True)


def test_deliveries_continue_each_other() -> None:
    """Three deliveries, before and after the counters' reference hour (2024-01-01 00:00),
    hold exactly the readings of one delivery of the whole span: same power, same counters."""
    whole = _readings(
        GeneratorConfig(meters=3, hours=30, seed=9, start=np.datetime64("2023-12-31T12:00"))
    )
    parts = [
        GeneratorConfig(meters=3, hours=hours, seed=9, start=np.datetime64(start))
        for start, hours in [
            ("2023-12-31T12:00", 5),
            ("2023-12-31T17:00", 20),
            ("2024-01-01T13:00", 5),
        ]
    ]
    delivered = pd.concat([_readings(part) for part in parts], ignore_index=True)
    delivered = delivered.sort_values(["meter", "time"]).reset_index(drop=True)
    assert len(whole) == 3 * 30 * 3600
    pd.testing.assert_frame_equal(delivered, whole)


def test_a_meters_readings_do_not_depend_on_the_fleet_size() -> None:
    """A delivery of 5 meters holds the readings of a delivery of 3 meters for those 3 (the
    last, partial block of 100 meters draws its loads as a whole block would)."""
    start = np.datetime64("2024-01-01T00:00")
    three = _readings(GeneratorConfig(meters=3, hours=1, seed=7, start=start))
    five = _readings(GeneratorConfig(meters=5, hours=1, seed=7, start=start))
    assert sorted(five["meter"].unique()) == sorted(set(three["meter"]) | {"M00004", "M00005"})
    same_meters = five[five["meter"].isin(three["meter"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(same_meters, three)


def test_a_later_delivery_counts_the_hours_in_between() -> None:
    """A meter keeps counting while nothing is delivered: the first counter step of the next
    day's delivery holds the 18 undelivered hours, which the whole day's readings show."""
    day = _readings(GeneratorConfig(meters=2, hours=24, seed=2))
    morning = _readings(GeneratorConfig(meters=2, hours=6, seed=2))
    next_day = _readings(
        GeneratorConfig(meters=2, hours=1, seed=2, start=np.datetime64("2024-01-02T00:00"))
    )
    for meter in ("M00001", "M00002"):
        last_delivered = morning[morning["meter"] == meter]["energy"].iloc[-1]
        first_next = next_day[next_day["meter"] == meter]["energy"].iloc[0]
        of_day = day[day["meter"] == meter]
        undelivered_mwh = of_day["power"].iloc[6 * 3600 :].sum() / 3600
        first_second_mwh = next_day[next_day["meter"] == meter]["power"].iloc[0] / 3600
        assert first_next - last_delivered == pytest.approx(
            undelivered_mwh + first_second_mwh, abs=1.0
        )


@pytest.mark.parametrize("hour", [-20_000, -1, 0, 7, 123_456])
def test_hour_energy_is_the_load_summed_over_the_hours_seconds(hour: int) -> None:
    rng = np.random.default_rng(hour + 50_000)
    base_mw = rng.uniform(-5e6, 5e6, 4)
    phase = rng.uniform(0, 2 * np.pi, 4)
    seconds = hour * 3600 + np.arange(3600)
    load = base_mw[:, None] * (1 + 0.3 * np.sin(2 * np.pi * seconds / 86_400 + phase[:, None]))
    expected = load.sum(axis=1)
    got = hour_energy_mws(base_mw, phase, np.array([hour]))[:, 0]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0.5)


def test_start_must_be_on_a_whole_hour(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="whole hour"):
        GeneratorConfig(meters=1, hours=1, start=np.datetime64("2024-01-01T10:30"))
    with pytest.raises(ValueError, match="whole hour"):
        GeneratorConfig(meters=1, hours=1, start=np.datetime64("1969-12-31T23:00"))
    out = str(tmp_path / "x")
    arguments = ["--meters", "1", "--hours", "1", "--out", out, "--start", "2024-01-01T00:00:01"]
    assert main(arguments) == 2
    assert not (tmp_path / "x").exists()


def test_some_meters_export(tmp_path: Path) -> None:
    write_readings(GeneratorConfig(meters=60, hours=1, seed=5), tmp_path, progress=False)
    frame = _read_all(tmp_path)
    mean_power = frame.groupby("meter")["power"].mean()
    exporting = mean_power[mean_power < 0].index
    assert 1 <= len(exporting) < 30
    counters = frame[frame["meter"].isin(exporting)].sort_values(["meter", "time"])
    first_last = counters.groupby("meter")["energy"].agg(["first", "last"])
    assert (first_last["last"] < first_last["first"]).all()  # falling counters
    assert (frame["energy"] > 0).all()


def test_deterministic_by_seed_whatever_the_chunk_size(tmp_path: Path) -> None:
    base = {"meters": 150, "hours": 2, "seed": 11}
    write_readings(GeneratorConfig(**base, chunk_rows=10**9), tmp_path / "one", progress=False)
    files = write_readings(GeneratorConfig(**base, chunk_rows=1), tmp_path / "many", progress=False)
    write_readings(GeneratorConfig(**base, chunk_rows=10**9), tmp_path / "again", progress=False)
    write_readings(GeneratorConfig(**{**base, "seed": 12}), tmp_path / "other", progress=False)
    assert len(files) == 4  # 2 hours x 2 blocks of meters, one file each
    one = _read_all(tmp_path / "one").sort_values(["meter", "time"]).reset_index(drop=True)
    many = _read_all(tmp_path / "many").sort_values(["meter", "time"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(one, many)
    assert _file_bytes(tmp_path / "one") == _file_bytes(tmp_path / "again")
    assert _file_bytes(tmp_path / "one") != _file_bytes(tmp_path / "other")


def test_command_line_entry_points(tmp_path: Path) -> None:
    assert (
        main(
            [
                "--meters",
                "2",
                "--hours",
                "1",
                "--out",
                str(tmp_path / "a"),
                "--no-progress",
                "--start",
                "2024-02-29T23:00:00",
                "--seed",
                "4",
            ]
        )
        == 0
    )
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "python_helpers.meter_generator",
            "--meters",
            "2",
            "--hours",
            "1",
            "--out",
            str(tmp_path / "b"),
            "--start",
            "2024-02-29T23:00:00",
            "--seed",
            "4",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "wrote 7,200 readings" in completed.stderr
    assert _file_bytes(tmp_path / "a") == _file_bytes(tmp_path / "b")
    written = (tmp_path / "a" / "readings_20240229T230000_00000.csv").read_text()
    assert "2024-02-29 23:59:59" in written
    assert main(["--meters", "0", "--hours", "1", "--out", str(tmp_path / "c")]) == 2

"""Build the PV systems (PVDAQ) landing sample from the real 15-minute series.

Input: the three real series (pvlib/pvanalytics test data), by default the trimmed copy in
`tests/fixtures/pvdaq/`, each a 15-minute series with timestamps written at a fixed -07:00
offset; `--source` reads the full files instead. Output: a landing folder in the public
PVDAQ layout (`sample_data/pvdaq/` by default):

    pvdata/system_id=<id>/year=<yyyy>/month=<m>/day=<d>/system_<id>__date_<yyyy_mm_dd>.parquet
        measured_on      timestamp without time zone, the site's local clock time
        utc_measured_on  timestamp (UTC instant); null for system 4, which exercises the
                         local-time fallback
        metric_id        int
        value            double, raw units of the metric (before calc_scale/calc_offset)
    metrics/metrics.csv, site/site.csv, mount/mount.csv   text metadata (sample values)

Time handling (measured, see `sample_data/pvdaq/README.md`): systems 4 and 15 log at a fixed
UTC-07:00 all year, so their -07:00 stamps are true instants. System 50's power peaks one hour
later in the summer half-year: its logger clock follows Mountain daylight time even though the
stamps say -07:00. Its naive clock time is therefore read as `America/Denver` wall time; the four
clock readings of the skipped spring hour (02:00-02:45 on the spring-forward day) do not exist on
such a clock and are dropped, and the repeated autumn hour is taken as its first (daylight-time)
pass, so the fall-back day has four missing readings in its second 01:xx hour.

Missing readings (NaN) are written as absent rows, as a logger that delivered nothing would.
This is a one-off build script (pandas is fine here; it is not on the pipeline's path).
"""

from __future__ import annotations

import argparse
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO_ROOT / "tests" / "fixtures" / "pvdaq"
DEFAULT_TARGET = REPO_ROOT / "sample_data" / "pvdaq"

KELVIN_OFFSET = 273.15
WATTS_PER_KILOWATT = 1000.0


@dataclass(frozen=True)
class SeriesSpec:
    """One real series and how it becomes a PVDAQ metric of one system."""

    system_id: int
    file_name: str
    time_column: str
    value_column: str
    metric_id: int
    clock_time_zone: str  # zone of the logger's wall clock
    periods: tuple[tuple[str, str], ...]  # inclusive local dates
    write_utc: bool
    raw_scale: float  # raw = value * raw_scale + raw_offset (inverse of calc_scale/offset)
    raw_offset: float


SERIES: tuple[SeriesSpec, ...] = (
    SeriesSpec(
        system_id=4,
        file_name="system_4_module_temperature.parquet",
        time_column="index",
        value_column="module_temp_1",
        metric_id=217,
        clock_time_zone="Etc/GMT+7",
        periods=(("2018-06-01", "2018-06-14"),),
        write_utc=False,
        raw_scale=1.0,
        raw_offset=KELVIN_OFFSET,  # delivered in kelvin; calc_offset -273.15 gives deg C
    ),
    SeriesSpec(
        system_id=15,
        file_name="system_15_poa_irradiance.parquet",
        time_column="measured_on",
        value_column="poa_irradiance__484",
        metric_id=484,
        clock_time_zone="Etc/GMT+7",
        periods=(("2020-03-01", "2020-03-14"),),
        write_utc=True,
        raw_scale=1.0,
        raw_offset=0.0,
    ),
    SeriesSpec(
        system_id=50,
        file_name="system_50_ac_power_2_full_DST.parquet",
        time_column="measured_on",
        value_column="ac_power_2",
        metric_id=1232,
        clock_time_zone="America/Denver",
        periods=(("2012-03-04", "2012-03-17"), ("2012-10-28", "2012-11-10")),
        write_utc=True,
        raw_scale=1.0 / WATTS_PER_KILOWATT,  # delivered in kW; calc_scale 1000 gives W
        raw_offset=0.0,
    ),
)

# Sample metadata: plausible values for three systems near Golden, Colorado (not PVDAQ's own).
# Written as text, as PVDAQ delivers it: blanks for unknowns, mixed-case climate classes.
SITE_CSV = """\
system_id,public_name,latitude,longitude,elevation,av_pressure,av_temp,climate_type,time_zone
4,Sample system 4 (module temperature),39.7406,-105.1774,1795,820.4,10.1,BSk,-07:00
15,Sample system 15 (plane-of-array irradiance),39.7421,-105.1727,,819.6,,Bsk,-07:00
50,Sample system 50 (AC power),39.7398,-105.1709,1789,821.2,10.4, bsk ,America/Denver
"""

MOUNT_CSV = """system_id,azimuth,tilt,tracking,mount_type
4,180,40,false,fixed rack
15,180,25,,fixed rack
50,180.0,40,False,roof
"""

METRICS_CSV = """system_id,metric_id,sensor_name,common_name,raw_units,units,calc_scale,calc_offset
4,217,module_temp_1,module_temperature,K,C,,-273.15
15,484,poa_irradiance,poa_irradiance,W/m^2,W/m^2,1,0
50,1232,ac_power_2,ac_power,kW,W,1000,
"""


def load_series(source_dir: Path, spec: SeriesSpec) -> pd.DataFrame:
    """Rows (measured_on naive local clock, utc_measured_on, metric_id, value) of one series."""
    frame = pd.read_parquet(source_dir / spec.file_name)
    stamps = pd.DatetimeIndex(frame[spec.time_column])
    clock = stamps.tz_localize(None)
    values = frame[spec.value_column].astype("float64").to_numpy()
    keep = pd.Series(False, index=range(len(frame)))
    for first, last in spec.periods:
        day = clock.normalize()
        keep |= (day >= pd.Timestamp(first)) & (day <= pd.Timestamp(last))
    keep &= ~pd.isna(values)
    clock = clock[keep.to_numpy()]
    values = values[keep.to_numpy()]
    utc = (
        clock.tz_localize(spec.clock_time_zone, ambiguous=True, nonexistent="NaT")
        .tz_convert("UTC")
        .tz_localize(None)
    )
    exists = ~pd.isna(utc)
    return pd.DataFrame(
        {
            "measured_on": clock[exists],
            "utc_measured_on": utc[exists] if spec.write_utc else pd.NaT,
            "metric_id": spec.metric_id,
            "value": values[exists] * spec.raw_scale + spec.raw_offset,
        }
    ).astype({"metric_id": "int32"})


PVDATA_SCHEMA = pa.schema(
    [
        ("measured_on", pa.timestamp("us")),
        ("utc_measured_on", pa.timestamp("us", tz="UTC")),
        ("metric_id", pa.int32()),
        ("value", pa.float64()),
    ]
)


def write_day_partitions(rows: pd.DataFrame, system_id: int, pvdata_dir: Path) -> int:
    """Write one parquet file per local day under system_id=/year=/month=/day=; file count."""
    local_day = rows["measured_on"].dt.normalize()
    count = 0
    for day, day_rows in rows.groupby(local_day, sort=True):
        folder = (
            pvdata_dir
            / f"system_id={system_id}"
            / f"year={day.year}"
            / f"month={day.month}"
            / f"day={day.day}"
        )
        folder.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pandas(
            day_rows.sort_values("measured_on")
            .reset_index(drop=True)
            .assign(
                utc_measured_on=lambda f: pd.to_datetime(f["utc_measured_on"]).dt.tz_localize("UTC")
            ),
            schema=PVDATA_SCHEMA,
            preserve_index=False,
        )
        pq.write_table(table, folder / f"system_{system_id}__date_{day:%Y_%m_%d}.parquet")
        count += 1
    return count


def build_sample(source_dir: Path, target_dir: Path) -> dict[int, int]:
    """(Re)create the landing sample; returns the number of pvdata rows per system."""
    for part in ("pvdata", "metrics", "site", "mount"):
        shutil.rmtree(target_dir / part, ignore_errors=True)
    counts: dict[int, int] = {}
    for spec in SERIES:
        rows = load_series(source_dir, spec)
        write_day_partitions(rows, spec.system_id, target_dir / "pvdata")
        counts[spec.system_id] = len(rows)
    for name, text in (("metrics", METRICS_CSV), ("site", SITE_CSV), ("mount", MOUNT_CSV)):
        (target_dir / name).mkdir(parents=True, exist_ok=True)
        (target_dir / name / f"{name}.csv").write_text(text)
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--target", type=Path, default=DEFAULT_TARGET)
    args = parser.parse_args(argv)
    counts = build_sample(args.source, args.target)
    for system_id, rows in counts.items():
        print(f"system {system_id}: {rows} rows")


if __name__ == "__main__":
    main()

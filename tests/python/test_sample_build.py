"""The whole project on the committed sample data: `dbt build` (every model, seed, snapshot and
test) into the throw-away warehouse, twice; the second build must leave every mart unchanged."""

from __future__ import annotations

import json

import pytest
from pyspark.sql import SparkSession

from python_helpers.dashboards import render_dashboards, tiles_from_compile
from tests.python.dbt_harness import REPO_ROOT, DbtProject

SCHEMA = "sample_build"
EXPECTED_MARTS = {
    "fct_turbine_readings",
    "fct_turbine_power_summary",
    "fct_turbine_anomalies",
    "fct_robot_features",
    "fct_robot_run_stats",
    "fct_meter_hourly_energy",
    "fct_pv_measurements",
    "dim_pv_system",
}


def mart_fingerprints(spark: SparkSession) -> dict[str, tuple[int, int]]:
    """Row count and an order-independent content hash of every fct_/dim_ table."""
    tables = [
        row.tableName
        for row in spark.sql(f"show tables in {SCHEMA}").collect()
        # Session temporary views (incremental models' `__dbt_tmp`) are listed too.
        if row.tableName.startswith(("fct_", "dim_")) and not row.isTemporary
    ]
    fingerprints = {}
    for table in tables:
        row = spark.sql(
            f"select count(*) as row_count, coalesce(sum(xxhash64(*)), 0) as content_hash "
            f"from {SCHEMA}.{table}"
        ).first()
        fingerprints[table] = (row.row_count, row.content_hash)
    return fingerprints


@pytest.fixture(scope="module")
def first_build(spark: SparkSession, dbt_project: DbtProject) -> dict[str, tuple[int, int]]:
    dbt_project.run(["build"], schema=SCHEMA)
    return mart_fingerprints(spark)


def test_sample_build_produces_every_mart_with_rows(first_build):
    assert set(first_build) >= EXPECTED_MARTS
    empty = {name for name in EXPECTED_MARTS if first_build[name][0] == 0}
    assert empty == set()


def test_second_build_leaves_marts_identical(spark, dbt_project, first_build):
    dbt_project.run(["build"], schema=SCHEMA)
    assert mart_fingerprints(spark) == first_build


def test_docs_generate_writes_catalog_and_static_site(dbt_project, first_build):
    dbt_project.run(["docs", "generate", "--static"], schema=SCHEMA)
    target = dbt_project.work_dir / "target" / SCHEMA
    assert (target / "catalog.json").stat().st_size > 0
    assert (target / "static_index.html").stat().st_size > 0

    # Every built model, seed and snapshot is described, and so is each of its columns: the
    # catalog lists the columns the tables have, the manifest those the YAML describes.
    manifest = json.loads((target / "manifest.json").read_text())["nodes"]
    catalog = json.loads((target / "catalog.json").read_text())["nodes"]
    undescribed_nodes, column_gaps = [], {}
    for unique_id, built in catalog.items():
        node = manifest[unique_id]
        if not node["description"].strip():
            undescribed_nodes.append(unique_id)
        built_columns = {name.lower() for name in built["columns"]}
        described = {
            name.lower() for name, column in node["columns"].items() if column["description"]
        }
        if built_columns != described:
            column_gaps[unique_id] = {
                "undescribed": sorted(built_columns - described),
                "not_in_table": sorted(described - built_columns),
            }
    assert len(catalog) >= len(EXPECTED_MARTS)
    assert undescribed_nodes == []
    assert column_gaps == {}


def test_dashboards_render_every_tile_with_the_marts_numbers(spark, dbt_project, first_build):
    compiled = dbt_project.run(["compile", "--select", "resource_type:analysis"], schema=SCHEMA)
    tiles = tiles_from_compile(compiled.result.results)
    analyses = {p.stem for p in (REPO_ROOT / "analyses" / "dashboards").glob("*.sql")}
    assert {tile.name for tile in tiles} == analyses

    out = dbt_project.work_dir / "dashboards" / "index.html"
    results = {r.tile.name: r for r in render_dashboards(spark, tiles, out)}
    page = out.read_text()
    for tile in tiles:
        assert tile.title in page
    empty = {name for name, r in results.items() if not r.rows and name != "dash_data_quality"}
    assert empty == set()

    # Daily PV energy recomputed with pandas from the hourly mart: Wh -> kWh per system and day.
    hourly = spark.table(f"{SCHEMA}.fct_pv_hourly_energy").toPandas()
    hourly["energy_date"] = hourly["window_start"].dt.date
    expected = hourly.groupby(["ss_id", "energy_date"])["energy_wh"].sum() / 1000.0
    rendered = {
        (r["ss_id"], r["energy_date"]): r["energy_kwh"]
        for r in results["dash_pv_daily_energy"].rows
    }
    assert rendered.keys() == set(expected.index)
    for key, kwh in expected.items():
        assert rendered[key] == pytest.approx(kwh, rel=1e-12)

    # Fleet mean power per period recomputed from the turbines' period averages.
    summary = spark.table(f"{SCHEMA}.fct_turbine_power_summary").toPandas()
    fleet = summary.groupby("period_start")["avg_power_mw"].mean()
    tile_rows = results["dash_wind_fleet_power"].rows
    assert [r["period_start"] for r in tile_rows] == [t.to_pydatetime() for t in fleet.index]
    assert [r["fleet_avg_power_mw"] for r in tile_rows] == pytest.approx(list(fleet), rel=1e-12)

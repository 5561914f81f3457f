"""Dashboard rendering: axis arithmetic by hand, tile specs, and the HTML page (no Spark)."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest

from python_helpers import dashboards as D


def node(name: str, dashboard: dict | None, sql: str = "select 1") -> SimpleNamespace:
    meta = {"dashboard": dashboard} if dashboard is not None else {}
    return SimpleNamespace(
        name=name,
        resource_type="analysis",
        config=SimpleNamespace(meta=meta),
        description=f"about {name}",
        compiled_code=sql,
    )


def line_tile(**overrides) -> D.Tile:
    spec = dict(
        name="t",
        page="P",
        order=1,
        title="T",
        description="",
        chart="line",
        sql="",
        x="x",
        y=("y",),
    )
    spec.update(overrides)
    return D.Tile(**spec)


def polyline_points(svg: str) -> list[list[tuple[float, float]]]:
    return [
        [tuple(float(v) for v in pair.split(",")) for pair in match.split()]
        for match in re.findall(r'<polyline[^>]* points="([^"]*)"', svg)
    ]


def test_linear_scale_by_hand():
    # 25 % of the way through the domain is 25 % of the way through the pixel range.
    assert D.linear_scale(2.5, (0.0, 10.0), (100.0, 300.0)) == 150.0
    # An inverted pixel range (SVG y grows downwards).
    assert D.linear_scale(10.0, (0.0, 10.0), (284.0, 16.0)) == 16.0
    assert D.linear_scale(5.0, (5.0, 5.0), (0.0, 100.0)) == 50.0


def test_as_number_treats_naive_datetimes_and_dates_as_utc():
    assert D.as_number(dt.datetime(1970, 1, 2, 0, 0, 1)) == 86_401.0
    assert D.as_number(dt.date(1970, 1, 3)) == 172_800.0
    assert D.as_number(None) is None
    assert D.as_number(7) == 7.0


def test_line_chart_maps_extremes_to_plot_corners():
    (x0, x1), (y_bottom, y_top) = D._plot_box()
    result = D.TileResult(
        line_tile(),
        ["x", "y"],
        [{"x": 4.0, "y": 10.0}, {"x": 0.0, "y": 0.0}, {"x": 2.0, "y": 2.5}, {"x": 3.0, "y": None}],
    )
    [points] = polyline_points(D.line_chart_svg(result))
    # Sorted by x; the null y is left out; x 2 of 0..4 is the middle, y 2.5 of 0..10 a quarter.
    assert points == [
        (x0, y_bottom),
        ((x0 + x1) / 2, y_bottom + (y_top - y_bottom) / 4),
        (x1, y_top),
    ]


def test_line_chart_draws_one_line_per_series_and_column():
    tile = line_tile(y=("a", "b"), series="run")
    rows = [{"run": r, "x": x, "a": 1.0, "b": 2.0} for r in ("r1", "r2") for x in (0, 1)]
    svg = D.line_chart_svg(D.TileResult(tile, ["run", "x", "a", "b"], rows))
    assert len(polyline_points(svg)) == 4
    for label in ("r1 a", "r1 b", "r2 a", "r2 b"):
        assert f"</i>{label}</span>" in svg


def test_bar_chart_heights_are_proportional_from_zero():
    tile = line_tile(chart="bar", x="day", y=("kwh",))
    rows = [{"day": dt.date(2024, 1, d), "kwh": v} for d, v in ((1, 10.0), (2, 5.0))]
    svg = D.bar_chart_svg(D.TileResult(tile, ["day", "kwh"], rows))
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([0-9.]+)"', svg)]
    (_, _), (y_bottom, y_top) = D._plot_box()
    assert heights == pytest.approx([y_bottom - y_top, (y_bottom - y_top) / 2], abs=0.06)


def test_tile_from_node_reads_the_spec_and_rejects_incomplete_charts():
    tile = D.Tile.from_node(
        node("dash_a", {"page": "Wind", "order": 2, "chart": "line", "x": "t", "y": ["p"]})
    )
    assert (tile.page, tile.order, tile.chart, tile.x, tile.y) == ("Wind", 2, "line", "t", ("p",))
    assert D.Tile.from_node(node("plain", None)) is None
    with pytest.raises(ValueError, match="needs `x` and `y`"):
        D.Tile.from_node(node("dash_b", {"chart": "line", "x": "t"}))
    with pytest.raises(ValueError, match="chart must be one of"):
        D.Tile.from_node(node("dash_c", {"chart": "pie"}))


def test_tiles_from_compile_keeps_only_dashboard_analyses():
    results = [
        SimpleNamespace(node=node("dash_a", {"chart": "table"})),
        SimpleNamespace(node=node("other_analysis", None)),
        SimpleNamespace(node=SimpleNamespace(resource_type="model", name="fct_x")),
    ]
    assert [t.name for t in D.tiles_from_compile(results)] == ["dash_a"]


def test_page_groups_tiles_by_page_in_order_and_escapes_text():
    table = D.TileResult(
        line_tile(name="b", page="Robot", order=2, title="Runs <all>", chart="table"),
        ["run_uuid", "total_runtime_s"],
        [{"run_uuid": "<u1>", "total_runtime_s": 1234.5678}],
    )
    first = D.TileResult(line_tile(name="a", page="Robot", order=1, title="Speed"), ["x", "y"])
    page = D.render_page([table, first], dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC))
    assert page.index("Speed") < page.index("Runs &lt;all&gt;")
    assert "&lt;u1&gt;" in page and "<u1>" not in page
    assert "1,235" in page  # 4 significant digits with a thousands separator
    assert "No rows." in page  # the empty line chart says so instead of drawing nothing
    assert 'href="#robot"' in page and "2026-01-02 03:04 UTC" in page


def test_format_value():
    assert D.format_value(0.5) == "0.5"
    assert D.format_value(123456.7) == "123,457"
    assert D.format_value(2.5e-5) == "2.5e-05"
    assert D.format_value(dt.datetime(2024, 5, 6, 7, 8)) == "2024-05-06 07:08"
    assert D.format_value(12345) == "12,345"
    assert D.format_value(None) == ""

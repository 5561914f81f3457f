"""Local rendering of the project's dashboards: `telemetry-dashboards` (or `make dashboards`).

A dashboard tile is a dbt analysis under `analyses/dashboards/` whose `config.meta.dashboard`
says how to draw it (see `_dashboards__analyses.yml`). On Databricks the compiled SQL of each
analysis is a dataset of a Databricks SQL / AI-BI dashboard; locally this module compiles the
analyses with dbt in-process, runs them on the embedded Spark session (the warehouse a
`dbt build` wrote) and writes one self-contained HTML page with inline SVG charts and tables:
no JavaScript, no network, opens from the file system.

Results are small aggregates of the marts; at most `max_rows` rows per tile reach the driver.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHART_KINDS = ("line", "bar", "table")
DEFAULT_MAX_ROWS = 20_000
TABLE_ROWS_SHOWN = 200
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")

#: Chart geometry in SVG pixels: the plot area is the frame minus the margins.
WIDTH, HEIGHT = 760, 300
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 70, 20, 16, 44


@dataclass(frozen=True)
class Tile:
    """One dashboard tile: a compiled analysis and how to draw its result."""

    name: str
    page: str
    order: int
    title: str
    description: str
    chart: str
    sql: str
    x: str | None = None
    y: tuple[str, ...] = ()
    series: str | None = None
    y_label: str = ""

    @classmethod
    def from_node(cls, node: Any) -> Tile | None:
        """The tile of a compiled dbt analysis node, or None when it is not a dashboard tile.

        Raises ValueError when the tile's `meta.dashboard` is incomplete, so a typo fails the
        render instead of drawing an empty chart.
        """
        spec = (node.config.meta or {}).get("dashboard")
        if not spec:
            return None
        chart = spec.get("chart", "table")
        if chart not in CHART_KINDS:
            raise ValueError(f"{node.name}: chart must be one of {CHART_KINDS}, got {chart!r}")
        y = tuple(spec.get("y") or ())
        if chart != "table" and (not spec.get("x") or not y):
            raise ValueError(f"{node.name}: a {chart} chart needs `x` and `y` in meta.dashboard")
        return cls(
            name=node.name,
            page=spec.get("page", "Dashboards"),
            order=int(spec.get("order", 0)),
            title=spec.get("title", node.name),
            description=(node.description or "").strip(),
            chart=chart,
            sql=node.compiled_code,
            x=spec.get("x"),
            y=y,
            series=spec.get("series"),
            y_label=spec.get("y_label", ""),
        )


@dataclass
class TileResult:
    tile: Tile
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False


def run_tile(spark: Any, tile: Tile, max_rows: int = DEFAULT_MAX_ROWS) -> TileResult:
    """Run a tile's SQL; keeps at most `max_rows` rows (`truncated` says when more existed)."""
    frame = spark.sql(tile.sql)
    rows = [row.asDict() for row in frame.limit(max_rows + 1).collect()]
    return TileResult(tile, frame.columns, rows[:max_rows], truncated=len(rows) > max_rows)


def as_number(value: Any) -> float | None:
    """A value on a numeric axis: numbers as floats, datetimes and dates as Unix seconds (UTC
    for naive datetimes, which is how Spark returns the session's UTC timestamps); None stays
    None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return aware.timestamp()
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC).timestamp()
    return float(value)


def linear_scale(value: float, domain: tuple[float, float], pixels: tuple[float, float]) -> float:
    """Map `value` from `domain` onto `pixels` linearly; a zero-width domain maps to the middle."""
    (d0, d1), (p0, p1) = domain, pixels
    if d1 == d0:
        return (p0 + p1) / 2
    return p0 + (value - d0) * (p1 - p0) / (d1 - d0)


def format_value(value: Any) -> str:
    """Cell and tick text: floats to 4 significant digits (thousands separated), times in ISO."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != 0 and (abs(value) >= 1e6 or abs(value) < 1e-3):
            return f"{value:.4g}"
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _plot_box() -> tuple[tuple[float, float], tuple[float, float]]:
    """x pixel range and y pixel range (bottom to top) of the plot area."""
    return (MARGIN_LEFT, WIDTH - MARGIN_RIGHT), (HEIGHT - MARGIN_BOTTOM, MARGIN_TOP)


def _traces(result: TileResult) -> dict[str, list[tuple[Any, float]]]:
    """(x, y) points per drawn line or bar group, named `<series value> <y column>`."""
    tile = result.tile
    traces: dict[str, list[tuple[Any, float]]] = {}
    for row in result.rows:
        prefix = f"{row[tile.series]} " if tile.series else ""
        for column in tile.y:
            if row[column] is not None and row[tile.x] is not None:
                name = f"{prefix}{column}" if len(tile.y) > 1 or not prefix else prefix.strip()
                traces.setdefault(name, []).append((row[tile.x], float(row[column])))
    return traces


def _y_axis(
    low: float, high: float, x_pixels: tuple[float, float], y_pixels: tuple[float, float]
) -> list[str]:
    parts = []
    for step in range(5):
        value = low + (high - low) * step / 4
        y = linear_scale(value, (low, high), y_pixels)
        parts.append(
            f'<line x1="{x_pixels[0]}" x2="{x_pixels[1]}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#e5e5e5"/>'
            f'<text x="{x_pixels[0] - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{html.escape(format_value(value))}</text>"
        )
    return parts


def _legend(names: Sequence[str]) -> str:
    items = "".join(
        f'<span><i style="background:{PALETTE[i % len(PALETTE)]}"></i>{html.escape(n)}</span>'
        for i, n in enumerate(names)
    )
    return f'<div class="legend">{items}</div>'


def _svg(body: Iterable[str], y_label: str) -> str:
    label = (
        f'<text x="14" y="{HEIGHT / 2}" transform="rotate(-90 14 {HEIGHT / 2})" '
        f'text-anchor="middle">{html.escape(y_label)}</text>'
    )
    return (
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img">{"".join(body)}{label}</svg>'
    )


def line_chart_svg(result: TileResult) -> str:
    """One polyline per trace over a shared numeric or time x axis, y axis from the data."""
    traces = _traces(result)
    if not traces:
        return '<p class="empty">No rows.</p>'
    xs = [as_number(x) for points in traces.values() for x, _ in points]
    ys = [y for points in traces.values() for _, y in points]
    x_domain, y_domain = (min(xs), max(xs)), (min(ys), max(ys))
    x_pixels, y_pixels = _plot_box()
    body = _y_axis(*y_domain, x_pixels, y_pixels)
    for index, points in enumerate(traces.values()):
        path = " ".join(
            f"{linear_scale(as_number(x), x_domain, x_pixels):.1f},"
            f"{linear_scale(y, y_domain, y_pixels):.1f}"
            for x, y in sorted(points, key=lambda point: as_number(point[0]))
        )
        colour = PALETTE[index % len(PALETTE)]
        body.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{path}"/>')
    first_x = min((x for p in traces.values() for x, _ in p), key=as_number)
    last_x = max((x for p in traces.values() for x, _ in p), key=as_number)
    body.append(
        f'<text x="{x_pixels[0]}" y="{HEIGHT - 18}">{html.escape(format_value(first_x))}</text>'
        f'<text x="{x_pixels[1]}" y="{HEIGHT - 18}" text-anchor="end">'
        f"{html.escape(format_value(last_x))}</text>"
        f'<text x="{(x_pixels[0] + x_pixels[1]) / 2}" y="{HEIGHT - 4}" text-anchor="middle">'
        f"{html.escape(result.tile.x or '')}</text>"
    )
    return _svg(body, result.tile.y_label) + _legend(list(traces))


def bar_chart_svg(result: TileResult) -> str:
    """Grouped bars: one group per distinct x value (in order), one bar per trace, from 0."""
    traces = _traces(result)
    if not traces:
        return '<p class="empty">No rows.</p>'
    categories = sorted({x for points in traces.values() for x, _ in points}, key=as_number_or_text)
    values = [y for points in traces.values() for _, y in points]
    y_domain = (min(0.0, *values), max(0.0, *values))
    x_pixels, y_pixels = _plot_box()
    body = _y_axis(*y_domain, x_pixels, y_pixels)
    group_width = (x_pixels[1] - x_pixels[0]) / len(categories)
    bar_width = group_width * 0.8 / len(traces)
    zero = linear_scale(0.0, y_domain, y_pixels)
    for trace_index, points in enumerate(traces.values()):
        colour = PALETTE[trace_index % len(PALETTE)]
        for x, y in points:
            left = x_pixels[0] + categories.index(x) * group_width + group_width * 0.1
            left += trace_index * bar_width
            top = linear_scale(y, y_domain, y_pixels)
            body.append(
                f'<rect x="{left:.1f}" y="{min(top, zero):.1f}" width="{bar_width:.1f}" '
                f'height="{abs(zero - top):.1f}" fill="{colour}">'
                f"<title>{html.escape(format_value(x))}: {html.escape(format_value(y))}</title>"
                "</rect>"
            )
    label_every = max(1, len(categories) // 8)
    for index in range(0, len(categories), label_every):
        centre = x_pixels[0] + (index + 0.5) * group_width
        body.append(
            f'<text x="{centre:.1f}" y="{HEIGHT - 18}" text-anchor="middle">'
            f"{html.escape(format_value(categories[index]))}</text>"
        )
    return _svg(body, result.tile.y_label) + _legend(list(traces))


def as_number_or_text(value: Any) -> tuple[int, Any]:
    """Sort key for categories: numbers and times in order, then text."""
    try:
        return (0, as_number(value))
    except (TypeError, ValueError):
        return (1, str(value))


def table_html(result: TileResult, limit: int = TABLE_ROWS_SHOWN) -> str:
    header = "".join(f"<th>{html.escape(c)}</th>" for c in result.columns)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape(format_value(row[c]))}</td>" for c in result.columns)
        + "</tr>"
        for row in result.rows[:limit]
    )
    note = ""
    if len(result.rows) > limit or result.truncated:
        note = f'<p class="note">First {min(limit, len(result.rows))} rows shown.</p>'
    if not result.rows:
        return '<p class="empty">No rows.</p>'
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>{note}"


_RENDERERS = {"line": line_chart_svg, "bar": bar_chart_svg, "table": table_html}

_STYLE = """
body{font:14px system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}
nav a{margin-right:14px} section{margin-bottom:36px} h2{border-bottom:1px solid #ccc}
.tile{margin:18px 0} .tile p{color:#555;margin:4px 0 8px}
svg text{font-size:11px;fill:#444}
table{border-collapse:collapse;font-size:13px} td,th{border:1px solid #ddd;padding:3px 8px}
th{background:#f4f4f4} td{text-align:right}
.legend span{margin-right:14px;font-size:12px} .legend i{display:inline-block;width:10px;
height:10px;margin-right:4px} .note,.empty{color:#888}
"""


def render_page(results: Sequence[TileResult], generated_at: dt.datetime) -> str:
    """The whole dashboard site: one section per page, tiles in `order`."""
    pages: dict[str, list[TileResult]] = {}
    for result in sorted(results, key=lambda r: (r.tile.order, r.tile.name)):
        pages.setdefault(result.tile.page, []).append(result)
    nav = "".join(f'<a href="#{_anchor(page)}">{html.escape(page)}</a>' for page in pages)
    sections = []
    for page, tiles in pages.items():
        parts = [f'<section id="{_anchor(page)}"><h2>{html.escape(page)}</h2>']
        for result in tiles:
            tile = result.tile
            parts.append(
                f'<div class="tile" id="{tile.name}"><h3>{html.escape(tile.title)}</h3>'
                f"<p>{html.escape(tile.description)} <code>{tile.name}</code></p>"
                f"{_RENDERERS[tile.chart](result)}</div>"
            )
        parts.append("</section>")
        sections.append("".join(parts))
    stamp = generated_at.strftime("%Y-%m-%d %H:%M UTC")
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>Telemetry Lakehouse dashboards</title><style>{_STYLE}</style></head><body>"
        f"<h1>Telemetry Lakehouse dashboards</h1><p>Rendered {stamp} from the local "
        f"warehouse.</p><nav>{nav}</nav>{''.join(sections)}</body></html>"
    )


def _anchor(page: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in page.lower())


def tiles_from_compile(results: Iterable[Any]) -> list[Tile]:
    """Dashboard tiles among the nodes of a `dbt compile` result (analyses with the meta)."""
    tiles = []
    for result in results:
        node = result.node
        if node.resource_type == "analysis":
            tile = Tile.from_node(node)
            if tile is not None:
                tiles.append(tile)
    return tiles


def compile_tiles(dbt_args: Sequence[str] = ()) -> list[Tile]:
    """Compile the dashboard analyses with dbt in this process (starts the local session)."""
    from dbt.cli.main import dbtRunner

    outcome = dbtRunner().invoke(
        ["compile", "--select", "resource_type:analysis", "--quiet", *dbt_args]
    )
    if not outcome.success:
        raise RuntimeError(f"dbt compile of the dashboard analyses failed: {outcome.exception}")
    return tiles_from_compile(outcome.result.results)


def render_dashboards(spark: Any, tiles: Sequence[Tile], out: Path) -> list[TileResult]:
    """Run every tile on `spark` and write the HTML page to `out`; returns the results."""
    results = [run_tile(spark, tile) for tile in tiles]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_page(results, dt.datetime.now(dt.UTC)), encoding="utf-8")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="telemetry-dashboards", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--out", type=Path, default=Path("target/dashboards/index.html"))
    parser.add_argument("--target", default="local", help="dbt target (the local one runs here)")
    args = parser.parse_args(argv)

    from python_helpers.spark_session import WarehouseInUseError, get_local_spark

    try:
        tiles = compile_tiles(["--target", args.target])
        results = render_dashboards(get_local_spark(), tiles, args.out)
    except WarehouseInUseError as exc:
        print(exc, file=sys.stderr)
        return 1
    summary: Mapping[str, int] = {r.tile.name: len(r.rows) for r in results}
    for name, count in summary.items():
        print(f"  {name}: {count} rows")
    print(f"Dashboards written to {args.out.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Query the local warehouse from the command line: `telemetry-sql "select ..."`.

Uses the same embedded session settings as dbt's local target (TELEMETRY_WAREHOUSE_DIR), so
it sees every table a `dbt build` wrote. The warehouse admits one Spark process at a time:
run it when no dbt command is running.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from python_helpers.spark_session import WarehouseInUseError, get_local_spark


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="telemetry-sql", description=__doc__.splitlines()[0])
    parser.add_argument("queries", nargs="*", help="SQL statements, run in order")
    parser.add_argument("-f", "--file", type=Path, help="a file of ';'-separated statements")
    parser.add_argument("-n", "--rows", type=int, default=20, help="rows to print per result")
    return parser.parse_args(argv)


def split_statements(text: str) -> list[str]:
    """Split a script on ';' at line ends; blank statements are dropped."""
    return [part.strip() for part in text.split(";\n") if part.strip().rstrip(";").strip()]


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    statements = list(args.queries)
    if args.file:
        statements += split_statements(args.file.read_text())
    if not statements:
        print('Give a query, e.g. telemetry-sql "show tables in telemetry"', file=sys.stderr)
        return 2
    try:
        spark = get_local_spark()
    except WarehouseInUseError as exc:
        print(exc, file=sys.stderr)
        return 1
    for statement in statements:
        spark.sql(statement.rstrip(";")).show(args.rows, truncate=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())

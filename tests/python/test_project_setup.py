"""The Python versions the package declares, the Makefile accepts and the README names agree.

The pinned dependencies (constraints.txt) decide them: numpy, pyarrow, duckdb and others at
their pinned versions publish no wheels for Python 3.10, and dbt-databricks runs Python models
in serverless environment version 2 (Python 3.11).
"""

from __future__ import annotations

import re
import tomllib

from packaging.specifiers import SpecifierSet

from python_helpers.spark_session import PROJECT_ROOT


def _makefile_range() -> tuple[tuple[int, int], tuple[int, int]]:
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    found = re.search(r"not \((3), (\d+)\) <= sys\.version_info\[:2\] <= \((3), (\d+)\)", makefile)
    assert found, "the Makefile's Python version check"
    major_low, minor_low, major_high, minor_high = map(int, found.groups())
    return (major_low, minor_low), (major_high, minor_high)


def test_makefile_readme_and_package_accept_the_same_pythons():
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = SpecifierSet(pyproject["project"]["requires-python"])
    low, high = _makefile_range()
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    named = re.search(r"Needs Python 3\.(\d+) or 3\.(\d+),", readme)
    assert named, "the README's Python requirement"
    readme_minors = {int(named.group(1)), int(named.group(2))}
    for minor in range(8, 16):
        in_package = f"3.{minor}" in declared
        assert in_package == (low <= (3, minor) <= high), f"Python 3.{minor}"
        assert in_package == (minor in readme_minors), f"Python 3.{minor}"

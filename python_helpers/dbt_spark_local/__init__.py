"""dbt adapter `spark_local`: dbt-spark's `session` method plus in-process Python models.

dbt-spark submits Python models only to Databricks clusters. This plugin inherits the whole
Spark adapter and adds:

- a `session` submission method that executes a compiled Python model in this process, on
  the same SparkSession dbt's SQL runs on (so temporary views and settings are shared);
- a Python table writer that honours `partition_by` (dbt-spark's writer ignores it, which
  breaks `insert_overwrite` incremental Python models on their second run);
- Python model failures raised as dbt errors carrying the model's own traceback;
- the embedded session's configuration (warehouse folder, Derby metastore, laptop sizing)
  and a clear error when another process holds the warehouse.
"""

from pathlib import Path

from dbt.adapters.base import AdapterPlugin

from python_helpers.dbt_spark_local.adapter import (
    SparkLocalAdapter,
    SparkLocalConnectionManager,
    SparkLocalCredentials,
)

PACKAGE_PATH = str(Path(__file__).resolve().parent / "include")

Plugin = AdapterPlugin(
    adapter=SparkLocalAdapter,  # type: ignore[arg-type]
    credentials=SparkLocalCredentials,
    include_path=PACKAGE_PATH,
    dependencies=["spark"],
    project_name="dbt_spark_local",
)

__all__ = ["Plugin", "SparkLocalAdapter", "SparkLocalConnectionManager", "SparkLocalCredentials"]

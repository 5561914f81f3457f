"""Import location dbt's adapter loader expects (`dbt.adapters.spark_local`)."""

from python_helpers.dbt_spark_local import Plugin

__all__ = ["Plugin"]

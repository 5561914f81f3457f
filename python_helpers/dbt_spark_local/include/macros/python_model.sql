{#-
  Python models on the embedded session. dbt-spark's writer ignores `partition_by` and
  defaults to delta; this one writes the configured file format (parquet locally), partitions
  the table, and accepts Spark or pandas DataFrames.
-#}
{% macro spark_local__create_table_as(temporary, relation, compiled_code, language='sql') -%}
  {%- if language == 'python' -%}
    {{ spark_local__py_write_table(compiled_code, relation) }}
  {%- else -%}
    {{ spark__create_table_as(temporary, relation, compiled_code, language) }}
  {%- endif -%}
{%- endmacro %}

{% macro spark_local__py_write_table(compiled_code, target_relation) -%}
  {%- set partition_by = config.get('partition_by') -%}
  {%- if partition_by is string -%}{%- set partition_by = [partition_by] -%}{%- endif -%}
{{ compiled_code }}
# --- dbt materialization (spark_local adapter) --- #
dbt = dbtObj(spark.table)
df = model(dbt, spark)

import pandas as _pandas
import pyspark.sql

if isinstance(df, _pandas.DataFrame):
    df = spark.createDataFrame(df)
if not isinstance(df, pyspark.sql.DataFrame):
    raise TypeError(f"A dbt Python model must return a Spark or pandas DataFrame, not {type(df)}")

writer = df.write.mode("overwrite").format("{{ config.get('file_format', 'parquet') }}")
{%- if partition_by %}
writer = writer.partitionBy({{ partition_by | map('string') | list | tojson }})
{%- endif %}
writer.saveAsTable("{{ target_relation }}")
{%- endmacro %}

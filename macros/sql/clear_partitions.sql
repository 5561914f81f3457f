{#-
  Empties the given partitions of `relation`, for partitions an `insert_overwrite` run would
  leave in place because its query holds no row for them. `partitions` is a list of mappings
  from partition column to value (rows of `run_query`). Runs its statements itself and
  returns an empty string, so a hook calling it has no statement left to run.

  Delta (Databricks) has no partition DDL: its partitions are rows, deleted with a predicate.
  Parquet tables: each partition is overwritten with no rows (a static partition spec and a
  query that returns nothing), which removes its files whether or not the metastore tracks
  the table's partitions (the local session does not: `alter table ... drop partition` is
  refused there). The query names every data column with its type, since it cannot read the
  table it overwrites.
  Values are written as literals: numbers as they are, anything else as a string literal,
  which Spark casts to the partition column's type (e.g. '2020-03-09' for a date).
-#}
{% macro clear_partitions(relation, partitions, file_format) -%}
    {%- if partitions | length == 0 -%}{{ return('') }}{%- endif -%}
    {%- set specs = [] -%}
    {%- for partition in partitions -%}
        {%- set equalities = [] -%}
        {%- for column, value in partition.items() -%}
            {%- set literal = value if value is number else quoted_string_literal(value) -%}
            {%- do equalities.append(column ~ ' = ' ~ literal) -%}
        {%- endfor -%}
        {%- do specs.append(equalities) -%}
    {%- endfor -%}
    {%- if file_format == 'delta' -%}
        {%- set delete_sql -%}
            delete from {{ relation }} where
            {%- for equalities in specs %}
                {{ 'or ' if not loop.first }}({{ equalities | join(' and ') }})
            {%- endfor %}
        {%- endset -%}
        {%- do run_query(delete_sql) -%}
    {%- else -%}
        {%- set partition_names = partitions[0].keys() | map('lower') | list -%}
        {%- set typed_nulls = [] -%}
        {%- for column in adapter.get_columns_in_relation(relation)
                if column.name | lower not in partition_names -%}
            {%- do typed_nulls.append(
                'cast(null as ' ~ column.data_type ~ ') as ' ~ column.quoted) -%}
        {%- endfor -%}
        {%- for equalities in specs -%}
            {%- do run_query(
                'insert overwrite table ' ~ relation ~ ' partition (' ~ equalities | join(', ')
                ~ ') select ' ~ typed_nulls | join(', ') ~ ' where false') -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}

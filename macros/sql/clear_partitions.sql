{#-
  Empties the given partitions of `relation`, for partitions an `insert_overwrite` run would
  leave in place because its query holds no row for them. `partitions` is a list of mappings
  from partition column to value (rows of `run_query`). Runs the statements of
  clear_partitions_statements itself (one per partition on parquet, which a hook, run as one
  statement, could not) and returns an empty string, so a hook calling it runs nothing more.
-#}
{% macro clear_partitions(relation, partitions, file_format) -%}
    {%- set data_columns = [] -%}
    {%- if partitions and file_format != 'delta' -%}
        {%- set partition_names = partitions[0].keys() | map('lower') | list -%}
        {%- for column in adapter.get_columns_in_relation(relation)
                if column.name | lower not in partition_names -%}
            {%- do data_columns.append((column.name, column.data_type)) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for statement in clear_partitions_statements(
            relation, partitions, file_format, data_columns) -%}
        {%- do run_query(statement) -%}
    {%- endfor -%}
    {{ return('') }}
{%- endmacro %}

{#-
  The statements that empty `partitions` of `relation` (a list; empty for no partitions).
  Delta (Databricks) has no partition DDL: its partitions are rows, deleted with a predicate.
  Parquet: each partition is overwritten with no rows (a static partition spec and a query
  that returns nothing), which removes its files whether or not the metastore tracks the
  table's partitions (the local session does not, and refuses `alter table ... drop
  partition`). The query cannot read the table it overwrites, so it names every data column
  with its type: `data_columns` is a list of (name, type) pairs, partition columns excluded.
  Values are written as literals: numbers as they are, anything else as a string literal,
  which Spark casts to the partition column's type (e.g. '2020-03-09' for a date).
-#}
{% macro clear_partitions_statements(relation, partitions, file_format, data_columns) -%}
    {%- set specs = [] -%}
    {%- for partition in partitions -%}
        {%- set equalities = [] -%}
        {%- for column, value in partition.items() -%}
            {%- set literal = value if value is number else quoted_string_literal(value) -%}
            {%- do equalities.append(column ~ ' = ' ~ literal) -%}
        {%- endfor -%}
        {%- do specs.append(equalities) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- if specs and file_format == 'delta' -%}
        {%- set predicates = [] -%}
        {%- for equalities in specs -%}
            {%- do predicates.append('(' ~ equalities | join(' and ') ~ ')') -%}
        {%- endfor -%}
        {%- do statements.append('delete from ' ~ relation ~ ' where ' ~ predicates | join(' or ')) -%}
    {%- elif specs -%}
        {%- set typed_nulls = [] -%}
        {%- for name, data_type in data_columns -%}
            {%- do typed_nulls.append('cast(null as ' ~ data_type ~ ') as `' ~ name ~ '`') -%}
        {%- endfor -%}
        {%- for equalities in specs -%}
            {%- do statements.append(
                'insert overwrite table ' ~ relation ~ ' partition (' ~ equalities | join(', ')
                ~ ') select ' ~ typed_nulls | join(', ') ~ ' where false') -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(statements) }}
{%- endmacro %}

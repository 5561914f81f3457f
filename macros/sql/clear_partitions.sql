{#-
  Statement that empties the given partitions of `relation`, for partitions an
  `insert_overwrite` run would leave in place because its query holds no row for them.
  `partitions` is a list of mappings from partition column to value (rows of `run_query`);
  returns an empty string when the list is empty (a hook with no statement runs nothing).

  Delta (Databricks) has no partition DDL: its partitions are rows, deleted with a predicate.
  Parquet tables in the metastore drop the partition (its folder and metastore entry).
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
        delete from {{ relation }} where
        {%- for equalities in specs %}
            {{ 'or ' if not loop.first }}({{ equalities | join(' and ') }})
        {%- endfor %}
    {%- else -%}
        alter table {{ relation }} drop if exists
        {%- for equalities in specs %}
            partition ({{ equalities | join(', ') }}){{ ',' if not loop.last }}
        {%- endfor %}
    {%- endif -%}
{%- endmacro %}

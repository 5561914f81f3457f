{#-
    expect_compound_columns_to_be_unique(column_list, row_condition=none)

    Model-level test: the combination of the columns in column_list identifies a row, i.e.
    no two rows share the same values in all of them (a composite key such as
    [turbine_id, reading_at]).

    Arguments (dbt-expectations names):
      column_list    list of column names (a single name is accepted too).
      row_condition  SQL predicate; only rows where it holds are tested.

    Nulls count as values: two rows with (null, 5) are duplicates. Pair with not_null tests
    where key columns are mandatory. Failing rows: one per duplicated combination, holding
    the key columns and `duplicate_row_count` (rows sharing that combination, >= 2).
-#}
{% test expect_compound_columns_to_be_unique(model, column_list, row_condition=none) %}
{%- set key_columns = telemetry_column_list(column_list) -%}
{%- if key_columns | length == 0 -%}
    {{ exceptions.raise_compiler_error(
        "expect_compound_columns_to_be_unique: column_list must name at least one column."
    ) }}
{%- endif %}

with tested_rows as (
    select *
    from {{ model }}
    {%- if row_condition %}
        where {{ row_condition }}
    {%- endif %}
),

key_counts as (
    select
        {%- for key_column in key_columns %}
            {{ key_column }},
        {%- endfor %}
        count(*) as duplicate_row_count
    from tested_rows
    group by
        {%- for key_column in key_columns %}
            {{ key_column }}{{ ',' if not loop.last }}
        {%- endfor %}
)

select *
from key_counts
where duplicate_row_count > 1

{% endtest %}

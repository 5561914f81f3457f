{#-
    expect_column_values_to_be_increasing(column_name, sort_column, group_by=none,
                                          strictly=true, row_condition=none)

    Column-level test: within each group, ordered by sort_column, every value is greater
    than the previous one (greater or equal when strictly is false). Typical use: a
    cumulative counter (energy register) per meter, ordered by reading time.

    Arguments (dbt-expectations names):
      sort_column    column defining the order of rows (usually the timestamp).
      group_by       column name or list of column names; each group is its own series.
                     none = the whole model is one series.
      strictly       true: a repeated value fails; false: repeats pass, decreases fail.
      row_condition  SQL predicate; only rows where it holds are tested.

    Rows with a null value or a null sort_column are left out, so each value is compared
    with the previous non-null one. Rows sharing a sort_column value are ordered by value
    (ascending), which makes the result deterministic; with strictly, equal values still fail.
    Failing rows: one per offending row, with its group, `sort_value`, `current_value` and
    `previous_value`.
-#}
{% test expect_column_values_to_be_increasing(
    model,
    column_name,
    sort_column,
    group_by=none,
    strictly=true,
    row_condition=none
) %}
{%- set group_columns = telemetry_column_list(group_by) -%}
{%- set operator = '>' if strictly else '>=' %}

with tested_rows as (
    select
        {%- for group_column in group_columns %}
            {{ group_column }},
        {%- endfor %}
        {{ sort_column }} as sort_value,
        {{ column_name }} as current_value
    from {{ model }}
    where
        {{ column_name }} is not null
        and {{ sort_column }} is not null
        {%- if row_condition %}
            and ({{ row_condition }})
        {%- endif %}
),

with_previous as (
    select
        *,
        lag(current_value) over (
            {%- if group_columns %}
                partition by {{ group_columns | join(', ') }}
            {%- endif %}
            order by sort_value, current_value
        ) as previous_value
    from tested_rows
)

select *
from with_previous
where
    previous_value is not null
    and not (current_value {{ operator }} previous_value)

{% endtest %}

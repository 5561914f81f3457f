{#-
    expect_column_pair_values_a_to_be_greater_than_b(column_a, column_b, or_equal=false,
                                                     row_condition=none)

    Model-level test: in every row, column_a > column_b (column_a >= column_b when or_equal
    is true). Typical use: window_end after window_start, max_power >= min_power.

    Arguments (dbt-expectations names):
      column_a       the column (or SQL expression) expected to be greater.
      column_b       the column (or SQL expression) expected to be smaller.
      or_equal       false: equal values fail; true: equal values pass.
      row_condition  SQL predicate; only rows where it holds are tested.

    Rows where column_a or column_b is null are not tested (the comparison is unknown).
    Failing rows: the offending rows of the model.
-#}
{% test expect_column_pair_values_a_to_be_greater_than_b(
    model,
    column_a,
    column_b,
    or_equal=false,
    row_condition=none
) %}
{%- set operator = '>=' if or_equal else '>' %}

with tested_rows as (
    select *
    from {{ model }}
    {%- if row_condition %}
        where {{ row_condition }}
    {%- endif %}
)

select *
from tested_rows
where not ({{ column_a }} {{ operator }} {{ column_b }})

{% endtest %}

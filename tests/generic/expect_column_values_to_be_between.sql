{#-
    expect_column_values_to_be_between(column_name, min_value=none, max_value=none,
                                       row_condition=none, strictly=false)

    Column-level test: every non-null value of the column lies within [min_value, max_value]
    (within (min_value, max_value) when strictly is true).

    Arguments (dbt-expectations names):
      min_value      lower bound; none = no lower bound. A number, a quoted literal
                     ("'2020-01-01'") or any SQL expression over the model's columns.
      max_value      upper bound; none = no upper bound. At least one bound is required.
      row_condition  SQL predicate; only rows where it holds are tested (e.g. "is_imputed = false").
      strictly       false: bounds are allowed values; true: values equal to a bound fail.

    Nulls are not tested (a comparison with null is unknown, not false): pair this test with
    not_null where a value is mandatory. Failing rows: the offending rows of the model.
-#}
{% test expect_column_values_to_be_between(
    model,
    column_name,
    min_value=none,
    max_value=none,
    row_condition=none,
    strictly=false
) %}
{%- if min_value is none and max_value is none -%}
    {{ exceptions.raise_compiler_error(
        "expect_column_values_to_be_between on " ~ column_name
        ~ ": set min_value, max_value or both."
    ) }}
{%- endif -%}
{%- set below = '<=' if strictly else '<' -%}
{%- set above = '>=' if strictly else '>' %}

with tested_rows as (
    select *
    from {{ model }}
    {%- if row_condition %}
        where {{ row_condition }}
    {%- endif %}
)

select *
from tested_rows
where
    {%- if min_value is not none %}
        {{ column_name }} {{ below }} {{ min_value }}
    {%- endif %}
    {%- if min_value is not none and max_value is not none %}
        or
    {%- endif %}
    {%- if max_value is not none %}
        {{ column_name }} {{ above }} {{ max_value }}
    {%- endif %}

{% endtest %}

{#-
    expect_no_gaps_in_series(timestamp_column, interval_seconds, group_by=none,
                             row_condition=none)

    Model-level test: within each group, consecutive timestamps (in time order) are exactly
    interval_seconds apart: no gap, no duplicate timestamp, no off-grid reading. Typical
    use: a resampled series (one row per 10 ms bucket per run, one row per hour per turbine).

    Arguments:
      timestamp_column  timestamp column of the series.
      interval_seconds  the expected step in seconds, > 0; fractions allowed (0.01 = 10 ms).
                        Compared exactly, in whole microseconds.
      group_by          column name or list of column names; each group is its own series.
                        none = the whole model is one series.
      row_condition     SQL predicate; only rows where it holds are part of the series.

    Rows with a null timestamp are left out. Failing rows: one per consecutive pair whose
    step differs, with the group, `previous_timestamp`, `current_timestamp_value`,
    `step_seconds` and `issue`: 'duplicate' (step 0), 'gap' (step larger than the interval)
    or 'off-grid step' (smaller, non-zero). A gap of n missing rows is one failing row.
-#}
{% test expect_no_gaps_in_series(
    model,
    timestamp_column,
    interval_seconds,
    group_by=none,
    row_condition=none
) %}
{%- if interval_seconds is not number or interval_seconds <= 0 -%}
    {{ exceptions.raise_compiler_error(
        "expect_no_gaps_in_series: interval_seconds must be a positive number, got "
        ~ interval_seconds
    ) }}
{%- endif -%}
{%- set interval_microseconds = (interval_seconds * 1000000) | round | int -%}
{%- set group_columns = telemetry_column_list(group_by) %}

with series as (
    select
        {%- for group_column in group_columns %}
            {{ group_column }},
        {%- endfor %}
        {{ timestamp_column }} as current_timestamp_value,
        {{ epoch_microseconds(timestamp_column) }} as current_microseconds
    from {{ model }}
    where
        {{ timestamp_column }} is not null
        {%- if row_condition %}
            and ({{ row_condition }})
        {%- endif %}
),

steps as (
    select
        {%- for group_column in group_columns %}
            {{ group_column }},
        {%- endfor %}
        lag(current_timestamp_value) over series_order as previous_timestamp,
        current_timestamp_value,
        current_microseconds
        - lag(current_microseconds) over series_order as step_microseconds
    from series
    window series_order as (
        {%- if group_columns %}
            partition by {{ group_columns | join(', ') }}
        {%- endif %}
        order by current_microseconds
    )
)

select
    {%- for group_column in group_columns %}
        {{ group_column }},
    {%- endfor %}
    previous_timestamp,
    current_timestamp_value,
    step_microseconds / 1000000.0 as step_seconds,
    case
        when step_microseconds = 0 then 'duplicate'
        when step_microseconds > {{ interval_microseconds }} then 'gap'
        else 'off-grid step'
    end as issue
from steps
where
    step_microseconds is not null
    and step_microseconds != {{ interval_microseconds }}

{% endtest %}

{#-
    expect_rows_per_period(timestamp_column, period, expected_rows, group_by=none,
                           row_condition=none, partial_edge_periods=false)

    Model-level test: every group has exactly expected_rows rows in each period
    (date_trunc(period, timestamp_column)) from its first to its last period. Typical use:
    an hourly series has 24 rows per day per turbine; a per-second meter has 3600 rows per
    hour.

    Arguments:
      timestamp_column  timestamp (or date) column that places a row in a period.
      period            second, minute, hour, day, week (weeks start on Monday), month,
                        quarter or year.
      expected_rows     the exact row count required per group and period.
      group_by          column name or list of column names; none = one group.
      row_condition     SQL predicate; only rows where it holds are counted.
      partial_edge_periods
                        true: a group's first and last periods may hold fewer rows than
                        expected_rows (a series that starts or stops inside a period, such as
                        a turbine's partial last day); more rows still fail.

    Periods inside a group's range that hold no row count as 0 rows and fail. Periods before
    a group's first row or after its last are not checked (use
    expect_row_values_to_have_recent_data for a feed that stops). Rows with a null timestamp
    are not counted. Periods are cut in the session time zone (UTC on the local target).
    Failing rows: one per (group, period) whose count differs, with `period_start`,
    `is_edge_period` (the group's first or last period), `period_row_count` and
    `expected_row_count`.
-#}
{% test expect_rows_per_period(
    model,
    timestamp_column,
    period,
    expected_rows,
    group_by=none,
    row_condition=none,
    partial_edge_periods=false
) %}
{%- set period = period | lower -%}
{%- if period not in telemetry_calendar_dateparts() -%}
    {{ exceptions.raise_compiler_error(
        "expect_rows_per_period: period must be one of "
        ~ telemetry_calendar_dateparts() | join(', ') ~ ", got " ~ period
    ) }}
{%- endif -%}
{%- set group_columns = telemetry_column_list(group_by) %}

with tested_rows as (
    select
        {%- for group_column in group_columns %}
            {{ group_column }},
        {%- endfor %}
        date_trunc('{{ period }}', {{ timestamp_column }}) as period_start
    from {{ model }}
    where
        {{ timestamp_column }} is not null
        {%- if row_condition %}
            and ({{ row_condition }})
        {%- endif %}
),

period_counts as (
    select
        {%- for group_column in group_columns %}
            {{ group_column }},
        {%- endfor %}
        period_start,
        count(*) as period_row_count
    from tested_rows
    group by
        {%- for group_column in group_columns %}
            {{ group_column }},
        {%- endfor %}
        period_start
),

group_ranges as (
    select
        {%- for group_column in group_columns %}
            {{ group_column }},
        {%- endfor %}
        min(period_start) as first_period_start,
        {{ timestamp_diff(period, 'min(period_start)', 'max(period_start)') }}
            as last_period_offset
    from period_counts
    {%- if group_columns %}
        group by {{ group_columns | join(', ') }}
    {%- endif %}
),

period_offsets as (
    select
        {%- for group_column in group_columns %}
            {{ group_column }},
        {%- endfor %}
        first_period_start,
        last_period_offset,
        explode(sequence(0, last_period_offset)) as period_offset
    from group_ranges
),

expected_periods as (
    select
        {%- for group_column in group_columns %}
            {{ group_column }},
        {%- endfor %}
        {{ timestamp_add(period, 'period_offset', 'first_period_start') }} as period_start,
        period_offset in (0, last_period_offset) as is_edge_period
    from period_offsets
),

compared as (
    select
        {%- for group_column in group_columns %}
            expected_periods.{{ group_column }},
        {%- endfor %}
        expected_periods.period_start,
        expected_periods.is_edge_period,
        coalesce(period_counts.period_row_count, 0) as period_row_count,
        {{ expected_rows }} as expected_row_count
    from expected_periods
    left join period_counts
        on
            expected_periods.period_start = period_counts.period_start
            {%- for group_column in group_columns %}
                and expected_periods.{{ group_column }} <=> period_counts.{{ group_column }}
            {%- endfor %}
)

select *
from compared
where
    {%- if partial_edge_periods %}
        period_row_count > expected_row_count
        or (period_row_count < expected_row_count and not is_edge_period)
    {%- else %}
        period_row_count != expected_row_count
    {%- endif %}

{% endtest %}

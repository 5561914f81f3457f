{#-
    expect_row_values_to_have_recent_data(column_name, datepart, interval, row_condition=none)

    Column-level test: the newest value of the column (a timestamp or date) is no older than
    `interval` dateparts before now, i.e. max(column) >= current_timestamp() - interval.
    Use it on a feed that must deliver data continually (e.g. datepart: day, interval: 2).

    Arguments (dbt-expectations names):
      datepart       unit of interval: second, minute, hour, day, week, month, quarter, year.
      interval       positive integer number of dateparts.
      row_condition  SQL predicate; only rows where it holds are considered.

    Values later than now (clock errors, placeholder dates) are ignored, so that one bad
    future timestamp cannot hide a stale feed. A model with no (non-null, non-future) value
    fails: no data is not recent data. Compared in the session time zone (UTC on the local
    target). Failing rows: at most one, with `latest_value` (null when there is none) and
    `oldest_accepted_value` (the threshold).
-#}
{% test expect_row_values_to_have_recent_data(
    model,
    column_name,
    datepart,
    interval,
    row_condition=none
) %}
{%- if datepart | lower not in telemetry_calendar_dateparts() -%}
    {{ exceptions.raise_compiler_error(
        "expect_row_values_to_have_recent_data: datepart must be one of "
        ~ telemetry_calendar_dateparts() | join(', ') ~ ", got " ~ datepart
    ) }}
{%- endif -%}
{%- if interval is not number or interval <= 0 -%}
    {{ exceptions.raise_compiler_error(
        "expect_row_values_to_have_recent_data: interval must be a positive number, got "
        ~ interval
    ) }}
{%- endif -%}
{%- set now = 'current_timestamp()' %}

with latest as (
    select max(cast({{ column_name }} as timestamp)) as latest_value
    from {{ model }}
    where
        cast({{ column_name }} as timestamp) <= {{ now }}
        {%- if row_condition %}
            and ({{ row_condition }})
        {%- endif %}
),

compared as (
    select
        latest_value,
        {{ timestamp_add(datepart | lower, -1 * (interval | int), now) }} as oldest_accepted_value
    from latest
)

select
    latest_value,
    oldest_accepted_value
from compared
where latest_value is null or latest_value < oldest_accepted_value

{% endtest %}

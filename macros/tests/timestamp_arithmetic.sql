{#-
    epoch_microseconds(timestamp_expression)

    Microseconds since 1970-01-01 00:00:00 UTC of a timestamp expression, as a bigint.
    Integer microseconds keep differences between timestamps exact (no floating-point
    rounding), so sub-second steps such as 10 ms compare exactly. Used by the generic tests in
    tests/generic/ to measure the step between consecutive timestamps.

    Dispatched so that an adapter with another function name can override it: Spark and
    Databricks (spark_local and databricks both inherit from spark) use the default.
-#}
{% macro epoch_microseconds(timestamp_expression) -%}
    {{ return(adapter.dispatch('epoch_microseconds')(timestamp_expression)) }}
{%- endmacro %}

{% macro default__epoch_microseconds(timestamp_expression) -%}
    unix_micros(cast({{ timestamp_expression }} as timestamp))
{%- endmacro %}

{#-
    timestamp_add(datepart, amount, timestamp_expression)

    The timestamp `amount` dateparts after `timestamp_expression` (before it when amount is
    negative), calendar-aware for month, quarter and year. `datepart` is one of
    telemetry_calendar_dateparts(); `amount` is an integer or a SQL expression of one.

    dbt's cross-database dateadd is not used: dbt-spark's version turns day, week and month
    steps into dates and drops the time of day. Dispatched so that another adapter can
    override it; Spark 3.3+ and Databricks share the default (timestampadd).
-#}
{% macro timestamp_add(datepart, amount, timestamp_expression) -%}
    {{ return(adapter.dispatch('timestamp_add')(datepart, amount, timestamp_expression)) }}
{%- endmacro %}

{% macro default__timestamp_add(datepart, amount, timestamp_expression) -%}
    timestampadd({{ datepart }}, {{ amount }}, {{ timestamp_expression }})
{%- endmacro %}

{#-
    timestamp_diff(datepart, start_expression, end_expression)

    Whole dateparts from start to end (bigint, truncated towards zero), the inverse of
    timestamp_add for timestamps aligned on the datepart.
-#}
{% macro timestamp_diff(datepart, start_expression, end_expression) -%}
    {{ return(adapter.dispatch('timestamp_diff')(datepart, start_expression, end_expression)) }}
{%- endmacro %}

{% macro default__timestamp_diff(datepart, start_expression, end_expression) -%}
    timestampdiff({{ datepart }}, {{ start_expression }}, {{ end_expression }})
{%- endmacro %}

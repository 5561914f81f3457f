{#-
  True when the timestamp expression `timestamp_sql` lies more than `max_minutes` minutes after
  the start of the dbt invocation (`run_started_at`, UTC, written into the SQL: every model and
  test of one build, and a view queried later, draw the line at the same instant). Staging
  rejects such readings: a device clock far ahead would move the incremental cutoffs, which
  follow the latest stored time, past every real reading, and would stretch a gap-free series
  to it. A reading so rejected is accepted by a later build once its time has come.
-#}
{% macro is_later_than_build_start(timestamp_sql, max_minutes) -%}
    {{ timestamp_sql }} > timestamp'{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}+00:00'
    + make_dt_interval(0, 0, {{ max_minutes }})
{%- endmacro %}

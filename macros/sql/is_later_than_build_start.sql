{#-
  True when the timestamp expression `timestamp_sql` lies more than `max_minutes` minutes after
  the start of the query (`current_timestamp()`, one value per query). Staging rejects such
  readings: a device clock far ahead would move the incremental cutoffs, which follow the
  latest stored time, past every real reading, and would stretch a gap-free series to it.
-#}
{% macro is_later_than_build_start(timestamp_sql, max_minutes) -%}
    {{ timestamp_sql }} > current_timestamp() + make_dt_interval(0, 0, {{ max_minutes }})
{%- endmacro %}

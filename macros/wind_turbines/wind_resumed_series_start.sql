{#-
  For an incremental wind model: the earliest day to re-take because a turbine came back from
  an outage longer than the lookback. `stored_day` is a date column of `stored` (the model's
  table), `upstream` a relation with `turbine_id` and `reading_date`, and `window_start` the
  first day the model re-takes anyway (a date expression). A turbine whose stored rows end on
  a day before `window_start` and whose upstream rows reach `window_start` or later is back:
  its upstream series now holds the outage's steps (missing rows) from its last stored day
  on, which lie before the window. Returns the earliest such last stored day (null when no
  turbine is back), as a scalar subquery. A turbine out of service has no upstream rows in the
  window and moves nothing. Only the window's upstream partitions are read (`reading_date`
  partitions both upstreams). The same rule as `incremental_window` in
  python_helpers/wind_turbines.py, which the cleaning model applies to the staged readings.
-#}
{% macro wind_resumed_series_start(stored, stored_day, upstream, window_start) -%}
    (
        select min(stored_ends.last_day)
        from (
            select
                turbine_id,
                max({{ stored_day }}) as last_day
            from {{ stored }}
            group by turbine_id
        ) as stored_ends
        where
            stored_ends.last_day < {{ window_start }}
            and stored_ends.turbine_id in (
                select upstream_rows.turbine_id
                from {{ upstream }} as upstream_rows
                where upstream_rows.reading_date >= {{ window_start }}
            )
    )
{%- endmacro %}

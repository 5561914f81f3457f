{#-
  For an incremental wind model: the earliest day to re-take because a turbine came back from
  an outage longer than the lookback. `stored_day` is a date column of `stored` (the model's
  table), `upstream_day` a date expression over `upstream` (alias `upstream_rows`), and
  `window_start` the first day the model re-takes anyway (a date expression). A turbine whose
  stored rows end on a day before `window_start` while its upstream rows continue after that
  day is back: its upstream series now holds the outage's steps (missing rows) from that day
  on, which lie before the window. Returns the earliest such last stored day (null when no
  turbine is back), as a scalar subquery. A turbine out of service has no later upstream rows
  and moves nothing. The same rule as `incremental_window` in python_helpers/wind_turbines.py,
  which the cleaning model applies to the staged readings.
-#}
{% macro wind_resumed_series_start(stored, stored_day, upstream, upstream_day, window_start) -%}
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
            and exists (
                select 1
                from {{ upstream }} as upstream_rows
                where
                    upstream_rows.turbine_id = stored_ends.turbine_id
                    and {{ upstream_day }} > stored_ends.last_day
            )
    )
{%- endmacro %}

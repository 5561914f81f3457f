{#-
    expect_column_values_to_be_within_n_moving_stdevs(column_name, date_column_name,
        group_by=none, lookback_periods=24, sigma_threshold=3, take_logs=false,
        row_condition=none)

    Column-level test: each value lies within sigma_threshold standard deviations of the
    mean of the previous lookback_periods rows of its group (rows ordered by
    date_column_name). Flags sudden jumps against a trailing baseline, e.g. hourly power of
    a turbine against its previous 24 hours.

    Arguments (dbt-expectations names; this version compares raw values or their logs
    directly, without dbt-expectations' period aggregation, differencing or trend window):
      date_column_name  column ordering the rows (timestamp or date).
      group_by          column name or list of column names; each group has its own
                        baseline. none = the whole model is one series.
      lookback_periods  number of preceding rows forming the baseline (>= 2). A row is tested
                        only when it has that many preceding rows in its group.
      sigma_threshold   a row fails when |value - trailing mean| > sigma_threshold x trailing
                        sample standard deviation.
      take_logs         true: compare natural logs of the values (for multiplicative series);
                        rows with a value <= 0 are then left out.
      row_condition     SQL predicate; only rows where it holds are part of the series.

    Rows with a null value or null date are left out. A row whose baseline is constant
    (standard deviation 0) is not tested: its z-score is undefined. Rows sharing a
    date_column_name value are ordered by value to make the result deterministic.
    Failing rows: one per outlier, with the group, `date_value`, `metric_value` (log when
    take_logs), `trailing_mean`, `trailing_stddev` and `z_score`.
-#}
{% test expect_column_values_to_be_within_n_moving_stdevs(
    model,
    column_name,
    date_column_name,
    group_by=none,
    lookback_periods=24,
    sigma_threshold=3,
    take_logs=false,
    row_condition=none
) %}
{%- if lookback_periods is not number or lookback_periods < 2 -%}
    {{ exceptions.raise_compiler_error(
        "expect_column_values_to_be_within_n_moving_stdevs: lookback_periods must be an"
        ~ " integer >= 2, got " ~ lookback_periods
    ) }}
{%- endif -%}
{%- set lookback = lookback_periods | int -%}
{%- set group_columns = telemetry_column_list(group_by) %}

with series as (
    select
        {%- for group_column in group_columns %}
            {{ group_column }},
        {%- endfor %}
        {{ date_column_name }} as date_value,
        {%- if take_logs %}
            ln({{ column_name }}) as metric_value
        {%- else %}
            cast({{ column_name }} as double) as metric_value
        {%- endif %}
    from {{ model }}
    where
        {{ column_name }} is not null
        and {{ date_column_name }} is not null
        {%- if take_logs %}
            and {{ column_name }} > 0
        {%- endif %}
        {%- if row_condition %}
            and ({{ row_condition }})
        {%- endif %}
),

baselines as (
    select
        *,
        count(metric_value) over trailing_rows as trailing_count,
        avg(metric_value) over trailing_rows as trailing_mean,
        stddev_samp(metric_value) over trailing_rows as trailing_stddev,
        min(metric_value) over trailing_rows as trailing_min,
        max(metric_value) over trailing_rows as trailing_max
    from series
    window trailing_rows as (
        {%- if group_columns %}
            partition by {{ group_columns | join(', ') }}
        {%- endif %}
        order by date_value, metric_value
        rows between {{ lookback }} preceding and 1 preceding
    )
),

scored as (
    select
        {%- for group_column in group_columns %}
            {{ group_column }},
        {%- endfor %}
        date_value,
        metric_value,
        trailing_mean,
        trailing_stddev,
        (metric_value - trailing_mean) / nullif(trailing_stddev, 0) as z_score
    from baselines
    where
        trailing_count = {{ lookback }}
        and trailing_max > trailing_min
)

select *
from scored
where abs(z_score) > {{ sigma_threshold }}

{% endtest %}

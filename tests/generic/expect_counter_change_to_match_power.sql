{#-
    expect_counter_change_to_match_power(counter_change_column, mean_power_column,
        from_column, to_column, reading_count_column, min_readings_per_hour,
        relative_tolerance, absolute_tolerance, row_condition=none)

    Model-level test encoding a meter's physics: the change of a cumulative energy counter
    between two readings equals the integral of power over the time between them. The
    integral is estimated as mean power x elapsed hours, so the counter must be in the power
    unit times hours (mWh for mW, Wh for W).

    Arguments:
      counter_change_column  counter at to_column minus counter at from_column.
      mean_power_column      mean power of the readings in between.
      from_column            time of the reading the change is counted from (timestamp).
      to_column              time of the reading the change is counted to (timestamp).
      reading_count_column   number of readings the mean is taken over.
      min_readings_per_hour  a row is tested only when its readings are at least this dense
                             over the elapsed time: a mean of a few readings says little
                             about the power in between.
      relative_tolerance     allowed difference as a share of |expected change|.
      absolute_tolerance     allowed difference in counter units on top of it (counter
                             resolution, e.g. 2 for two integer counter readings).
      row_condition          SQL predicate; only rows where it holds are tested.

    Rows with a null in any of the columns, or with to_column not after from_column, are not
    tested. A row fails when |change - expected| > absolute_tolerance + relative_tolerance x
    |expected|. Typical failures: a stuck counter while power flows, a counter reset, a
    counter or power column in the wrong unit.
    Failing rows: the model's row plus `elapsed_hours`, `expected_counter_change` and
    `counter_change_difference` (change - expected).
-#}
{% test expect_counter_change_to_match_power(
    model,
    counter_change_column,
    mean_power_column,
    from_column,
    to_column,
    reading_count_column,
    min_readings_per_hour,
    relative_tolerance,
    absolute_tolerance,
    row_condition=none
) %}

with tested_rows as (
    select
        *,
        (unix_micros({{ to_column }}) - unix_micros({{ from_column }})) / 3600000000.0
            as elapsed_hours
    from {{ model }}
    where
        {{ counter_change_column }} is not null
        and {{ mean_power_column }} is not null
        and {{ reading_count_column }} is not null
        and {{ to_column }} > {{ from_column }}
        {%- if row_condition %}
            and ({{ row_condition }})
        {%- endif %}
),

dense_rows as (
    select
        *,
        {{ mean_power_column }} * elapsed_hours as expected_counter_change
    from tested_rows
    where {{ reading_count_column }} >= {{ min_readings_per_hour }} * elapsed_hours
)

select
    *,
    {{ counter_change_column }} - expected_counter_change as counter_change_difference
from dense_rows
where
    abs({{ counter_change_column }} - expected_counter_change)
    > {{ absolute_tolerance }} + {{ relative_tolerance }} * abs(expected_counter_change)

{% endtest %}

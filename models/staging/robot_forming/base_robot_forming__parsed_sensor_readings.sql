{{ config(materialized='table') }}

{#-
  Parses every delivered row and decides its fate (docs block `robot_forming_staging_rules`):
  `rejection_reason` is null for a kept row, else the first failed check. Exact duplicates
  (same run, robot, field, sensor type, instant and value) keep one row; the others are
  rejected as exact_duplicate.

  A table rather than a view: the parse and the duplicate ranking read every landing file, and
  both staging views, their data tests and the three robot models downstream query it; as a
  view each of them would parse the landing files again.
-#}
{%- set robot_ids = var('robot_ids') -%}
{#- The wide and kinematics tables have columns for robots 1 and 2 only
    (python_helpers.robot_forming.ROBOT_IDS): another id would pass staging and then be
    missing from every one of them. -#}
{%- if not robot_ids or robot_ids | reject('in', [1, 2]) | list -%}
    {{ exceptions.raise_compiler_error(
        "var robot_ids must list robots among 1 and 2 (the cell's wide tables have columns "
        ~ "for robots 1 and 2 only), not " ~ robot_ids) }}
{%- endif %}
with trimmed as (
    select
        source_file,
        csv_layout_failure,
        trim(time_text) as time_text,
        trim(value_text) as value_text,
        lower(trim(field_text)) as field_text,
        trim(robot_id_text) as robot_id_text,
        trim(run_uuid_text) as run_uuid_text,
        lower(trim(sensor_type_text)) as sensor_type_text
    from {{ ref('base_robot_forming__raw_sensor_readings') }}
),

cast_values as (
    select
        *,
        -- Same rule as python_helpers.robot_forming.parse_sensor_time: `yyyy-MM-dd`, `T` or a
        -- space, at least `HH:mm:ss`, then what a cast accepts (0-9 fractional digits, an
        -- optional `Z` / `+hh:mm` zone); no zone = UTC. Given what the cast accepts, a `-`
        -- as 5th character and the first `:` as 14th fix the whole `yyyy-MM-dd[T ]HH:`
        -- prefix; byte length and `locate`/`instr` allocate nothing per row (see there).
        case
            when
                octet_length(time_text) >= 19
                and locate('-', time_text, 5) = 5
                and instr(time_text, ':') = 14
                then try_cast(
                    case
                        when
                            endswith(time_text, 'Z')
                            or substring(time_text, -6, 1) in ('+', '-')
                            then time_text
                        else concat(time_text, 'Z')
                    end as timestamp
                )
        end as parsed_time,
        try_cast(value_text as double) as value_number,
        try_cast(robot_id_text as decimal(20, 6)) as robot_id_number,
        case
            when run_uuid_text rlike '^[0-9]+$' then run_uuid_text
            -- a float rendering such as 1.2405186538561671e+19: digits already lost upstream
            when run_uuid_text rlike '^[0-9]+([.][0-9]*)?[eE][+]?[0-9]+$|^[0-9]+[.][0-9]*$'
                then cast(try_cast(try_cast(run_uuid_text as double) as decimal(38, 0)) as string)
        end as run_uuid_clean
    from trimmed
),

run_median_times as (
    -- A run's median time stays among its real samples when a few rows carry a faulty clock,
    -- which is what the time_outside_run check needs; the approximate percentile keeps a
    -- bounded buffer per run (the exact one would collect every time of the run).
    select
        run_uuid_clean,
        percentile_approx(unix_micros(parsed_time), 0.5, 10000) as median_time_micros
    from cast_values
    where run_uuid_clean is not null and parsed_time is not null and csv_layout_failure is null
    group by run_uuid_clean
),

checked as (
    select
        cast_values.*,
        limits.field as known_field,
        limits.sensor_type as expected_sensor_type,
        limits.min_plausible_value,
        limits.max_plausible_value,
        case
            when cast_values.csv_layout_failure is not null then cast_values.csv_layout_failure
            when cast_values.run_uuid_text is null or cast_values.run_uuid_text = ''
                then 'missing_run_uuid'
            when cast_values.run_uuid_clean is null then 'malformed_run_uuid'
            when cast_values.parsed_time is null then 'unparseable_time'
            -- One stray time would stretch the run's gap-free grid to it (a 2099 stamp in a
            -- 2022 run: about 2e11 buckets of 10 ms).
            when
                abs(unix_micros(cast_values.parsed_time) - run_median_times.median_time_micros)
                > {{ (var('robot_max_run_minutes') | float * 60 * 1000000) | int }}
                then 'time_outside_run'
            when cast_values.value_text is null or cast_values.value_text = '' then 'missing_value'
            when cast_values.value_number is null then 'non_numeric_value'
            when isnan(cast_values.value_number) then 'nan_value'
            when abs(cast_values.value_number) = double('infinity') then 'infinite_value'
            when limits.field is null then 'unknown_field'
            when not (cast_values.sensor_type_text <=> limits.sensor_type)
                then 'sensor_type_mismatch'
            when
                cast_values.robot_id_number is null
                or cast_values.robot_id_number not in ({{ robot_ids | join(', ') }})
                then 'unknown_robot_id'
        end as check_failure
    from cast_values
    left join run_median_times
        on cast_values.run_uuid_clean = run_median_times.run_uuid_clean
    left join {{ ref('robot_forming_sensor_limits') }} as limits
        on cast_values.field_text = limits.field
),

ranked as (
    select
        *,
        case
            when check_failure is null
                then row_number() over (
                    partition by
                        run_uuid_clean,
                        robot_id_number,
                        field_text,
                        sensor_type_text,
                        parsed_time,
                        value_number
                    order by source_file asc, time_text asc
                )
        end as duplicate_rank,
        min(case when check_failure is null then value_number end) over instant
        < max(case when check_failure is null then value_number end) over instant
            as has_conflicting_values
    from checked
    window instant as (
        partition by run_uuid_clean, robot_id_number, field_text, parsed_time
    )
)

select
    source_file,
    time_text,
    value_text,
    field_text,
    robot_id_text,
    run_uuid_text,
    sensor_type_text,
    run_uuid_clean as run_uuid,
    parsed_time as time,  -- noqa: RF04
    field_text as field,  -- noqa: RF04
    -- only a configured id is cast: an id such as 3000000000 would overflow the int (an
    -- error under ANSI mode) and 1.5 would truncate to 1
    case
        when robot_id_number in ({{ robot_ids | join(', ') }})
            then cast(robot_id_number as int)
    end as robot_id,
    sensor_type_text as sensor_type,
    value_number as value,  -- noqa: RF04
    value_number < min_plausible_value
    or value_number > max_plausible_value as is_out_of_range,
    coalesce(has_conflicting_values, false) as is_conflicting_duplicate,
    coalesce(check_failure, case when duplicate_rank > 1 then 'exact_duplicate' end)
        as rejection_reason
from ranked

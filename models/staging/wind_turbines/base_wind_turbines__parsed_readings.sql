{{ config(materialized='table') }}

{#-
  Parses every delivered row and decides its fate (see the docs block
  `wind_turbines_duplicate_rule`): `rejection_reason` is null for the one row kept per
  (turbine_id, reading_at), else one of unexpected_header, wrong_field_count,
  unparseable_timestamp, future_timestamp, unparseable_turbine_id, unknown_turbine_id,
  before_in_service_date, exact_duplicate, conflicting_duplicate.

  A table rather than a view: the parse and the duplicate ranking read every landing file, and
  both staging views, their data tests and the cleaning model query it; as a view each of
  them would parse the landing files again.
-#}
with trimmed as (
    select
        source_file,
        csv_layout_failure,
        trim(timestamp_text) as timestamp_text,
        trim(turbine_id_text) as turbine_id_text,
        trim(wind_speed_text) as wind_speed_text,
        trim(wind_direction_text) as wind_direction_text,
        trim(power_output_text) as power_output_text
    from {{ ref('base_wind_turbines__raw_readings') }}
),

cast_values as (
    select
        source_file,
        csv_layout_failure,
        timestamp_text,
        turbine_id_text,
        wind_speed_text,
        wind_direction_text,
        power_output_text,
        try_cast(timestamp_text as timestamp) as reading_at,
        try_cast(turbine_id_text as decimal(18, 6)) as turbine_id_number,
        try_cast(wind_speed_text as double) as wind_speed_number,
        try_cast(wind_direction_text as double) as wind_direction_number,
        try_cast(power_output_text as double) as power_output_number
    from trimmed
),

parsed as (
    select
        source_file,
        csv_layout_failure,
        timestamp_text,
        turbine_id_text,
        wind_speed_text,
        wind_direction_text,
        power_output_text,
        reading_at,
        case
            when
                turbine_id_number = floor(turbine_id_number)
                and turbine_id_number between -2147483648 and 2147483647
                then cast(turbine_id_number as int)
        end as turbine_id,
        -- NaN parses as a double but is no measurement.
        case when not isnan(wind_speed_number) then wind_speed_number end as wind_speed_m_s,
        case
            when not isnan(wind_direction_number) then wind_direction_number
        end as wind_direction_deg,
        case when not isnan(power_output_number) then power_output_number end as power_output_mw
    from cast_values
),

counted as (
    select
        parsed.*,
        (case when parsed.wind_speed_m_s is null then 1 else 0 end)
        + (case when parsed.wind_direction_deg is null then 1 else 0 end)
        + (case when parsed.power_output_mw is null then 1 else 0 end)
            as invalid_numeric_cell_count,
        registry.turbine_id is not null as is_registered_turbine,
        registry.in_service_from
    from parsed
    left join {{ ref('wind_turbine_registry') }} as registry
        on parsed.turbine_id = registry.turbine_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by turbine_id, reading_at, csv_layout_failure
            order by
                invalid_numeric_cell_count asc,
                power_output_mw asc nulls last,
                wind_speed_m_s asc nulls last,
                wind_direction_deg asc nulls last,
                source_file asc
        ) as key_rank,
        first_value(wind_speed_m_s) over key_order as kept_wind_speed_m_s,
        first_value(wind_direction_deg) over key_order as kept_wind_direction_deg,
        first_value(power_output_mw) over key_order as kept_power_output_mw
    from counted
    window key_order as (
        -- a row of a misread file competes with no reading
        partition by turbine_id, reading_at, csv_layout_failure
        order by
            invalid_numeric_cell_count asc,
            power_output_mw asc nulls last,
            wind_speed_m_s asc nulls last,
            wind_direction_deg asc nulls last,
            source_file asc
        rows between unbounded preceding and current row
    )
)

select
    source_file,
    timestamp_text,
    turbine_id_text,
    wind_speed_text,
    wind_direction_text,
    power_output_text,
    turbine_id,
    reading_at,
    wind_speed_m_s,
    wind_direction_deg,
    power_output_mw,
    invalid_numeric_cell_count,
    case
        when csv_layout_failure is not null then csv_layout_failure
        when reading_at is null then 'unparseable_timestamp'
        when
            {{ is_later_than_build_start('reading_at', var('wind_max_future_minutes')) }}
            then 'future_timestamp'
        when turbine_id is null then 'unparseable_turbine_id'
        when not is_registered_turbine then 'unknown_turbine_id'
        -- a logger clock reset (1970, 2000) would stretch the gap-free series back to it
        when reading_at < cast(in_service_from as timestamp) then 'before_in_service_date'
        when key_rank = 1 then null
        when
            wind_speed_m_s <=> kept_wind_speed_m_s
            and wind_direction_deg <=> kept_wind_direction_deg
            and power_output_mw <=> kept_power_output_mw
            then 'exact_duplicate'
        else 'conflicting_duplicate'
    end as rejection_reason
from ranked

{{ config(materialized='table') }}

{#-
  Every landing row, parsed and classified: `rejection_reason` is null for a usable reading
  that is the one kept for its (meter_id, reading_at). The readings view and the rejected-rows
  view both select from here, so every delivered row lands in exactly one of them.
  A table rather than a view or CTE: the landing CSV is then parsed and deduplicated once per
  build, not once for every model and data test downstream (at per-second readings the parse
  dominates each of them).
-#}

with source_rows as (
    select
        landing_rows.meter as meter_text,
        landing_rows.time as reading_time_text,
        landing_rows.energy as energy_text,
        landing_rows.power as power_text,
        landing_rows._metadata.file_name as source_file
    from {{ source('energy_meters', 'raw_readings') }} as landing_rows
),

parsed_rows as (
    select
        meter_text,
        reading_time_text,
        energy_text,
        power_text,
        source_file,
        nullif(trim(meter_text), '') as meter_id,
        coalesce(
            try_to_timestamp(trim(reading_time_text), 'yyyy-MM-dd HH:mm:ss'),
            try_to_timestamp(trim(reading_time_text), 'yyyy-MM-dd HH:mm')
        ) as reading_at_local,
        try_cast(trim(energy_text) as double) as energy_milliwatt_hours,
        try_cast(trim(power_text) as double) as power_milliwatts
    from source_rows
),

checked_rows as (
    select
        meter_text,
        reading_time_text,
        energy_text,
        power_text,
        source_file,
        meter_id,
        to_utc_timestamp(
            reading_at_local, '{{ var("meters_source_time_zone") }}'
        ) as reading_at,
        energy_milliwatt_hours,
        power_milliwatts,
        case
            when meter_id is null then 'missing_meter_id'
            when reading_at_local is null then 'unparseable_time'
            when
                energy_milliwatt_hours is null
                or isnan(energy_milliwatt_hours)
                or abs(energy_milliwatt_hours) = double('infinity')
                then 'unparseable_energy_counter'
            when
                power_milliwatts is null
                or isnan(power_milliwatts)
                or abs(power_milliwatts) = double('infinity')
                then 'unparseable_power'
        end as parse_failure
    from parsed_rows
),

ranked_rows as (
    select
        *,
        row_number() over (
            partition by meter_id, reading_at
            order by energy_milliwatt_hours desc, power_milliwatts desc, source_file desc
        ) as duplicate_rank,
        first_value(energy_milliwatt_hours) over (
            partition by meter_id, reading_at
            order by energy_milliwatt_hours desc, power_milliwatts desc, source_file desc
        ) as kept_energy_milliwatt_hours,
        first_value(power_milliwatts) over (
            partition by meter_id, reading_at
            order by energy_milliwatt_hours desc, power_milliwatts desc, source_file desc
        ) as kept_power_milliwatts
    from checked_rows
    where parse_failure is null
)

select
    meter_text,
    reading_time_text,
    energy_text,
    power_text,
    source_file,
    meter_id,
    reading_at,
    energy_milliwatt_hours,
    power_milliwatts,
    case
        when duplicate_rank = 1 then null
        when
            energy_milliwatt_hours = kept_energy_milliwatt_hours
            and power_milliwatts = kept_power_milliwatts
            then 'exact_duplicate'
        else 'conflicting_duplicate'
    end as rejection_reason
from ranked_rows

union all

select
    meter_text,
    reading_time_text,
    energy_text,
    power_text,
    source_file,
    meter_id,
    reading_at,
    energy_milliwatt_hours,
    power_milliwatts,
    parse_failure as rejection_reason
from checked_rows
where parse_failure is not null

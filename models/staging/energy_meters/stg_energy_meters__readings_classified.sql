{{
    config(
        materialized='incremental',
        incremental_strategy='insert_overwrite',
        partition_by=['reading_date'],
        on_schema_change='fail'
    )
}}

{#-
  Every landing row, parsed and classified: `rejection_reason` is null for a usable reading
  that is the one kept for its (meter_id, reading_at). The readings view and the rejected-rows
  view both select from here, so every delivered row lands in exactly one of them.

  The delivered text is kept for the rows that fail to parse; a parsed row (a kept reading
  or a duplicate) is stored with its parsed values only.

  Stored rather than a view so that the landing rows, whose parsing and ranking by (meter,
  time) dominate every query over per-second readings, are classified once: an incremental
  run parses only the landing files whose names are not stored yet, and ranks their rows
  together with the stored rows of the UTC days they touch (a duplicate may arrive in a later
  file), overwriting those days' partitions.
-#}

{#- Incremental runs read the new landing files only and rank their UTC days again. -#}
{%- set landing_increment = energy_meters_landing_increment() -%}
{%- set restated_days = landing_increment.restated_days %}

with source_rows as (
    select
        landing_rows.meter as meter_text,
        landing_rows.time as reading_time_text,
        landing_rows.energy as energy_text,
        landing_rows.power as power_text,
        landing_rows.landing_file.file_name as source_file,
        landing_rows.csv_layout_failure
    from {{ landing_increment.new_rows }} as landing_rows
),

parsed_rows as (
    select
        meter_text,
        reading_time_text,
        energy_text,
        power_text,
        source_file,
        csv_layout_failure,
        nullif(trim(meter_text), '') as meter_id,
        {{ energy_meters_reading_at('reading_time_text') }} as reading_at,
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
        reading_at,
        energy_milliwatt_hours,
        power_milliwatts,
        case
            when csv_layout_failure is not null then csv_layout_failure
            when meter_id is null then 'missing_meter_id'
            when reading_at is null then 'unparseable_time'
            when
                {{ is_later_than_build_start('reading_at', var('meters_max_future_minutes')) }}
                then 'future_time'
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
        end as check_failure
    from parsed_rows
),

{% if restated_days %}
-- The stored rows of every day a new row falls on (rows with an unparseable time share the
-- null day), with their parse outcome: a stored duplicate or kept reading is ranked again.
restated_rows as (
    select
        stored_rows.meter_text,
        stored_rows.reading_time_text,
        stored_rows.energy_text,
        stored_rows.power_text,
        stored_rows.source_file,
        stored_rows.meter_id,
        stored_rows.reading_at,
        stored_rows.energy_milliwatt_hours,
        stored_rows.power_milliwatts,
        case
            when
                stored_rows.rejection_reason not in ('exact_duplicate', 'conflicting_duplicate')
                then stored_rows.rejection_reason
        end as check_failure
    from {{ this }} as stored_rows
    {%- set dated = restated_days | reject('none') | list %}
    where
        {%- if dated %}
            stored_rows.reading_date in (
            {%- for day in dated -%}
                date'{{ day }}'{{ ', ' if not loop.last }}
            {%- endfor -%}
            )
        {%- endif %}
        {%- if dated and none in restated_days %} or{% endif %}
        {%- if none in restated_days %} stored_rows.reading_date is null{% endif %}
),

{% endif %}
-- The delivered text travels with the rows that failed to parse only, so that the shuffle and
-- sort of every reading by (meter, time) below carry no text.
classified_input as (
    select
        case when check_failure is not null then meter_text end as meter_text,
        case when check_failure is not null then reading_time_text end as reading_time_text,
        case when check_failure is not null then energy_text end as energy_text,
        case when check_failure is not null then power_text end as power_text,
        source_file,
        meter_id,
        reading_at,
        energy_milliwatt_hours,
        power_milliwatts,
        check_failure
    from checked_rows
    {%- if restated_days %}
        -- restated_rows lists these columns in this order, the text already kept for
        -- failed rows only
        union all
        select * from restated_rows
    {%- endif %}
),

-- One window over every row (a second pass over the failures would parse the landing files
-- twice); rows that failed to parse are grouped apart and their ranks are not used.
ranked_rows as (
    select
        *,
        row_number() over same_reading as duplicate_rank,
        first_value(energy_milliwatt_hours) over same_reading as kept_energy_milliwatt_hours,
        first_value(power_milliwatts) over same_reading as kept_power_milliwatts
    from classified_input
    window same_reading as (
        partition by meter_id, reading_at, check_failure
        order by energy_milliwatt_hours desc, power_milliwatts desc, source_file desc
    )
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
        when check_failure is not null then check_failure
        when duplicate_rank = 1 then null
        when
            energy_milliwatt_hours = kept_energy_milliwatt_hours
            and power_milliwatts = kept_power_milliwatts
            then 'exact_duplicate'
        else 'conflicting_duplicate'
    end as rejection_reason,
    to_date(reading_at) as reading_date
from ranked_rows

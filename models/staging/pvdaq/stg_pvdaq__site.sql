{{ config(materialized='table') }}

{#- One row per system: text cells trimmed, blanks to null, numbers cast (a cell that is not a
    number becomes null), the Koppen class written in its canonical case: first letter upper
    case; the second upper case in the B (BW, BS) and E (ET, EF) groups, lower case otherwise
    (Af, Cfb, Dfc); the rest lower case (`Bsk`, `BSK`, `bsk` -> `BSk`).
    A time zone Spark does not know becomes null (the system's rows without a UTC time are
    then rejected as `unknown_site_time_zone`; the data test
    assert_pv_site_time_zones_are_recognised warns with the delivered text).
    A system listed twice keeps the row of the newest file, as ordered by the macro
    pvdaq_newest_delivery_first.
    A table rather than a view: the metadata files are read twice per query (rows and header
    check, macro landing_csv_rows), and the data tests and models downstream query it often. -#}
with delivered as (
    select
        try_cast(nullif(trim(landed.system_id), '') as int) as ss_id,
        nullif(trim(landed.public_name), '') as public_name,
        try_cast(nullif(trim(landed.latitude), '') as double) as latitude,
        try_cast(nullif(trim(landed.longitude), '') as double) as longitude,
        try_cast(nullif(trim(landed.elevation), '') as double) as elevation,
        try_cast(nullif(trim(landed.av_pressure), '') as double) as av_pressure,
        try_cast(nullif(trim(landed.av_temp), '') as double) as av_temp,
        nullif(trim(landed.climate_type), '') as climate_type_text,
        {{ pvdaq_recognised_time_zone("nullif(trim(landed.time_zone), '')") }} as time_zone,
        landed.delivered_cells,
        landed.landing_file.file_modification_time as source_modified_at,
        landed.landing_file.file_name as source_file
    from {{ landing_csv_rows('pvdaq', 'site') }} as landed
    -- rows of a misread file: stg_pvdaq__rejected_metadata
    where landed.csv_layout_failure is null
),

ranked as (
    select
        *,
        row_number() over (
            partition by ss_id
            {{ pvdaq_newest_delivery_first() }}
        ) as delivery_rank
    from delivered
    where ss_id is not null
)

select
    ss_id,
    public_name,
    latitude,
    longitude,
    elevation,
    av_pressure,
    av_temp,
    concat(
        upper(substr(climate_type_text, 1, 1)),
        case
            when upper(substr(climate_type_text, 1, 1)) in ('B', 'E')
                then upper(substr(climate_type_text, 2, 1))
            else lower(substr(climate_type_text, 2, 1))
        end,
        lower(substr(climate_type_text, 3))
    ) as climate_type,
    time_zone,
    source_file
from ranked
where delivery_rank = 1

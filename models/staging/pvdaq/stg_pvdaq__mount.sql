{{ config(materialized='table') }}

{#- One row per system: azimuth and tilt in degrees, tracking as a boolean (blank = null).
    A system listed twice keeps the row of the newest file, as ordered by the macro
    pvdaq_newest_delivery_first.
    A table rather than a view: the metadata files are read twice per query (rows and header
    check, macro landing_csv_rows), and the data tests and models downstream query it often. -#}
with delivered as (
    select
        try_cast(nullif(trim(landed.system_id), '') as int) as ss_id,
        try_cast(nullif(trim(landed.azimuth), '') as double) as azimuth,
        try_cast(nullif(trim(landed.tilt), '') as double) as tilt,
        case lower(trim(landed.tracking))
            when 'true' then true
            when 'false' then false
        end as is_tracking,
        nullif(trim(landed.mount_type), '') as mount_type,
        landed.delivered_cells,
        landed.landing_file.file_modification_time as source_modified_at,
        landed.landing_file.file_name as source_file
    from {{ landing_csv_rows('pvdaq', 'mount') }} as landed
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
    azimuth,
    tilt,
    is_tracking,
    mount_type,
    source_file
from ranked
where delivery_rank = 1

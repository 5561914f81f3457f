{{ config(materialized='table') }}

{#- Metric catalogue, one row per (ss_id, metric_id): ids cast, blank scale/offset kept as null
    ("not given": scale 1 and offset 0 are applied in base_pvdaq__checked_pvdata), `units` =
    units after scaling. Blank `units` means the raw units only when no scale or offset
    applies; with one, the scaled value's units are unknown (null: its measurements are
    rejected as `unknown_units`), since e.g. kW x 1000 is no longer kW. A metric listed twice
    keeps the row of the newest file, as ordered by the macro pvdaq_newest_delivery_first.
    A table rather than a view: the metadata files are read twice per query (rows and header
    check, macro landing_csv_rows), and the data tests and models downstream query it often. -#}
with parsed as (
    select
        try_cast(nullif(trim(landed.system_id), '') as int) as ss_id,
        try_cast(nullif(trim(landed.metric_id), '') as int) as metric_id,
        nullif(trim(landed.sensor_name), '') as sensor_name,
        nullif(trim(landed.common_name), '') as common_name,
        nullif(trim(landed.raw_units), '') as raw_units,
        nullif(trim(landed.units), '') as delivered_units,
        try_cast(nullif(trim(landed.calc_scale), '') as double) as calc_scale,
        try_cast(nullif(trim(landed.calc_offset), '') as double) as calc_offset,
        landed.delivered_cells,
        landed.landing_file.file_modification_time as source_modified_at,
        landed.landing_file.file_name as source_file
    from {{ landing_csv_rows('pvdaq', 'metrics') }} as landed
    -- rows of a misread file: stg_pvdaq__rejected_metadata
    where landed.csv_layout_failure is null
),

delivered as (
    select
        *,
        coalesce(
            delivered_units,
            case
                when coalesce(calc_scale, 1.0) = 1.0 and coalesce(calc_offset, 0.0) = 0.0
                    then raw_units
            end
        ) as units
    from parsed
),

ranked as (
    select
        *,
        row_number() over (
            partition by ss_id, metric_id
            {{ pvdaq_newest_delivery_first() }}
        ) as delivery_rank
    from delivered
    where ss_id is not null and metric_id is not null
)

select
    ss_id,
    metric_id,
    sensor_name,
    common_name,
    raw_units,
    units,
    calc_scale,
    calc_offset,
    source_file
from ranked
where delivery_rank = 1

{#- Metric catalogue, one row per (ss_id, metric_id): ids cast, blank scale/offset kept as null
    ("not given": scale 1 and offset 0 are applied in base_pvdaq__checked_pvdata), `units` =
    units after scaling (the raw units when blank). A metric listed twice keeps the row of the
    newest file, as ordered by the macro pvdaq_newest_delivery_first. -#}
with delivered as (
    select
        try_cast(nullif(trim(landed.system_id), '') as int) as ss_id,
        try_cast(nullif(trim(landed.metric_id), '') as int) as metric_id,
        nullif(trim(landed.sensor_name), '') as sensor_name,
        nullif(trim(landed.common_name), '') as common_name,
        nullif(trim(landed.raw_units), '') as raw_units,
        coalesce(nullif(trim(landed.units), ''), nullif(trim(landed.raw_units), '')) as units,
        try_cast(nullif(trim(landed.calc_scale), '') as double) as calc_scale,
        try_cast(nullif(trim(landed.calc_offset), '') as double) as calc_offset,
        to_json(struct(landed.*)) as delivered_cells,
        landed._metadata.file_modification_time as source_modified_at,
        landed._metadata.file_name as source_file
    from {{ source('pvdaq', 'metrics') }} as landed
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

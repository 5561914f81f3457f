{{ config(materialized='table') }}

{#- Rows of the metadata tables that no staging model keeps, with the reason and their file:
    a row of a file read in the wrong layout (macro landing_csv_rows), a row without a
    readable key (system id; in `metrics` also metric id), or a row replaced
    by a newer delivery of its key. The key parsing and the delivery order are those of
    stg_pvdaq__site, stg_pvdaq__mount and stg_pvdaq__metrics; the reasons are those of
    stg_pvdaq__rejected_pvdata.
    A table rather than a view: the metadata files are read twice per query (rows and header
    check, macro landing_csv_rows), and the data tests and models downstream query it often. -#}
{#- Only `metrics` rows have a second key column. -#}
{%- set metric_id_of = {
    'site': 'cast(null as string)',
    'mount': 'cast(null as string)',
    'metrics': 'landed.metric_id',
} %}

with delivered as (
    {%- for metadata_table, metric_id_text in metric_id_of.items() %}
        select
            '{{ metadata_table }}' as metadata_table,
            landed.system_id as system_id_text,
            {{ metric_id_text }} as metric_id_text,
            landed.delivered_cells,
            landed.csv_layout_failure,
            landed.landing_file.file_modification_time as source_modified_at,
            landed.landing_file.file_name as source_file
        from {{ landing_csv_rows('pvdaq', metadata_table) }} as landed
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

keyed as (
    select
        metadata_table,
        system_id_text,
        metric_id_text,
        delivered_cells,
        csv_layout_failure,
        source_modified_at,
        source_file,
        try_cast(nullif(trim(system_id_text), '') as int) as ss_id,
        try_cast(nullif(trim(metric_id_text), '') as int) as metric_id
    from delivered
),

ranked as (
    select
        *,
        row_number() over newest_delivery_first as delivery_rank,
        first_value(delivered_cells) over newest_delivery_first as kept_cells
    from keyed
    where
        csv_layout_failure is null
        and ss_id is not null
        and (metadata_table != 'metrics' or metric_id is not null)
    window newest_delivery_first as (
        partition by metadata_table, ss_id, metric_id
        {{ pvdaq_newest_delivery_first() }}
    )
),

classified as (
    select
        metadata_table,
        system_id_text,
        metric_id_text,
        source_file,
        coalesce(csv_layout_failure, 'missing_system_or_metric_id') as rejection_reason
    from keyed
    where
        csv_layout_failure is not null
        or ss_id is null
        or (metadata_table = 'metrics' and metric_id is null)
    union all
    select
        metadata_table,
        system_id_text,
        metric_id_text,
        source_file,
        case
            when delivered_cells = kept_cells then 'duplicate_delivery'
            else 'superseded_by_newer_delivery'
        end as rejection_reason
    from ranked
    where delivery_rank > 1
)

select
    metadata_table,
    source_file,
    rejection_reason,
    system_id_text,
    metric_id_text
from classified

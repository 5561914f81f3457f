{{
    config(
        materialized='incremental',
        incremental_strategy='insert_overwrite',
        partition_by=['ss_id', 'local_date'],
        on_schema_change='fail'
    )
}}

{#- Incremental by landing day partition: a run rebuilds every (ss_id, local_date) partition
    that holds a landing file modified after the newest file already loaded, or whose day is
    at most two days before the newest stored day, from all of that partition's files, and
    overwrites those partitions only (see docs pvdaq_incremental_rule). -#}
{% set sensors = var('pv_sensors') %}

with changed_partitions as (
    select distinct
        landed.ss_id,
        landed.local_date
    from {{ ref('base_pvdaq__pvdata') }} as landed
    {% if is_incremental() %}
        where
            landed.source_modified_at > (
                select coalesce(max(loaded.source_modified_at), timestamp '1900-01-01 00:00:00')
                from {{ this }} as loaded
            )
            -- A reading rejected as future_time is accepted once its time has come, from a file
            -- loaded before. It lies after every stored reading, so its local day is at most
            -- two days (the widest spread of local dates at one instant, 26 h) before the
            -- newest stored day.
            or landed.local_date >= (
                select date_sub(max(loaded.local_date), 2)
                from {{ this }} as loaded
            )
    {% endif %}
),

measurements as (
    select
        kept.ss_id,
        kept.measured_at,
        kept.sensor_name,
        kept.units,
        kept.value,
        kept.local_date,
        kept.source_modified_at
    from {{ ref('stg_pvdaq__measurements') }} as kept
    inner join changed_partitions
        on
            kept.ss_id = changed_partitions.ss_id
            and kept.local_date = changed_partitions.local_date
    {% if sensors | length > 0 %}
        where kept.sensor_name in (
            {%- for sensor in sensors %}'{{ sensor }}'{{ ', ' if not loop.last }}{% endfor -%}
        )
    {% endif %}
)

select
    measured_at as timestamp,  -- noqa: RF04
    sensor_name as sensor,
    units,
    value,
    source_modified_at,
    ss_id,
    local_date
from measurements

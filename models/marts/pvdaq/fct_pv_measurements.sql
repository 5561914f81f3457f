{{
    config(
        materialized='incremental',
        incremental_strategy='insert_overwrite',
        partition_by=['ss_id', 'local_date'],
        on_schema_change='fail',
        pre_hook="{{ pvdaq_clear_emptied_partitions() }}"
    )
}}

{#- Incremental by landing day partition: a run rebuilds every (ss_id, local_date) partition
    that holds a landing file modified after the newest file already loaded, or whose day is
    at most two days before the newest stored day, from all of that partition's files, and
    overwrites those partitions only; its pre-hook first empties the stored ones of those
    partitions that hold no fact any more (see docs pvdaq_incremental_rule). -#}
with rebuilt_partitions as (
    {{ pvdaq_rebuilt_partitions() }}
),

measurements as (
    select
        candidate.ss_id,
        candidate.measured_at,
        candidate.sensor_name,
        candidate.units,
        candidate.value,
        candidate.local_date,
        candidate.source_modified_at
    from ({{ pvdaq_fact_candidates() }}) as candidate
    inner join rebuilt_partitions
        on
            candidate.ss_id = rebuilt_partitions.ss_id
            and candidate.local_date = rebuilt_partitions.local_date
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

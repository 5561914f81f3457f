{#- Kept measurements: one row per (ss_id, metric_id, measured_at), UTC time, scaled value. -#}
select
    ss_id,
    metric_id,
    sensor_name,
    common_name,
    units,
    measured_at,
    measured_on,
    local_date,
    value,
    source_file,
    source_modified_at
from {{ ref('base_pvdaq__checked_pvdata') }}
where rejection_reason is null

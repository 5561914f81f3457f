{#- Delivered measurements that did not become a kept row, with the reason and their file. -#}
select
    source_file,
    rejection_reason,
    ss_id,
    metric_id,
    measured_on,
    utc_measured_on,
    measured_at,
    local_date,
    raw_value
from {{ ref('base_pvdaq__checked_pvdata') }}
where rejection_reason is not null

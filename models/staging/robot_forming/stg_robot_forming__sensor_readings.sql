{#- One row per valid sample: parsed, validated, exact duplicates removed. -#}
select
    run_uuid,
    time,
    robot_id,
    field,
    sensor_type,
    value,
    is_out_of_range,
    is_conflicting_duplicate,
    source_file
from {{ ref('base_robot_forming__parsed_sensor_readings') }}
where rejection_reason is null

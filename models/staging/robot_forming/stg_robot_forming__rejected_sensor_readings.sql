{#- Delivered rows that did not become a sample, with the reason and the file they came from. -#}
select
    source_file,
    rejection_reason,
    time_text,
    value_text,
    field_text,
    robot_id_text,
    run_uuid_text,
    sensor_type_text,
    run_uuid,
    time
from {{ ref('base_robot_forming__parsed_sensor_readings') }}
where rejection_reason is not null

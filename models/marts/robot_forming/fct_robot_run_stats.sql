{#- One row per run: first and last raw sample, runtime and the robots' encoder path lengths. -#}
select
    run_uuid,
    run_start_at,
    run_stop_at,
    total_runtime_s,
    distance_robot_1_mm,
    distance_robot_2_mm,
    total_distance_mm
from {{ ref('int_robot_forming__run_statistics') }}

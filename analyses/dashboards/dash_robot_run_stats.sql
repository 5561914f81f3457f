-- One row per forming run, newest first.
select
    run_uuid,
    run_start_at,
    total_runtime_s,
    distance_robot_1_mm,
    distance_robot_2_mm,
    total_distance_mm
from {{ ref('fct_robot_run_stats') }}
order by run_start_at desc

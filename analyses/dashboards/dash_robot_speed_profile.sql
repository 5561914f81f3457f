-- Mean tool speed of each robot per whole second of each run (the 10 ms grid is too dense
-- to draw).
with seconds_of_run as (
    select
        run_uuid,
        v1,
        v2,
        floor(
            (unix_micros(time) - min(unix_micros(time)) over (partition by run_uuid)) / 1000000
        ) as second_of_run
    from {{ ref('fct_robot_features') }}
)

select
    run_uuid,
    second_of_run,
    avg(v1) as mean_speed_robot_1_mm_s,
    avg(v2) as mean_speed_robot_2_mm_s
from seconds_of_run
group by run_uuid, second_of_run
order by run_uuid, second_of_run

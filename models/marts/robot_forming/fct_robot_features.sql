{{
    config(
        partition_by=(['run_uuid'] if target.type != 'databricks' else none),
        liquid_clustered_by=(['run_uuid'] if target.type == 'databricks' else none),
    )
}}

{#- One row per run and time bucket: gap-free positions and forces, their derivatives and
    norms, and which values were observed in the bucket. Stored partitioned by run_uuid
    (local parquet) or liquid-clustered by run_uuid (Databricks Delta), so that reading one
    run does not scan the others. -#}
select
    run_uuid,
    time,
    x_1,
    y_1,
    z_1,
    x_2,
    y_2,
    z_2,
    fx_1,
    fy_1,
    fz_1,
    fx_2,
    fy_2,
    fz_2,
    vx_1,
    vy_1,
    vz_1,
    vx_2,
    vy_2,
    vz_2,
    ax_1,
    ay_1,
    az_1,
    ax_2,
    ay_2,
    az_2,
    v1,
    v2,
    a1,
    a2,
    f1,
    f2,
    is_observed_x_1,
    is_observed_y_1,
    is_observed_z_1,
    is_observed_x_2,
    is_observed_y_2,
    is_observed_z_2,
    is_observed_fx_1,
    is_observed_fy_1,
    is_observed_fz_1,
    is_observed_fx_2,
    is_observed_fy_2,
    is_observed_fz_2
from {{ ref('int_robot_forming__kinematics') }}

{#- One row per (turbine_id, reading_at): the parsed readings that survived staging. -#}
select
    turbine_id,
    reading_at,
    wind_speed_m_s,
    wind_direction_deg,
    power_output_mw,
    invalid_numeric_cell_count,
    source_file
from {{ ref('base_wind_turbines__parsed_readings') }}
where rejection_reason is null

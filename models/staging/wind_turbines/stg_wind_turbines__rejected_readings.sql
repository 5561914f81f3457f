{#- Delivered rows that did not become a reading, with the reason and the file they came from. -#}
select
    source_file,
    rejection_reason,
    timestamp_text,
    turbine_id_text,
    wind_speed_text,
    wind_direction_text,
    power_output_text,
    turbine_id,
    reading_at
from {{ ref('base_wind_turbines__parsed_readings') }}
where rejection_reason is not null

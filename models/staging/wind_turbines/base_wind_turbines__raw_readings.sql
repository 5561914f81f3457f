{#- Every delivered row as text, with the file it came from and its CSV layout check
    (macro landing_csv_rows). Kept apart from the parsing so that the parsing rules can be
    unit-tested on hand-made rows. -#}
select
    raw_file.timestamp as timestamp_text,
    raw_file.turbine_id as turbine_id_text,
    raw_file.wind_speed as wind_speed_text,
    raw_file.wind_direction as wind_direction_text,
    raw_file.power_output as power_output_text,
    raw_file.landing_file.file_name as source_file,
    raw_file.csv_layout_failure
from {{ landing_csv_rows('wind_turbines', 'raw_readings') }} as raw_file

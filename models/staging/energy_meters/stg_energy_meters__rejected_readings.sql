select
    meter_text,
    reading_time_text,
    energy_text,
    power_text,
    meter_id,
    reading_at,
    energy_milliwatt_hours,
    power_milliwatts,
    rejection_reason,
    source_file
from {{ ref('stg_energy_meters__readings_classified') }}
where rejection_reason is not null

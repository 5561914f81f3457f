select
    meter_id,
    reading_at,
    energy_milliwatt_hours,
    power_milliwatts,
    source_file
from {{ ref('stg_energy_meters__readings_classified') }}
where rejection_reason is null

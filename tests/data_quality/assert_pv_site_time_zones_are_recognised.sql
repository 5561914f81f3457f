-- Warns (never fails) for each delivered site row whose time zone Spark does not know: staging
-- reads it as no time zone, so that system's measurements without a UTC time are rejected
-- (`unknown_site_time_zone`) instead of stopping the build. One row per site row.
{{ config(severity='warn') }}

with delivered_zones as (
    select
        landed.landing_file.file_name as source_file,
        landed.system_id as system_id_text,
        nullif(trim(landed.time_zone), '') as time_zone_text
    from {{ landing_csv_rows('pvdaq', 'site') }} as landed
    -- a row of a misread file is rejected whole (stg_pvdaq__rejected_metadata)
    where landed.csv_layout_failure is null
)

select
    source_file,
    system_id_text,
    time_zone_text
from delivered_zones
where
    time_zone_text is not null
    and {{ pvdaq_recognised_time_zone('time_zone_text') }} is null

{{ config(materialized='view') }}

{#- Site and mount metadata of each system side by side: the input of the SCD2 snapshot
    snap_pvdaq__systems. Systems present in either file appear. -#}
select
    coalesce(site.ss_id, mount.ss_id) as ss_id,
    site.latitude,
    site.longitude,
    site.elevation,
    site.av_pressure,
    site.av_temp,
    site.climate_type,
    site.time_zone,
    mount.azimuth as mount_azimuth,
    mount.tilt as mount_tilt,
    mount.is_tracking as mount_is_tracking
from {{ ref('stg_pvdaq__site') }} as site
full outer join {{ ref('stg_pvdaq__mount') }} as mount
    on site.ss_id = mount.ss_id

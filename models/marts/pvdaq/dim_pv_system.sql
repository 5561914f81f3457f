{#- The current version of each system's metadata: snapshot rows still open (dbt_valid_to is
    null). History: snap_pvdaq__systems. -#}
select
    ss_id,
    latitude,
    longitude,
    elevation,
    av_pressure,
    av_temp,
    climate_type,
    mount_azimuth,
    mount_tilt,
    time_zone,
    mount_is_tracking,
    dbt_valid_from as valid_from
from {{ ref('snap_pvdaq__systems') }}
where dbt_valid_to is null

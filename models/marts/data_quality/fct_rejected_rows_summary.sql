-- One row per feed, landing file and reason: how many raw rows staging could not accept, and
-- one per landing file from which no row could be read.
with wind_turbine_rejections as (
    select
        'wind_turbines' as feed,
        source_file,
        rejection_reason
    from {{ ref('stg_wind_turbines__rejected_readings') }}
),

robot_forming_rejections as (
    select
        'robot_forming' as feed,
        source_file,
        rejection_reason
    from {{ ref('stg_robot_forming__rejected_sensor_readings') }}
),

energy_meter_rejections as (
    select
        'energy_meters' as feed,
        source_file,
        rejection_reason
    from {{ ref('stg_energy_meters__rejected_readings') }}
),

pvdaq_rejections as (
    select
        'pvdaq' as feed,
        source_file,
        rejection_reason
    from {{ ref('stg_pvdaq__rejected_pvdata') }}
),

pvdaq_metadata_rejections as (
    select
        'pvdaq' as feed,
        source_file,
        rejection_reason
    from {{ ref('stg_pvdaq__rejected_metadata') }}
),

all_rejections as (
    select * from wind_turbine_rejections
    union all
    select * from robot_forming_rejections
    union all
    select * from energy_meter_rejections
    union all
    select * from pvdaq_rejections
    union all
    select * from pvdaq_metadata_rejections
),

rejected_row_counts as (
    select
        feed,
        source_file,
        rejection_reason,
        count(*) as rejected_row_count
    from all_rejections
    group by feed, source_file, rejection_reason
),

-- Landing files from which no row could be read: how many rows they hold is unknown.
unread_files as (
    select
        'robot_forming' as feed,
        source_file,
        rejection_reason,
        cast(null as bigint) as rejected_row_count
    from {{ ref('stg_robot_forming__unread_landing_files') }}
)

select
    feed,
    source_file,
    rejection_reason,
    rejected_row_count
from rejected_row_counts
union all
select
    feed,
    source_file,
    rejection_reason,
    rejected_row_count
from unread_files

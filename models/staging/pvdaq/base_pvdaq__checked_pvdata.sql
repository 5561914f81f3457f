{#- Every delivered measurement with its UTC time, scaled value and the decision staging takes
    about it: `rejection_reason` is null for the one row kept per (ss_id, metric_id,
    measured_at). {{ doc('pvdaq_time_rule') }} {{ doc('pvdaq_duplicate_rule') }} -#}
{%- set plausible_ranges = var('pv_plausible_value_ranges') %}

with delivered as (
    select
        ss_id,
        metric_id,
        measured_on,
        utc_measured_on,
        raw_value,
        local_date,
        source_file,
        source_modified_at
    from {{ ref('base_pvdaq__pvdata') }}
),

with_metadata as (
    select
        delivered.*,
        site.time_zone,
        metrics.sensor_name,
        metrics.common_name,
        metrics.units,
        metrics.metric_id is not null as is_known_metric,
        coalesce(metrics.calc_scale, 1.0) as calc_scale,
        coalesce(metrics.calc_offset, 0.0) as calc_offset,
        to_utc_timestamp(delivered.measured_on, site.time_zone) as local_as_utc
    from delivered
    left join {{ ref('stg_pvdaq__site') }} as site
        on delivered.ss_id = site.ss_id
    left join {{ ref('stg_pvdaq__metrics') }} as metrics
        on
            delivered.ss_id = metrics.ss_id
            and delivered.metric_id = metrics.metric_id
),

with_local_alternatives as (
    select
        *,
        -- In a repeated (fall-back) hour a local time has a second UTC instant, one hour
        -- after `local_as_utc` (the first pass); elsewhere the two are equal, except in a
        -- skipped (spring) hour, where neither is the local time (see local_time_exists).
        to_utc_timestamp(measured_on + interval 1 hour, time_zone)
        - interval 1 hour as local_as_utc_second_pass,
        from_utc_timestamp(local_as_utc, time_zone) = cast(measured_on as timestamp)
            as local_time_exists
    from with_metadata
),

converted as (
    select
        *,
        coalesce(utc_measured_on, local_as_utc) as measured_at,
        -- The local clock time the day partition must hold: as delivered, else the UTC time
        -- in the site's zone (null when neither is known).
        coalesce(measured_on, from_utc_timestamp(utc_measured_on, time_zone))
            as local_measured_on,
        utc_measured_on is null and not local_time_exists as is_nonexistent_local_time,
        utc_measured_on is null
        and local_as_utc != local_as_utc_second_pass
            as is_ambiguous_local_time,
        -- A row with both times must name one instant (either pass of a repeated hour; no
        -- instant has a local time of a skipped hour): a local time written as UTC, or a
        -- site zone that does not fit the feed, would otherwise shift the reading by hours
        -- without any trace.
        utc_measured_on is not null
        and (
            not local_time_exists
            or (
                utc_measured_on != local_as_utc
                and utc_measured_on != local_as_utc_second_pass
            )
        ) as is_utc_time_contradicting_local_time,
        raw_value * calc_scale + calc_offset as value  -- noqa: RF04
    from with_local_alternatives
),

checked as (
    select
        *,
        case
            when ss_id is null or metric_id is null then 'missing_system_or_metric_id'
            when raw_value is null or isnan(raw_value) then 'missing_value'
            when not is_known_metric then 'unknown_metric'
            when units is null then 'unknown_units'
            when utc_measured_on is null and measured_on is null then 'missing_time'
            when utc_measured_on is null and time_zone is null then 'unknown_site_time_zone'
            when is_nonexistent_local_time then 'nonexistent_local_time'
            when is_utc_time_contradicting_local_time then 'utc_time_contradicts_local_time'
            when local_date is null or to_date(local_measured_on) != local_date
                then 'outside_day_partition'
            -- a clock far ahead would put energy into hours that have not happened yet
            when {{ is_later_than_build_start('measured_at', var('pv_max_future_minutes')) }}
                then 'future_time'
            when
                abs(value) = double('infinity')
                {%- for units_name, bounds in plausible_ranges.items() %}
                    or (
                        units = '{{ units_name }}'
                        and (value < {{ bounds[0] }} or value > {{ bounds[1] }})
                    )
                {%- endfor %}
                then 'implausible_value'
        end as check_reason
    from converted
),

ranked as (
    select
        *,
        row_number() over (
            partition by ss_id, metric_id, measured_at, check_reason is null
            order by source_modified_at desc, source_file desc, raw_value desc
        ) as delivery_rank,
        first_value(raw_value) over (
            partition by ss_id, metric_id, measured_at, check_reason is null
            order by source_modified_at desc, source_file desc, raw_value desc
        ) as kept_raw_value
    from checked
)

select
    ss_id,
    metric_id,
    sensor_name,
    common_name,
    units,
    measured_on,
    utc_measured_on,
    measured_at,
    local_date,
    raw_value,
    calc_scale,
    calc_offset,
    value,
    is_ambiguous_local_time,
    source_file,
    source_modified_at,
    coalesce(
        check_reason,
        case
            when delivery_rank = 1 then null
            when is_ambiguous_local_time then 'ambiguous_local_time'
            when raw_value = kept_raw_value then 'duplicate_delivery'
            else 'superseded_by_newer_delivery'
        end
    ) as rejection_reason
from ranked

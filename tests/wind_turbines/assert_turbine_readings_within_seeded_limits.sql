{#- Every cleaned value lies within the seeded plausibility limits (seed
    wind_plausibility_limits; power up to rated_power_mw x var wind_power_tolerance).
    Failing rows: the offending readings with the limit they break. -#}
with limits as (
    select
        measure,
        min_value,
        max_value,
        coalesce(max_is_exclusive, false) as max_is_exclusive
    from {{ ref('wind_plausibility_limits') }}
),

registered_readings as (
    select
        readings.turbine_id,
        readings.reading_at,
        readings.wind_speed_m_s,
        readings.wind_direction_deg,
        readings.power_output_mw,
        registry.rated_power_mw
    from {{ ref('fct_turbine_readings') }} as readings
    left join {{ ref('wind_turbine_registry') }} as registry
        on readings.turbine_id = registry.turbine_id
),

readings as (
    select
        turbine_id,
        reading_at,
        'wind_speed_m_s' as measure,
        wind_speed_m_s as measure_value,
        rated_power_mw
    from registered_readings
    union all
    select
        turbine_id,
        reading_at,
        'wind_direction_deg' as measure,
        wind_direction_deg as measure_value,
        rated_power_mw
    from registered_readings
    union all
    select
        turbine_id,
        reading_at,
        'power_output_mw' as measure,
        power_output_mw as measure_value,
        rated_power_mw
    from registered_readings
)

select
    readings.turbine_id,
    readings.reading_at,
    readings.measure,
    readings.measure_value,
    limits.min_value,
    coalesce(
        limits.max_value, readings.rated_power_mw * {{ var('wind_power_tolerance') }}
    ) as max_value
from readings
inner join limits
    on readings.measure = limits.measure
where
    readings.measure_value is not null
    and (
        readings.measure_value < limits.min_value
        or readings.measure_value > coalesce(
            limits.max_value, readings.rated_power_mw * {{ var('wind_power_tolerance') }}
        )
        or (limits.max_is_exclusive and readings.measure_value = limits.max_value)
    )

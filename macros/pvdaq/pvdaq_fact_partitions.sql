{#-
  Which (ss_id, local_date) partitions a run of fct_pv_measurements writes, shared by the
  model and its pre-hook (docs pvdaq_incremental_rule). The model's query runs after the hook
  has emptied partitions, which can only lower the newest stored file time and day it compares
  with: it then rebuilds at least the days the hook looked at.
-#}

{#- The partitions a run rebuilds: every landed day on a full build; on an incremental run
    the days holding a file modified after the newest loaded one, and the days from two days
    before the newest stored day on. -#}
{% macro pvdaq_rebuilt_partitions() -%}
    select distinct
        landed.ss_id,
        landed.local_date
    from {{ ref('base_pvdaq__pvdata') }} as landed
    {% if is_incremental() %}
        where
            landed.source_modified_at > (
                select coalesce(max(loaded.source_modified_at), timestamp '1900-01-01 00:00:00')
                from {{ this }} as loaded
            )
            -- A reading rejected as future_time is accepted once its time has come, from a file
            -- loaded before. It lies after every stored reading, so its local day is at most
            -- two days (the widest spread of local dates at one instant, 26 h) before the
            -- newest stored day.
            or landed.local_date >= (
                select date_sub(max(loaded.local_date), 2)
                from {{ this }} as loaded
            )
    {% endif %}
{%- endmacro %}

{#- The kept measurements of the sensors var `pv_sensors` chooses (all when empty). -#}
{% macro pvdaq_fact_candidates() -%}
    {%- set sensors = var('pv_sensors') -%}
    select
        kept.ss_id,
        kept.measured_at,
        kept.sensor_name,
        kept.units,
        kept.value,
        kept.local_date,
        kept.source_modified_at
    from {{ ref('stg_pvdaq__measurements') }} as kept
    {% if sensors | length > 0 %}
        where kept.sensor_name in (
            {%- for sensor in sensors %}{{ quoted_string_literal(sensor) }}{{ ', ' if not loop.last }}{% endfor -%}
        )
    {% endif %}
{%- endmacro %}

{#- Pre-hook of fct_pv_measurements: on an incremental run, empty the stored partitions the
    run rebuilds but holds no fact for any more (every row of the day now rejected, e.g. a
    corrected file whose values are all blank). The insert_overwrite replaces only the
    partitions its rows fall in, so without this those days would keep their old facts, unlike
    a full refresh. -#}
{% macro pvdaq_clear_emptied_partitions() -%}
    {%- if not execute or not is_incremental() -%}{{ return('') }}{%- endif -%}
    {%- set emptied_sql -%}
        select rebuilt.ss_id, rebuilt.local_date
        from ({{ pvdaq_rebuilt_partitions() }}) as rebuilt
        left semi join (select distinct ss_id, local_date from {{ this }}) as stored
            on rebuilt.ss_id = stored.ss_id and rebuilt.local_date = stored.local_date
        left anti join ({{ pvdaq_fact_candidates() }}) as candidate
            on rebuilt.ss_id = candidate.ss_id and rebuilt.local_date = candidate.local_date
        order by rebuilt.ss_id, rebuilt.local_date
    {%- endset -%}
    {%- set partitions = [] -%}
    {%- for row in run_query(emptied_sql) -%}
        {%- do partitions.append({'ss_id': row['ss_id'], 'local_date': row['local_date']}) -%}
    {%- endfor -%}
    {%- if partitions -%}
        {%- do log('fct_pv_measurements: emptying ' ~ partitions | length
            ~ ' stored day partition(s) whose rows are all rejected now', info=true) -%}
    {%- endif -%}
    {{ return(clear_partitions(this, partitions, config.get('file_format'))) }}
{%- endmacro %}

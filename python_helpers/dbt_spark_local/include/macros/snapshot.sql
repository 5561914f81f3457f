{#-
  dbt snapshots (SCD type 2) on the embedded session's parquet tables.

  dbt-spark's snapshot writes with MERGE, which needs Delta/Iceberg/Hudi, and refuses parquet.
  This materialization keeps dbt's own snapshot logic (strategy macros for `check` and
  `timestamp`, `build_snapshot_table` for the first run, `snapshot_staging_table` for the
  changes) and replaces the MERGE by a rebuild:

    new table = existing rows, with dbt_valid_to set where the staging rows close them
                ('update' and 'delete' changes, matched on dbt_scd_id)
                union all
                the staging rows to insert (new keys and new versions).

  The rebuild is written to `<snapshot>__dbt_rebuild` first and then copied over the snapshot
  with `insert overwrite` (a table cannot be overwritten from a query that reads it), so a
  failure before the copy leaves the snapshot as it was. Standard columns: dbt_scd_id,
  dbt_updated_at, dbt_valid_from, dbt_valid_to (names configurable with
  snapshot_table_column_names, `dbt_valid_to_current` and `hard_deletes` honoured).
-#}
{% materialization snapshot, adapter='spark_local' %}

  {%- set target_table = model.get('alias', model.get('name')) -%}
  {%- set strategy_name = config.get('strategy') -%}
  {%- set grant_config = config.get('grants') -%}

  {% set target_relation_exists, target_relation = get_or_create_relation(
          database=none,
          schema=model.schema,
          identifier=target_table,
          type='table') -%}

  {% if not adapter.check_schema_exists(model.database, model.schema) %}
    {% do create_schema(model.schema) %}
  {% endif %}

  {%- if not target_relation.is_table -%}
    {% do exceptions.relation_wrong_type(target_relation, 'table') %}
  {%- endif -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {% set strategy_macro = strategy_dispatch(strategy_name) %}
  {% set strategy = strategy_macro(model, "snapshotted_data", "source_data", model['config'], target_relation_exists) %}

  {% if not target_relation_exists %}

    {% set build_sql = build_snapshot_table(strategy, model['compiled_code']) %}
    {% call statement('main') %}
      {{ create_table_as(False, target_relation, build_sql) }}
    {% endcall %}

  {% else %}

    {% set columns = config.get("snapshot_table_column_names") or get_snapshot_table_column_names() %}
    {{ adapter.assert_valid_snapshot_target_given_strategy(target_relation, columns, strategy) }}

    {% set staging_table = spark_build_snapshot_staging_table(strategy, sql, target_relation) %}

    {% set remove_columns = ['dbt_change_type', 'DBT_CHANGE_TYPE', 'dbt_unique_key', 'DBT_UNIQUE_KEY'] %}
    {% if config.get('unique_key') | is_list %}
      {% for key in strategy.unique_key %}
        {% do remove_columns.append('dbt_unique_key_' ~ loop.index) %}
        {% do remove_columns.append('DBT_UNIQUE_KEY_' ~ loop.index) %}
      {% endfor %}
    {% endif %}

    {% set missing_columns = adapter.get_missing_columns(staging_table, target_relation)
                               | rejectattr('name', 'in', remove_columns)
                               | list %}
    {% do create_columns(target_relation, missing_columns) %}

    {% set target_columns = adapter.get_columns_in_relation(target_relation) %}
    {% set rebuild_relation = target_relation.incorporate(
          path={"identifier": target_table ~ '__dbt_rebuild'}) %}
    {% do adapter.drop_relation(rebuild_relation) %}

    {% call statement('build_snapshot_rebuild') %}
      {{ create_table_as(False, rebuild_relation,
           spark_local__snapshot_rebuild_sql(target_relation, staging_table, target_columns, columns)) }}
    {% endcall %}

    {% call statement('main') %}
      insert overwrite table {{ target_relation }}
      select
        {%- for column in target_columns %}
        {{ adapter.quote(column.name) }}{{ ',' if not loop.last }}
        {%- endfor %}
      from {{ rebuild_relation }}
    {% endcall %}

    {% do adapter.drop_relation(rebuild_relation) %}

  {% endif %}

  {% set should_revoke = should_revoke(target_relation_exists, full_refresh_mode=False) %}
  {% do apply_grants(target_relation, grant_config, should_revoke=should_revoke) %}
  {% do persist_docs(target_relation, model) %}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}

  {% if staging_table is defined %}
    {% do post_snapshot(staging_table) %}
  {% endif %}

  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}

{% endmaterialization %}


{#- The whole snapshot after this run: existing versions (closed where the staging rows say so)
    and the versions to insert, with the target's columns in the target's order. -#}
{% macro spark_local__snapshot_rebuild_sql(target_relation, staging_relation, target_columns, columns) -%}
  {%- set valid_to = columns.dbt_valid_to -%}
  {%- set scd_id = columns.dbt_scd_id -%}
  {%- set valid_to_current = config.get('dbt_valid_to_current') -%}
  with closing as (
      select {{ scd_id }}, {{ valid_to }}
      from {{ staging_relation }}
      where dbt_change_type in ('update', 'delete')
  ),

  existing as (
      select
        {%- for column in target_columns %}
        {%- if column.name | lower == valid_to | lower %}
          case
            when closing.{{ scd_id }} is not null then closing.{{ valid_to }}
            else snapshotted.{{ valid_to }}
          end as {{ adapter.quote(column.name) }}
        {%- else %}
          snapshotted.{{ adapter.quote(column.name) }}
        {%- endif %}{{ ',' if not loop.last }}
        {%- endfor %}
      from {{ target_relation }} as snapshotted
      left join closing
        on snapshotted.{{ scd_id }} = closing.{{ scd_id }}
        and (
          snapshotted.{{ valid_to }} is null
          {%- if valid_to_current %}
          or snapshotted.{{ valid_to }} = {{ valid_to_current }}
          {%- endif %}
        )
  ),

  inserted as (
      select
        {%- for column in target_columns %}
        {{ adapter.quote(column.name) }}{{ ',' if not loop.last }}
        {%- endfor %}
      from {{ staging_relation }}
      where dbt_change_type = 'insert'
  )

  select * from existing
  union all
  select * from inserted
{%- endmacro %}

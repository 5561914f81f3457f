{#-
  The incremental models replace whole days with `insert_overwrite`. dbt-databricks makes that
  a dynamic partition overwrite only on an all-purpose cluster; on a SQL warehouse it only
  warns and the statement replaces the whole table, so every older day would be lost. A run
  that would build such a model through a SQL warehouse stops before any model runs.

  on_sql_warehouse: none = ask the connection (databricks target only); true/false to check
  the project's models without a connection.
  selected: unique ids of the nodes the run builds; none = the run's selection. An empty
  selection (as in `run-operation`) checks every model.
-#}
{% macro assert_partition_overwrite_supported(on_sql_warehouse=none, selected=none) %}
  {%- if not execute -%}{{ return('') }}{%- endif -%}
  {%- if on_sql_warehouse is none -%}
    {%- set on_sql_warehouse = target.type == 'databricks' and not adapter.is_cluster() -%}
  {%- endif -%}
  {%- if not on_sql_warehouse -%}{{ return('') }}{%- endif -%}
  {%- if selected is none -%}{%- set selected = selected_resources -%}{%- endif -%}
  {%- set overwriting = [] -%}
  {%- for node in graph.nodes.values()
      if node.resource_type == 'model'
      and node.config.materialized == 'incremental'
      and node.config.incremental_strategy == 'insert_overwrite'
      and (not selected or node.unique_id in selected) -%}
    {%- do overwriting.append(node.name) -%}
  {%- endfor -%}
  {%- if overwriting -%}
    {{ exceptions.raise_compiler_error(
        'These incremental models overwrite partitions, which dbt-databricks supports only on '
        ~ 'an all-purpose cluster (on a SQL warehouse every run would replace the whole '
        ~ 'table): ' ~ (overwriting | sort | join(', ')) ~ '. Set DATABRICKS_HTTP_PATH to '
        ~ 'the cluster\'s path (sql/protocolv1/o/<workspace-id>/<cluster-id>).') }}
  {%- endif -%}
{% endmacro %}

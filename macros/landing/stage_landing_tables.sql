{#-
  Exposes every landing folder as an external table, so dbt sources read the files as they
  are now: files that grew or appeared since the last run are seen without any reload.

  A source table opts in with `config: {meta: {landing: ...}}` in its `_<source>__sources.yml`:
    folder:        sub-folder of the landing root (TELEMETRY_LANDING_DIR)
    format:        csv | parquet
    options:       datasource options (pathGlobFilter, mode, ...; a csv table checked by
                   landing_csv_rows takes pathGlobFilter and mode PERMISSIVE only)
    header:        csv only: the expected header line as a list of names, when it differs
                   from the column names (checked by landing_csv_rows)
    partitioned_by: partition columns discovered from `name=value` folders (optional)
  The table's columns and types come from the source's `columns` (`data_type`). Tables are
  dropped and re-created on every run: they are external, so only metadata is replaced,
  and a changed definition or a new partition folder is picked up at once.
-#}
{% macro stage_landing_tables() %}
  {%- if not execute -%}{{ return('') }}{%- endif -%}
  {%- set landing_root = landing_root_path() -%}
  {%- set staged = {} -%}
  {%- for source_node in graph.sources.values() if landing_config(source_node) -%}
    {%- set landing = landing_config(source_node) -%}
    {%- set location = landing_root ~ '/' ~ landing['folder'] -%}
    {%- set relation = api.Relation.create(
          database=source_node.database, schema=source_node.schema,
          identifier=source_node.identifier, type='table') -%}
    {#- Two sources on one landing table would silently read each other's files. -#}
    {%- if relation | string in staged -%}
      {{ exceptions.raise_compiler_error(
          'Landing table ' ~ relation ~ ' is declared by both ' ~ staged[relation | string]
          ~ ' and ' ~ source_node.unique_id ~ ': give one an `identifier` of its own.') }}
    {%- endif -%}
    {%- do staged.update({relation | string: source_node.unique_id}) -%}
    {%- do ensure_landing_folder(location) -%}
    {%- do run_query(create_schema_if_missing(relation)) -%}
    {%- do run_query('drop table if exists ' ~ relation) -%}
    {%- do run_query(landing_table_ddl(relation, source_node, landing, location)) -%}
    {%- if landing.get('partitioned_by') -%}
      {%- do recover_landing_partitions(relation) -%}
    {%- endif -%}
    {{ log('landing table ' ~ relation ~ ' <- ' ~ location, info=false) }}
  {%- endfor -%}
{% endmacro %}

{#- The source table's `config.meta.landing`, or none. -#}
{% macro landing_config(source_node) -%}
  {%- set config_meta = (source_node.config or {}).get('meta') or {} -%}
  {{ return(config_meta.get('landing')) }}
{%- endmacro %}

{% macro create_schema_if_missing(relation) -%}
  create schema if not exists {{ relation.without_identifier() }}
{%- endmacro %}

{#-
  A CSV table is read without a header and with `_corrupt_record` (the line of a row whose
  field count differs from the declared columns): header lines and field counts are checked
  by landing_csv_rows, which staging models select from, instead of lines skipped unread and
  fields dropped silently.
-#}
{% macro landing_table_ddl(relation, source_node, landing, location) -%}
  {%- set partition_columns = landing.get('partitioned_by', []) -%}
  {%- set is_csv = landing['format'] == 'csv' -%}
  {%- if is_csv and 'header' in landing.get('options', {}) -%}
    {{ exceptions.raise_compiler_error(
        source_node.unique_id ~ ': CSV landing tables are read without a header; declare the '
        ~ 'expected header line as `meta.landing.header`, not as the option `header`.') }}
  {%- endif %}
  create table {{ relation }} (
    {%- for column in source_node.columns.values() %}
    {{ column.name }} {{ column.data_type or 'string' }}{{ ',' if not loop.last or is_csv }}
    {%- endfor %}
    {%- if is_csv %}
    _corrupt_record string
    {%- endif %}
  )
  using {{ landing['format'] }}
  {%- if partition_columns %}
  partitioned by ({{ partition_columns | join(', ') }})
  {%- endif %}
  options (
    {%- for key, value in landing.get('options', {}).items() %}
    '{{ key }}' = '{{ value }}',
    {%- endfor %}
    {%- if is_csv %}
    'header' = 'false',
    'columnNameOfCorruptRecord' = '_corrupt_record',
    {%- endif %}
    'path' = '{{ location }}'
  )
{%- endmacro %}

{#- The landing root: TELEMETRY_LANDING_DIR, else (locally) the project's sample_data/. -#}
{% macro landing_root_path() -%}
  {{ return(adapter.dispatch('landing_root_path')()) }}
{%- endmacro %}

{% macro default__landing_root_path() -%}
  {%- set root = env_var('TELEMETRY_LANDING_DIR', '') -%}
  {%- if not root -%}
    {{ exceptions.raise_compiler_error(
        'Set TELEMETRY_LANDING_DIR to the landing location: a path under a Unity Catalog '
        ~ 'external location (e.g. s3://<bucket>/telemetry/landing); tables cannot be defined '
        ~ 'on a volume.') }}
  {%- endif -%}
  {{ return(root.rstrip('/')) }}
{%- endmacro %}

{% macro spark_local__landing_root_path() -%}
  {{ return(adapter.local_landing_dir()) }}
{%- endmacro %}

{% macro recover_landing_partitions(relation) -%}
  {{ return(adapter.dispatch('recover_landing_partitions')(relation)) }}
{%- endmacro %}

{#- The metastore lists a table's partitions: register the folders present now. -#}
{% macro default__recover_landing_partitions(relation) -%}
  {%- do run_query('alter table ' ~ relation ~ ' recover partitions') -%}
{%- endmacro %}

{#- The local session finds partitions from the folders at every read (it does not keep them
    in the metastore; see python_helpers/spark_session.py), new folders included. -#}
{% macro spark_local__recover_landing_partitions(relation) -%}
{%- endmacro %}

{% macro ensure_landing_folder(location) -%}
  {{ return(adapter.dispatch('ensure_landing_folder')(location)) }}
{%- endmacro %}

{#- Cloud landing locations exist once files are written there; nothing to prepare. -#}
{% macro default__ensure_landing_folder(location) -%}
{%- endmacro %}

{#- A missing local folder reads as an empty feed rather than failing every model. -#}
{% macro spark_local__ensure_landing_folder(location) -%}
  {%- do adapter.local_ensure_folder(location) -%}
{%- endmacro %}

{#-
  A landing table's `pathGlobFilter` (a file-name glob such as `*.csv`) as a SQL `like` pattern
  for the file name: `*` becomes `%`, and a literal `_` is escaped (`like` reads it as any one
  character). Other glob syntax (`?`, `[...]`, `{a,b}`) is not translated and stops the
  compilation, so that a model listing landing files never silently disagrees with the
  tables about which files they read.
-#}
{% macro landing_glob_as_like_pattern(glob) -%}
  {%- if not modules.re.fullmatch('[A-Za-z0-9_.*-]+', glob) -%}
    {{ exceptions.raise_compiler_error(
        'pathGlobFilter ' ~ glob ~ ' holds glob syntax other than *: only letters, digits, '
        ~ '".", "-", "_" and "*" are supported where landing files are listed.') }}
  {%- endif -%}
  {{ return(glob.replace('_', '\\_').replace('*', '%')) }}
{%- endmacro %}

{#-
  SQL condition: the file in folder `folder_column` named `name_column` is one that one of
  `sources` reads (in that source's folder and matching its name pattern). `sources`: dicts
  with `folder` and `name_pattern` (from `landing_glob_as_like_pattern`); none gives false.
-#}
{% macro landing_files_covered_by(sources, folder_column, name_column) -%}
  {%- for source_config in sources -%}
    ({{ folder_column }} = '{{ source_config.folder }}'
    and {{ name_column }} like '{{ source_config.name_pattern }}')
    {{- ' or ' if not loop.last }}
  {%- else -%}
    false
  {%- endfor -%}
{%- endmacro %}

{{ config(materialized='table') }}

{#-
  Files in the robot landing folders from which no row was read. Both parquet landing tables
  skip a file whose column types they do not expect (`ignoreCorruptFiles`, so that each
  layout reads its own files when they share a folder), which would also drop, with only a
  line in Spark's log, a file of neither layout, a truncated file or one that is not parquet
  at all; a file that no landing table's name filter matches is not read at all. CSV files
  are always read (every non-blank line but the declared header line becomes a row, rejected
  by staging when it cannot be read or does not parse), so only files that only parquet
  tables cover are checked for rows.

  The folders and name filters are those of the robot sources' `meta.landing` (one shared
  folder locally, a folder each on Databricks). The folders are listed by path with Spark's
  `binaryFile` source (file metadata only; the contents are not read); files are matched by
  `_metadata.file_path` on both sides, which Spark writes the same way for every format. A
  table rather than a view: the listing, and the read of every parquet file's columns, happen
  once per build instead of on every query of the result.
-#}

{#- Named here so that dbt records them as this model's sources when it parses the project. -#}
{%- set parquet_source_names = [
    'raw_sensor_readings_parquet',
    'raw_sensor_readings_parquet_float_uuid',
] %}
{%- set landing_sources = [] %}
{%- if execute %}
    {%- for node in graph.sources.values() if node.source_name == 'robot_forming' %}
        {%- set landing = landing_config(node) %}
        {%- if landing %}
            {%- do landing_sources.append({
                'name': node.name,
                'format': landing['format'],
                'columns': node.columns.keys() | list,
                'folder': landing_root_path() ~ '/' ~ landing['folder'],
                'name_pattern': landing_glob_as_like_pattern(
                    landing.get('options', {}).get('pathGlobFilter', '*')),
            }) %}
        {%- endif %}
    {%- endfor %}
    {%- set parquet_names = landing_sources | selectattr('format', 'equalto', 'parquet')
        | map(attribute='name') | sort %}
    {%- if parquet_names != parquet_source_names | sort %}
        {{ exceptions.raise_compiler_error(
            'The robot parquet landing sources are ' ~ parquet_names ~ ', this model reads '
            ~ parquet_source_names ~ ': list them in parquet_source_names.') }}
    {%- endif %}
{%- endif %}
{%- set landing_folders = landing_sources | map(attribute='folder') | unique | list %}
{%- set parquet_sources = landing_sources | selectattr('format', 'equalto', 'parquet') | list %}
{#- Per parquet source: "a declared column holds a value" (none while dbt only parses). -#}
{%- set row_has_a_value = {} %}
{%- for source_config in parquet_sources %}
    {%- set conditions = [] %}
    {%- for column in source_config.columns %}
        {%- do conditions.append('parquet_file.' ~ column ~ ' is not null') %}
    {%- endfor %}
    {%- do row_has_a_value.update({
        source_config.name: conditions | join('\n            or ')
    }) %}
{%- endfor %}

with landed_files as (
    {%- for folder in landing_folders %}
        select
            '{{ folder }}' as landing_folder,
            landing_folder_file._metadata.file_path as source_file_path,
            {{ decoded_file_name('landing_folder_file._metadata.file_name') }} as source_file,
            landing_folder_file.length as file_size_bytes,
            landing_folder_file.modificationtime as file_modified_at
        from binaryfile.`{{ folder }}` as landing_folder_file
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

-- Parquet files that gave at least one row with a value, in either layout. The filter reads
-- every column the source declares: a query of the file name alone is answered from each
-- file's footer, which reads whatever the column types, while a file of the other layout
-- fails (and is skipped) as soon as its columns are read, as it does in staging.
parquet_files_with_rows as (
    {%- for source_name in parquet_source_names %}
        select parquet_file._metadata.file_path as source_file_path
        from {{ source('robot_forming', source_name) }} as parquet_file
        where
            {{ row_has_a_value.get(source_name, 'true') }}
        {%- if not loop.last %}
            union
        {%- endif %}
    {%- endfor %}
),

classified_files as (
    select
        landed_files.source_file,
        landed_files.file_size_bytes,
        landed_files.file_modified_at,
        case
            when
                {{ landing_files_covered_by(
                    landing_sources | rejectattr('format', 'equalto', 'parquet'),
                    'landed_files.landing_folder',
                    'landed_files.source_file'
                ) }}
                then null
            when not ({{ landing_files_covered_by(
                    parquet_sources, 'landed_files.landing_folder', 'landed_files.source_file'
                ) }})
                then 'unrecognised_file_name'
            when parquet_files_with_rows.source_file_path is null then 'parquet_file_not_read'
        end as rejection_reason
    from landed_files
    left join parquet_files_with_rows
        on landed_files.source_file_path = parquet_files_with_rows.source_file_path
)

select
    source_file,
    file_size_bytes,
    file_modified_at,
    rejection_reason
from classified_files
where rejection_reason is not null

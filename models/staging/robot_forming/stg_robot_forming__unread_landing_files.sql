{{ config(materialized='table') }}

{#-
  Files in the robot landing folder from which no row was read. Both parquet landing tables
  skip a file whose column types they do not expect (`ignoreCorruptFiles`, so that each
  layout reads its own files), which would also drop, with only a line in Spark's log, a
  file of neither layout, a truncated file or one that is not parquet at all; a file matching
  neither `*.csv` nor `*.parquet` is not read by any landing table. CSV files are always read
  (every line becomes a row, rejected by staging when it does not parse), so only parquet
  files are checked for rows.

  The folder is listed by path with Spark's `binaryFile` source (file metadata only; the
  contents are not read). A table rather than a view: the listing, and the read of every
  parquet file's columns, happen once per build instead of on every query of the result.
-#}

{#- The landing root is resolved when the model runs: parsing needs no landing location. -#}
{%- set robot_landing_folder = landing_root_path() ~ '/robot_forming' if execute else '' %}

with landed_files as (
    select
        element_at(split(landing_folder.path, '/'), -1) as source_file,
        landing_folder.length as file_size_bytes,
        landing_folder.modificationtime as file_modified_at
    from binaryfile.`{{ robot_landing_folder }}` as landing_folder
),

-- Parquet files that gave at least one row with a value. The filter reads every declared
-- column: a query of the file name alone is answered from each file's footer, which reads
-- whatever the column types, while a file of the other layout fails (and is skipped) as
-- soon as its columns are read, as it does in staging.
parquet_files_with_rows as (
    select text_uuid_file._metadata.file_name as source_file
    from {{ source('robot_forming', 'raw_sensor_readings_parquet') }} as text_uuid_file
    where
        text_uuid_file.time is not null
        or text_uuid_file.value is not null
        or text_uuid_file.field is not null
        or text_uuid_file.robot_id is not null
        or text_uuid_file.run_uuid is not null
        or text_uuid_file.sensor_type is not null
    union
    select float_uuid_file._metadata.file_name as source_file
    from {{ source('robot_forming', 'raw_sensor_readings_parquet_float_uuid') }} as float_uuid_file
    where
        float_uuid_file.time is not null
        or float_uuid_file.value is not null
        or float_uuid_file.field is not null
        or float_uuid_file.robot_id is not null
        or float_uuid_file.run_uuid is not null
        or float_uuid_file.sensor_type is not null
),

classified_files as (
    select
        landed_files.source_file,
        landed_files.file_size_bytes,
        landed_files.file_modified_at,
        case
            when landed_files.source_file like '%.csv' then null
            when not landed_files.source_file like '%.parquet' then 'unrecognised_file_name'
            when parquet_files_with_rows.source_file is null then 'parquet_file_not_read'
        end as rejection_reason
    from landed_files
    left join parquet_files_with_rows
        on landed_files.source_file = parquet_files_with_rows.source_file
)

select
    source_file,
    file_size_bytes,
    file_modified_at,
    rejection_reason
from classified_files
where rejection_reason is not null

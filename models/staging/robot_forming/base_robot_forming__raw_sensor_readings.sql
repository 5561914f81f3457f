{#- Every delivered row of every landing file (CSV and both parquet layouts) as text, with the
    file it came from and, for CSV rows, the layout check of macro landing_csv_rows. No
    parsing yet; run_uuid of float64 files is rendered as an integer without exponent (its
    lost digits cannot be recovered). -#}
with csv_rows as (
    select
        csv_file.time as time_text,
        csv_file.value as value_text,
        csv_file.field as field_text,
        csv_file.robot_id as robot_id_text,
        csv_file.run_uuid as run_uuid_text,
        csv_file.sensor_type as sensor_type_text,
        csv_file.landing_file.file_name as source_file,
        csv_file.csv_layout_failure
    from {{ landing_csv_rows('robot_forming', 'raw_sensor_readings_csv') }} as csv_file
),

parquet_rows as (
    select
        parquet_file.time as time_text,
        cast(parquet_file.value as string) as value_text,
        parquet_file.field as field_text,
        cast(parquet_file.robot_id as string) as robot_id_text,
        parquet_file.run_uuid as run_uuid_text,
        parquet_file.sensor_type as sensor_type_text,
        {{ decoded_file_name('parquet_file._metadata.file_name') }} as source_file,
        cast(null as string) as csv_layout_failure
    from {{ source('robot_forming', 'raw_sensor_readings_parquet') }} as parquet_file
),

-- A file without a run_uuid column fits both parquet layouts, so both tables read it; its rows
-- are taken from the text layout's table only, so that they count once. The files are found
-- through rows whose run_uuid was read: a file is skipped as not matching the text layout only
-- when that column is read, not when its path alone is.
files_without_run_uuid as (
    select distinct text_uuid_file._metadata.file_path as source_path
    from {{ source('robot_forming', 'raw_sensor_readings_parquet') }} as text_uuid_file
    where text_uuid_file.run_uuid is null
),

float_uuid_parquet_rows as (
    select
        float_uuid_file.time as time_text,
        cast(float_uuid_file.value as string) as value_text,
        float_uuid_file.field as field_text,
        cast(float_uuid_file.robot_id as string) as robot_id_text,
        cast(try_cast(float_uuid_file.run_uuid as decimal(38, 0)) as string) as run_uuid_text,
        float_uuid_file.sensor_type as sensor_type_text,
        {{ decoded_file_name('float_uuid_file._metadata.file_name') }} as source_file,
        cast(null as string) as csv_layout_failure
    from {{ source('robot_forming', 'raw_sensor_readings_parquet_float_uuid') }} as float_uuid_file
    left anti join files_without_run_uuid
        on float_uuid_file._metadata.file_path = files_without_run_uuid.source_path
)

select * from csv_rows
union all
select * from parquet_rows
union all
select * from float_uuid_parquet_rows

{#- Every delivered measurement with its partition values and the file it came from. Kept apart
    from the checks so that the time and scaling rules can be unit-tested on hand-made rows. -#}
select
    landed.system_id as ss_id,
    landed.metric_id,
    landed.measured_on,
    landed.utc_measured_on,
    landed.value as raw_value,
    try_to_date(
        format_string('%04d-%02d-%02d', landed.year, landed.month, landed.day), 'yyyy-MM-dd'
    ) as local_date,
    {{ decoded_file_name('landed._metadata.file_path') }} as source_file,
    landed._metadata.file_modification_time as source_modified_at
from {{ source('pvdaq', 'pvdata') }} as landed

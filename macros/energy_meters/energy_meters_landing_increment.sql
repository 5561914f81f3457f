{#-
  What a run of stg_energy_meters__readings_classified reads, decided at compile time from the
  stored table (`this`) and the landing table:
  - `new_rows`: the landing rows to classify (macro landing_csv_rows, to select from): on an
    incremental run, those of the files whose names are not stored yet, excluded by a list of
    literals, not a subquery, so that Spark skips the stored files when it lists the folder
    instead of parsing them and discarding their rows; else every landing row.
  - `restated_days`: the UTC days (as `yyyy-MM-dd` text; none for an unparseable time) of
    those rows, whose stored rows are ranked again; empty on a first build or a full refresh,
    and while dbt only parses the project.
-#}
{% macro energy_meters_landing_increment() -%}
    {%- set increment = {
        'new_rows': landing_csv_rows('energy_meters', 'raw_readings'),
        'restated_days': [],
    } -%}
    {%- if is_incremental() and execute -%}
        {%- set stored_query = 'select distinct source_file from ' ~ this -%}
        {%- set stored_files = run_query(stored_query).columns[0].values() -%}
        {%- do increment.update({'new_rows': landing_csv_rows(
            'energy_meters', 'raw_readings', excluded_file_names=stored_files
        )}) -%}
        {%- do increment.update({'restated_days': run_query(
            'select distinct cast(to_date(' ~ energy_meters_reading_at('landing_rows.time')
            ~ ') as string) from ' ~ increment.new_rows ~ ' as landing_rows'
        ).columns[0].values()}) -%}
    {%- endif -%}
    {{ return(increment) }}
{%- endmacro %}

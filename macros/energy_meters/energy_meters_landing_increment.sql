{#-
  What an incremental run of stg_energy_meters__readings_classified reads, decided at compile
  time from the stored table (`this`) and the landing table `landing_relation` (aliased
  `landing_rows` in the model):
  - `new_files_filter`: a `where` clause keeping the landing files whose names are not stored
    yet; a list of literals, not a subquery, so that Spark skips the stored files when it lists
    the folder instead of parsing them and discarding their rows. Empty when nothing is stored.
  - `restated_days`: the UTC days (as `yyyy-MM-dd` text; none for an unparseable time) of
    those files' rows, whose stored rows are ranked again.
  Both empty on a first build or a full refresh, and while dbt only parses the project.
-#}
{% macro energy_meters_landing_increment(landing_relation) -%}
    {%- set increment = {'new_files_filter': '', 'restated_days': []} -%}
    {%- if is_incremental() and execute -%}
        {%- set stored_query = 'select distinct source_file from ' ~ this -%}
        {%- set stored_files = run_query(stored_query).columns[0].values() -%}
        {%- if stored_files -%}
            {%- set quoted_files = [] -%}
            {%- for file_name in stored_files -%}
                {%- do quoted_files.append(quoted_string_literal(file_name)) -%}
            {%- endfor -%}
            {%- do increment.update({
                'new_files_filter': 'where landing_rows._metadata.file_name not in ('
                    ~ quoted_files | join(', ') ~ ')'
            }) -%}
        {%- endif -%}
        {%- do increment.update({'restated_days': run_query(
            'select distinct cast(to_date(' ~ energy_meters_reading_at('landing_rows.time')
            ~ ') as string) from ' ~ landing_relation
            ~ ' as landing_rows ' ~ increment.new_files_filter
        ).columns[0].values()}) -%}
    {%- endif -%}
    {{ return(increment) }}
{%- endmacro %}

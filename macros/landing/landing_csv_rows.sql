{#-
  The rows of a CSV landing table (declared in `sources:` with `meta.landing.format: csv`),
  without header lines, as a parenthesised query to select from. Columns: every declared
  column (text, by position in the line), `delivered_cells` (the declared cells as JSON),
  `landing_file` (struct of the file's `file_name` and `file_path` as on disk, see
  decoded_file_name, and its `file_modification_time`) and `csv_layout_failure`:
  - `unexpected_header`: the row's file holds a header line other than the declared one
    (`meta.landing.header`, else the column names): a reordered, renamed, added or missing
    column would put values under the wrong names, often values that pass each other's
    checks (an energy counter read as power), so every row of that file is refused;
  - `wrong_field_count`: the line has more or fewer fields than declared (Spark keeps the
    line in `_corrupt_record`): a stray separator shifts every later value;
  - null for a row read as declared.

  Landing tables read CSV without a header (see landing_table_ddl), so that a header line is
  a row this macro can check rather than a line Spark skips unread: a file delivered without
  a header line would otherwise lose its first reading. A header line is a line where two or
  more cells (trimmed, any letter case) are names of the declared header. Files with another
  header line are found by reading the same files as text lines (the landing folder and the
  table's file-name filter) and parsing only the lines that contain a header name: a second
  CSV parse of every line would cost about twice as much. A line equal to the
  declared header is dropped wherever it appears (concatenated files repeat it); a file
  without any header line is read by position, the declared layout.

  `excluded_file_names`: names of files not to read, as a list of literals, so that Spark
  skips them when it lists the folder (incremental models that read new files only).
-#}
{% macro landing_csv_rows(source_name, table_name, excluded_file_names=[]) -%}
    {%- set relation = source(source_name, table_name) -%}
    {#- While parsing, and in a unit test (whose graph holds no sources), the relation is
        passed through: a unit test's given rows for the source stand for this macro's
        output (the declared columns, delivered_cells, landing_file, csv_layout_failure). -#}
    {%- if not execute or not graph.get('sources') -%}
        {{ return('(select * from ' ~ relation ~ ')') }}
    {%- endif -%}
    {%- set source_node = graph.sources.values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name)
        | first -%}
    {%- set landing = landing_config(source_node) or {} -%}
    {%- set columns = source_node.columns.keys() | list -%}
    {%- set header_names = landing.get('header', columns) -%}
    {%- if landing.get('format') != 'csv' or header_names | length != columns | length -%}
        {{ exceptions.raise_compiler_error(
            source_node.unique_id ~ ': landing_csv_rows needs a csv landing table whose '
            ~ '`header` (if given) names each of its ' ~ columns | length ~ ' columns.') }}
    {%- endif -%}
    {#- The text-line scan below reads the folder by path, which takes no options: another
        option (an encoding, a line separator, a recursive lookup) would make it read other
        lines or files than the table does. -#}
    {%- set unsupported_options = landing.get('options', {}).keys()
        | reject('in', ['pathGlobFilter', 'mode']) | list -%}
    {%- if unsupported_options or landing.get('options', {}).get('mode', 'PERMISSIVE') != 'PERMISSIVE' -%}
        {{ exceptions.raise_compiler_error(
            source_node.unique_id ~ ': landing_csv_rows supports the options pathGlobFilter '
            ~ 'and mode PERMISSIVE only, not ' ~ landing.get('options')) }}
    {%- endif -%}
    (
        -- the few files with an unexpected header are sent to every task: the landing rows
        -- are never shuffled for this join
        select /*+ broadcast(unexpected_header_files) */
            {%- for column in columns %}
            landed.{{ column }},
            {%- endfor %}
            -- every delivered cell, to tell a repeated row from a changed one
            to_json(struct(
                {%- for column in columns -%}
                    landed.{{ column }}{{ ', ' if not loop.last }}
                {%- endfor -%}
            )) as delivered_cells,
            named_struct(
                'file_name', {{ decoded_file_name('landed._metadata.file_name') }},
                'file_path', {{ decoded_file_name('landed._metadata.file_path') }},
                'file_modification_time', landed._metadata.file_modification_time
            ) as landing_file,
            case
                when unexpected_header_files.file_path is not null then 'unexpected_header'
                when landed._corrupt_record is not null then 'wrong_field_count'
            end as csv_layout_failure
        from {{ relation }} as landed
        left join (
            select distinct header_line.file_path
            from (
                select
                    landed_line._metadata.file_path as file_path,
                    from_csv(
                        landed_line.value,
                        '{% for column in columns %}`{{ column }}` string, {% endfor -%}
                        _corrupt_record string',
                        map(
                            'mode', 'PERMISSIVE',
                            'columnNameOfCorruptRecord', '_corrupt_record'
                        )
                    ) as cells
                from text.`{{ landing_root_path() ~ '/' ~ landing['folder'] }}` as landed_line
                -- only a line holding a header name can be a header line: the other lines
                -- are not parsed
                where
                    {%- if landing.get('options', {}).get('pathGlobFilter') %}
                    {{ decoded_file_name('landed_line._metadata.file_name') }} like {{ quoted_string_literal(
                        landing_glob_as_like_pattern(landing['options']['pathGlobFilter'])) }}
                    and
                    {%- endif %}
                    (
                    {%- for name in header_names | reject('equalto', '') %}
                        lower(landed_line.value) like {{ quoted_string_literal('%' ~ name | lower ~ '%') }}
                        {{- ' or' if not loop.last }}
                    {%- endfor %}
                    )
                    {{ _excluded_files_filter('landed_line', excluded_file_names) }}
            ) as header_line
            where
                {{ _is_header_line('header_line.cells', columns, header_names) }}
                and not {{ _is_declared_header('header_line.cells', columns, header_names) }}
        ) as unexpected_header_files
            on landed._metadata.file_path = unexpected_header_files.file_path
        where
            not {{ _is_declared_header('landed', columns, header_names) }}
            {{ _excluded_files_filter('landed', excluded_file_names) }}
    )
{%- endmacro %}

{#- `and <alias>'s file is none of excluded_file_names` (names as on disk, as models store
    them); nothing when the list is empty. A filter on the file name alone, decoded or
    not, is applied when Spark lists the folder: an excluded file is not read. -#}
{% macro _excluded_files_filter(alias, excluded_file_names) -%}
    {%- if excluded_file_names -%}
        {%- set quoted_names = [] -%}
        {%- for file_name in excluded_file_names -%}
            {%- do quoted_names.append(quoted_string_literal(file_name)) -%}
        {%- endfor -%}
        and {{ decoded_file_name(alias ~ '._metadata.file_name') }}
            not in ({{ quoted_names | join(', ') }})
    {%- endif -%}
{%- endmacro %}

{#- True when two or more cells of the row are names of the declared header. -#}
{% macro _is_header_line(alias, columns, header_names) -%}
    {%- set names = header_names | reject('equalto', '') | map('lower') | list -%}
    (
    {%- for column in columns %}
        case
            when lower(trim({{ alias }}.{{ column }})) in (
                {%- for name in names -%}
                    {{ quoted_string_literal(name) }}{{ ', ' if not loop.last }}
                {%- endfor -%}
            ) then 1 else 0
        end{{ ' +' if not loop.last }}
    {%- endfor %}
    ) >= 2
{%- endmacro %}

{#- True when the row is the declared header line, cell by cell (trimmed, any letter case; an
    empty declared name matches an empty cell). -#}
{% macro _is_declared_header(alias, columns, header_names) -%}
    (
        {{ alias }}._corrupt_record is null
    {%- for column in columns %}
        and coalesce(lower(trim({{ alias }}.{{ column }})), '')
            = {{ quoted_string_literal(header_names[loop.index0] | lower) }}
    {%- endfor %}
    )
{%- endmacro %}

{#-
    telemetry_calendar_dateparts()

    The dateparts the generic tests accept for periods and intervals; date_trunc,
    timestampadd and timestampdiff support each of them on Spark and Databricks.
-#}
{% macro telemetry_calendar_dateparts() -%}
    {{ return(['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']) }}
{%- endmacro %}

{#-
    telemetry_column_list(columns)

    A list of column names from a list, a single name, or none (empty list), so that a test's
    `group_by` / `column_list` argument may be written either way in YAML.
-#}
{% macro telemetry_column_list(columns) -%}
    {%- if columns is none -%}
        {{ return([]) }}
    {%- elif columns is string -%}
        {{ return([columns]) }}
    {%- else -%}
        {{ return(columns | list) }}
    {%- endif -%}
{%- endmacro %}

{#-
  `value` as a Spark SQL string literal: single quotes, with backslashes and single quotes
  escaped by a backslash (Spark's default `spark.sql.parser.escapedStringLiterals=false`).
-#}
{% macro quoted_string_literal(value) -%}
    '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}

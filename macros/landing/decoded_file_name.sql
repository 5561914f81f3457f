{#-
  The file name (or path) as it is on disk, from Spark's `_metadata.file_name` or
  `_metadata.file_path`, which percent-encode it as a URI (`late 2024.csv` is reported as
  `late%202024.csv`, `100%.csv` as `100%25.csv`). `url_decode` alone would also turn a
  literal `+`, which the URI form leaves as it is, into a blank: it is escaped first.
-#}
{% macro decoded_file_name(encoded_name) -%}
    url_decode(replace({{ encoded_name }}, '+', '%2B'))
{%- endmacro %}

{#-
  The order in which deliveries of one metadata key compete: the newest file first, then the
  last file name, then (two rows of the key in one file) the row whose delivered cells, as
  JSON text, sort last. The last rule only makes the choice the same in every model that
  ranks deliveries (the staging models keep rank 1, stg_pvdaq__rejected_metadata rejects
  the rest); the file does not say which of its two rows is meant. Expects the columns
  `source_modified_at`, `source_file` and `delivered_cells` (from macro landing_csv_rows).
-#}
{% macro pvdaq_newest_delivery_first() -%}
    order by source_modified_at desc, source_file desc, delivered_cells desc
{%- endmacro %}

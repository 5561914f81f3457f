{#-
  The energy meters' reading time in UTC from the delivered text `time_text` (a column or
  expression): `yyyy-MM-dd HH:mm:ss` or `yyyy-MM-dd HH:mm`, naive, in the zone named by the var
  `meters_source_time_zone`. Null when the text matches neither format.
-#}
{% macro energy_meters_reading_at(time_text) -%}
    to_utc_timestamp(
        coalesce(
            try_to_timestamp(trim({{ time_text }}), 'yyyy-MM-dd HH:mm:ss'),
            try_to_timestamp(trim({{ time_text }}), 'yyyy-MM-dd HH:mm')
        ),
        '{{ var("meters_source_time_zone") }}'
    )
{%- endmacro %}

{#-
  The time zone text `zone_text` (a column or expression, already trimmed) when Spark knows
  it, else null. Spark's zone functions (`to_utc_timestamp`, `from_utc_timestamp`) stop the
  whole query on a name they do not know (`Mountain`, `Foo/Bar`); the cast of a time followed
  by a zone returns null for the same names instead, and accepts what those functions accept:
  IANA names (`America/Denver`), fixed offsets (`-07:00`, `-7`, `GMT-7`), `UTC`, `Z` and
  Java's short ids (`PST`). The first character is checked too, so that text such as `.5`
  cannot pass as a fraction of the second.
-#}
{% macro pvdaq_recognised_time_zone(zone_text) -%}
    case
        when
            {{ zone_text }} rlike '^[A-Za-z+-]'
            and try_cast(concat('2000-01-01 00:00:00 ', {{ zone_text }}) as timestamp)
            is not null
            then {{ zone_text }}
    end
{%- endmacro %}

-- Warns (never fails) when any landing row was rejected; the warning count is the number of
-- (feed, file, reason) groups, and fct_rejected_rows_summary holds the row counts.
{{ config(severity='warn') }}

select
    feed,
    source_file,
    rejection_reason,
    rejected_row_count
from {{ ref('fct_rejected_rows_summary') }}

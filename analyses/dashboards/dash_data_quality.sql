-- Rejected raw rows per feed and reason, most frequent first.
select
    feed,
    rejection_reason,
    count(distinct source_file) as source_file_count,
    sum(rejected_row_count) as rejected_row_count
from {{ ref('fct_rejected_rows_summary') }}
group by feed, rejection_reason
order by rejected_row_count desc, feed asc, rejection_reason asc

-- Line items received after their commit date, and the quantity they carried (column-to-column comparison).
select count(*) as late_lines, sum(l_quantity) as late_quantity
from lineitem
where l_receiptdate > l_commitdate;

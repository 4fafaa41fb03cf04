-- Revenue lost to returns in the last quarter of 1993 (string equality, BETWEEN dates, arithmetic in SUM).
select sum(l_extendedprice * (1 - l_discount)) as lost_revenue, count(*) as returned_lines
from lineitem
where l_returnflag = 'R'
	and l_shipdate between date '1993-10-01' and date '1993-12-31';

-- Top-N row selection: the ten January 1995 line items with the most revenue (each storage node keeps its best ten; the compute node merges and sorts them).
select l_orderkey, l_linenumber, l_shipdate, l_extendedprice * (1 - l_discount) as revenue
from lineitem
where l_shipdate >= date '1995-01-01' and l_shipdate < date '1995-02-01'
order by revenue desc, l_orderkey, l_linenumber
limit 10;

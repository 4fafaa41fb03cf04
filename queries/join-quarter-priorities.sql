-- Late lines of the orders placed in 1995's first quarter, by order priority: TPC-H Q3's explicit JOIN ... ON syntax, lineitem probing orders
select
	o_orderpriority,
	count(*) as late_lines,
	sum(l_extendedprice * (1 - l_discount)) as revenue
from
	lineitem
	join orders on o_orderkey = l_orderkey
where
	o_orderdate >= date '1995-01-01'
	and o_orderdate < date '1995-01-01' + interval '3' month
	and l_commitdate < l_receiptdate
group by
	o_orderpriority
order by
	o_orderpriority;

-- Orders whose comment mentions "furiously" (LIKE with an infix pattern) placed in 1995, by status.
select o_orderstatus, count(*) as orders, sum(o_totalprice) as value
from orders
where o_comment like '%furiously%'
	and o_orderdate between date '1995-01-01' and date '1995-12-31'
group by o_orderstatus
order by o_orderstatus;

-- Customers with many orders and their share of urgent ones: HAVING on a count, a ratio of a conditional count, GROUP BY by position.
select o_custkey,
       count(*) as orders,
       100.00 * count(case when o_orderpriority = '1-URGENT' then 1 end) / count(*) as urgent_pct,
       sum(o_totalprice) / count(*) as mean_price
from orders
group by 1
having count(*) >= 3 and sum(o_totalprice) > 100000
order by orders desc, o_custkey
limit 20;

-- Distinct counts: how many different clerks handled finished orders of each priority (COUNT(DISTINCT) keeps a hash set in storage).
select o_orderpriority, count(distinct o_clerk) as clerks
from orders
where o_orderstatus = 'F'
group by o_orderpriority
order by o_orderpriority;

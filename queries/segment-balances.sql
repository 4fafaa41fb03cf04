-- Customers in credit per market segment, richest segment first (ORDER BY an aggregate, DESC, LIMIT).
select c_mktsegment, count(*) as customers, sum(c_acctbal) as total_balance, min(c_acctbal) as lowest
from customer
where c_acctbal > 0
group by c_mktsegment
order by total_balance desc
limit 3;

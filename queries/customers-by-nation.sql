-- Customers and their account balances per nation: a join with the nation dimension table (a 25-row array map holding n_name)
select
	n_name,
	count(*) as customers,
	sum(c_acctbal) as balance,
	min(c_acctbal) as lowest
from
	customer,
	nation
where
	c_nationkey = n_nationkey
	and c_mktsegment = 'BUILDING'
group by
	n_name
order by
	balance desc;

-- Orders by priority class, leaving out those whose comment mentions sly ... requests (TPC-H Q13's filter,
-- '%special%requests%' there; this generator's comments use other words): a CASE yielding strings as the group key.
select
  case when o_orderpriority in ('1-URGENT', '2-HIGH') then 'high' else 'low' end as priority_class,
  count(*) as orders,
  sum(o_totalprice) as revenue
from orders
where o_comment not like '%sly%requests%'
group by priority_class
order by priority_class;

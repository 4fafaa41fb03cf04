-- Share of revenue sold at a deep discount, per return flag: a ratio of conditional sums (Q14's shape), sum/count, and a CAST rounding each line to cents.
select l_returnflag,
       100.00 * sum(case when l_discount >= 0.05 then l_extendedprice * (1 - l_discount) else 0 end)
         / sum(l_extendedprice * (1 - l_discount)) as deep_discount_pct,
       sum(l_quantity) / count(*) as mean_quantity,
       sum(cast(l_extendedprice * (1 - l_discount) as decimal(15,2))) as revenue_to_cents
from lineitem
group by l_returnflag
order by deep_discount_pct desc;

-- TPC-H Q12's line-item half: late receipts per ship mode, split by conditional counts (CASE inside SUM, column-to-column dates).
select l_shipmode,
       sum(case when l_commitdate < l_receiptdate then 1 else 0 end) as late_lines,
       sum(case when l_commitdate >= l_receiptdate then 1 else 0 end) as on_time_lines,
       count(case when l_quantity >= 40 then 1 end) as large_lines
from lineitem
where l_shipmode in ('MAIL', 'SHIP')
  and l_shipdate < l_commitdate
  and l_receiptdate >= date '1994-01-01'
  and l_receiptdate < date '1994-01-01' + interval '1' year
group by l_shipmode
order by l_shipmode;

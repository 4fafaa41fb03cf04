-- Shipments per year and month of 1997 and 1998 (period grouping by EXTRACT, in the storage program), slow ones (a date column + a month), busy months only (HAVING).
select extract(year from l_shipdate) as ship_year,
       extract(month from l_shipdate) as ship_month,
       count(*) as lines,
       count(case when l_receiptdate > l_shipdate + interval '1' month then 1 end) as slow_lines,
       sum(l_extendedprice * (1 - l_discount)) as revenue
from lineitem
where l_shipdate >= date '1997-01-01' and l_shipdate < date '1999-01-01'
group by ship_year, ship_month
having count(*) >= 10
order by 1, 2;

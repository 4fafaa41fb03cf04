-- Line items shipped by mail or ship in 1994, per mode (IN list, date range, GROUP BY a string).
select l_shipmode, count(*) as lines, sum(l_quantity) as quantity
from lineitem
where l_shipmode in ('MAIL', 'SHIP')
	and l_shipdate >= date '1994-01-01'
	and l_shipdate < date '1994-01-01' + interval '1' year
group by l_shipmode
order by l_shipmode;

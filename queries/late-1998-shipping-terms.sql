-- SELECT DISTINCT: the ship mode and instruction pairs used for lines received in 1998.
select distinct l_shipmode, l_shipinstruct
from lineitem
where l_receiptdate >= date '1998-01-01'
order by l_shipmode, l_shipinstruct;

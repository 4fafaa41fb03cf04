-- The extremes of price and ship date over the whole table (MIN and MAX of decimals and dates).
select
	min(l_extendedprice) as cheapest,
	max(l_extendedprice) as dearest,
	min(l_shipdate) as first_shipment,
	max(l_shipdate) as last_shipment
from lineitem;

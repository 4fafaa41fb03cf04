-- Large line items not sent by air (NOT, OR, and a comparison with an integer).
select count(*) as bulk_lines, avg(l_quantity) as average_quantity
from lineitem
where not (l_shipmode = 'AIR' or l_shipmode = 'REG AIR')
	and l_quantity >= 45;

-- Top-N over most of lineitem: the 100 line items shipped from 1993 on with the largest discounts in money, ties by ship mode and order key (each storage node keeps only its best 100 rows).
select l_orderkey, l_linenumber, l_shipmode, l_extendedprice * l_discount as discount_amount
from lineitem
where l_shipdate >= date '1993-01-01'
order by discount_amount desc, l_shipmode, l_orderkey
limit 100;

-- LIMIT without ORDER BY: the first twenty untaxed lines at the top discount; the storage node stops reading once it has them.
select l_orderkey, l_linenumber, l_extendedprice, l_discount, l_returnflag
from lineitem
where l_discount = 0.10 and l_tax = 0
limit 20;

-- A filtered extract (the S3 Select use; pipe it with --format csv): bulk air shipments with their instructions and comments.
select l_orderkey, l_linenumber, l_partkey, l_quantity, l_shipdate, l_shipinstruct, l_comment
from lineitem
where l_shipmode = 'AIR' and l_quantity >= 49;

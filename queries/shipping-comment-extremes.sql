-- MIN and MAX of strings per ship mode (bytewise, in the storage program): the first and last shipping instruction and comment.
select l_shipmode, min(l_shipinstruct) as first_instruction, max(l_comment) as last_comment, count(*) as lines
from lineitem
where l_shipdate between date '1996-01-01' and date '1996-01-31'
group by l_shipmode
order by l_shipmode;

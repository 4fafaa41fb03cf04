-- Parts made of brass, per size band (LIKE with a suffix pattern, BETWEEN on integers).
select p_mfgr, count(*) as brass_parts, min(p_retailprice) as cheapest
from part
where p_type like '%BRASS' and p_size between 10 and 20
group by p_mfgr
order by p_mfgr;

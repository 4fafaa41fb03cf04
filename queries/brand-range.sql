-- String ranges (bytewise, in the storage program): parts of brands 21 to 25 and of containers sorting before 'M'.
select p_brand, count(*) as parts, min(p_retailprice) as cheapest
from part
where p_brand between 'Brand#21' and 'Brand#25' and p_container < 'M'
group by p_brand
order by p_brand;

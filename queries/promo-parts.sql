-- Parts whose type starts with PROMO (LIKE with a prefix pattern), and their average retail price.
select count(*) as promo_parts, avg(p_retailprice) as average_price
from part
where p_type like 'PROMO%';

-- TPC-H Q22's grouping without its subqueries: customers with a positive balance in seven country codes
-- (a phone number's first two characters), counted and summed per code.
select
  substring(c_phone from 1 for 2) as cntrycode,
  count(*) as numcust,
  sum(c_acctbal) as totacctbal
from customer
where substring(c_phone from 1 for 2) in ('13', '31', '23', '29', '30', '18', '17')
  and c_acctbal > 0.00
group by cntrycode
order by cntrycode;

-- The simplest case: average some numbers, where they are stored.
select count(*) as readings, avg(temperature) as average_temperature, min(temperature) as coldest, max(temperature) as warmest
from sensors;

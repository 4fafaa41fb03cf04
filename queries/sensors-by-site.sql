-- Per-site statistics for the first quarter of 2026 (GROUP BY a quoted string column, date BETWEEN).
select site, count(*) as readings, avg(temperature) as average_temperature, max(humidity) as max_humidity
from sensors
where reading_date between date '2026-01-01' and date '2026-03-31'
group by site
order by site;

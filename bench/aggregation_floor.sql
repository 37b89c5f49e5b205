-- For comparison in the aggregation benchmark (BENCHMARKS.md), no target:
-- the least any counting of bench/aggregation must do, written by hand:
-- one row count per UTC hour, cohort (device and region) and event name
-- over both sources, with no conditions, no local buckets, no grouping
-- sets and no output shape. Its ratio to bench/scan.sql is a floor for
-- the generated SQL on DuckDB.
SELECT * FROM (
  SELECT date_trunc('hour', event_time) AS h, device_type, region, event_name, count(*) AS n
  FROM analytics.auth_events
  GROUP BY ALL
)
UNION ALL
SELECT * FROM (
  SELECT date_trunc('hour', event_time) AS h, device_type, region, event_name, count(*) AS n
  FROM analytics.checkout_events
  GROUP BY ALL
);

-- Baseline of the aggregation benchmark (bench/build.sh): one plain scan of
-- the columns that the SQL of bench/aggregation reads (timestamp, event
-- name, cohort dimensions and the summed and filtered values), each
-- aggregated once so every value is read and decoded.
SELECT *
FROM (
  SELECT
    count(*) AS auth_rows, max(event_time) AS auth_newest, count(event_name) AS auth_names,
    count(device_type) AS auth_devices, count(region) AS auth_regions, sum(risk_score) AS auth_risk
  FROM analytics.auth_events
), (
  SELECT
    count(*) AS checkout_rows, max(event_time) AS checkout_newest, count(event_name) AS checkout_names,
    count(device_type) AS checkout_devices, count(region) AS checkout_regions, sum(order_value) AS checkout_value
  FROM analytics.checkout_events
);

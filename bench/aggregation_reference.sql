-- For comparison in the aggregation benchmark (bench/build.sh), no target:
-- the counters of bench/aggregation written by hand (local days in
-- Europe/Berlin: UTC+1 until 2026-03-29 01:00 UTC, then UTC+2; the range
-- [2026-03-20, 2026-04-06) as a UTC range on the timestamp; overall and by
-- device and region). It stops at the counters (no empty buckets, no
-- output shape), so it shows what the aggregation itself costs over the
-- plain scan of bench/scan.sql.
WITH auth AS (
  SELECT
    date_trunc('day', event_time + to_hours(CASE WHEN event_time < TIMESTAMP '2026-03-29 01:00:00' THEN 1 ELSE 2 END)) AS day,
    device_type, region, event_name, risk_score
  FROM analytics.auth_events
  WHERE event_time >= TIMESTAMP '2026-03-19 23:00:00' AND event_time < TIMESTAMP '2026-04-05 22:00:00'
),
checkout AS (
  SELECT
    date_trunc('day', event_time + to_hours(CASE WHEN event_time < TIMESTAMP '2026-03-29 01:00:00' THEN 1 ELSE 2 END)) AS day,
    device_type, region, event_name, order_value
  FROM analytics.checkout_events
  WHERE event_time >= TIMESTAMP '2026-03-19 23:00:00' AND event_time < TIMESTAMP '2026-04-05 22:00:00'
)
SELECT
  'login' AS journey, day, GROUPING(device_type) AS overall, device_type, region,
  count(*) FILTER (WHERE event_name = 'login_attempt') AS attempts,
  count(*) FILTER (WHERE event_name = 'login_success') AS successes,
  count(*) FILTER (WHERE event_name = 'login_attempt' AND risk_score > 0.8) AS suspicious,
  NULL::DECIMAL(38,2) AS order_value,
  NULL::BIGINT AS large_orders
FROM auth
GROUP BY GROUPING SETS ((day), (day, device_type, region))
UNION ALL
SELECT
  'checkout', day, GROUPING(device_type), device_type, region,
  count(*) FILTER (WHERE event_name = 'checkout_started'),
  count(*) FILTER (WHERE event_name = 'step_up_challenge'),
  count(*) FILTER (WHERE event_name = 'order_placed'),
  sum(order_value) FILTER (WHERE event_name = 'order_placed'),
  count(*) FILTER (WHERE event_name = 'order_placed' AND order_value > 250)
FROM checkout
GROUP BY GROUPING SETS ((day), (day, device_type, region));

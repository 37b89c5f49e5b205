-- For comparison in the aggregation benchmark (BENCHMARKS.md), no target:
-- only the first step of the generated SQL of bench/aggregation, written
-- by hand: each metric's counter (conditional counts and the sum) by UTC
-- hour and cohort (device and region) over both sources. No bucket in
-- the scorecard's zone, no grouping sets, no dense grid and no output
-- shape. Whatever the generated query does after this step, it cannot
-- take less time than this.
SELECT * FROM (
  SELECT date_trunc('hour', event_time) AS h, device_type, region,
    count(CASE WHEN event_name = 'login_attempt' THEN 1 END) AS a,
    count(CASE WHEN event_name = 'login_success' THEN 1 END) AS b,
    count(CASE WHEN event_name = 'login_attempt' AND risk_score > 0.8 THEN 1 END) AS c,
    NULL::DECIMAL(38,2) AS d, NULL::BIGINT AS e
  FROM analytics.auth_events GROUP BY ALL
)
UNION ALL
SELECT * FROM (
  SELECT date_trunc('hour', event_time) AS h, device_type, region,
    count(CASE WHEN event_name = 'checkout_started' THEN 1 END),
    count(CASE WHEN event_name = 'step_up_challenge' THEN 1 END),
    count(CASE WHEN event_name = 'order_placed' THEN 1 END),
    sum(CASE WHEN event_name = 'order_placed' THEN order_value END),
    count(CASE WHEN event_name = 'order_placed' AND order_value > 250 THEN 1 END)
  FROM analytics.checkout_events GROUP BY ALL
);

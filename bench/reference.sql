-- Hand-written reference for the query benchmark (bench/build.sh): the
-- metrics of examples/ciam by local day in Europe/Berlin and by cohort, for
-- [2026-03-20, 2026-04-06), on DuckDB, in the output shape of
-- `scorec sql scorecard examples/ciam --dialect duckdb --start 2026-03-20
-- --end 2026-04-06`. Written from the scorecard and the metric contract, not
-- from scorec's SQL, so the benchmark also checks the generated SQL.
--
-- Time zone: Europe/Berlin is UTC+1 until 2026-03-29 01:00 UTC and UTC+2
-- from then on (the range ends long before October). The range starts at
-- 2026-03-19 23:00 UTC. De-duplication looks back one day before it
-- (2026-03-18 23:00 UTC), and the fraud cohorts look back 90 days more.
-- A bucket is incomplete until its end plus the metric's window has passed
-- the newest row of the metric's sources (in local time).
WITH days AS (
  SELECT unnest(range(TIMESTAMP '2026-03-20', TIMESTAMP '2026-04-06', INTERVAL 1 DAY)) AS day
),

-- One row per event id: the earliest, then the first ingested.
auth AS (
  SELECT
    event_id, event_time AS ts, user_id, session_id, event_name,
    device_type, region, risk_score, policy_version,
    date_trunc('day', event_time + to_hours(CASE WHEN event_time < TIMESTAMP '2026-03-29 01:00:00' THEN 1 ELSE 2 END)) AS day
  FROM analytics.auth_events
  WHERE event_time >= TIMESTAMP '2025-12-19 23:00:00'
  QUALIFY event_id IS NULL
    OR row_number() OVER (PARTITION BY event_id ORDER BY event_time, ingested_at NULLS LAST) = 1
),
auth_in AS (
  SELECT * FROM auth
  WHERE day >= TIMESTAMP '2026-03-20' AND day < TIMESTAMP '2026-04-06'
),
checkout AS (
  SELECT
    event_id, event_time AS ts, user_id, session_id, event_name, device_type, region,
    date_trunc('day', event_time + to_hours(CASE WHEN event_time < TIMESTAMP '2026-03-29 01:00:00' THEN 1 ELSE 2 END)) AS day
  FROM analytics.checkout_events
  WHERE event_time >= TIMESTAMP '2026-03-18 23:00:00'
  QUALIFY event_id IS NULL
    OR row_number() OVER (PARTITION BY event_id ORDER BY event_time) = 1
),
checkout_in AS (
  SELECT * FROM checkout
  WHERE day >= TIMESTAMP '2026-03-20' AND day < TIMESTAMP '2026-04-06'
),
recovery_tickets AS (
  SELECT *
  FROM (
    SELECT
      ticket_id, category, device_type, region,
      date_trunc('day', created_at + to_hours(CASE WHEN created_at < TIMESTAMP '2026-03-29 01:00:00' THEN 1 ELSE 2 END)) AS day
    FROM support.tickets
    WHERE created_at >= TIMESTAMP '2026-03-18 23:00:00'
    QUALIFY ticket_id IS NULL
      OR row_number() OVER (PARTITION BY ticket_id ORDER BY created_at) = 1
  )
  WHERE category = 'account_recovery'
    AND day >= TIMESTAMP '2026-03-20' AND day < TIMESTAMP '2026-04-06'
),
fraud_in AS (
  SELECT *, row_number() OVER () AS n
  FROM (
    SELECT
      case_id, reported_at AS ts, user_id, loss_amount,
      date_trunc('day', reported_at + to_hours(CASE WHEN reported_at < TIMESTAMP '2026-03-29 01:00:00' THEN 1 ELSE 2 END)) AS day
    FROM risk.fraud_cases
    WHERE reported_at >= TIMESTAMP '2026-03-18 23:00:00'
    QUALIFY case_id IS NULL
      OR row_number() OVER (PARTITION BY case_id ORDER BY reported_at) = 1
  )
  WHERE day >= TIMESTAMP '2026-03-20' AND day < TIMESTAMP '2026-04-06'
),

-- A fraud case takes the device and region of the customer's last sign-in
-- at or before the report, within 90 days (same time: the larger event id).
fraud_sign_ins AS (
  SELECT
    f.n, a.device_type, a.region,
    row_number() OVER (PARTITION BY f.n ORDER BY a.ts DESC, a.event_id DESC) AS latest
  FROM fraud_in AS f
  JOIN auth AS a
    ON a.user_id = f.user_id
    AND a.event_name = 'login_success'
    AND a.ts BETWEEN f.ts - INTERVAL 90 DAY AND f.ts
),
fraud AS (
  SELECT f.day, f.loss_amount, s.device_type, s.region
  FROM fraud_in AS f
  LEFT JOIN fraud_sign_ins AS s ON s.n = f.n AND s.latest = 1
),

-- The newest row of each source (before de-duplication), in local time.
newest AS (
  SELECT source, utc + to_hours(CASE WHEN utc < TIMESTAMP '2026-03-29 01:00:00' THEN 1 ELSE 2 END) AS local
  FROM (
    SELECT 'auth' AS source, max(event_time) AS utc FROM analytics.auth_events WHERE event_time >= TIMESTAMP '2026-03-18 23:00:00'
    UNION ALL
    SELECT 'checkout', max(event_time) FROM analytics.checkout_events WHERE event_time >= TIMESTAMP '2026-03-18 23:00:00'
    UNION ALL
    SELECT 'tickets', max(created_at) FROM support.tickets WHERE created_at >= TIMESTAMP '2026-03-18 23:00:00'
    UNION ALL
    SELECT 'fraud', max(reported_at) FROM risk.fraud_cases WHERE reported_at >= TIMESTAMP '2026-03-18 23:00:00'
  )
),
watermarks AS (
  SELECT
    max(local) FILTER (WHERE source = 'auth') AS auth,
    max(local) FILTER (WHERE source = 'checkout') AS checkout,
    max(local) FILTER (WHERE source IN ('auth', 'tickets')) AS auth_tickets,
    max(local) FILTER (WHERE source = 'fraud') AS fraud,
    max(local) FILTER (WHERE source IN ('fraud', 'checkout')) AS fraud_checkout
  FROM newest
),

-- Every day, overall and by every cohort seen among the events of the
-- metric's sources in the range.
auth_cohorts AS (
  SELECT DISTINCT device_type, region
  FROM auth_in
  WHERE event_name IN (
    'registration_started', 'registration_completed', 'login_attempt', 'login_success',
    'password_reset_requested', 'password_reset_completed', 'mfa_enrolment_started',
    'mfa_enrolled', 'account_recovery_started', 'account_recovery_completed',
    'consent_shown', 'consent_given')
),
checkout_cohorts AS (
  SELECT DISTINCT device_type, region
  FROM checkout_in
  WHERE event_name IN ('checkout_started', 'step_up_challenge', 'step_up_passed', 'order_placed')
),
fraud_cohorts AS (SELECT DISTINCT device_type, region FROM fraud),
frame AS (
  SELECT 'auth' AS frame, day, 'overall' AS grouping, NULL::VARCHAR AS device_type, NULL::VARCHAR AS region FROM days
  UNION ALL
  SELECT 'auth', day, 'device_type,region', device_type, region FROM days, auth_cohorts
  UNION ALL
  SELECT 'auth_device', day, 'overall', NULL, NULL FROM days
  UNION ALL
  SELECT 'auth_device', day, 'device_type', device_type, NULL FROM days, (SELECT DISTINCT device_type FROM auth_cohorts)
  UNION ALL
  SELECT 'support', day, 'overall', NULL, NULL FROM days
  UNION ALL
  SELECT 'support', day, 'device_type,region', device_type, region
  FROM days, (SELECT * FROM auth_cohorts UNION SELECT device_type, region FROM recovery_tickets)
  UNION ALL
  SELECT 'checkout', day, 'overall', NULL, NULL FROM days
  UNION ALL
  SELECT 'checkout', day, 'device_type,region', device_type, region FROM days, checkout_cohorts
  UNION ALL
  SELECT 'fraud', day, 'overall', NULL, NULL FROM days
  UNION ALL
  SELECT 'fraud', day, 'device_type,region', device_type, region FROM days, fraud_cohorts
  UNION ALL
  SELECT 'fraud_checkout', day, 'overall', NULL, NULL FROM days
  UNION ALL
  SELECT 'fraud_checkout', day, 'device_type,region', device_type, region
  FROM days, (SELECT * FROM fraud_cohorts UNION SELECT * FROM checkout_cohorts)
),

-- Counts per journey, by day and by day, device and region.
recovery AS (
  SELECT
    day, CASE WHEN GROUPING(device_type) = 0 THEN 'device_type,region' ELSE 'overall' END AS grouping,
    device_type, region,
    count(*) AS started
  FROM auth_in
  WHERE event_name = 'account_recovery_started'
  GROUP BY GROUPING SETS ((day), (day, device_type, region))
),
tickets AS (
  SELECT
    day, CASE WHEN GROUPING(device_type) = 0 THEN 'device_type,region' ELSE 'overall' END AS grouping,
    device_type, region,
    count(*) AS tickets
  FROM recovery_tickets
  GROUP BY GROUPING SETS ((day), (day, device_type, region))
),
consent AS (
  SELECT
    day,
    count(*) FILTER (WHERE event_name = 'consent_shown') AS shown,
    count(*) FILTER (WHERE event_name = 'consent_given') AS given,
    count(*) FILTER (WHERE event_name = 'consent_given' AND policy_version IS NULL) AS unversioned
  FROM auth_in
  WHERE event_name IN ('consent_shown', 'consent_given')
  GROUP BY day
),
login AS (
  SELECT
    day, CASE WHEN GROUPING(device_type) = 0 THEN 'device_type,region' ELSE 'overall' END AS grouping,
    device_type, region,
    count(*) FILTER (WHERE event_name = 'login_attempt') AS attempts,
    count(*) FILTER (WHERE event_name = 'login_attempt' AND risk_score > 0.8) AS suspicious,
    count(*) FILTER (WHERE event_name = 'login_success') AS successes
  FROM auth_in
  WHERE event_name IN ('login_attempt', 'login_success')
  GROUP BY GROUPING SETS ((day), (day, device_type, region))
),
registration AS (
  SELECT
    day, CASE WHEN GROUPING(device_type) = 0 THEN 'device_type,region' ELSE 'overall' END AS grouping,
    device_type, region,
    count(*) AS completed,
    count(*) FILTER (WHERE risk_score > 0.9) AS bots
  FROM auth_in
  WHERE event_name = 'registration_completed'
  GROUP BY GROUPING SETS ((day), (day, device_type, region))
),
-- Customers who enrolled MFA, of those who signed in.
mfa_users AS (
  SELECT
    day, CASE WHEN GROUPING(device_type) = 0 THEN 'device_type,region' ELSE 'overall' END AS grouping,
    device_type, region,
    count(DISTINCT user_id) FILTER (WHERE event_name = 'mfa_enrolled') AS enrolled,
    count(DISTINCT user_id) FILTER (WHERE event_name = 'login_success') AS signed_in
  FROM auth_in
  WHERE event_name IN ('mfa_enrolled', 'login_success')
  GROUP BY GROUPING SETS ((day), (day, device_type, region))
),

-- Sequences: each start with whether (or when) the customer, or the
-- session, got to the next step within the window.
mfa_starts AS (
  SELECT
    s.day, s.device_type, s.region, s.user_id,
    EXISTS (
      SELECT 1 FROM auth AS e
      WHERE e.event_name = 'mfa_enrolled' AND e.user_id = s.user_id
        AND e.ts BETWEEN s.ts AND s.ts + INTERVAL 30 MINUTE
    ) AS enrolled
  FROM auth_in AS s
  WHERE s.event_name = 'mfa_enrolment_started'
),
mfa AS (
  SELECT
    day, CASE WHEN GROUPING(device_type) = 0 THEN 'device_type,region' ELSE 'overall' END AS grouping,
    device_type, region,
    count(DISTINCT user_id) AS started,
    count(DISTINCT user_id) FILTER (WHERE enrolled) AS enrolled
  FROM mfa_starts
  GROUP BY GROUPING SETS ((day), (day, device_type, region))
),
registration_starts AS (
  SELECT
    s.day, s.device_type, s.region, s.user_id,
    EXISTS (
      SELECT 1 FROM auth AS e
      WHERE e.event_name = 'registration_completed' AND e.user_id = s.user_id
        AND e.ts BETWEEN s.ts AND s.ts + INTERVAL 24 HOUR
    ) AS completed
  FROM auth_in AS s
  WHERE s.event_name = 'registration_started'
),
registration_funnel AS (
  SELECT
    day, CASE WHEN GROUPING(device_type) = 0 THEN 'device_type,region' ELSE 'overall' END AS grouping,
    device_type, region,
    count(DISTINCT user_id) AS started,
    count(DISTINCT user_id) FILTER (WHERE completed) AS completed
  FROM registration_starts
  GROUP BY GROUPING SETS ((day), (day, device_type, region))
),
-- Password resets: minutes to the first completion within 24 hours, and
-- how many resets the customer requested that day (on any device).
reset_requests AS (
  SELECT
    r.day, r.device_type, r.user_id,
    count(*) OVER (PARTITION BY r.user_id, r.day) AS that_day,
    date_diff('microsecond', r.ts, (
      SELECT min(c.ts) FROM auth AS c
      WHERE c.event_name = 'password_reset_completed' AND c.user_id = r.user_id
        AND c.ts BETWEEN r.ts AND r.ts + INTERVAL 24 HOUR
    )) / 60e6 AS minutes
  FROM auth_in AS r
  WHERE r.event_name = 'password_reset_requested'
),
resets AS (
  SELECT
    day, CASE WHEN GROUPING(device_type) = 0 THEN 'device_type' ELSE 'overall' END AS grouping,
    device_type,
    count(*) AS requested,
    count(minutes) AS completed,
    quantile_cont(minutes, 0.95) AS p95,
    count(*) FILTER (WHERE user_id IS NOT NULL AND that_day > 3) AS abusive
  FROM reset_requests
  GROUP BY GROUPING SETS ((day), (day, device_type))
),
checkouts AS (
  SELECT
    day, CASE WHEN GROUPING(device_type) = 0 THEN 'device_type,region' ELSE 'overall' END AS grouping,
    device_type, region,
    count(*) FILTER (WHERE event_name = 'checkout_started') AS started,
    count(*) FILTER (WHERE event_name = 'step_up_challenge') AS step_ups,
    count(*) FILTER (WHERE event_name = 'order_placed') AS orders
  FROM checkout_in
  WHERE event_name IN ('checkout_started', 'step_up_challenge', 'order_placed')
  GROUP BY GROUPING SETS ((day), (day, device_type, region))
),
checkout_starts AS (
  SELECT
    s.day, s.device_type, s.region,
    EXISTS (
      SELECT 1 FROM checkout AS o
      WHERE o.event_name = 'order_placed' AND o.session_id = s.session_id
        AND o.ts BETWEEN s.ts AND s.ts + INTERVAL 1 HOUR
    ) AS ordered
  FROM checkout_in AS s
  WHERE s.event_name = 'checkout_started'
),
completions AS (
  SELECT
    day, CASE WHEN GROUPING(device_type) = 0 THEN 'device_type,region' ELSE 'overall' END AS grouping,
    device_type, region,
    count(*) FILTER (WHERE ordered) AS completed
  FROM checkout_starts
  GROUP BY GROUPING SETS ((day), (day, device_type, region))
),
losses AS (
  SELECT
    day, CASE WHEN GROUPING(device_type) = 0 THEN 'device_type,region' ELSE 'overall' END AS grouping,
    device_type, region,
    sum(loss_amount) AS loss,
    count(loss_amount) AS cases
  FROM fraud
  GROUP BY GROUPING SETS ((day), (day, device_type, region))
),

-- One row per day and cohort with every count, zeros where nothing happened.
auth_days AS (
  SELECT
    f.day, f.grouping, f.device_type, f.region,
    coalesce(rc.started, 0) AS recovery_started,
    coalesce(l.attempts, 0) AS login_attempts,
    coalesce(l.suspicious, 0) AS login_suspicious,
    coalesce(l.successes, 0) AS login_successes,
    coalesce(r.completed, 0) AS registrations,
    coalesce(r.bots, 0) AS bot_registrations,
    coalesce(u.enrolled, 0) AS users_enrolled,
    coalesce(u.signed_in, 0) AS users_signed_in,
    coalesce(m.started, 0) AS mfa_started,
    coalesce(m.enrolled, 0) AS mfa_enrolled,
    coalesce(rf.started, 0) AS registration_started,
    coalesce(rf.completed, 0) AS registration_completed
  FROM frame AS f
  LEFT JOIN recovery AS rc
    ON rc.day = f.day AND rc.grouping = f.grouping
    AND rc.device_type IS NOT DISTINCT FROM f.device_type AND rc.region IS NOT DISTINCT FROM f.region
  LEFT JOIN login AS l
    ON l.day = f.day AND l.grouping = f.grouping
    AND l.device_type IS NOT DISTINCT FROM f.device_type AND l.region IS NOT DISTINCT FROM f.region
  LEFT JOIN registration AS r
    ON r.day = f.day AND r.grouping = f.grouping
    AND r.device_type IS NOT DISTINCT FROM f.device_type AND r.region IS NOT DISTINCT FROM f.region
  LEFT JOIN mfa_users AS u
    ON u.day = f.day AND u.grouping = f.grouping
    AND u.device_type IS NOT DISTINCT FROM f.device_type AND u.region IS NOT DISTINCT FROM f.region
  LEFT JOIN mfa AS m
    ON m.day = f.day AND m.grouping = f.grouping
    AND m.device_type IS NOT DISTINCT FROM f.device_type AND m.region IS NOT DISTINCT FROM f.region
  LEFT JOIN registration_funnel AS rf
    ON rf.day = f.day AND rf.grouping = f.grouping
    AND rf.device_type IS NOT DISTINCT FROM f.device_type AND rf.region IS NOT DISTINCT FROM f.region
  WHERE f.frame = 'auth'
),
support_days AS (
  SELECT f.day, f.grouping, f.device_type, f.region, coalesce(t.tickets, 0) AS tickets, coalesce(rc.started, 0) AS recovery_started
  FROM frame AS f
  LEFT JOIN tickets AS t
    ON t.day = f.day AND t.grouping = f.grouping
    AND t.device_type IS NOT DISTINCT FROM f.device_type AND t.region IS NOT DISTINCT FROM f.region
  LEFT JOIN recovery AS rc
    ON rc.day = f.day AND rc.grouping = f.grouping
    AND rc.device_type IS NOT DISTINCT FROM f.device_type AND rc.region IS NOT DISTINCT FROM f.region
  WHERE f.frame = 'support'
),
reset_days AS (
  SELECT
    f.day, f.grouping, f.device_type,
    coalesce(r.requested, 0) AS requested, coalesce(r.completed, 0) AS completed,
    r.p95, coalesce(r.abusive, 0) AS abusive
  FROM frame AS f
  LEFT JOIN resets AS r
    ON r.day = f.day AND r.grouping = f.grouping AND r.device_type IS NOT DISTINCT FROM f.device_type
  WHERE f.frame = 'auth_device'
),
checkout_days AS (
  SELECT
    f.day, f.grouping, f.device_type, f.region,
    coalesce(c.started, 0) AS started, coalesce(c.step_ups, 0) AS step_ups,
    coalesce(c.orders, 0) AS orders, coalesce(o.completed, 0) AS completed
  FROM frame AS f
  LEFT JOIN checkouts AS c
    ON c.day = f.day AND c.grouping = f.grouping
    AND c.device_type IS NOT DISTINCT FROM f.device_type AND c.region IS NOT DISTINCT FROM f.region
  LEFT JOIN completions AS o
    ON o.day = f.day AND o.grouping = f.grouping
    AND o.device_type IS NOT DISTINCT FROM f.device_type AND o.region IS NOT DISTINCT FROM f.region
  WHERE f.frame = 'checkout'
),
fraud_days AS (
  SELECT
    f.frame, f.day, f.grouping, f.device_type, f.region,
    coalesce(l.loss, 0) AS loss, coalesce(l.cases, 0) AS cases, coalesce(c.orders, 0) AS orders
  FROM frame AS f
  LEFT JOIN losses AS l
    ON l.day = f.day AND l.grouping = f.grouping
    AND l.device_type IS NOT DISTINCT FROM f.device_type AND l.region IS NOT DISTINCT FROM f.region
  LEFT JOIN checkouts AS c
    ON c.day = f.day AND c.grouping = f.grouping
    AND c.device_type IS NOT DISTINCT FROM f.device_type AND c.region IS NOT DISTINCT FROM f.region
  WHERE f.frame IN ('fraud', 'fraud_checkout')
),

-- The metrics, one row per day and cohort.
metrics AS (
  SELECT 'recovery_volume' AS metric, 'account_recovery' AS journey, day, grouping, device_type, region,
    recovery_started::DOUBLE AS value, recovery_started AS numerator, NULL AS denominator, recovery_started AS sample,
    day + INTERVAL 1 DAY > w.auth AS incomplete
  FROM auth_days, watermarks AS w
  UNION ALL
  SELECT 'support_contact_rate', 'account_recovery', day, grouping, device_type, region,
    tickets / nullif(recovery_started, 0), tickets, recovery_started, recovery_started,
    day + INTERVAL 1 DAY > w.auth_tickets
  FROM support_days, watermarks AS w
  UNION ALL
  SELECT 'step_up_rate', 'checkout', day, grouping, device_type, region,
    step_ups / nullif(started, 0), step_ups, started, started,
    day + INTERVAL 1 DAY > w.checkout
  FROM checkout_days, watermarks AS w
  UNION ALL
  SELECT 'checkout_completion', 'checkout', day, grouping, device_type, region,
    completed / nullif(started, 0), completed, started, started,
    day + INTERVAL 1 DAY + INTERVAL 1 HOUR > w.checkout
  FROM checkout_days, watermarks AS w
  UNION ALL
  SELECT 'checkout_abandonment_rate', 'checkout', day, grouping, device_type, region,
    1 - completed / nullif(started, 0), NULL, NULL, started,
    day + INTERVAL 1 DAY + INTERVAL 1 HOUR > w.checkout
  FROM checkout_days, watermarks AS w
  UNION ALL
  SELECT 'orders', 'checkout', day, grouping, device_type, region,
    orders, orders, NULL, orders,
    day + INTERVAL 1 DAY > w.checkout
  FROM checkout_days, watermarks AS w
  UNION ALL
  SELECT 'fraud_loss', 'checkout', day, grouping, device_type, region,
    loss, loss, NULL, cases,
    day + INTERVAL 1 DAY > w.fraud
  FROM fraud_days, watermarks AS w
  WHERE frame = 'fraud'
  UNION ALL
  SELECT 'fraud_loss_per_order', 'checkout', day, grouping, device_type, region,
    loss::DOUBLE / nullif(orders, 0), NULL, NULL, least(cases, orders),
    day + INTERVAL 1 DAY > w.fraud_checkout
  FROM fraud_days, watermarks AS w
  WHERE frame = 'fraud_checkout'
  UNION ALL
  SELECT 'consent_acceptance_rate', 'consent', d.day, 'overall', NULL, NULL,
    coalesce(given, 0) / nullif(coalesce(shown, 0), 0), coalesce(given, 0), coalesce(shown, 0), coalesce(shown, 0),
    d.day + INTERVAL 1 DAY > w.auth
  FROM days AS d LEFT JOIN consent AS c USING (day), watermarks AS w
  UNION ALL
  SELECT 'unversioned_consent_rate', 'consent', d.day, 'overall', NULL, NULL,
    coalesce(unversioned, 0) / nullif(coalesce(given, 0), 0), coalesce(unversioned, 0), coalesce(given, 0), coalesce(given, 0),
    d.day + INTERVAL 1 DAY > w.auth
  FROM days AS d LEFT JOIN consent AS c USING (day), watermarks AS w
  UNION ALL
  SELECT 'login_success_rate', 'login', day, grouping, device_type, region,
    login_successes / nullif(login_attempts, 0), login_successes, login_attempts, login_attempts,
    day + INTERVAL 1 DAY > w.auth
  FROM auth_days, watermarks AS w
  UNION ALL
  SELECT 'suspicious_login_rate', 'login', day, grouping, device_type, region,
    login_suspicious / nullif(login_attempts, 0), login_suspicious, login_attempts, login_attempts,
    day + INTERVAL 1 DAY > w.auth
  FROM auth_days, watermarks AS w
  UNION ALL
  SELECT 'mfa_adoption', 'mfa_enrolment', day, grouping, device_type, region,
    users_enrolled / nullif(users_signed_in, 0), users_enrolled, users_signed_in, users_signed_in,
    day + INTERVAL 1 DAY > w.auth
  FROM auth_days, watermarks AS w
  UNION ALL
  SELECT 'mfa_enrolment_completion', 'mfa_enrolment', day, grouping, device_type, region,
    mfa_enrolled / nullif(mfa_started, 0), mfa_enrolled, mfa_started, mfa_started,
    day + INTERVAL 1 DAY + INTERVAL 30 MINUTE > w.auth
  FROM auth_days, watermarks AS w
  UNION ALL
  SELECT 'mfa_dropoff', 'mfa_enrolment', day, grouping, device_type, region,
    1 - mfa_enrolled / nullif(mfa_started, 0), NULL, NULL, mfa_started,
    day + INTERVAL 1 DAY + INTERVAL 30 MINUTE > w.auth
  FROM auth_days, watermarks AS w
  UNION ALL
  SELECT 'reset_completion_p95', 'password_reset', day, grouping, device_type, NULL,
    p95, completed, requested, completed,
    day + INTERVAL 1 DAY + INTERVAL 24 HOUR > w.auth
  FROM reset_days, watermarks AS w
  UNION ALL
  SELECT 'reset_abuse_rate', 'password_reset', day, grouping, device_type, NULL,
    abusive / nullif(requested, 0), abusive, requested, requested,
    day + INTERVAL 1 DAY > w.auth
  FROM reset_days, watermarks AS w
  UNION ALL
  SELECT 'registration_conversion', 'registration', day, grouping, device_type, region,
    registration_completed / nullif(registration_started, 0), registration_completed, registration_started, registration_started,
    day + INTERVAL 1 DAY + INTERVAL 24 HOUR > w.auth
  FROM auth_days, watermarks AS w
  UNION ALL
  SELECT 'bot_signup_rate', 'registration', day, grouping, device_type, region,
    bot_registrations / nullif(registrations, 0), bot_registrations, registrations, registrations,
    day + INTERVAL 1 DAY > w.auth
  FROM auth_days, watermarks AS w
)
SELECT
  metric::VARCHAR AS metric,
  journey::VARCHAR AS journey,
  day AS bucket,
  grouping::VARCHAR AS grouping,
  device_type::VARCHAR AS device_type,
  region::VARCHAR AS region,
  value::DOUBLE AS value,
  numerator::DECIMAL(38,6) AS numerator,
  denominator::DECIMAL(38,6) AS denominator,
  sample::BIGINT AS sample,
  coalesce(incomplete, true) AS incomplete
FROM metrics
ORDER BY metric, bucket, grouping, device_type, region;

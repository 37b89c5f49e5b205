//! The rule cases and their expected rows, computed by hand from the
//! fixture CSVs (the arithmetic is in the comments). Every fixture ends
//! with a row after the range (or has rows late enough) so that the
//! watermark makes the range's buckets complete, except where completeness
//! is the rule.

use super::Integrity;

/// One rule on one fixture over one range.
pub(crate) struct Case {
    /// The rule, as failures name it.
    pub(super) rule: &'static str,
    /// Folder under `tests/fixtures/sql_rules`.
    pub(super) fixture: &'static str,
    /// Range `[start, end)`, wall-clock: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`.
    pub(super) start: &'static str,
    pub(super) end: &'static str,
    /// Watermark override, wall-clock.
    pub(super) as_of: Option<&'static str>,
    /// Whether the views over all the data give the same rows over the
    /// range (no rows outside it that change cohorts, de-duplication or
    /// the watermark, and no `as_of`).
    pub(super) view: bool,
    /// The expected rows (see `parse_expected`).
    pub(super) expected: &'static str,
}

pub(super) const CASES: &[Case] = &[
    // Rows on 2026-03-02 (device_type, region):
    //   attempts: (mobile, eu), (NULL, eu), (NULL, NULL); one success (NULL, eu).
    // overall: 3 attempts, 1 success. By both dimensions each combination has
    // one attempt; only (NULL, eu) succeeded. Rollup by device_type: mobile 1,
    // NULL 2 (1 success); by region: eu 2 (1 success), NULL 1. A NULL is a
    // value here, distinct from the rolled-up dimension (also NULL).
    Case {
        rule: "1 NULL cohort kept",
        fixture: "null_cohort",
        start: "2026-03-02",
        end: "2026-03-03",
        as_of: None,
        view: true,
        expected: "
        metric        bucket      grouping            device_type  region  value  numerator  denominator  sample  incomplete
        attempts      2026-03-02  overall             -            -       3      3          -            3       false
        attempts      2026-03-02  device_type,region  mobile       eu      1      1          -            1       false
        attempts      2026-03-02  device_type,region  -            eu      1      1          -            1       false
        attempts      2026-03-02  device_type,region  -            -       1      1          -            1       false
        attempts      2026-03-02  device_type         mobile       -       1      1          -            1       false
        attempts      2026-03-02  device_type         -            -       2      2          -            2       false
        attempts      2026-03-02  region              -            eu      2      2          -            2       false
        attempts      2026-03-02  region              -            -       1      1          -            1       false
        success_rate  2026-03-02  overall             -            -       1/3    1          3            3       false
        success_rate  2026-03-02  device_type,region  mobile       eu      0      0          1            1       false
        success_rate  2026-03-02  device_type,region  -            eu      1      1          1            1       false
        success_rate  2026-03-02  device_type,region  -            -       0      0          1            1       false
        success_rate  2026-03-02  device_type         mobile       -       0      0          1            1       false
        success_rate  2026-03-02  device_type         -            -       1/2    1          2            2       false
        success_rate  2026-03-02  region              -            eu      1/2    1          2            2       false
        success_rate  2026-03-02  region              -            -       0      0          1            1       false
        ",
    },
    // mobile: 1 attempt, 0 successes: 0/1 = 0. desktop: seen (a logout), no
    // attempt: 0/0 = NULL with numerator and denominator 0. overall 0/1 = 0.
    Case {
        rule: "2 zero division",
        fixture: "zero_division",
        start: "2026-03-02",
        end: "2026-03-03",
        as_of: None,
        view: true,
        expected: "
        metric        bucket      grouping     device_type  value  numerator  denominator  sample  incomplete
        success_rate  2026-03-02  overall      -            0      0          1            1       false
        success_rate  2026-03-02  device_type  mobile       0      0          1            1       false
        success_rate  2026-03-02  device_type  desktop      -      0          0            0       false
        ",
    },
    // Reset requests on 2026-03-02: u1 3 (2 mobile, 1 desktop), u2 4 mobile,
    // u3 1 desktop, u4 2 mobile (its third is on 03-03, another bucket).
    // Denominators: mobile 2+4+2 = 8, desktop 1+1 = 2, overall 10.
    // `> 3`: only u2 qualifies: mobile 4/8, desktop 0/2, overall 4/10.
    // `>= 3`: u1 (3, across devices) and u2: mobile 2+4 = 6/8, desktop 1/2,
    // overall 7/10; u4 does not (2 in the bucket).
    // risk_score > 0.8: 0.8 no, 0.80001 yes, NULL no but counted below:
    // mobile 1/2, desktop 0/1, overall 1/3.
    Case {
        rule: "3 strict and inclusive bounds",
        fixture: "bounds",
        start: "2026-03-02",
        end: "2026-03-03",
        as_of: None,
        view: true,
        expected: "
        metric           bucket      grouping     device_type  value  numerator  denominator  sample  incomplete
        abuse_strict     2026-03-02  overall      -            4/10   4          10           10      false
        abuse_strict     2026-03-02  device_type  mobile       4/8    4          8            8       false
        abuse_strict     2026-03-02  device_type  desktop      0      0          2            2       false
        abuse_inclusive  2026-03-02  overall      -            7/10   7          10           10      false
        abuse_inclusive  2026-03-02  device_type  mobile       6/8    6          8            8       false
        abuse_inclusive  2026-03-02  device_type  desktop      1/2    1          2            2       false
        risky_rate       2026-03-02  overall      -            1/3    1          3            3       false
        risky_rate       2026-03-02  device_type  mobile       1/2    1          2            2       false
        risky_rate       2026-03-02  device_type  desktop      0      0          1            1       false
        ",
    },
    // u1: B at A + 10m exactly (matched, 10 minutes); u2: B at A + 10m 1s
    // (unmatched). followed 1/2, converted 1/2 entities, duration p50 over
    // the one matched A = 10, matched 1 of 2. Buckets end 03-03 + 10m, before
    // the 03-04 watermark.
    Case {
        rule: "4 window ends inclusive",
        fixture: "window_ends",
        start: "2026-03-02",
        end: "2026-03-03",
        as_of: None,
        view: true,
        expected: "
        metric     bucket      grouping  value  numerator  denominator  sample  incomplete
        followed   2026-03-02  overall   1/2    1          2            2       false
        converted  2026-03-02  overall   1/2    1          2            2       false
        minutes    2026-03-02  overall   10     1          2            1       false
        ",
    },
    // A's: u1 10:00 (its B is at 09:59, before: unmatched), u2 10:00 (B at
    // the same instant: matched, 0 min), u3 10:00 and 10:20 (one B at 10:30:
    // both matched, 30 and 10 min), u4 12:00 (B's at 12:05, 12:07, 12:30:
    // matched once, 5 min to the first), u5 13:00 (only u6 has a B after:
    // unmatched). 6 A's, 4 matched: followed 4/6, count 4.
    // Entities with A: u1..u5 = 5; converted u2, u3, u4 = 3: 3/5.
    // Minutes sorted 0, 5, 10, 30: p50 at position 0.5 * 3 = 1.5, so
    // 5 + 0.5 * (10 - 5) = 7.5; matched 4, all 6, sample 4.
    Case {
        rule: "5 followed-by ordering",
        fixture: "followed_order",
        start: "2026-03-02",
        end: "2026-03-03",
        as_of: None,
        view: true,
        expected: "
        metric          bucket      grouping  value  numerator  denominator  sample  incomplete
        followed        2026-03-02  overall   4/6    4          6            6       false
        followed_count  2026-03-02  overall   4      4          -            4       false
        converted       2026-03-02  overall   3/5    3          5            5       false
        minutes         2026-03-02  overall   7.5    4          6            4       false
        ",
    },
    // u1: A mobile 10:30, A desktop 11:00, B 11:05 (35 and 5 min: both
    // convert); u2: A mobile 12:00, no B. mobile: {u1, u2} started, {u1}
    // converted: 1/2. desktop: {u1}: 1/1. overall: {u1, u2}, {u1}: 1/2, not
    // the cohorts' sum 2/3. Distinct users: mobile 2, desktop 1, overall 2.
    Case {
        rule: "6 distinct-entity overall rows",
        fixture: "distinct_overall",
        start: "2026-03-02",
        end: "2026-03-03",
        as_of: None,
        view: true,
        expected: "
        metric     bucket      grouping     device_type  value  numerator  denominator  sample  incomplete
        converted  2026-03-02  overall      -            1/2    1          2            2       false
        converted  2026-03-02  device_type  mobile       1/2    1          2            2       false
        converted  2026-03-02  device_type  desktop      1      1          1            1       false
        users      2026-03-02  overall      -            2      2          -            2       false
        users      2026-03-02  device_type  mobile       2      2          -            2       false
        users      2026-03-02  device_type  desktop      1      1          -            1       false
        ",
    },
    // 03-02: mobile attempt + success, desktop attempt. 03-03: nothing.
    // 03-04: mobile attempt. Cohorts seen in the range: mobile, desktop (tv
    // only on 03-06, after it). Every bucket x {overall, mobile, desktop}:
    // counts 0 and rates NULL (0/0) where nothing happened. Watermark 03-06.
    Case {
        rule: "7 dense rows",
        fixture: "dense",
        start: "2026-03-02",
        end: "2026-03-05",
        as_of: None,
        view: false,
        expected: "
        metric        bucket      grouping     device_type  value  numerator  denominator  sample  incomplete
        attempts      2026-03-02  overall      -            2      2          -            2       false
        attempts      2026-03-02  device_type  mobile       1      1          -            1       false
        attempts      2026-03-02  device_type  desktop      1      1          -            1       false
        attempts      2026-03-03  overall      -            0      0          -            0       false
        attempts      2026-03-03  device_type  mobile       0      0          -            0       false
        attempts      2026-03-03  device_type  desktop      0      0          -            0       false
        attempts      2026-03-04  overall      -            1      1          -            1       false
        attempts      2026-03-04  device_type  mobile       1      1          -            1       false
        attempts      2026-03-04  device_type  desktop      0      0          -            0       false
        success_rate  2026-03-02  overall      -            1/2    1          2            2       false
        success_rate  2026-03-02  device_type  mobile       1      1          1            1       false
        success_rate  2026-03-02  device_type  desktop      0      0          1            1       false
        success_rate  2026-03-03  overall      -            -      0          0            0       false
        success_rate  2026-03-03  device_type  mobile       -      0          0            0       false
        success_rate  2026-03-03  device_type  desktop      -      0          0            0       false
        success_rate  2026-03-04  overall      -            0      0          1            1       false
        success_rate  2026-03-04  device_type  mobile       0      0          1            1       false
        success_rate  2026-03-04  device_type  desktop      -      0          0            0       false
        ",
    },
    // A range with no event at all (an outage of the whole range): no
    // cohort is seen, but the overall rows are still there, counts 0 and
    // rates NULL, so the outage shows. The data's newest row (03-06) is
    // before both buckets end: incomplete.
    Case {
        rule: "7 dense rows in a range without events",
        fixture: "dense",
        start: "2026-03-10",
        end: "2026-03-12",
        as_of: None,
        view: false,
        expected: "
        metric        bucket      grouping  device_type  value  numerator  denominator  sample  incomplete
        attempts      2026-03-10  overall   -            0      0          -            0       true
        attempts      2026-03-11  overall   -            0      0          -            0       true
        success_rate  2026-03-10  overall   -            -      0          0            0       true
        success_rate  2026-03-11  overall   -            -      0          0            0       true
        ",
    },
    // Without as_of each metric's watermark is its own sources' newest row:
    // events 03-04 12:00, tickets 03-03 00:00. Incomplete when bucket end +
    // window > watermark:
    //   attempts (window 0):  03-03 <= wm, 03-04 <= wm, 03-05 > wm.
    //   followed (window 1d): 03-04 <= wm, 03-05 > wm, 03-06 > wm.
    //   tickets (window 0, tickets' own watermark 03-03 00:00): 03-03 <= wm
    //   (equal: complete), 03-04 > wm, 03-05 > wm.
    // Values: one attempt a day; only 03-02's is followed (30 min); tickets
    // 1, 1, 0.
    Case {
        rule: "8 incomplete buckets from the sources' watermark",
        fixture: "incomplete",
        start: "2026-03-02",
        end: "2026-03-05",
        as_of: None,
        view: true,
        expected: "
        metric    bucket      grouping  value  numerator  denominator  sample  incomplete
        attempts  2026-03-02  overall   1      1          -            1       false
        attempts  2026-03-03  overall   1      1          -            1       false
        attempts  2026-03-04  overall   1      1          -            1       true
        followed  2026-03-02  overall   1      1          1            1       false
        followed  2026-03-03  overall   0      0          1            1       true
        followed  2026-03-04  overall   0      0          1            1       true
        tickets   2026-03-02  overall   1      1          -            1       false
        tickets   2026-03-03  overall   1      1          -            1       true
        tickets   2026-03-04  overall   0      0          -            0       true
        ",
    },
    // as_of 03-03 12:00 (earlier than the events) is every metric's watermark:
    //   attempts: 03-03 <= as_of; 03-04, 03-05 > as_of.
    //   followed: 03-03 + 1d = 03-04 > as_of: all incomplete.
    //   tickets: 03-03 <= as_of; the rest after.
    Case {
        rule: "8 incomplete buckets with as_of",
        fixture: "incomplete",
        start: "2026-03-02",
        end: "2026-03-05",
        as_of: Some("2026-03-03T12:00"),
        view: false,
        expected: "
        metric    bucket      grouping  value  numerator  denominator  sample  incomplete
        attempts  2026-03-02  overall   1      1          -            1       false
        attempts  2026-03-03  overall   1      1          -            1       true
        attempts  2026-03-04  overall   1      1          -            1       true
        followed  2026-03-02  overall   1      1          1            1       true
        followed  2026-03-03  overall   0      0          1            1       true
        followed  2026-03-04  overall   0      0          1            1       true
        tickets   2026-03-02  overall   1      1          -            1       false
        tickets   2026-03-03  overall   1      1          -            1       true
        tickets   2026-03-04  overall   0      0          -            0       true
        ",
    },
    // mobile 0.10 + 0.20 + 0.30 = 0.60 (3 rows); desktop 3 x 9999999999.99 +
    // 0.01 + 0.07 = 29999999999.97 + 0.08 = 30000000000.05 (5 rows); tablet
    // seen with no order: 0 (0 rows); overall 30000000000.65 (8 rows).
    // Summed as doubles these end .049995/.049999 and .649994 to .650002.
    Case {
        rule: "9 decimal sums exact",
        fixture: "decimal_sum",
        start: "2026-03-02",
        end: "2026-03-03",
        as_of: None,
        view: true,
        expected: "
        metric   bucket      grouping     device_type  value           numerator       denominator  sample  incomplete
        revenue  2026-03-02  overall      -            30000000000.65  30000000000.65  -            8       false
        revenue  2026-03-02  device_type  mobile       0.6             0.60            -            3       false
        revenue  2026-03-02  device_type  desktop      30000000000.05  30000000000.05  -            5       false
        revenue  2026-03-02  device_type  tablet       0               0.00            -            0       false
        ",
    },
    // Kept copies in 03-02: e1 desktop (same time, ingested earlier), e2
    // mobile (11:00 beats 12:00 `watch`), e3 none (its 03-01 20:00 copy is
    // within the 1-day look-back before the start and wins; `tv` dropped),
    // e4 mobile (its 02-28 copy is before the look-back), two rows without
    // event_id on tablet (both kept), e5 desktop (ingested_at NULL sorts
    // last). mobile 2, desktop 2, tablet 2, overall 6. Tickets: t1 twice
    // (one kept); t2 is on 03-03. Tickets have no device: overall only.
    Case {
        rule: "10 de-duplication",
        fixture: "dedupe",
        start: "2026-03-02",
        end: "2026-03-03",
        as_of: None,
        view: false,
        expected: "
        metric    bucket      grouping     device_type  value  numerator  denominator  sample  incomplete
        attempts  2026-03-02  overall      -            6      6          -            6       false
        attempts  2026-03-02  device_type  mobile       2      2          -            2       false
        attempts  2026-03-02  device_type  desktop      2      2          -            2       false
        attempts  2026-03-02  device_type  tablet       2      2          -            2       false
        tickets   2026-03-02  overall      -            1      1          -            1       false
        ",
    },
    // Berlin: the look-back starts 1 day before 2026-03-27 23:00 UTC (the
    // local range start), at 2026-03-26 23:00 UTC. b1's early copy (22:30
    // UTC) is before it: its in-range copy counts; b2's (23:30 UTC) is after
    // it and wins: b2's in-range copy does not; b3 counts. 03-28: 2.
    Case {
        rule: "10 de-duplication look-back in a time zone",
        fixture: "dedupe_berlin",
        start: "2026-03-28",
        end: "2026-03-29",
        as_of: None,
        view: false,
        expected: "
        metric    bucket      grouping  value  numerator  denominator  sample  incomplete
        attempts  2026-03-28  overall   2      2          -            2       false
        ",
    },
    // Europe/Berlin local days. Attempts (UTC -> local):
    //   03-27 22:59 -> 03-27 23:59 (before the range)
    //   03-27 23:30 -> 03-28 00:30                     03-28: 1
    //   03-28 23:00 -> 03-29 00:00, 03-29 00:30 -> 01:30 CET,
    //   03-29 01:30 -> 03:30 CEST, 03-29 21:59 -> 23:59 CEST   03-29: 4
    //   03-29 22:00 -> 03-30 00:00, 03-30 21:30 -> 23:30       03-30: 2
    //   03-30 22:30 -> 03-31 00:30 (after the range; the watermark)
    // Reset 00:50 UTC (01:50 CET) -> 01:10 UTC (03:10 CEST): 20 real minutes
    // (80 on the wall clock), within 30m. Watermark 03-31 00:30 local:
    // 03-30's end + 30m = 00:30 is not after it, so complete.
    Case {
        rule: "11 time zone and DST (day)",
        fixture: "time_zone",
        start: "2026-03-28",
        end: "2026-03-31",
        as_of: None,
        view: true,
        expected: "
        metric         bucket      grouping  value  numerator  denominator  sample  incomplete
        attempts       2026-03-28  overall   1      1          -            1       false
        attempts       2026-03-29  overall   4      4          -            4       false
        attempts       2026-03-30  overall   2      2          -            2       false
        reset_minutes  2026-03-28  overall   -      0          0            0       false
        reset_minutes  2026-03-29  overall   20     1          1            1       false
        reset_minutes  2026-03-30  overall   -      0          0            0       false
        ",
    },
    // Berlin (CET, UTC+1) hours of 2026-03-02: 03-01 22:59 UTC is 23:59 the
    // day before; 23:30 and 23:45 UTC are 00:30 and 00:45 (bucket 00:00: 2);
    // 00:59:59 UTC is 01:59:59 (bucket 01:00: 1); bucket 02:00 has none.
    // 02:00 UTC (03:00 local) is after the range and the watermark.
    Case {
        rule: "11 time zone: grain hour",
        fixture: "grain_hour",
        start: "2026-03-02T00:00",
        end: "2026-03-02T03:00",
        as_of: None,
        view: true,
        expected: "
        metric    bucket            grouping  value  numerator  denominator  sample  incomplete
        attempts  2026-03-02T00:00  overall   2      2          -            2       false
        attempts  2026-03-02T01:00  overall   1      1          -            1       false
        attempts  2026-03-02T02:00  overall   0      0          -            0       false
        ",
    },
    // Weeks from Sunday in Berlin: 02-28 22:30 UTC is Sat 23:30 (week of
    // 02-22, before the range); 02-28 23:30 UTC is Sun 03-01 00:30 and
    // 03-07 22:59 UTC is Sat 23:59 (week 03-01: 2); 03-07 23:00 UTC is Sun
    // 03-08 00:00 and 03-14 12:00 UTC Sat (week 03-08: 2).
    Case {
        rule: "11 time zone: grain week from Sunday",
        fixture: "grain_week",
        start: "2026-03-01",
        end: "2026-03-15",
        as_of: None,
        view: true,
        expected: "
        metric    bucket      grouping  value  numerator  denominator  sample  incomplete
        attempts  2026-03-01  overall   2      2          -            2       false
        attempts  2026-03-08  overall   2      2          -            2       false
        ",
    },
    // Berlin months: 02-28 22:59 UTC is Feb 23:59 (before); 02-28 23:30 UTC
    // is Mar 1 00:30 and 03-31 21:59 UTC Mar 31 23:59 CEST (March: 2);
    // 03-31 22:00 UTC is Apr 1 00:00 CEST (April: 1).
    Case {
        rule: "11 time zone: grain month",
        fixture: "grain_month",
        start: "2026-03-01",
        end: "2026-05-01",
        as_of: None,
        view: true,
        expected: "
        metric    bucket      grouping  value  numerator  denominator  sample  incomplete
        attempts  2026-03-01  overall   2      2          -            2       false
        attempts  2026-04-01  overall   1      1          -            1       false
        ",
    },
    // Asia/Kolkata (+05:30): local midnight is 18:30 UTC. 03-01 18:29:59
    // UTC is 03-01 23:59:59 (before the range); 18:30 and 18:45 are 03-02
    // 00:00 and 00:15 (risky: k2 only); 03-02 18:29 is 03-02 23:59; 18:30
    // is 03-03 00:00 (risky). The watermark is 03-03 17:30 local, so 03-03
    // is incomplete.
    Case {
        rule: "11 time zone: offset off the hour",
        fixture: "zone_half_hour",
        start: "2026-03-02",
        end: "2026-03-04",
        as_of: None,
        view: true,
        expected: "
        metric      bucket      grouping  value  numerator  denominator  sample  incomplete
        attempts    2026-03-02  overall   3      3          -            3       false
        attempts    2026-03-03  overall   1      1          -            1       true
        risky_rate  2026-03-02  overall   0.3333333333333333  1  3       3       false
        risky_rate  2026-03-03  overall   1      1          1            1       true
        ",
    },
    // Cases on 03-10 with the device of the user's latest login_success at
    // or before them within 2 days:
    //   c1 u1 12:00, 10.00: desktop (11:00; not 03-09 mobile, not the 13:00
    //      tablet after it, not the 11:30 tv login_attempt)
    //   c2 u2 12:00, 20.00: two at 10:00, largest event_id e011: tablet
    //   c3 u3 12:00, 40.00: only 03-08 11:00, 2d 1h before: NULL
    //   c4 u4 12:00, 80.00: no login: NULL
    //   c5 u5 09:00, 1.00: login at the same instant: mobile
    // mobile 1.00 (1), desktop 10.00 (1), tablet 20.00 (1), NULL 120.00 (2),
    // overall 151.00 (5).
    Case {
        rule: "12 cohort attribution",
        fixture: "attribution",
        start: "2026-03-10",
        end: "2026-03-11",
        as_of: None,
        view: true,
        expected: "
        metric      bucket      grouping     device_type  value  numerator  denominator  sample  incomplete
        fraud_loss  2026-03-10  overall      -            151    151.00     -            5       false
        fraud_loss  2026-03-10  device_type  mobile       1      1.00       -            1       false
        fraud_loss  2026-03-10  device_type  desktop      10     10.00      -            1       false
        fraud_loss  2026-03-10  device_type  tablet       20     20.00      -            1       false
        fraud_loss  2026-03-10  device_type  -            120    120.00     -            2       false
        ",
    },
    // Recovery starts: u1, u2 mobile, u3 desktop. Recovery tickets opened
    // in 03-02: t1 (u1, desktop), t2 (u3, desktop); t3 is on 03-03, t4 is
    // billing, t5 (u3, 13:00) is `ticket_closed`, not the event.
    // contact_rate: mobile 0/2, desktop 2/1, overall 2/3.
    // helped (a ticket of the same user within 1d at or after the start):
    // u1 by t1 (desktop: any device), u2 by t3 (03-03 10:59, after the range
    // end, within 1d), not u3 (t2 is before its start): mobile 2/2,
    // desktop 0/1, overall 2/3 (u3's t5 after its start is not the event).
    Case {
        rule: "13 cross-source rate and followed-by",
        fixture: "cross_source",
        start: "2026-03-02",
        end: "2026-03-03",
        as_of: None,
        view: true,
        expected: "
        metric        bucket      grouping     device_type  value  numerator  denominator  sample  incomplete
        contact_rate  2026-03-02  overall      -            2/3    2          3            3       false
        contact_rate  2026-03-02  device_type  mobile       0      0          2            2       false
        contact_rate  2026-03-02  device_type  desktop      2      2          1            1       false
        helped        2026-03-02  overall      -            2/3    2          3            3       false
        helped        2026-03-02  device_type  mobile       1      2          2            2       false
        helped        2026-03-02  device_type  desktop      0      0          1            1       false
        ",
    },
    // mobile: 4 attempts, 1 success; desktop: 0 attempts, 2 successes;
    // tablet: seen, neither; overall 4 and 3.
    // success_rate: mobile 1/4, desktop 2/0 NULL, tablet 0/0 NULL, overall 3/4.
    // per_attempt = successes / attempts: mobile 1/4 (sample min(1, 4) = 1),
    // desktop 2/0 NULL (min(2, 0) = 0), tablet NULL (0), overall 3/4 (min(3, 4)).
    // failure = 1 - success_rate: mobile 3/4 (sample 4), desktop and tablet
    // NULL (0), overall 1/4 (4). Derived rows carry no numerator/denominator.
    Case {
        rule: "14 derived metrics",
        fixture: "derived",
        start: "2026-03-02",
        end: "2026-03-03",
        as_of: None,
        view: true,
        expected: "
        metric        bucket      grouping     device_type  value  numerator  denominator  sample  incomplete
        attempts      2026-03-02  overall      -            4      4          -            4       false
        attempts      2026-03-02  device_type  mobile       4      4          -            4       false
        attempts      2026-03-02  device_type  desktop      0      0          -            0       false
        attempts      2026-03-02  device_type  tablet       0      0          -            0       false
        successes     2026-03-02  overall      -            3      3          -            3       false
        successes     2026-03-02  device_type  mobile       1      1          -            1       false
        successes     2026-03-02  device_type  desktop      2      2          -            2       false
        successes     2026-03-02  device_type  tablet       0      0          -            0       false
        success_rate  2026-03-02  overall      -            3/4    3          4            4       false
        success_rate  2026-03-02  device_type  mobile       1/4    1          4            4       false
        success_rate  2026-03-02  device_type  desktop      -      2          0            0       false
        success_rate  2026-03-02  device_type  tablet       -      0          0            0       false
        per_attempt   2026-03-02  overall      -            3/4    -          -            3       false
        per_attempt   2026-03-02  device_type  mobile       1/4    -          -            1       false
        per_attempt   2026-03-02  device_type  desktop      -      -          -            0       false
        per_attempt   2026-03-02  device_type  tablet       -      -          -            0       false
        failure       2026-03-02  overall      -            1/4    -          -            4       false
        failure       2026-03-02  device_type  mobile       3/4    -          -            4       false
        failure       2026-03-02  device_type  desktop      -      -          -            0       false
        failure       2026-03-02  device_type  tablet       -      -          -            0       false
        ",
    },
];

/// Signal integrity of the de-duplication fixture on 2026-03-02.
/// events: 10 rows in the bucket (e1 x2, e2 x2, e3's in-range copy, e4's
/// in-range copy, 2 without event_id, e5 x2); kept 6 (e1, e2, e4, both
/// NULL keys, e5; e3's copy loses to its 03-01 copy): duplicate ratio
/// 1 - 6/10 = 0.4. tickets: 2 rows (t1 x2), kept 1: 0.5.
/// Newest: events 03-04 00:00, tickets 03-03 12:00; the watermark is the
/// newest of all (03-04 00:00), so tickets lag 12 h = 720 minutes.
pub(super) const INTEGRITY: Integrity = Integrity {
    fixture: "dedupe",
    start: "2026-03-02",
    end: "2026-03-03",
    rows: &[
        ("events", "2026-03-02", 10, 6, 0.4, "2026-03-04", 0.0),
        (
            "tickets",
            "2026-03-02",
            2,
            1,
            0.5,
            "2026-03-03T12:00",
            720.0,
        ),
    ],
};

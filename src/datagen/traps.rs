//! The planted traps, listed with their counts in the `datagen` module
//! documentation. Each trap user does only its trap, so the counts are exact.

use super::story::{Gen, Session};
use super::{DAY, HOUR, MIN, SEC, local};

const MOBILE: Option<&str> = Some("mobile");
const DESKTOP: Option<&str> = Some("desktop");
const TABLET: Option<&str> = Some("tablet");
const EMEA: Option<&str> = Some("emea");
const NA: Option<&str> = Some("na");
const APAC: Option<&str> = Some("apac");
const LATAM: Option<&str> = Some("latam");

pub(super) fn plant(g: &mut Gen<'_>) {
    duplicates(g);
    null_cohorts(g);
    sporadic(g);
    midnights(g);
    window_edges(g);
    abusers(g);
    b_before_a(g);
    dst_day(g);
    values(g);
}

/// A new user with one session.
fn person(g: &mut Gen<'_>, device: Option<&'static str>, region: Option<&'static str>) -> Session {
    let user = g.user();
    g.session(&user, device, region)
}

/// A `login_attempt` 3 s before a `login_success` at `t`; the success's id.
fn login(g: &mut Gen<'_>, s: &Session, t: i64) -> Option<String> {
    g.auth(&s.auth("login_attempt", t - 3 * SEC).risk(Some(0.12)));
    g.auth(&s.auth("login_success", t))
}

fn duplicates(g: &mut Gen<'_>) {
    // The identical row again, 3 h later.
    for i in 0..4 {
        let s = person(g, MOBILE, EMEA);
        let t = local(3, 23, 10 + i, 0, 0);
        g.auth(&s.auth("login_attempt", t - 3 * SEC).risk(Some(0.12)));
        let ok = s.auth("login_success", t);
        if let Some(id) = g.auth(&ok) {
            g.redeliver(&id, &ok, t + 3 * HOUR);
        }
    }
    // The same time, but another device: only ingested_at decides.
    for i in 0..2 {
        let s = person(g, MOBILE, NA);
        let t = local(3, 24, 14 + i, 0, 0);
        g.auth(&s.auth("login_attempt", t - 3 * SEC).risk(Some(0.12)));
        let ok = s.auth("login_success", t);
        if let Some(id) = g.auth(&ok) {
            g.redeliver(&id, &ok.clone().device(DESKTOP), t + 2 * HOUR);
        }
    }
    // A later event_time: dedupe keeps the earliest; the last one moves the
    // copy across local midnight.
    let later = [
        (local(3, 26, 12, 0, 0), local(3, 26, 12, 0, 45)),
        (local(3, 26, 13, 0, 0), local(3, 26, 13, 0, 45)),
        (local(3, 26, 14, 0, 0), local(3, 26, 14, 0, 45)),
        (local(3, 30, 23, 59, 40), local(3, 31, 0, 0, 20)),
    ];
    for (t, copy) in later {
        let s = person(g, DESKTOP, APAC);
        g.auth(&s.auth("login_attempt", t - 3 * SEC).risk(Some(0.12)));
        let ok = s.auth("login_success", t);
        if let Some(id) = g.auth(&ok) {
            let mut late = ok.clone();
            late.time = copy;
            g.redeliver(&id, &late, copy + HOUR);
        }
    }
    for i in 0..3 {
        let s = person(g, MOBILE, EMEA);
        let t = local(3, 25, 11 + i, 0, 0);
        login(g, &s, t);
        g.checkout(&s.checkout("checkout_started", t + 2 * MIN, Some(4_990)));
        let order = s.checkout("order_placed", t + 6 * MIN, Some(4_990));
        if let Some(id) = g.checkout(&order) {
            g.checkout_again(&id, &order);
        }
    }
    for i in 0..2 {
        let s = person(g, DESKTOP, NA);
        let t = local(3, 27, 9 + i, 0, 0);
        g.auth(&s.auth("account_recovery_started", t));
        g.ticket(&s, t + 20 * MIN, "account_recovery", 2);
    }
}

fn null_cohorts(g: &mut Gen<'_>) {
    for (device, region) in [(MOBILE, None), (None, EMEA), (None, None)] {
        let s = person(g, device, region);
        let t = local(3, 21, 12, 0, 0);
        g.auth(&s.auth("password_reset_requested", t));
        g.auth(&s.auth("password_reset_completed", t + 7 * MIN));
        login(g, &s, t + 9 * MIN);
        g.ticket(&s, t + HOUR, "login", 1);
    }
}

/// (tablet, latam) on exactly three local days; two more latam users.
fn sporadic(g: &mut Gen<'_>) {
    let user = g.user();
    for (month, day) in [(3, 22), (3, 29), (4, 1)] {
        let s = g.session(&user, TABLET, LATAM);
        login(g, &s, local(month, day, 19, 15, 0));
    }
    for device in [MOBILE, DESKTOP] {
        let user = g.user();
        for day in [21, 24, 27, 30] {
            let s = g.session(&user, device, LATAM);
            login(g, &s, local(3, day, 20, 5, 0));
        }
    }
}

fn midnights(g: &mut Gen<'_>) {
    for (month, day) in [(3, 24), (3, 29), (3, 30), (4, 1)] {
        let midnight = local(month, day, 0, 0, 0);
        let s = person(g, MOBILE, EMEA);
        g.auth(&s.auth("login_attempt", midnight - 1).risk(Some(0.2)));
        g.auth(&s.auth("login_success", midnight));
        let s = person(g, DESKTOP, NA);
        g.auth(&s.auth("login_attempt", midnight - 2 * SEC).risk(Some(0.3)));
        g.auth(&s.auth("login_success", midnight + SEC));
    }
    let midnight = local(4, 1, 0, 0, 0);
    let s = person(g, MOBILE, EMEA);
    login(g, &s, midnight - 2 * MIN);
    g.checkout(&s.checkout("checkout_started", midnight - 30 * SEC, Some(12_340)));
    g.checkout(&s.checkout("order_placed", midnight + 5 * SEC, Some(12_340)));
    let s = person(g, DESKTOP, EMEA);
    g.auth(&s.auth("password_reset_requested", midnight - 10 * SEC));
    g.auth(&s.auth("password_reset_completed", midnight + MIN));
}

fn window_edges(g: &mut Gen<'_>) {
    // 24 h exactly (the third across the DST change), then 24 h + 1 µs.
    for (day, hour, extra) in [
        (21, 15, 0),
        (22, 16, 0),
        (28, 18, 0),
        (23, 11, 1),
        (24, 17, 1),
    ] {
        let s = person(g, MOBILE, NA);
        let t = local(3, day, hour, 0, 0);
        g.auth(&s.auth("password_reset_requested", t));
        g.auth(&s.auth("password_reset_completed", t + DAY + extra));
    }
    for (day, extra) in [(21, 0), (25, 0), (22, SEC), (26, SEC)] {
        let s = person(g, DESKTOP, EMEA);
        let t = local(3, day, 13, 0, 0);
        login(g, &s, t - MIN);
        g.auth(&s.auth("mfa_enrolment_started", t));
        g.auth(&s.auth("mfa_enrolled", t + 30 * MIN + extra));
    }
    for (day, extra) in [(21, 0), (27, 0), (23, 1), (28, 1)] {
        let s = person(g, MOBILE, APAC);
        let t = local(3, day, 20, 0, 0);
        login(g, &s, t - MIN);
        g.checkout(&s.checkout("checkout_started", t, Some(8_900)));
        g.checkout(&s.checkout("order_placed", t + HOUR + extra, Some(8_900)));
    }
    // Exactly 1 h later, but in another session of the same user.
    let s = person(g, DESKTOP, NA);
    let t = local(3, 24, 19, 0, 0);
    login(g, &s, t - MIN);
    g.checkout(&s.checkout("checkout_started", t, Some(15_000)));
    let other = g.session(&s.user, DESKTOP, NA);
    login(g, &other, t + HOUR - MIN);
    g.checkout(&other.checkout("order_placed", t + HOUR, Some(15_000)));
    // 86,400 s exactly (the third across the DST change), then + 1 µs.
    for (day, hour, extra) in [(21, 10, 0), (24, 16, 0), (28, 12, 0), (25, 9, 1)] {
        let s = person(g, TABLET, EMEA);
        let t = local(3, day, hour, 0, 0);
        g.auth(&s.auth("registration_started", t));
        g.auth(
            &s.auth("registration_completed", t + DAY + extra)
                .risk(Some(0.05)),
        );
    }
}

fn abusers(g: &mut Gen<'_>) {
    let reset = |g: &mut Gen<'_>, s: &Session, t: i64| {
        g.auth(&s.auth("password_reset_requested", t));
    };
    for day in [22, 23, 24] {
        let user = g.user();
        let phone = g.session(&user, MOBILE, EMEA);
        let desk = g.session(&user, DESKTOP, EMEA);
        reset(g, &phone, local(3, day, 9, 0, 0));
        reset(g, &phone, local(3, day, 9, 20, 0));
        reset(g, &desk, local(3, day, 14, 0, 0));
        reset(g, &desk, local(3, day, 14, 30, 0));
    }
    let user = g.user();
    let pad = g.session(&user, TABLET, NA);
    let phone = g.session(&user, MOBILE, NA);
    for (s, hour) in [(&pad, 10), (&phone, 18)] {
        for minute in [0, 5, 10] {
            reset(g, s, local(3, 27, hour, minute, 0));
        }
    }
    // Exactly three: not more than three.
    for day in [28, 30, 31] {
        let user = g.user();
        let phone = g.session(&user, MOBILE, APAC);
        let desk = g.session(&user, DESKTOP, APAC);
        reset(g, &phone, local(3, day, 11, 0, 0));
        reset(g, &phone, local(3, day, 11, 15, 0));
        reset(g, &desk, local(3, day, 15, 0, 0));
    }
    // Four on one UTC day (22:20-23:30 UTC), two on each local day.
    let user = g.user();
    let phone = g.session(&user, MOBILE, EMEA);
    let desk = g.session(&user, DESKTOP, EMEA);
    reset(g, &phone, local(3, 25, 23, 20, 0));
    reset(g, &phone, local(3, 25, 23, 40, 0));
    reset(g, &desk, local(3, 26, 0, 10, 0));
    reset(g, &desk, local(3, 26, 0, 30, 0));
}

fn b_before_a(g: &mut Gen<'_>) {
    for day in [22, 26] {
        let s = person(g, MOBILE, NA);
        let t = local(3, day, 16, 0, 0);
        g.auth(&s.auth("password_reset_completed", t));
        g.auth(&s.auth("password_reset_requested", t + 10 * MIN));
    }
    let s = person(g, DESKTOP, APAC);
    let t = local(3, 23, 21, 0, 0);
    login(g, &s, t - MIN);
    g.auth(&s.auth("mfa_enrolled", t));
    g.auth(&s.auth("mfa_enrolment_started", t + 5 * MIN));
    // Three requests share one completion: 12, 10 and 7 minutes.
    for day in [24, 29] {
        let s = person(g, MOBILE, EMEA);
        let t = local(3, day, 12, 0, 0);
        for minutes in [0, 2, 5] {
            g.auth(&s.auth("password_reset_requested", t + minutes * MIN));
        }
        g.auth(&s.auth("password_reset_completed", t + 12 * MIN));
    }
    for day in [21, 27, 31] {
        let s = person(g, TABLET, NA);
        g.auth(&s.auth("password_reset_requested", local(3, day, 8, 30, 0)));
    }
}

/// 2026-03-29 local: 00:30 and 01:30 are +01:00, 03:00 and 03:30 +02:00.
fn dst_day(g: &mut Gen<'_>) {
    let s = person(g, MOBILE, EMEA);
    for (hour, minute) in [(0, 30), (1, 30), (3, 0), (3, 30)] {
        login(g, &s, local(3, 29, hour, minute, 0));
    }
    let s = person(g, DESKTOP, EMEA);
    g.auth(&s.auth("password_reset_requested", local(3, 29, 1, 45, 0)));
    g.auth(&s.auth("password_reset_completed", local(3, 29, 3, 15, 0)));
    let s = person(g, MOBILE, NA);
    login(g, &s, local(3, 29, 1, 40, 0));
    g.auth(&s.auth("mfa_enrolment_started", local(3, 29, 1, 50, 0)));
    g.auth(&s.auth("mfa_enrolled", local(3, 29, 3, 10, 0)));
}

fn values(g: &mut Gen<'_>) {
    for i in 0..10 {
        let s = person(g, if i % 2 == 0 { MOBILE } else { DESKTOP }, EMEA);
        let t = local(3, 21 + i, 10, 30, 0);
        let risk = if i < 6 { Some(0.8) } else { None };
        g.auth(&s.auth("login_attempt", t).risk(risk));
        g.auth(&s.auth("login_success", t + 2 * SEC));
    }
    for day in [22, 30] {
        let s = person(g, DESKTOP, NA);
        let t = local(3, day, 15, 0, 0);
        g.auth(&s.auth("registration_started", t));
        g.auth(
            &s.auth("registration_completed", t + 3 * MIN)
                .risk(Some(0.9)),
        );
    }
    for day in [23, 28, 31] {
        let s = person(g, MOBILE, APAC);
        let t = local(3, day, 18, 0, 0);
        login(g, &s, t - MIN);
        let policy = Some("2026-03");
        g.auth(&s.auth("consent_shown", t).policy(policy));
        g.auth(&s.auth("consent_given", t + 10 * SEC).policy(None));
    }
    let s = person(g, MOBILE, EMEA);
    for (hour, category) in [
        (9, "billing"),
        (11, "delivery"),
        (13, "login"),
        (15, "other"),
    ] {
        g.ticket(&s, local(3, 26, hour, 0, 0), category, 1);
    }
    fraud(g);
}

/// Fraud cases for cohort attribution.
fn fraud(g: &mut Gen<'_>) {
    let reported = local(3, 30, 12, 0, 0);
    // Mobile, then desktop (with the order), the case, then tablet.
    for (loss, copies) in [(10, 1), (20, 2)] {
        let user = g.user();
        let phone = g.session(&user, MOBILE, EMEA);
        login(g, &phone, local(3, 22, 10, 0, 0));
        let desk = g.session(&user, DESKTOP, EMEA);
        login(g, &desk, local(3, 27, 10, 0, 0));
        g.checkout(&desk.checkout("checkout_started", local(3, 27, 10, 2, 0), Some(3_450)));
        g.checkout(&desk.checkout("order_placed", local(3, 27, 10, 5, 0), Some(3_450)));
        g.case(&user, reported, loss, copies);
        let pad = g.session(&user, TABLET, EMEA);
        login(g, &pad, local(4, 2, 10, 0, 0));
    }
    // A sign-in at exactly the case's time counts (at or before).
    let user = g.user();
    let phone = g.session(&user, MOBILE, NA);
    login(g, &phone, local(3, 23, 10, 0, 0));
    let pad = g.session(&user, TABLET, NA);
    let at = local(3, 30, 15, 0, 0);
    login(g, &pad, at);
    g.case(&user, at, 10, 1);
    // The only sign-in is after the case: no cohort.
    let s = person(g, DESKTOP, APAC);
    g.case(&s.user, local(3, 24, 12, 0, 0), 20, 1);
    login(g, &s, local(3, 26, 9, 0, 0));
    // Two sign-ins at the identical time: event_id breaks the tie.
    let user = g.user();
    let phone = g.session(&user, MOBILE, EMEA);
    let desk = g.session(&user, DESKTOP, NA);
    let t = local(3, 27, 9, 0, 0);
    g.auth(&phone.auth("login_success", t));
    g.auth(&desk.auth("login_success", t));
    g.case(&user, local(3, 28, 12, 0, 0), 10, 1);
}

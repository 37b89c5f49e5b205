//! The generator behind `datagen`: the random stream, the ids and the
//! event budget, and the background users' story.

use super::{
    AUTH, CHECKOUT, Config, DAY, END, FRAUD, HOUR, MIN, Row, SEC, START, TICKETS, Value, in_span,
    local,
};

/// splitmix64: small, fast and the same on every platform.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Self {
        let mut rng = Self(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..hi` (microseconds and the like).
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below(hi.saturating_sub(lo).unsigned_abs()) as i64
    }

    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64) < p * (1u64 << 53) as f64
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

/// A session: who, where and on what; events take their cohort from it.
#[derive(Clone, Debug)]
pub(super) struct Session {
    pub(super) user: String,
    id: String,
    device: Option<&'static str>,
    region: Option<&'static str>,
}

impl Session {
    pub(super) fn auth(&self, name: &'static str, time: i64) -> Auth {
        Auth {
            user: self.user.clone(),
            session: self.id.clone(),
            name,
            time,
            lag: 2 * SEC + 113_000,
            device: self.device,
            region: self.region,
            risk: None,
            policy: None,
        }
    }

    pub(super) fn checkout(&self, name: &'static str, time: i64, value: Option<i64>) -> Checkout {
        Checkout {
            user: self.user.clone(),
            session: self.id.clone(),
            name,
            time,
            device: self.device,
            region: self.region,
            value,
        }
    }
}

/// One `auth_events` row before it gets its id.
#[derive(Clone, Debug)]
pub(super) struct Auth {
    user: String,
    session: String,
    name: &'static str,
    pub(super) time: i64,
    /// `ingested_at - event_time`.
    lag: i64,
    device: Option<&'static str>,
    region: Option<&'static str>,
    risk: Option<f64>,
    policy: Option<&'static str>,
}

impl Auth {
    pub(super) fn risk(mut self, risk: Option<f64>) -> Self {
        self.risk = risk;
        self
    }

    pub(super) fn policy(mut self, policy: Option<&'static str>) -> Self {
        self.policy = policy;
        self
    }

    pub(super) fn device(mut self, device: Option<&'static str>) -> Self {
        self.device = device;
        self
    }

    fn row(&self, id: &str, ingested_at: i64) -> Row {
        let text = |s: &str| Some(Value::Text(s.to_string()));
        vec![
            text(id),
            Some(Value::Timestamp(self.time)),
            Some(Value::Timestamp(ingested_at)),
            text(&self.user),
            text(&self.session),
            text(self.name),
            self.device.and_then(text),
            self.region.and_then(text),
            self.risk.map(Value::Double),
            self.policy.and_then(text),
        ]
    }
}

/// One `checkout_events` row before it gets its id.
#[derive(Clone, Debug)]
pub(super) struct Checkout {
    user: String,
    session: String,
    name: &'static str,
    time: i64,
    device: Option<&'static str>,
    region: Option<&'static str>,
    value: Option<i64>,
}

impl Checkout {
    fn row(&self, id: &str) -> Row {
        let text = |s: &str| Some(Value::Text(s.to_string()));
        vec![
            text(id),
            Some(Value::Timestamp(self.time)),
            text(&self.user),
            text(&self.session),
            text(self.name),
            self.device.and_then(text),
            self.region.and_then(text),
            self.value.map(Value::Decimal),
        ]
    }
}

/// The generator: ids, the event budget, and where rows go.
pub(super) struct Gen<'s> {
    sink: &'s mut dyn FnMut(usize, Row),
    seed: u64,
    rng: Rng,
    /// Auth and checkout rows still to write.
    budget: u64,
    users: u64,
    auth_ids: u64,
    checkout_ids: u64,
    sessions: u64,
    tickets: u64,
    cases: u64,
}

pub(super) fn run(config: &Config, sink: &mut dyn FnMut(usize, Row)) {
    let mut g = Gen {
        sink,
        seed: config.seed,
        rng: Rng::new(config.seed, u64::MAX),
        budget: config.events,
        users: 0,
        auth_ids: 0,
        checkout_ids: 0,
        sessions: 0,
        tickets: 0,
        cases: 0,
    };
    super::traps::plant(&mut g);
    while g.budget > 0 {
        g.background_user();
    }
}

impl Gen<'_> {
    /// A new user id; the random stream is the user's own, so a user's
    /// story does not depend on how many rows came before.
    pub(super) fn user(&mut self) -> String {
        let id = format!("u{:06}", self.users);
        self.rng = Rng::new(self.seed, self.users);
        self.users += 1;
        id
    }

    pub(super) fn session(
        &mut self,
        user: &str,
        device: Option<&'static str>,
        region: Option<&'static str>,
    ) -> Session {
        self.sessions += 1;
        Session {
            user: user.to_string(),
            id: format!("s{:09}", self.sessions),
            device,
            region,
        }
    }

    /// Writes an auth event; its id, or `None` when it is out of the span
    /// or the budget is spent.
    pub(super) fn auth(&mut self, event: &Auth) -> Option<String> {
        if !in_span(event.time) || self.budget == 0 {
            return None;
        }
        self.auth_ids += 1;
        let id = format!("e{:010}", self.auth_ids);
        self.redeliver(&id, event, event.time + event.lag);
        Some(id)
    }

    /// Writes an auth row with a given id and `ingested_at`.
    pub(super) fn redeliver(&mut self, id: &str, event: &Auth, ingested_at: i64) {
        if in_span(event.time) && self.budget > 0 {
            self.budget -= 1;
            (self.sink)(AUTH, event.row(id, ingested_at));
        }
    }

    pub(super) fn checkout(&mut self, event: &Checkout) -> Option<String> {
        if !in_span(event.time) || self.budget == 0 {
            return None;
        }
        self.checkout_ids += 1;
        let id = format!("c{:010}", self.checkout_ids);
        self.checkout_again(&id, event);
        Some(id)
    }

    pub(super) fn checkout_again(&mut self, id: &str, event: &Checkout) {
        if in_span(event.time) && self.budget > 0 {
            self.budget -= 1;
            (self.sink)(CHECKOUT, event.row(id));
        }
    }

    /// Writes a ticket (`copies` times) from the session's cohort.
    pub(super) fn ticket(&mut self, s: &Session, time: i64, category: &str, copies: usize) {
        if !in_span(time) || self.budget == 0 {
            return;
        }
        self.tickets += 1;
        let text = |s: &str| Some(Value::Text(s.to_string()));
        let row = vec![
            text(&format!("t{:08}", self.tickets)),
            Some(Value::Timestamp(time)),
            text(&s.user),
            text(category),
            s.device.and_then(text),
            s.region.and_then(text),
        ];
        for _ in 1..copies {
            (self.sink)(TICKETS, row.clone());
        }
        (self.sink)(TICKETS, row);
    }

    /// Writes a fraud case (`copies` times).
    pub(super) fn case(&mut self, user: &str, time: i64, loss_cents: i64, copies: usize) {
        if !in_span(time) || self.budget == 0 {
            return;
        }
        self.cases += 1;
        let row = vec![
            Some(Value::Text(format!("f{:08}", self.cases))),
            Some(Value::Timestamp(time)),
            Some(Value::Text(user.to_string())),
            Some(Value::Decimal(loss_cents)),
        ];
        for _ in 1..copies {
            (self.sink)(FRAUD, row.clone());
        }
        (self.sink)(FRAUD, row);
    }

    /// A background ticket, 1% of them written twice.
    fn bg_ticket(&mut self, s: &Session, time: i64, category: &str) {
        let copies = if self.rng.chance(0.01) { 2 } else { 1 };
        self.ticket(s, time, category, copies);
    }

    /// A background auth event: sometimes missing a cohort value, sometimes
    /// re-delivered.
    fn bg_auth(&mut self, mut event: Auth) -> Option<String> {
        self.drop_cohorts(&mut event.device, &mut event.region);
        let id = self.auth(&event)?;
        if self.rng.chance(0.004) {
            let later = event.time + event.lag + self.rng.range(HOUR, 6 * HOUR);
            self.redeliver(&id, &event, later);
        }
        Some(id)
    }

    fn bg_checkout(&mut self, mut event: Checkout) -> Option<String> {
        self.drop_cohorts(&mut event.device, &mut event.region);
        let id = self.checkout(&event)?;
        if self.rng.chance(0.003) {
            self.checkout_again(&id, &event);
        }
        Some(id)
    }

    fn drop_cohorts(
        &mut self,
        device: &mut Option<&'static str>,
        region: &mut Option<&'static str>,
    ) {
        let r = self.rng.below(1000);
        if r < 5 {
            *device = None;
        } else if r < 8 {
            *region = None;
        } else if r < 9 {
            *device = None;
            *region = None;
        }
    }

    /// A local daytime instant in the span, at least 3 h before its end.
    fn session_start(&mut self) -> i64 {
        const WEIGHTS: [u64; 24] = [
            1, 1, 1, 1, 1, 2, 4, 7, 9, 9, 8, 8, 9, 9, 8, 8, 8, 9, 10, 11, 11, 9, 6, 3,
        ];
        let total: u64 = WEIGHTS.iter().sum();
        for _ in 0..4 {
            let day = self.rng.below(18) as i64;
            let mut r = self.rng.below(total);
            let mut hour = 0;
            while r >= WEIGHTS[hour] {
                r -= WEIGHTS[hour];
                hour += 1;
            }
            let t = local(3, 20 + day, hour as i64, 0, 0) + self.rng.range(0, HOUR);
            if (START..END - 3 * HOUR).contains(&t) {
                return t;
            }
        }
        self.rng.range(START, END - 3 * HOUR)
    }

    fn background_user(&mut self) {
        let user = self.user();
        let rng = &mut self.rng;
        let region = match rng.below(100) {
            0 => "latam",
            1..=45 => "emea",
            46..=80 => "na",
            _ => "apac",
        };
        let latam = region == "latam";
        let devices: &[&'static str] = if latam {
            &["mobile", "desktop"]
        } else {
            &["mobile", "desktop", "tablet"]
        };
        let primary = match rng.below(100) {
            0..=54 => "mobile",
            55..=89 => "desktop",
            _ if latam => "mobile",
            _ => "tablet",
        };
        let second = rng.chance(0.3).then(|| rng.pick(devices));
        let mut first_session = rng.chance(0.08);
        let sessions = 1 + rng.below(8);
        let mut enrolled = false;
        for _ in 0..sessions {
            let device = match second {
                Some(d) if self.rng.chance(0.25) => d,
                _ => primary,
            };
            let s = self.session(&user, Some(device), Some(region));
            let mut t = self.session_start();
            if std::mem::take(&mut first_session) {
                t = self.registration(&s, t);
            }
            let kind = self.rng.below(1000);
            if kind < 60 {
                t = self.password_reset(&s, t);
            } else if kind < 70 {
                self.recovery(&s, t);
                continue;
            } else if kind < 95 {
                let category = self.rng.pick(&["billing", "delivery", "login", "other"]);
                let at = t + self.rng.range(0, DAY);
                self.bg_ticket(&s, at, category);
            }
            let Some(t) = self.login(&s, t) else { continue };
            if self.rng.chance(0.35) {
                self.checkout_flow(&s, t);
            } else if !enrolled && self.rng.chance(0.06) {
                enrolled = self.mfa(&s, t);
            } else if self.rng.chance(0.12) {
                self.consent(&s, t);
            }
        }
    }

    /// Returns the time after it.
    fn registration(&mut self, s: &Session, t: i64) -> i64 {
        self.bg_auth(s.auth("registration_started", t));
        let done = match self.rng.below(100) {
            0..=81 => t + self.rng.range(30 * SEC, 15 * MIN),
            82..=85 => t + self.rng.range(2 * HOUR, 36 * HOUR),
            _ => return t + 20 * MIN,
        };
        let risk = if self.rng.chance(0.04) {
            self.rng.range(910, 1000)
        } else {
            self.rng.range(0, 600)
        };
        self.bg_auth(
            s.auth("registration_completed", done)
                .risk(Some(risk as f64 / 1000.0)),
        );
        done.min(t + 20 * MIN) + MIN
    }

    fn login_risk(&mut self) -> Option<f64> {
        if self.rng.chance(0.005) {
            None
        } else if self.rng.chance(0.025) {
            Some(self.rng.range(700, 1001) as f64 / 1000.0)
        } else {
            Some(self.rng.range(0, 700) as f64 / 1000.0)
        }
    }

    /// Attempts and (usually) a success; the time of the success.
    fn login(&mut self, s: &Session, mut t: i64) -> Option<i64> {
        let attempts = 1 + u64::from(self.rng.chance(0.03)) + u64::from(self.rng.chance(0.01));
        let mut risk = None;
        for i in 0..attempts {
            if i > 0 {
                t += self.rng.range(15 * SEC, 90 * SEC);
            }
            risk = self.login_risk();
            self.bg_auth(s.auth("login_attempt", t).risk(risk));
        }
        let p = if risk.is_some_and(|r| r > 0.9) {
            0.5
        } else {
            0.975
        };
        if !self.rng.chance(p) {
            return None;
        }
        t += self.rng.range(SEC, 4 * SEC);
        self.bg_auth(s.auth("login_success", t))?;
        Some(t)
    }

    fn password_reset(&mut self, s: &Session, t: i64) -> i64 {
        self.bg_auth(s.auth("password_reset_requested", t));
        let done = match self.rng.below(100) {
            0..=71 => t + self.rng.range(40 * SEC, 45 * MIN),
            72..=79 => t + self.rng.range(HOUR, 30 * HOUR),
            _ => return t + 5 * MIN,
        };
        self.bg_auth(s.auth("password_reset_completed", done));
        done + 30 * SEC
    }

    fn recovery(&mut self, s: &Session, t: i64) {
        self.bg_auth(s.auth("account_recovery_started", t));
        if self.rng.chance(0.15) {
            let at = t + self.rng.range(10 * MIN, 2 * DAY);
            self.bg_ticket(s, at, "account_recovery");
        }
        if self.rng.chance(0.6) {
            let done = t + self.rng.range(5 * MIN, 6 * HOUR);
            self.bg_auth(s.auth("account_recovery_completed", done));
        }
    }

    fn checkout_flow(&mut self, s: &Session, t: i64) {
        let value = if self.rng.chance(0.06) {
            self.rng.range(25_001, 120_000)
        } else {
            self.rng.range(990, 25_000)
        };
        let mut t = t + self.rng.range(MIN, 20 * MIN);
        let start = t;
        self.bg_checkout(s.checkout("checkout_started", t, Some(value)));
        if value > 25_000 || self.rng.chance(0.02) {
            t += self.rng.range(30 * SEC, 90 * SEC);
            self.bg_checkout(s.checkout("step_up_challenge", t, None));
            if !self.rng.chance(0.85) {
                return;
            }
            t += self.rng.range(20 * SEC, 120 * SEC);
            self.bg_checkout(s.checkout("step_up_passed", t, None));
        }
        let placed = match self.rng.below(100) {
            0..=77 => t + self.rng.range(MIN, 25 * MIN),
            78..=80 => start + self.rng.range(61 * MIN, 3 * HOUR),
            _ => return,
        };
        if self
            .bg_checkout(s.checkout("order_placed", placed, Some(value)))
            .is_some()
            && self.rng.chance(0.012)
        {
            let reported = placed + self.rng.range(DAY, 6 * DAY);
            self.case(&s.user, reported, value, 1);
        }
    }

    /// Whether the user enrolled.
    fn mfa(&mut self, s: &Session, t: i64) -> bool {
        let t = t + self.rng.range(10 * SEC, 2 * MIN);
        self.bg_auth(s.auth("mfa_enrolment_started", t));
        let done = match self.rng.below(100) {
            0..=77 => t + self.rng.range(40 * SEC, 25 * MIN),
            78..=82 => t + self.rng.range(31 * MIN, 90 * MIN),
            _ => return false,
        };
        self.bg_auth(s.auth("mfa_enrolled", done)).is_some()
    }

    fn consent(&mut self, s: &Session, t: i64) {
        let t = t + self.rng.range(2 * SEC, 30 * SEC);
        let policy = Some("2026-03");
        self.bg_auth(s.auth("consent_shown", t).policy(policy));
        if self.rng.chance(0.62) {
            let given = if self.rng.chance(0.003) { None } else { policy };
            let at = t + self.rng.range(3 * SEC, 40 * SEC);
            self.bg_auth(s.auth("consent_given", at).policy(given));
        }
    }
}

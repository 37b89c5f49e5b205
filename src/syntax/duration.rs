//! Lengths of time as written in scorecards (`90s`, `30m`, `24h`, `14d`,
//! `2w`): the length, and the unit it was written in so `fmt` keeps it.

/// A length of time (`90s`, `30m`, `24h`, `14d`, `2w`). It remembers the
/// unit it was written in so `fmt` prints `24h` back as `24h`; equality and
/// order compare the length only.
#[derive(Clone, Copy, Debug)]
pub struct Duration {
    /// Length in seconds.
    pub seconds: u64,
    /// The unit it was written in.
    pub unit: TimeUnit,
}

/// The unit of a written duration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeUnit {
    /// `s`
    Second,
    /// `m`
    Minute,
    /// `h`
    Hour,
    /// `d`
    Day,
    /// `w`
    Week,
}

impl TimeUnit {
    /// Seconds in one unit.
    pub fn seconds(self) -> u64 {
        match self {
            TimeUnit::Second => 1,
            TimeUnit::Minute => 60,
            TimeUnit::Hour => 3600,
            TimeUnit::Day => 86_400,
            TimeUnit::Week => 604_800,
        }
    }

    /// The unit's letter.
    pub fn letter(self) -> char {
        match self {
            TimeUnit::Second => 's',
            TimeUnit::Minute => 'm',
            TimeUnit::Hour => 'h',
            TimeUnit::Day => 'd',
            TimeUnit::Week => 'w',
        }
    }
}

impl Duration {
    /// A length in seconds, shown in the largest unit up to days that divides it.
    pub fn from_seconds(seconds: u64) -> Duration {
        let unit = [TimeUnit::Day, TimeUnit::Hour, TimeUnit::Minute]
            .into_iter()
            .find(|u| seconds != 0 && seconds.is_multiple_of(u.seconds()))
            .unwrap_or(TimeUnit::Second);
        Duration { seconds, unit }
    }

    /// `n` days.
    pub fn days(n: u64) -> Duration {
        Duration {
            seconds: n * 86_400,
            unit: TimeUnit::Day,
        }
    }
}

impl PartialEq for Duration {
    fn eq(&self, other: &Duration) -> bool {
        self.seconds == other.seconds
    }
}

impl Eq for Duration {}

impl PartialOrd for Duration {
    fn partial_cmp(&self, other: &Duration) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Duration {
    fn cmp(&self, other: &Duration) -> std::cmp::Ordering {
        self.seconds.cmp(&other.seconds)
    }
}

impl std::hash::Hash for Duration {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.seconds.hash(state);
    }
}

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = if self.seconds.is_multiple_of(self.unit.seconds()) {
            *self
        } else {
            Duration::from_seconds(self.seconds)
        };
        write!(
            f,
            "{}{}",
            shown.seconds / shown.unit.seconds(),
            shown.unit.letter()
        )
    }
}

//! What a metric reads: the events and sources it names, walked in one
//! place so rename detection and impact agree on them.

use crate::model::{Metric, MetricKind, Unit};

/// The kind of name a metric holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ref {
    /// An event name.
    Event,
    /// A source name.
    Source,
}

/// Calls `f` with every event and source name `m` holds.
pub(super) fn each_mut(m: &mut Metric, f: &mut impl FnMut(Ref, &mut String)) {
    fn unit(u: &mut Unit, f: &mut impl FnMut(Ref, &mut String)) {
        f(Ref::Event, &mut u.event);
        f(Ref::Source, &mut u.source);
        if let Some(b) = &mut u.followed_by {
            f(Ref::Event, &mut b.event);
            f(Ref::Source, &mut b.source);
        }
    }
    match &mut m.kind {
        MetricKind::Count(u) | MetricKind::Sum { unit: u, .. } => unit(u, f),
        MetricKind::Rate {
            numerator,
            denominator,
        } => {
            unit(numerator, f);
            unit(denominator, f);
        }
        MetricKind::Conversion(s) | MetricKind::Duration { sequence: s, .. } => {
            f(Ref::Event, &mut s.from);
            f(Ref::Source, &mut s.from_source);
            f(Ref::Event, &mut s.to);
            f(Ref::Source, &mut s.to_source);
        }
        MetricKind::Derived(_) => {}
    }
    if let Some(a) = &mut m.attribution {
        f(Ref::Event, &mut a.event);
        f(Ref::Source, &mut a.source);
    }
}

/// The names of one kind a metric reads, in formula order.
fn names(m: &Metric, kind: Ref) -> Vec<String> {
    let mut m = m.clone();
    let mut out = Vec::new();
    each_mut(&mut m, &mut |k, name| {
        if k == kind {
            out.push(name.clone());
        }
    });
    out
}

/// Sources a metric reads.
pub(super) fn sources_of(m: &Metric) -> Vec<String> {
    names(m, Ref::Source)
}

/// Events a metric reads.
pub(super) fn events_of(m: &Metric) -> Vec<String> {
    names(m, Ref::Event)
}

//! Who must review a change, from the ownership split: security owns the
//! integrity of a signal (how events are detected, de-duplicated and
//! correlated), product owns the interpretation and the thresholds.
//!
//! | change | reviewers |
//! |---|---|
//! | signal, window, framework mapping, signal-integrity bound | the journey's security owner |
//! | threshold, baseline, interpretation, cohort, action, rename, tier | the journey's product owner |
//! | a metric or journey added or removed, an owner changed | both |
//! | anything loosened on a high or critical tier journey | both |
//! | anything on a journey whose tier policy has `sign_off` | the roles it lists, as well |
//!
//! A change to a source, an event or a setting goes to the owners of every
//! journey whose metrics it touches; a tier policy change to those of every
//! journey of that tier. Titles, descriptions, the dialect and the declared
//! column types need no reviewer.

use serde::Serialize;

use super::refs::{events_of, sources_of};
use super::{Category, Change, Effect, Item};
use crate::model::{Role, Scorecard, Tier};

/// One reviewer: an owner in a role, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reviewer {
    /// `security` or `product`.
    pub role: &'static str,
    /// The owner as declared; `None` when a journey declares no owner for
    /// the role (someone must still review).
    pub owner: Option<String>,
    /// The journeys the review is for.
    pub journeys: Vec<String>,
    /// One line per change that needs this review.
    pub reasons: Vec<String>,
}

/// The reviewers that `changes` need, security first, then product, each
/// in order of first need.
pub fn required(old: &Scorecard, new: &Scorecard, changes: &[Change]) -> Vec<Reviewer> {
    let mut out: Vec<Reviewer> = Vec::new();
    for change in changes {
        let roles = roles(change);
        for journey in journeys(old, new, change) {
            let tier = [old, new]
                .iter()
                .filter_map(|m| m.journeys.get(&journey).map(|j| j.tier))
                .max()
                .unwrap_or(Tier::Low);
            let mut these = roles.clone();
            if change.effect == Some(Effect::Loosened) && tier >= Tier::High {
                these = vec![Role::Security, Role::Product];
            }
            if change.category != Category::Description && change.category != Category::Settings {
                for m in [old, new] {
                    if let Some(j) = m.journeys.get(&journey)
                        && let Some(policy) = m.tiers.get(&j.tier)
                    {
                        these.extend(policy.sign_off.iter().copied());
                    }
                }
            }
            these.sort();
            these.dedup();
            for role in these {
                for owner in owners(old, new, &journey, role, change.category == Category::Owner) {
                    add(&mut out, role, owner, &journey, reason(change));
                }
            }
        }
    }
    out.sort_by_key(|r| r.role != "security");
    out
}

fn roles(change: &Change) -> Vec<Role> {
    use Category as C;
    match (&change.item, change.category) {
        (Item::Source(_), C::Threshold) => vec![Role::Security],
        (Item::Source(_) | Item::Event(_), C::Added | C::Removed | C::Renamed) => {
            vec![Role::Security]
        }
        (Item::Metric(_) | Item::Journey(_), C::Added | C::Removed) => {
            vec![Role::Security, Role::Product]
        }
        (_, C::Signal | C::Window | C::Mapping) => vec![Role::Security],
        (_, C::Owner) => vec![Role::Security, Role::Product],
        (_, C::Description | C::Settings) => Vec::new(),
        _ => vec![Role::Product],
    }
}

/// The journeys a change concerns.
fn journeys(old: &Scorecard, new: &Scorecard, change: &Change) -> Vec<String> {
    if let Some(j) = &change.journey {
        return vec![j.clone()];
    }
    let mut out: Vec<String> = Vec::new();
    let mut push = |j: &str| {
        if !out.iter().any(|x| x == j) {
            out.push(j.to_string());
        }
    };
    match &change.item {
        Item::Tier(word) => {
            for m in [new, old] {
                for j in m.journeys.values().filter(|j| j.tier.as_str() == word) {
                    push(&j.name);
                }
            }
        }
        Item::Scorecard(_) if change.breaks_history.is_empty() => {
            for m in [new, old] {
                for j in m.journeys.keys() {
                    push(j);
                }
            }
        }
        // A source or event concerns the journeys of the metrics that read
        // it, in either version.
        Item::Source(name) | Item::Event(name) => {
            let source = matches!(change.item, Item::Source(_));
            for m in [new, old] {
                for metric in m.metrics.values() {
                    let reads = if source {
                        sources_of(metric).contains(name)
                    } else {
                        events_of(metric).contains(name)
                    };
                    if reads {
                        push(&metric.journey);
                    }
                }
            }
        }
        _ => {
            for metric in &change.breaks_history {
                for m in [new, old] {
                    if let Some(x) = m.metrics.get(metric) {
                        push(&x.journey);
                    }
                }
            }
        }
    }
    out
}

fn owners(
    old: &Scorecard,
    new: &Scorecard,
    journey: &str,
    role: Role,
    both_versions: bool,
) -> Vec<Option<String>> {
    let of = |m: &Scorecard| {
        m.journeys.get(journey).map(|j| match role {
            Role::Security => j.security_owner.clone(),
            Role::Product => j.product_owner.clone(),
        })
    };
    let mut out = Vec::new();
    let first = of(new).or_else(|| of(old)).flatten();
    out.push(first);
    if both_versions
        && let Some(previous) = of(old).flatten()
        && !out.contains(&Some(previous.clone()))
    {
        out.push(Some(previous));
    }
    out
}

fn add(out: &mut Vec<Reviewer>, role: Role, owner: Option<String>, journey: &str, reason: String) {
    let role = match role {
        Role::Security => "security",
        Role::Product => "product",
    };
    let index = match out.iter().position(|r| r.role == role && r.owner == owner) {
        Some(i) => i,
        None => {
            out.push(Reviewer {
                role,
                owner,
                journeys: Vec::new(),
                reasons: Vec::new(),
            });
            out.len() - 1
        }
    };
    let r = &mut out[index];
    if !r.journeys.iter().any(|j| j == journey) {
        r.journeys.push(journey.to_string());
    }
    if !r.reasons.contains(&reason) {
        r.reasons.push(reason);
    }
}

/// `loosened threshold: pair `sign_in_health` experience warn`, `removed
/// (loosened): pair `recovery_health``.
pub fn reason(change: &Change) -> String {
    let whole = matches!(
        change.category,
        Category::Added | Category::Removed | Category::Renamed
    );
    let mut text = String::new();
    match change.effect {
        Some(effect) if whole => {
            text.push_str(change.category.as_str());
            text.push_str(&format!(" ({})", effect.as_str()));
        }
        Some(effect) => {
            text.push_str(effect.as_str());
            text.push(' ');
            text.push_str(change.category.as_str());
        }
        None => text.push_str(change.category.as_str()),
    }
    text.push_str(&format!(
        ": {} `{}`",
        change.item.kind(),
        change.item.name()
    ));
    if !change.field.is_empty() {
        text.push(' ');
        text.push_str(&change.field);
    }
    text
}

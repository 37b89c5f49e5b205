//! The trade-off scatter of a pair: security on x, experience on y, one
//! point per bucket, the newest judged highlighted, the absolute bounds as
//! dashed lines. Like the trend charts, a pure function of the report with
//! a `<title>` and a `<desc>`.

use std::fmt::Write as _;

use super::chart::{Scale, bounds, n, short_bucket, tick, y_grid};
use super::{Ids, esc, level_class, level_word};
use crate::run::Level;
use crate::run::format::value;
use crate::run::report::{PairReport, SideReport};

const SW: f64 = 420.0;
const SH: f64 = 320.0;
const SL: f64 = 62.0;
const SR: f64 = 404.0;
const ST: f64 = 16.0;
const SB: f64 = 268.0;

/// The trade-off scatter of a pair: security on x, experience on y, one
/// point per bucket where both sides have a value, the newest judged
/// highlighted, the absolute bounds as dashed lines.
pub(super) fn scatter(pair: &PairReport, grain: &str, ids: &mut Ids) -> String {
    let (Some(sec), Some(exp)) = (pair.sides.first(), pair.sides.get(1)) else {
        return String::new();
    };
    // (bucket, security, experience, judged)
    let points: Vec<(&str, f64, f64, bool)> = sec
        .series
        .iter()
        .filter_map(|s| {
            let e = exp.series.iter().find(|e| e.bucket == s.bucket)?;
            let (x, y) = (
                s.value.filter(|v| v.is_finite())?,
                e.value.filter(|v| v.is_finite())?,
            );
            let judged = s.status != Level::Incomplete && e.status != Level::Incomplete;
            Some((s.bucket.as_str(), x, y, judged))
        })
        .collect();
    let lines = |side: &SideReport| -> Vec<(Level, String, f64)> {
        bounds(side)
            .into_iter()
            .flat_map(|b| {
                let level = b.level;
                let text = b.text.clone();
                b.edges
                    .into_iter()
                    .flatten()
                    .map(move |e| (level, text.clone(), e.at()))
            })
            .collect()
    };
    let (xl, yl) = (lines(sec), lines(exp));
    let xs: Vec<f64> = points.iter().map(|p| p.1).collect();
    let ys: Vec<f64> = points.iter().map(|p| p.2).collect();
    let xe: Vec<f64> = xl.iter().map(|l| l.2).collect();
    let ye: Vec<f64> = yl.iter().map(|l| l.2).collect();
    let x = Scale::new(&xs, &xe, sec.fraction, SL, SR);
    let y = Scale::new(&ys, &ye, exp.fraction, SB, ST);
    let newest = points.iter().rev().find(|p| p.3).map(|p| p.0);
    let id = ids.next("s");
    let mut svg = String::new();
    let describe = match points.iter().find(|p| Some(p.0) == newest) {
        Some(p) => format!(
            "{} points. Newest judged, {}: security {}, experience {}.",
            points.len(),
            p.0,
            value(sec, Some(p.1)),
            value(exp, Some(p.2))
        ),
        None => format!("{} points; none judged yet.", points.len()),
    };
    let _ = write!(
        svg,
        "<svg class=\"chart scatter\" viewBox=\"0 0 {SW} {SH}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\">\
<title id=\"{id}-t\">Trade-off of {}: security {} against experience {}, one point per bucket</title>\
<desc id=\"{id}-d\">{}</desc>\
<rect class=\"plot\" x=\"{SL}\" y=\"{ST}\" width=\"{}\" height=\"{}\"/>",
        esc(&pair.name),
        esc(&sec.metric),
        esc(&exp.metric),
        esc(&describe),
        n(SR - SL),
        n(SB - ST)
    );
    for v in x.ticks() {
        let at = x.px(v);
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{0}\" x2=\"{0}\" y1=\"{ST}\" y2=\"{SB}\"/><text class=\"xtick\" x=\"{0}\" y=\"{1}\" text-anchor=\"middle\">{2}</text>",
            n(at),
            n(SB + 15.0),
            esc(&tick(sec, v, x.step))
        );
    }
    y_grid(&mut svg, &y, (SL, SR), exp);
    for (level, text, at) in &xl {
        if x.contains(*at) {
            let _ = write!(
                svg,
                "<line class=\"rule rule-{}\" x1=\"{at}\" x2=\"{at}\" y1=\"{ST}\" y2=\"{SB}\"><title>security {} {}</title></line>",
                level_class(*level),
                level_word(*level),
                esc(text),
                at = n(x.px(*at)),
            );
        }
    }
    for (level, text, at) in &yl {
        if y.contains(*at) {
            let _ = write!(
                svg,
                "<line class=\"rule rule-{}\" x1=\"{SL}\" x2=\"{SR}\" y1=\"{at}\" y2=\"{at}\"><title>experience {} {}</title></line>",
                level_class(*level),
                level_word(*level),
                esc(text),
                at = n(y.px(*at)),
            );
        }
    }
    let better = |side: &SideReport| {
        if side.good == "high" {
            "higher is better"
        } else {
            "lower is better"
        }
    };
    let x_label = format!("security: {} ({})", sec.metric, better(sec));
    let y_label = format!("experience: {} ({})", exp.metric, better(exp));
    let _ = write!(
        svg,
        "<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"middle\"{}>{}</text>\
<text class=\"axis\" transform=\"translate(14 {}) rotate(-90)\" text-anchor=\"middle\"{}>{}</text>",
        n((SL + SR) / 2.0),
        n(SH - 18.0),
        squeeze(&x_label, SR - SL + 40.0),
        esc(&x_label),
        n((ST + SB) / 2.0),
        squeeze(&y_label, SB - ST + 30.0),
        esc(&y_label),
    );
    if points.len() > 1 {
        let trail: Vec<String> = points
            .iter()
            .map(|p| format!("{},{}", n(x.px(p.1)), n(y.px(p.2))))
            .collect();
        let _ = write!(
            svg,
            "<polyline class=\"trail\" points=\"{}\"/>",
            trail.join(" ")
        );
    }
    let count = points.len().max(1) as f64;
    for (i, (bucket, xv, yv, judged)) in points.iter().enumerate() {
        let is_newest = Some(*bucket) == newest;
        let (cx, cy) = (n(x.px(*xv)), n(y.px(*yv)));
        // Older points fade, so the path through time reads at a glance.
        let opacity = 0.25 + 0.6 * (i as f64 + 1.0) / count;
        let class = if is_newest {
            "spt newest-pt"
        } else if *judged {
            "spt"
        } else {
            "spt partial-pt"
        };
        let _ = write!(
            svg,
            "<circle class=\"{class}\" cx=\"{cx}\" cy=\"{cy}\" r=\"{}\" fill-opacity=\"{:.2}\"><title>{}: security {}, experience {}{}</title></circle>",
            if is_newest { "6.5" } else { "4" },
            if is_newest { 1.0 } else { opacity },
            esc(bucket),
            esc(&value(sec, Some(*xv))),
            esc(&value(exp, Some(*yv))),
            if *judged {
                ""
            } else {
                " (bucket not complete)"
            }
        );
        if is_newest {
            let right = x.px(*xv) > (SL + SR) / 2.0;
            let _ = write!(
                svg,
                "<text class=\"newest-label\" x=\"{}\" y=\"{}\" text-anchor=\"{}\">newest · {}</text>",
                n(x.px(*xv) + if right { -10.0 } else { 10.0 }),
                n(y.px(*yv) - 9.0),
                if right { "end" } else { "start" },
                esc(&short_bucket(bucket, grain))
            );
        }
    }
    if points.is_empty() {
        let _ = write!(
            svg,
            "<text class=\"empty\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">no bucket has both values</text>",
            n((SL + SR) / 2.0),
            n((ST + SB) / 2.0)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Where on the scatter both sides are better, in words.
pub(super) fn better_corner(pair: &PairReport) -> String {
    let (Some(sec), Some(exp)) = (pair.sides.first(), pair.sides.get(1)) else {
        return String::new();
    };
    let vertical = if exp.good == "high" { "upper" } else { "lower" };
    let horizontal = if sec.good == "high" { "right" } else { "left" };
    format!("Both sides are better toward the {vertical} {horizontal}.")
}

/// A `textLength` that squeezes a label longer than `room` pixels (at
/// about 6.8 pixels a character of bold 11px text) into it; nothing for a label that fits.
fn squeeze(label: &str, room: f64) -> String {
    if label.chars().count() as f64 * 6.8 > room {
        format!(
            " textLength=\"{}\" lengthAdjust=\"spacingAndGlyphs\"",
            n(room)
        )
    } else {
        String::new()
    }
}

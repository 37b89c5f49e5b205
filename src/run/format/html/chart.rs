//! The trend chart of the HTML page, one per pair side, with its warn and
//! critical bands and the control-change markers; the bounds, scales and
//! labels the trade-off scatter (`scatter.rs`) shares. Pure functions of the report, so the same report draws
//! the same bytes; every chart has a `<title>` and a `<desc>`.

use std::fmt::Write as _;

use jiff::civil::Date;

use super::{Ids, esc, level_class, level_word};
use crate::run::Level;
use crate::run::format::{marker, value};
use crate::run::report::{Change, SideReport};
use crate::span::FileId;
use crate::syntax::ast::{Bound, CmpOp, QuantityUnit};
use crate::syntax::expr::{Origin, parse_threshold};

/// Where a bound breaches: below or above a line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Edge {
    Below(f64),
    Above(f64),
}

impl Edge {
    pub(super) fn at(self) -> f64 {
        match self {
            Edge::Below(v) | Edge::Above(v) => v,
        }
    }
}

/// A warn or critical bound of a side, as the charts see it.
#[derive(Clone, Debug)]
pub(super) struct Drawn {
    /// `Warn` or `Critical`.
    pub(super) level: Level,
    /// The bound as written.
    pub(super) text: String,
    /// The lines of an absolute bound; `None` for a relative one, which
    /// moves with its baseline and has no fixed line.
    pub(super) edges: Option<Vec<Edge>>,
}

/// The warn and critical bounds of a side, warn first.
pub(super) fn bounds(side: &SideReport) -> Vec<Drawn> {
    let minutes = side.unit.as_deref() == Some("minutes");
    [(Level::Warn, &side.warn), (Level::Critical, &side.critical)]
        .into_iter()
        .filter_map(|(level, text)| {
            let text = text.as_ref()?;
            Some(Drawn {
                level,
                text: text.clone(),
                edges: edges(text, minutes),
            })
        })
        .collect()
}

/// The lines of an absolute bound in the values' terms (fractions for `%`,
/// minutes for durations on minute values), as `alerts::rules` reads them.
fn edges(text: &str, minutes: bool) -> Option<Vec<Edge>> {
    let threshold = parse_threshold(text, &Origin::direct(FileId(0), 0, text.len())).ok()?;
    let number = |q: &crate::syntax::ast::Quantity| {
        let v = q.value();
        if q.unit == QuantityUnit::Seconds && minutes {
            v / 60.0
        } else {
            v
        }
    };
    let edges = match &threshold.bound {
        Bound::Absolute {
            op: CmpOp::Lt | CmpOp::Le,
            value,
        } => vec![Edge::Below(number(value))],
        Bound::Absolute {
            op: CmpOp::Gt | CmpOp::Ge,
            value,
        } => vec![Edge::Above(number(value))],
        Bound::Outside { low, high, .. } => {
            vec![Edge::Below(number(low)), Edge::Above(number(high))]
        }
        Bound::Relative { .. } => return None,
    };
    edges.iter().all(|e| e.at().is_finite()).then_some(edges)
}

/// A linear scale from a domain to pixels, with its tick step.
#[derive(Clone, Copy, Debug)]
pub(super) struct Scale {
    lo: f64,
    hi: f64,
    from: f64,
    to: f64,
    pub(super) step: f64,
}

impl Scale {
    /// A scale over `values`, widened to take in the `extra` numbers
    /// (bounds) that lie near them; bounds far away would flatten the
    /// series, so they are left off the chart and said so.
    pub(super) fn new(values: &[f64], extra: &[f64], fraction: bool, from: f64, to: f64) -> Scale {
        let (mut lo, mut hi) = values
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
                (l.min(*v), h.max(*v))
            });
        if !lo.is_finite() {
            (lo, hi) = if fraction { (0.0, 1.0) } else { (0.0, 10.0) };
        }
        let reach = (hi - lo)
            .max(lo.abs().max(hi.abs()) * 0.05)
            .max(if fraction { 0.01 } else { 1e-9 });
        for e in extra {
            if *e >= lo - 2.0 * reach && *e <= hi + 2.0 * reach {
                lo = lo.min(*e);
                hi = hi.max(*e);
            }
        }
        let pad = ((hi - lo) * 0.08).max(reach * 0.25);
        let (mut lo, mut hi) = (lo - pad, hi + pad);
        let all_positive = values.iter().chain(extra).all(|v| *v >= 0.0);
        if all_positive {
            lo = lo.max(0.0);
        }
        if fraction && values.iter().all(|v| *v <= 1.0) {
            hi = hi.min(1.0);
        }
        let step = nice_step(hi - lo, 4);
        let lo = (lo / step).floor() * step;
        let hi = (hi / step).ceil() * step;
        Scale {
            lo,
            hi,
            from,
            to,
            step,
        }
    }

    pub(super) fn px(&self, v: f64) -> f64 {
        let span = if self.hi > self.lo {
            self.hi - self.lo
        } else {
            1.0
        };
        self.from + (v - self.lo) / span * (self.to - self.from)
    }

    pub(super) fn contains(&self, v: f64) -> bool {
        v >= self.lo && v <= self.hi
    }

    pub(super) fn ticks(&self) -> Vec<f64> {
        let n = ((self.hi - self.lo) / self.step).round() as i64;
        (0..=n.clamp(0, 20))
            .map(|i| self.lo + i as f64 * self.step)
            .collect()
    }
}

/// A step of 1, 2 or 5 times a power of ten that cuts `span` into about
/// `target` parts.
fn nice_step(span: f64, target: usize) -> f64 {
    if span <= 0.0 || !span.is_finite() {
        return 1.0;
    }
    let raw = span / target as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let n = raw / magnitude;
    let m = if n <= 1.0 {
        1.0
    } else if n <= 2.0 {
        2.0
    } else if n <= 5.0 {
        5.0
    } else {
        10.0
    };
    m * magnitude
}

/// A tick label: as few decimals as the step needs.
pub(super) fn tick(side: &SideReport, v: f64, step: f64) -> String {
    // Ticks are sums of steps: a zero may come out as -1e-17 ("-0%").
    let v = if v.abs() < step * 1e-6 { 0.0 } else { v };
    let scaled = if side.fraction { step * 100.0 } else { step };
    let places = if scaled >= 1.0 {
        0
    } else if scaled >= 0.1 {
        1
    } else {
        2
    };
    if side.fraction {
        format!("{:.places$}%", v * 100.0)
    } else if side.kind == "duration" || side.unit.as_deref() == Some("minutes") {
        if places == 0 {
            format!("{}m", crate::run::format::thousands(v.round() as i64))
        } else {
            format!("{v:.places$}m")
        }
    } else if places == 0 {
        crate::run::format::thousands(v.round() as i64)
    } else {
        format!("{v:.places$}")
    }
}

/// A pixel coordinate, rounded so the output is stable and small.
/// The horizontal grid lines of a vertical scale, with their tick labels
/// left of `left`, across `(left, right)`.
pub(super) fn y_grid(svg: &mut String, y: &Scale, (left, right): (f64, f64), side: &SideReport) {
    for v in y.ticks() {
        let at = y.px(v);
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{x1}\" x2=\"{x2}\" y1=\"{at}\" y2=\"{at}\"/><text class=\"ytick\" x=\"{label_x}\" y=\"{label_y}\">{label}</text>",
            x1 = n(left),
            x2 = n(right),
            at = n(at),
            label_x = n(left - 6.0),
            label_y = n(at + 3.5),
            label = esc(&tick(side, v, y.step))
        );
    }
}

pub(super) fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A bucket as an axis label: `Mar 9`, `Mar 9 14:00` for hours, `Mar 2026`
/// for months.
pub(super) fn short_bucket(bucket: &str, grain: &str) -> String {
    let month = bucket
        .get(5..7)
        .and_then(|m| m.parse::<usize>().ok())
        .filter(|m| (1..=12).contains(m));
    let day = bucket.get(8..10).and_then(|d| d.parse::<u32>().ok());
    let (Some(month), Some(day)) = (month, day) else {
        return bucket.to_string();
    };
    let name = MONTHS[month - 1];
    match grain {
        "month" => format!("{name} {}", bucket.get(0..4).unwrap_or("")),
        "hour" => format!("{name} {day} {}", bucket.get(11..16).unwrap_or("")),
        _ => format!("{name} {day}"),
    }
}

/// The x position of bucket `i` of `count`, at the middle of its slot.
fn slot(i: usize, count: usize, left: f64, right: f64) -> f64 {
    let width = (right - left) / count.max(1) as f64;
    left + (i as f64 + 0.5) * width
}

/// Where a change dated `date` (`YYYY-MM-DD`) falls: the left edge of the
/// bucket that starts that day, else the middle of the (week or month)
/// bucket it falls in; `None` outside the buckets shown.
fn change_x(date: &str, buckets: &[String], grain: &str, left: f64, right: f64) -> Option<f64> {
    let start = format!("{date} 00:00:00");
    let width = (right - left) / buckets.len().max(1) as f64;
    if let Some(i) = buckets.iter().position(|b| *b == start) {
        return Some(left + i as f64 * width);
    }
    let i = buckets.iter().rposition(|b| *b < start)?;
    if i + 1 == buckets.len() {
        // Past the newest bucket's start: inside only if that bucket is
        // long enough to hold the date.
        let newest = buckets[i].get(..10)?;
        let inside = match grain {
            "week" => {
                let (from, to) = (newest.parse::<Date>().ok()?, date.parse::<Date>().ok()?);
                from.until(to).ok()?.get_days() < 7
            }
            "month" => newest.get(..7) == date.get(..7),
            _ => false,
        };
        if !inside {
            return None;
        }
    }
    Some(slot(i, buckets.len(), left, right))
}

/// Everything a trend chart needs.
pub(super) struct Trend<'r> {
    /// The side charted.
    pub(super) side: &'r SideReport,
    /// Every bucket of the report, oldest first (the x axis).
    pub(super) buckets: &'r [String],
    /// `day`, `hour`, ...
    pub(super) grain: &'r str,
    /// The pair's control changes, numbered from 1 in this order.
    pub(super) changes: &'r [Change],
}

const TW: f64 = 560.0;
const TH: f64 = 210.0;
const TL: f64 = 56.0;
const TR: f64 = 548.0;
const TT: f64 = 30.0;
const TB: f64 = 184.0;

/// A trend chart of a side's headline series. Returns the SVG and the
/// legend lines for the bounds (the caption under it).
pub(super) fn trend(t: &Trend<'_>, ids: &mut Ids) -> (String, Vec<String>) {
    let side = t.side;
    let bounds = bounds(side);
    let values: Vec<f64> = side
        .series
        .iter()
        .filter_map(|p| p.value)
        .filter(|v| v.is_finite())
        .collect();
    let lines: Vec<f64> = bounds
        .iter()
        .flat_map(|b| b.edges.iter().flatten().map(|e| e.at()))
        .collect();
    let y = Scale::new(&values, &lines, side.fraction, TB, TT);
    let id = ids.next("t");
    let mut svg = String::new();
    let first = t
        .buckets
        .first()
        .map_or(String::new(), |b| short_bucket(b, t.grain));
    let last = t
        .buckets
        .last()
        .map_or(String::new(), |b| short_bucket(b, t.grain));
    let mut legend = Vec::new();
    let mut desc = Vec::new();
    for b in &bounds {
        let word = level_word(b.level);
        match &b.edges {
            Some(edges) if edges.iter().any(|e| y.contains(e.at())) => {
                legend.push(format!(
                    "<span class=\"key band-{}\"></span>{word} band: <code>{}</code>",
                    level_class(b.level),
                    esc(&b.text)
                ));
                desc.push(format!("{word} band {}", b.text));
            }
            Some(_) => {
                legend.push(format!(
                    "<span class=\"key band-{}\"></span>{word} <code>{}</code>: outside the values shown, not drawn",
                    level_class(b.level),
                    esc(&b.text)
                ));
                desc.push(format!(
                    "{word} bound {} is outside the values shown",
                    b.text
                ));
            }
            None => {
                legend.push(format!(
                    "<span class=\"key key-relative\"></span>{word} <code>{}</code>: relative to a baseline, so no fixed line",
                    esc(&b.text)
                ));
                desc.push(format!(
                    "{word} bound {} is relative to a baseline and not drawn",
                    b.text
                ));
            }
        }
    }
    let latest = side.latest.as_ref();
    let newest = match latest {
        Some(l) => format!(
            "newest judged {} {} ({})",
            l.bucket,
            value(side, l.value),
            marker(l.status)
        ),
        None => "no judged value".to_string(),
    };
    let _ = write!(
        svg,
        "<svg class=\"chart trend\" viewBox=\"0 0 {TW} {TH}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\">\
<title id=\"{id}-t\">{} {} over time, {} to {}</title><desc id=\"{id}-d\">{}</desc>",
        esc(&side.side),
        esc(&side.metric),
        esc(&first),
        esc(&last),
        esc(&format!(
            "{newest}. {}",
            if desc.is_empty() {
                "No bounds.".to_string()
            } else {
                desc.join("; ") + "."
            }
        ))
    );
    let _ = write!(
        svg,
        "<rect class=\"plot\" x=\"{TL}\" y=\"{TT}\" width=\"{}\" height=\"{}\"/>",
        n(TR - TL),
        n(TB - TT)
    );
    // Bands: warn first so critical paints over it.
    for b in &bounds {
        let Some(edges) = &b.edges else { continue };
        let class = level_class(b.level);
        for e in edges {
            if !y.contains(e.at()) {
                continue;
            }
            let at = y.px(e.at());
            let (top, bottom) = match e {
                Edge::Below(_) => (at, TB),
                Edge::Above(_) => (TT, at),
            };
            let _ = write!(
                svg,
                "<rect class=\"band band-{class}\" x=\"{TL}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{} {}</title></rect>\
<line class=\"rule rule-{class}\" x1=\"{TL}\" x2=\"{TR}\" y1=\"{}\" y2=\"{}\"/>",
                n(top),
                n(TR - TL),
                n((bottom - top).max(0.0)),
                level_word(b.level),
                esc(&b.text),
                n(at),
                n(at)
            );
        }
    }
    y_grid(&mut svg, &y, (TL, TR), side);
    x_ticks(&mut svg, t.buckets, t.grain);
    if change_markers(&mut svg, t.changes, t.buckets, t.grain) > 0 {
        legend.push(
            "<span class=\"key key-change\"></span>control change, numbered as listed below"
                .to_string(),
        );
    }
    series(&mut svg, t, &y);
    svg.push_str("</svg>");
    (svg, legend)
}

/// The buckets that get a label under the plot: about six, evenly
/// spaced, always the first and the newest.
fn labelled(count: usize) -> Vec<usize> {
    if count == 0 {
        return Vec::new();
    }
    let every = count.div_ceil(6).max(1);
    let mut out: Vec<usize> = (0..count).step_by(every).collect();
    let last = count - 1;
    match out.last().copied() {
        Some(l) if l == last => {}
        // The newest bucket's label takes the place of the one before it,
        // which would crowd it.
        Some(l) if l > 0 => {
            out.pop();
            out.push(last);
        }
        _ => out.push(last),
    }
    out
}

/// Bucket labels under the plot.
fn x_ticks(svg: &mut String, buckets: &[String], grain: &str) {
    let count = buckets.len();
    for i in labelled(count) {
        let x = slot(i, count, TL, TR);
        let (anchor, x) = if count > 1 && i + 1 == count {
            ("end", x + 6.0)
        } else if i == 0 {
            ("start", x - 6.0)
        } else {
            ("middle", x)
        };
        let _ = write!(
            svg,
            "<text class=\"xtick\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
            n(x),
            n(TB + 16.0),
            esc(&short_bucket(&buckets[i], grain))
        );
    }
}

/// The text of a change: its title, else its name.
fn change_label(c: &Change) -> String {
    match &c.title {
        Some(title) => format!("{} ({}) on {}", title, c.name, c.date),
        None => format!("{} on {}", c.name, c.date),
    }
}

/// Whether a change dated `date` falls inside the buckets shown.
pub(super) fn in_range(date: &str, buckets: &[String], grain: &str) -> bool {
    change_x(date, buckets, grain, 0.0, 1.0).is_some()
}

/// A dashed vertical line per control change in range, numbered as in the
/// pair's list of changes, with its name beside the number; how many were
/// drawn.
fn change_markers(svg: &mut String, changes: &[Change], buckets: &[String], grain: &str) -> usize {
    let mut drawn = 0;
    let mut previous: Option<f64> = None;
    let mut row = 0;
    for (i, c) in changes.iter().enumerate() {
        let Some(x) = change_x(&c.date, buckets, grain, TL, TR) else {
            continue;
        };
        // Labels of changes close together go on alternate rows.
        row = match previous {
            Some(p) if x - p < 130.0 => 1 - row,
            _ => 0,
        };
        previous = Some(x);
        drawn += 1;
        let label_y = 11.0 + f64::from(row) * 11.0;
        let name = c.title.as_deref().unwrap_or(&c.name);
        let short: String = if name.chars().count() > 24 {
            name.chars().take(23).collect::<String>() + "…"
        } else {
            name.to_string()
        };
        let (anchor, text_x) = if x > TR - 140.0 {
            ("end", x - 4.0)
        } else {
            ("start", x + 4.0)
        };
        let _ = write!(
            svg,
            "<g class=\"change\"><title>Control change {}: {}</title>\
<line x1=\"{x}\" x2=\"{x}\" y1=\"{top}\" y2=\"{TB}\"/>\
<text x=\"{tx}\" y=\"{ty}\" text-anchor=\"{anchor}\">{} · {}</text></g>",
            i + 1,
            esc(&change_label(c)),
            i + 1,
            esc(&short),
            x = n(x),
            top = n(label_y - 9.0),
            tx = n(text_x),
            ty = n(label_y),
        );
    }
    drawn
}

/// The series: a line through the values (broken at gaps), a dot per
/// bucket in its status's colour with a `<title>`, the newest judged ringed.
fn series(svg: &mut String, t: &Trend<'_>, y: &Scale) {
    let side = t.side;
    let count = t.buckets.len();
    let index = |bucket: &str| t.buckets.binary_search_by(|b| b.as_str().cmp(bucket)).ok();
    let mut path = String::new();
    let mut pen_down = false;
    let mut previous: Option<usize> = None;
    for p in &side.series {
        let (Some(i), Some(v)) = (index(&p.bucket), p.value.filter(|v| v.is_finite())) else {
            pen_down = false;
            continue;
        };
        // A bucket with no row breaks the line too.
        if previous.is_some_and(|prev| i != prev + 1) {
            pen_down = false;
        }
        previous = Some(i);
        let _ = write!(
            path,
            "{}{},{}",
            if pen_down { "L" } else { "M" },
            n(slot(i, count, TL, TR)),
            n(y.px(v))
        );
        pen_down = true;
    }
    if !path.is_empty() {
        let _ = write!(svg, "<path class=\"line\" d=\"{path}\"/>");
    }
    let newest = side.latest.as_ref().map(|l| l.bucket.as_str());
    for p in &side.series {
        let (Some(i), Some(v)) = (index(&p.bucket), p.value.filter(|v| v.is_finite())) else {
            continue;
        };
        let (x, yy) = (n(slot(i, count, TL, TR)), n(y.px(v)));
        let ring = if newest == Some(p.bucket.as_str()) {
            format!("<circle class=\"newest\" cx=\"{x}\" cy=\"{yy}\" r=\"7\"/>")
        } else {
            String::new()
        };
        let _ = write!(
            svg,
            "<g class=\"pt\">{ring}<circle class=\"dot dot-{}\" cx=\"{x}\" cy=\"{yy}\" r=\"{}\"/><title>{}: {} {}</title></g>",
            level_class(p.status),
            if ring.is_empty() { "3.2" } else { "4.2" },
            esc(&p.bucket),
            esc(&value(side, Some(v))),
            marker(p.status)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_become_lines_in_the_values_terms() {
        assert_eq!(edges("< 95%", false), Some(vec![Edge::Below(0.95)]));
        assert_eq!(
            edges("> 2% for 3 windows", false),
            Some(vec![Edge::Above(0.02)])
        );
        assert_eq!(
            edges("< 1% or > 10%", false),
            Some(vec![Edge::Below(0.01), Edge::Above(0.1)])
        );
        assert_eq!(edges("> 2h", true), Some(vec![Edge::Above(120.0)]));
        assert_eq!(edges("drops 20% vs 28d", false), None);
        assert_eq!(edges("not a bound", false), None);
    }

    #[test]
    fn ticks_are_round_numbers() {
        assert_eq!(nice_step(0.1, 4), 0.05);
        assert_eq!(nice_step(730.0, 4), 200.0);
        let s = Scale::new(&[0.93, 0.97], &[0.95, 0.2], true, 100.0, 0.0);
        assert!(s.lo <= 0.93 && s.hi >= 0.97 && s.hi <= 1.0);
        assert!(
            !s.contains(0.2),
            "a bound far from the values stays off the chart"
        );
    }

    #[test]
    fn labels_and_positions() {
        assert_eq!(short_bucket("2026-03-09 00:00:00", "day"), "Mar 9");
        assert_eq!(short_bucket("2026-03-09 14:00:00", "hour"), "Mar 9 14:00");
        assert_eq!(short_bucket("2026-03-01 00:00:00", "month"), "Mar 2026");
        assert_eq!(labelled(3), vec![0, 1, 2]);
        assert_eq!(labelled(10), vec![0, 2, 4, 6, 9]);
        assert_eq!(labelled(14), vec![0, 3, 6, 9, 13]);
        let buckets: Vec<String> = (1..=9).map(|d| format!("2026-03-0{d} 00:00:00")).collect();
        assert_eq!(
            change_x("2026-03-01", &buckets, "day", 0.0, 90.0),
            Some(0.0)
        );
        assert_eq!(
            change_x("2026-03-05", &buckets, "day", 0.0, 90.0),
            Some(40.0)
        );
        assert_eq!(change_x("2026-02-01", &buckets, "day", 0.0, 90.0), None);
        assert_eq!(change_x("2026-04-01", &buckets, "day", 0.0, 90.0), None);
        let weeks = vec![
            "2026-03-02 00:00:00".to_string(),
            "2026-03-09 00:00:00".to_string(),
        ];
        assert_eq!(change_x("2026-03-04", &weeks, "week", 0.0, 20.0), Some(5.0));
        assert_eq!(
            change_x("2026-03-12", &weeks, "week", 0.0, 20.0),
            Some(15.0)
        );
        assert_eq!(change_x("2026-03-16", &weeks, "week", 0.0, 20.0), None);
    }
}

//! Inline SVG charts for HTML reports: no scripts, no external requests, readable in
//! print and on a phone (they scale to the page width). Text from documents is escaped.

use std::fmt::Write;

const GREEN: &str = "#2e7d32";
const AMBER: &str = "#ef8f00";
const RED: &str = "#c62828";
const GREY: &str = "#9e9e9e";
const INK: &str = "#222";

/// Text from documents in SVG, as in the rest of an HTML report.
pub fn escape(text: &str) -> String {
    crate::escape::html(text).into_owned()
}

/// An SVG that scales down with the page but is never drawn wider than its own size.
fn svg(width: u32, height: u32, label: &str, body: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" style="max-width:{width}px" viewBox="0 0 {width} {height}" role="img" aria-label="{}" font-family="sans-serif" font-size="12">{body}</svg>"#,
        escape(label)
    )
}

/// A stacked bar of project counts by RAG: green, amber, red, and none.
pub fn rag_distribution(green: u64, amber: u64, red: u64, none: u64) -> String {
    let total = green + amber + red + none;
    let (width, height) = (400.0, 56.0);
    let mut body = String::new();
    let mut x = 0.0;
    for (n, colour, name) in [
        (green, GREEN, "green"),
        (amber, AMBER, "amber"),
        (red, RED, "red"),
        (none, GREY, "no RAG"),
    ] {
        if n == 0 {
            continue;
        }
        let w = width * n as f64 / total as f64;
        let _ = write!(
            body,
            r#"<rect x="{x:.1}" y="0" width="{w:.1}" height="28" fill="{colour}"><title>{n} {name}</title></rect>"#
        );
        if w >= 24.0 {
            let _ = write!(
                body,
                r##"<text x="{:.1}" y="19" fill="#fff" text-anchor="middle" font-weight="bold">{n}</text>"##,
                x + w / 2.0
            );
        }
        x += w;
    }
    let _ = write!(
        body,
        r#"<text x="0" y="48" fill="{INK}">{green} green · {amber} amber · {red} red · {none} without RAG</text>"#
    );
    if total == 0 {
        body = format!(r#"<text x="0" y="20" fill="{INK}">No projects</text>"#);
    }
    svg(width as u32, height as u32, "RAG distribution", &body)
}

/// Project counts by computed RAG per period: one stacked bar per row, longest row full
/// width, so that a growing portfolio reads as growing.
pub fn rag_history(rows: &[(String, [u64; 4])]) -> String {
    let most = rows
        .iter()
        .map(|(_, c)| c.iter().sum::<u64>())
        .max()
        .unwrap_or(0);
    let (label_w, bar_w, row_h) = (80.0, 400.0, 24.0);
    let mut body = String::new();
    for (i, (label, counts)) in rows.iter().enumerate() {
        let y = i as f64 * row_h;
        let _ = write!(
            body,
            r#"<text x="0" y="{:.1}" fill="{INK}">{}</text>"#,
            y + 14.0,
            escape(label)
        );
        let mut x = label_w;
        for (n, colour, name) in counts
            .iter()
            .zip([
                (GREEN, "green"),
                (AMBER, "amber"),
                (RED, "red"),
                (GREY, "no RAG"),
            ])
            .map(|(n, (c, name))| (*n, c, name))
        {
            if n == 0 || most == 0 {
                continue;
            }
            let w = bar_w * n as f64 / most as f64;
            let _ = write!(
                body,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="18" fill="{colour}"><title>{} {n} {name}</title></rect>"#,
                escape(label)
            );
            x += w;
        }
    }
    if rows.is_empty() {
        body = format!(r#"<text x="0" y="20" fill="{INK}">No months with history</text>"#);
    }
    let height = (rows.len().max(1) as f64 * row_h + 4.0) as u32;
    svg(
        (label_w + bar_w + 10.0) as u32,
        height,
        "Projects by computed RAG per month",
        &body,
    )
}

/// One labelled pair of bars: budget (grey) and forecast (red when over budget).
pub struct BudgetBar {
    pub label: String,
    pub budget: f64,
    pub forecast: f64,
}

/// Budget against forecast, one pair of bars per row.
pub fn budget_vs_forecast(rows: &[BudgetBar]) -> String {
    let max = rows
        .iter()
        .flat_map(|r| [r.budget, r.forecast])
        .fold(0.0, f64::max);
    let (label_w, bar_w, row_h) = (150.0, 380.0, 34.0);
    let height = rows.len() as f64 * row_h + 24.0;
    let mut body = String::new();
    for (i, r) in rows.iter().enumerate() {
        let y = i as f64 * row_h;
        let scale = |v: f64| {
            if max > 0.0 {
                bar_w * v.max(0.0) / max
            } else {
                0.0
            }
        };
        let over = r.forecast > r.budget;
        let _ = write!(
            body,
            r#"<text x="0" y="{:.1}" fill="{INK}">{}</text><rect x="{label_w}" y="{y:.1}" width="{:.1}" height="12" fill="{GREY}"><title>budget {}</title></rect><rect x="{label_w}" y="{:.1}" width="{:.1}" height="12" fill="{}"><title>forecast {}</title></rect>"#,
            y + 16.0,
            escape(&r.label),
            scale(r.budget),
            crate::metrics::money(r.budget.round()),
            y + 13.0,
            scale(r.forecast),
            if over { RED } else { GREEN },
            crate::metrics::money(r.forecast.round()),
        );
    }
    let y = rows.len() as f64 * row_h + 14.0;
    let _ = write!(
        body,
        r#"<rect x="{label_w}" y="{:.1}" width="10" height="10" fill="{GREY}"/><text x="{:.1}" y="{y:.1}" fill="{INK}">budget</text><rect x="{:.1}" y="{:.1}" width="10" height="10" fill="{GREEN}"/><text x="{:.1}" y="{y:.1}" fill="{INK}">forecast (red: over budget)</text>"#,
        y - 9.0,
        label_w + 14.0,
        label_w + 80.0,
        y - 9.0,
        label_w + 94.0,
    );
    svg(
        (label_w + bar_w + 10.0) as u32,
        height as u32,
        "Budget against forecast",
        &body,
    )
}

/// Open risks per probability (rows, 5 at the top) and impact (columns, 1 to 5).
pub fn risk_matrix(risks: impl IntoIterator<Item = (u8, u8)>) -> [[u64; 5]; 5] {
    let mut grid = [[0u64; 5]; 5];
    for (p, i) in risks {
        if (1..=5).contains(&p) && (1..=5).contains(&i) {
            grid[5 - p as usize][i as usize - 1] += 1;
        }
    }
    grid
}

/// The 5x5 probability-impact heat map: each cell coloured by its score (red at or
/// above `high`, amber from 5, green below) and labelled with its count of open risks.
pub fn heat_map(grid: &[[u64; 5]; 5], high: u32) -> String {
    let (cell, left, top) = (56.0, 36.0, 8.0);
    let mut body = String::new();
    for (row, counts) in grid.iter().enumerate() {
        let probability = 5 - row as u32;
        for (col, n) in counts.iter().enumerate() {
            let impact = col as u32 + 1;
            let score = probability * impact;
            let colour = if score >= high {
                RED
            } else if score >= 5 {
                AMBER
            } else {
                GREEN
            };
            let (x, y) = (left + col as f64 * cell, top + row as f64 * cell);
            let opacity = if *n > 0 { 1.0 } else { 0.35 };
            let _ = write!(
                body,
                r##"<rect x="{x}" y="{y}" width="{}" height="{}" fill="{colour}" fill-opacity="{opacity}" stroke="#fff"><title>probability {probability}, impact {impact}: {n} open</title></rect>"##,
                cell - 2.0,
                cell - 2.0
            );
            if *n > 0 {
                let _ = write!(
                    body,
                    r##"<text x="{:.1}" y="{:.1}" fill="#fff" text-anchor="middle" font-size="16" font-weight="bold">{n}</text>"##,
                    x + cell / 2.0 - 1.0,
                    y + cell / 2.0 + 5.0
                );
            }
        }
        let _ = write!(
            body,
            r#"<text x="20" y="{:.1}" fill="{INK}" text-anchor="middle">{probability}</text>"#,
            top + row as f64 * cell + cell / 2.0 + 4.0
        );
    }
    let bottom = top + 5.0 * cell;
    for col in 0..5 {
        let _ = write!(
            body,
            r#"<text x="{:.1}" y="{:.1}" fill="{INK}" text-anchor="middle">{}</text>"#,
            left + col as f64 * cell + cell / 2.0,
            bottom + 14.0,
            col + 1
        );
    }
    let _ = write!(
        body,
        r#"<text x="{:.1}" y="{:.1}" fill="{INK}" text-anchor="middle">impact →</text><text x="8" y="{:.1}" fill="{INK}" text-anchor="middle" transform="rotate(-90 8 {:.1})">probability →</text>"#,
        left + 2.5 * cell,
        bottom + 30.0,
        top + 2.5 * cell,
        top + 2.5 * cell
    );
    svg(
        (left + 5.0 * cell + 4.0) as u32,
        (bottom + 36.0) as u32,
        "Risk heat map",
        &body,
    )
}

/// `text` in at most `max` characters: a longer one is cut and ends with `…` (the whole
/// text is the label's tooltip).
fn clip(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => text.into(),
        Some(_) => {
            let keep: String = text.chars().take(max - 1).collect();
            format!("{}…", keep.trim_end()).into()
        }
    }
}

/// A milestone on the timeline: baseline date, and the forecast or actual date.
pub struct Milestone {
    pub name: String,
    pub baseline: jiff::civil::Date,
    pub forecast: Option<jiff::civil::Date>,
    pub actual: Option<jiff::civil::Date>,
}

/// Milestones on a date axis: the baseline as a grey diamond, the actual (else forecast)
/// date as a dot, green when on or before the baseline, red when later; a line marks today.
pub fn milestone_timeline(milestones: &[Milestone], today: jiff::civil::Date) -> String {
    use crate::metrics::days_between;
    let dates = milestones
        .iter()
        .flat_map(|m| [Some(m.baseline), m.forecast, m.actual])
        .flatten()
        .chain([today]);
    let (Some(first), Some(last)) = (dates.clone().min(), dates.max()) else {
        return String::new();
    };
    let span = days_between(first, last).max(1) as f64;
    let (label_w, axis_w, row_h) = (190.0, 400.0, 26.0);
    let x = |d: jiff::civil::Date| label_w + axis_w * days_between(first, d) as f64 / span;
    let height = milestones.len() as f64 * row_h + 40.0;
    let mut body = String::new();
    for (i, m) in milestones.iter().enumerate() {
        let y = i as f64 * row_h + 14.0;
        let name = clip(&m.name, 28);
        let _ = write!(
            body,
            r#"<text x="0" y="{:.1}" fill="{INK}"><title>{}</title>{}</text>"#,
            y + 4.0,
            escape(&m.name),
            escape(&name)
        );
        let bx = x(m.baseline);
        let _ = write!(
            body,
            r#"<path d="M{bx:.1} {:.1} l6 6 l-6 6 l-6 -6 z" fill="{GREY}"><title>baseline {}</title></path>"#,
            y - 6.0,
            m.baseline
        );
        if let Some(date) = m.actual.or(m.forecast) {
            let late = date > m.baseline;
            let colour = if late { RED } else { GREEN };
            let what = if m.actual.is_some() {
                "actual"
            } else {
                "forecast"
            };
            let fill = if m.actual.is_some() { colour } else { "#fff" };
            let _ = write!(
                body,
                r#"<line x1="{bx:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{colour}" stroke-width="2"/><circle cx="{:.1}" cy="{y:.1}" r="5" fill="{fill}" stroke="{colour}" stroke-width="2"><title>{what} {date}</title></circle>"#,
                x(date),
                x(date)
            );
        }
    }
    let bottom = milestones.len() as f64 * row_h + 8.0;
    let tx = x(today);
    let _ = write!(
        body,
        r#"<line x1="{label_w}" y1="{bottom:.1}" x2="{:.1}" y2="{bottom:.1}" stroke="{INK}"/><line x1="{tx:.1}" y1="0" x2="{tx:.1}" y2="{bottom:.1}" stroke="{INK}" stroke-dasharray="3 3"/><text x="{tx:.1}" y="{:.1}" fill="{INK}" text-anchor="middle">today {today}</text><text x="{label_w}" y="{:.1}" fill="{INK}">{first}</text><text x="{:.1}" y="{:.1}" fill="{INK}" text-anchor="end">{last}</text>"#,
        label_w + axis_w,
        bottom + 16.0,
        bottom + 30.0,
        label_w + axis_w,
        bottom + 30.0
    );
    svg(
        (label_w + axis_w + 40.0) as u32,
        height as u32,
        "Milestone timeline",
        &body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_cut_label_says_so() {
        assert_eq!(clip("Go-live", 28), "Go-live");
        assert_eq!(clip(&"x".repeat(28), 28), "x".repeat(28));
        assert_eq!(clip("Migrate the first wave of data", 10), "Migrate t…");
        assert_eq!(clip("ééééééééééé", 5), "éééé…");
    }

    #[test]
    fn the_matrix_puts_high_probability_on_top() {
        let grid = risk_matrix([(5, 1), (1, 5), (5, 1), (0, 3)]);
        assert_eq!(grid[0], [2, 0, 0, 0, 0]);
        assert_eq!(grid[4], [0, 0, 0, 0, 1]);
    }

    #[test]
    fn charts_escape_document_text() {
        let svg = budget_vs_forecast(&[BudgetBar {
            label: "<script>alert(1)</script>".into(),
            budget: 10.0,
            forecast: 12.0,
        }]);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        let svg = milestone_timeline(
            &[Milestone {
                name: "Go & live".into(),
                baseline: date(2026, 1, 1),
                forecast: Some(date(2026, 2, 1)),
                actual: None,
            }],
            date(2026, 1, 15),
        );
        assert!(svg.contains("Go &amp; live") && svg.contains(RED));
    }

    #[test]
    fn an_empty_distribution_says_so() {
        assert!(rag_distribution(0, 0, 0, 0).contains("No projects"));
        assert!(rag_distribution(1, 2, 0, 0).contains("1 green · 2 amber"));
    }
}

//! A person's allocation over time: the sum of their allocations' FTE on every day.

use super::{add_days, days_between};
use crate::model::Project;
use jiff::civil::Date;
use std::collections::HashMap;

/// One allocation of a person to a project, `from` and `to` inclusive.
#[derive(Debug, Clone, PartialEq)]
pub struct Booking<'a> {
    pub project: &'a str,
    pub fte: f64,
    pub from: Date,
    pub to: Date,
}

/// The bookings of each person in `projects`, in project order.
pub fn bookings<'p, 'a: 'p>(
    projects: impl IntoIterator<Item = &'p Project<'a>>,
) -> HashMap<&'a str, Vec<Booking<'a>>> {
    let mut out: HashMap<&str, Vec<Booking>> = HashMap::new();
    for project in projects {
        for a in &project.allocations {
            out.entry(a.person).or_default().push(Booking {
                project: project.id,
                fte: a.fte,
                from: a.from,
                to: a.to,
            });
        }
    }
    out
}

/// Days `from..=to` on which the same bookings apply, and their summed FTE.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub from: Date,
    pub to: Date,
    pub fte: f64,
    /// Indices into the bookings.
    pub bookings: Vec<usize>,
}

/// The load, as the sequence of segments on which at least one booking applies.
pub fn load(bookings: &[Booking<'_>]) -> Vec<Segment> {
    let mut edges: Vec<Date> = bookings
        .iter()
        .filter(|b| b.from <= b.to)
        .flat_map(|b| [b.from, add_days(b.to, 1)])
        .collect();
    edges.sort_unstable();
    edges.dedup();
    edges
        .windows(2)
        .filter_map(|w| {
            let (from, to) = (w[0], add_days(w[1], -1));
            let on: Vec<usize> = (0..bookings.len())
                .filter(|&i| bookings[i].from <= from && bookings[i].to >= from)
                .collect();
            let fte = on.iter().map(|&i| bookings[i].fte).sum();
            (!on.is_empty()).then_some(Segment {
                from,
                to,
                fte,
                bookings: on,
            })
        })
        .collect()
}

/// Periods over `capacity`: adjacent over-allocated segments merged, with the peak FTE
/// and every booking involved.
pub fn over_capacity(load: &[Segment], capacity: f64) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for seg in load.iter().filter(|s| s.fte > capacity + 1e-9) {
        match out.last_mut() {
            Some(last) if add_days(last.to, 1) == seg.from => {
                last.to = seg.to;
                last.fte = last.fte.max(seg.fte);
                for &b in &seg.bookings {
                    if !last.bookings.contains(&b) {
                        last.bookings.push(b);
                    }
                }
            }
            _ => out.push(seg.clone()),
        }
    }
    out
}

/// The FTE booked on one day.
pub fn on_day(bookings: &[Booking<'_>], day: Date) -> f64 {
    bookings
        .iter()
        .filter(|b| b.from <= day && day <= b.to)
        .map(|b| b.fte)
        .fold(0.0, |sum, fte| sum + fte)
}

/// The highest FTE on any day of `from..=to` (0 when nothing is booked).
pub fn peak(load: &[Segment], from: Date, to: Date) -> f64 {
    load.iter()
        .filter(|s| s.from <= to && s.to >= from)
        .map(|s| s.fte)
        .fold(0.0, f64::max)
}

/// Average FTE over `from..=to` (days without bookings count as 0).
pub fn average(load: &[Segment], from: Date, to: Date) -> f64 {
    let days = days_between(from, to) + 1;
    if days <= 0 {
        return 0.0;
    }
    let booked: f64 = load
        .iter()
        .map(|s| {
            let overlap = days_between(s.from.max(from), s.to.min(to)) + 1;
            s.fte * overlap.max(0) as f64
        })
        .sum();
    booked / days as f64
}

/// `1.2`, `1.0`, `0.25`: FTE with one decimal at least and no float noise.
pub fn fte(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0');
    if s.ends_with('.') {
        format!("{s}0")
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn booking(fte: f64, from: Date, to: Date) -> Booking<'static> {
        Booking {
            project: "p",
            fte,
            from,
            to,
        }
    }

    #[test]
    fn overlapping_bookings_add_up() {
        // 0.6 for Jan-Jun and 0.6 for Apr-Dec overlap in Apr-Jun at 1.2.
        let b = [
            booking(0.6, date(2026, 1, 1), date(2026, 6, 30)),
            booking(0.6, date(2026, 4, 1), date(2026, 12, 31)),
        ];
        let l = load(&b);
        assert_eq!(l.len(), 3);
        assert_eq!((l[1].from, l[1].to), (date(2026, 4, 1), date(2026, 6, 30)));
        assert!((l[1].fte - 1.2).abs() < 1e-9);
        let over = over_capacity(&l, 1.0);
        assert_eq!(over.len(), 1);
        assert_eq!(
            (over[0].from, over[0].to),
            (date(2026, 4, 1), date(2026, 6, 30))
        );
        assert_eq!(over[0].bookings, [0, 1]);
        assert!(over_capacity(&l, 1.2).is_empty());
    }

    #[test]
    fn average_over_a_period() {
        // 1.0 FTE on 10 of the 30 days of April: 1/3.
        let l = load(&[booking(1.0, date(2026, 4, 21), date(2026, 5, 10))]);
        let avg = average(&l, date(2026, 4, 1), date(2026, 4, 30));
        assert!((avg - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(average(&l, date(2026, 6, 1), date(2026, 6, 30)), 0.0);
        assert_eq!(peak(&l, date(2026, 4, 1), date(2026, 4, 30)), 1.0);
        assert_eq!(peak(&l, date(2026, 6, 1), date(2026, 6, 30)), 0.0);
        let b = [booking(1.0, date(2026, 4, 21), date(2026, 5, 10))];
        assert_eq!(on_day(&b, date(2026, 5, 10)), 1.0);
        assert_eq!(on_day(&b, date(2026, 5, 11)), 0.0);
    }

    #[test]
    fn gaps_are_not_segments() {
        let l = load(&[
            booking(0.5, date(2026, 1, 1), date(2026, 1, 31)),
            booking(0.5, date(2026, 3, 1), date(2026, 3, 31)),
        ]);
        assert_eq!(l.len(), 2);
    }
}

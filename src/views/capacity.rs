//! `pmo capacity`: per person and period, the FTE allocated by active and on-hold
//! projects against the person's capacity (the allocations rule A001 checks).

pub use super::periods::{Period, Span, periods};
use super::{Cell, Column, Section, Table, View};
use crate::Error;
use crate::check::Context;
use crate::metrics::add_days;
use crate::metrics::allocation::{average, bookings, load, peak};
use jiff::ToSpan;
use jiff::civil::Date;

/// More columns than any screen or spreadsheet shows: ten years of months.
const MAX_PERIODS: usize = 120;

/// The default range: six months from the start of this month, or twelve weeks from this
/// week's Monday.
pub fn default_range(today: Date, by: Period) -> (Date, Date) {
    match by {
        Period::Month => {
            let from = today.first_of_month();
            let to = from
                .checked_add(6.months())
                .map_or(Date::MAX, |d| add_days(d, -1));
            (from, to)
        }
        Period::Week => {
            let monday = add_days(today, -i64::from(today.weekday().to_monday_zero_offset()));
            (monday, add_days(monday, 12 * 7 - 1))
        }
        Period::Day => (today, add_days(today, 13)),
    }
}

pub fn capacity(ctx: &Context<'_>, from: Date, to: Date, by: Period) -> Result<View, Error> {
    if from > to {
        return Err(Error::Invalid(format!("--from {from} is after --to {to}")));
    }
    let spans = periods(from, to, by);
    if spans.len() > MAX_PERIODS {
        return Err(Error::Invalid(format!(
            "{from} to {to} is {} periods; at most {MAX_PERIODS} fit in a view: narrow --from and --to",
            spans.len()
        )));
    }
    let booked = bookings(ctx.running_projects().map(|(_, p)| p));
    let mut people: Vec<_> = ctx.people().collect();
    people.sort_by_key(|(doc, person)| (doc.file, person.id));

    let mut data = Table::new(
        [
            ("person", "person"),
            ("name", "name"),
            ("capacity", "capacity"),
            ("period", "period"),
            ("from", "from"),
            ("to", "to"),
            ("allocated", "allocated"),
            ("peak", "peak"),
            ("utilisation_pct", "utilisation_pct"),
            ("over", "over"),
        ]
        .iter()
        .map(|(k, l)| Column::new(*k, *l))
        .collect(),
    );
    let mut columns = vec![
        Column::new("person", "Person"),
        Column::new("capacity", "Capacity"),
    ];
    columns.extend(
        spans
            .iter()
            .map(|s| Column::new(s.label.clone(), s.label.clone())),
    );
    columns.push(Column::new("peak", "Peak"));
    let mut wide = Table::new(columns);
    let mut over_people = 0;

    for (_, person) in people {
        let segments = booked.get(person.id).map(|b| load(b)).unwrap_or_default();
        let mut row = vec![Cell::text(person.id), Cell::Number(person.capacity, 2)];
        let mut top: f64 = 0.0;
        for span in &spans {
            let allocated = average(&segments, span.from, span.to);
            let highest = peak(&segments, span.from, span.to);
            let over = highest > person.capacity + 1e-9;
            top = top.max(highest);
            row.push(Cell::Number(allocated, 2).alert_if(over));
            data.rows.push(vec![
                Cell::text(person.id),
                Cell::text(person.name),
                Cell::Number(person.capacity, 2),
                Cell::text(span.label.as_str()),
                Cell::Date(span.from),
                Cell::Date(span.to),
                Cell::Number(allocated, 2),
                Cell::Number(highest, 2),
                Cell::opt(
                    (person.capacity > 0.0).then(|| allocated / person.capacity * 100.0),
                    |x| Cell::Number(x, 0),
                ),
                Cell::Bool(over),
            ]);
        }
        let over = top > person.capacity + 1e-9;
        over_people += usize::from(over);
        row.push(Cell::Number(top, 2).alert_if(over));
        wide.rows.push(row);
    }
    wide.notes.push(format!(
        "Average FTE allocated per {} from {from} to {to} by active and on-hold projects; \
         marked where some day's allocation exceeds capacity ({over_people} {}).",
        by.as_str(),
        if over_people == 1 { "person" } else { "people" }
    ));
    data.notes = wide.notes.clone();
    Ok(View {
        data,
        sections: vec![Section {
            title: None,
            table: wide,
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn months_are_clipped_to_the_range() {
        let p = periods(date(2026, 11, 15), date(2027, 1, 10), Period::Month);
        let labels: Vec<&str> = p.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["2026-11", "2026-12", "2027-01"]);
        assert_eq!(
            (p[0].from, p[0].to),
            (date(2026, 11, 15), date(2026, 11, 30))
        );
        assert_eq!((p[2].from, p[2].to), (date(2027, 1, 1), date(2027, 1, 10)));
    }

    #[test]
    fn weeks_are_iso_weeks() {
        // 2026-11-20 is a Friday in ISO week 47; its Monday is 2026-11-16.
        let (from, to) = default_range(date(2026, 11, 20), Period::Week);
        assert_eq!(from, date(2026, 11, 16));
        assert_eq!(to, date(2027, 2, 7));
        let p = periods(from, to, Period::Week);
        assert_eq!(p.len(), 12);
        assert_eq!(p[0].label, "2026-W47");
        // 2026-12-28 starts ISO week 53 of 2026.
        assert_eq!(p[6].label, "2026-W53");
    }

    #[test]
    fn six_months_by_default() {
        assert_eq!(
            default_range(date(2026, 11, 20), Period::Month),
            (date(2026, 11, 1), date(2027, 4, 30))
        );
    }
}

use super::{Context, Reads};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::metrics::allocation::{bookings, fte, load, over_capacity};

pub static RULE: Rule = Rule {
    code: Code::A001,
    name: "over-allocated",
    severity: Severity::Warning,
    summary: "a person is allocated beyond their capacity on some day",
    doc: r#"
The `allocations` of active and on-hold projects are summed per person and day; on no day
may they exceed the person's `capacity` (FTE, default 1.0). The finding is on the person
and names each over-allocated period with the allocations in it.

```yaml
kind: person
id: alice   # A001: alice is allocated 1.2 FTE against a capacity of 1.0 from 2026-04-01 to 2026-06-30: apollo 0.6, hermes 0.6
```
"#,
};

/// A person's allocation is summed over every running project.
pub(super) const READS: Reads = Reads::Allocations;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // Every running project's allocations, for the people gone through (all, or a focus).
    let running = ctx
        .every_project()
        .iter()
        .filter(|(_, p)| p.state.is_running());
    let bookings = bookings(running.map(|(_, p)| p));
    for (doc, person) in ctx.people() {
        let Some(booked) = bookings.get(person.id) else {
            continue;
        };
        for period in over_capacity(&load(booked), person.capacity) {
            let parts: Vec<String> = period
                .bookings
                .iter()
                .map(|&i| format!("{} {}", booked[i].project, fte(booked[i].fte)))
                .collect();
            let message = format!(
                "{} is allocated {} FTE against a capacity of {} from {} to {}: {}",
                person.id,
                fte(period.fte),
                fte(person.capacity),
                period.from,
                period.to,
                parts.join(", ")
            );
            let mut finding = ctx.diagnostic(&RULE, doc, doc.mapping_span(), message);
            for &i in &period.bookings {
                finding = finding.concerning(booked[i].project);
            }
            out.push(
                finding.help("reduce or move an allocation, or raise `capacity` if it is wrong"),
            );
        }
    }
}

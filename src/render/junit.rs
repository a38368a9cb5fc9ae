use crate::check::Report;
use crate::diagnostic::Severity;
use quick_junit::{NonSuccessKind, Report as JUnit, TestCase, TestCaseStatus, TestSuite};
use std::collections::BTreeMap;

/// JUnit XML with one test case per file read. A file fails when it has a finding that
/// fails the check: an error, or under `strict` a warning too, so the report counts a
/// failure exactly when `pmo check` exits 1. The failure lists every finding of the file;
/// the findings of a file that passes (warnings without `strict`) are its test case
/// output. File names and messages are escaped as for a terminal: the XML stays
/// well-formed whatever they hold. The XML is valid for Jenkins' JUnit schema
/// (junit-10.xsd), which Jenkins' xUnit plugin validates reports against.
pub fn junit(report: &Report, files: &[&str], strict: bool) -> String {
    let mut by_file: BTreeMap<&str, Vec<&crate::diagnostic::Diagnostic>> =
        files.iter().map(|f| (*f, Vec::new())).collect();
    for d in &report.diagnostics {
        by_file.entry(d.file.as_str()).or_default().push(d);
    }
    let mut suite = TestSuite::new("pmo check");
    for (file, diags) in by_file {
        let lines: Vec<String> = diags
            .iter()
            .map(|d| super::one_line(d, crate::escape::xml))
            .collect();
        let count = |severity| diags.iter().filter(|d| d.severity == severity).count();
        let errors = count(Severity::Error);
        let warnings = if strict { count(Severity::Warning) } else { 0 };
        let failed = errors + warnings > 0;
        let status = if failed {
            let counts: Vec<String> = [(errors, "error"), (warnings, "warning")]
                .into_iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, what)| format!("{n} {what}{}", if n == 1 { "" } else { "s" }))
                .collect();
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(counts.join(", "));
            s.set_type("pmo");
            s.set_description(lines.join("\n"));
            s
        } else {
            TestCaseStatus::success()
        };
        let mut case = TestCase::new(crate::escape::xml(file).into_owned(), status);
        case.set_classname("pmo");
        if !failed && !lines.is_empty() {
            case.set_system_out(lines.join("\n"));
        }
        suite.add_test_case(case);
    }
    let mut junit = JUnit::new("pmo");
    junit.add_test_suite(suite);
    without_root_skipped(junit.to_string().unwrap_or_default())
}

/// The XML without the `skipped` attribute of the root `<testsuites>`: quick-junit always
/// writes it (an extension of its own, with no option to leave it out), and Jenkins'
/// junit-10.xsd does not allow it there, so a validating reader rejects the whole report.
/// Each `<testsuite>` keeps its own `skipped`, which the schema allows. The root tag holds
/// only pmo's own name and counts, never document text, so removing the attribute from it
/// leaves the XML well-formed and every value escaped as it was.
fn without_root_skipped(xml: String) -> String {
    let Some(start) = xml.find("<testsuites ") else {
        return xml;
    };
    let end = start + xml[start..].find('>').unwrap_or(0);
    let tag = &xml[start..end];
    let Some(at) = tag.find(" skipped=\"") else {
        return xml;
    };
    let value = at + " skipped=\"".len();
    let Some(len) = tag[value..].find('"') else {
        return xml;
    };
    let (from, to) = (start + at, start + value + len + 1);
    let mut out = String::with_capacity(xml.len());
    out.push_str(&xml[..from]);
    out.push_str(&xml[to..]);
    out
}

#[cfg(test)]
mod tests {
    use super::without_root_skipped;

    #[test]
    fn the_root_loses_skipped_and_the_suites_keep_it() {
        let xml = "<?xml version=\"1.0\"?>\n<testsuites name=\"pmo\" tests=\"1\" skipped=\"0\" failures=\"0\" errors=\"0\">\n<testsuite name=\"s\" tests=\"1\" skipped=\"0\" errors=\"0\" failures=\"0\"/>\n</testsuites>\n";
        assert_eq!(
            without_root_skipped(xml.to_owned()),
            "<?xml version=\"1.0\"?>\n<testsuites name=\"pmo\" tests=\"1\" failures=\"0\" errors=\"0\">\n<testsuite name=\"s\" tests=\"1\" skipped=\"0\" errors=\"0\" failures=\"0\"/>\n</testsuites>\n"
        );
    }
}

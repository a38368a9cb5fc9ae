use crate::check::Report;
use crate::diagnostic::Severity;
use quick_junit::{NonSuccessKind, Report as JUnit, TestCase, TestCaseStatus, TestSuite};
use std::collections::BTreeMap;

/// JUnit XML with one test case per file: a file with errors fails; its warnings are
/// listed in the test case output. File names and messages are escaped as for a
/// terminal: the XML stays well-formed whatever they hold.
pub fn junit(report: &Report, files: &[&str]) -> String {
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
        let errors = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let status = if errors > 0 {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(format!(
                "{errors} error{}",
                if errors == 1 { "" } else { "s" }
            ));
            s.set_type("pmo");
            s.set_description(lines.join("\n"));
            s
        } else {
            TestCaseStatus::success()
        };
        let mut case = TestCase::new(crate::escape::xml(file).into_owned(), status);
        case.set_classname("pmo");
        if errors == 0 && !lines.is_empty() {
            case.set_system_out(lines.join("\n"));
        }
        suite.add_test_case(case);
    }
    let mut junit = JUnit::new("pmo");
    junit.add_test_suite(suite);
    junit.to_string().unwrap_or_default()
}

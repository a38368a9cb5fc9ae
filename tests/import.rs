//! `pmo import` end to end: small CSV fixtures for every reader and failure path, and the
//! real GMPP 2023 release, whose counts are checked against an independent count.

mod common;

use assert_cmd::Command;
use common::Repo;
use predicates::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

const MAPPING: &str = r#"version: 1
csv: {delimiter: ";", encoding: windows-1252}
documents:
  - kind: project
    id: {column: Code, slug: true, prefix: prj-}
    fields:
      title: {column: Name}
      description: {column: Notes}
      sponsor: {column: Sponsor, slug: true, create: {kind: person, fields: {name: "{raw}"}}}
      manager: {column: Sponsor, slug: true}
      state: {value: active}
      phase: {value: initiation}
      baseline.start: {column: Start, date: "%d.%m.%Y"}
      baseline.budget: {column: Budget, number: {units: {m: 1000000, k: 1000}}}
  - kind: status
    id: {column: Code, slug: true, prefix: prj-, suffix: -status}
    on_error: skip_document
    fields:
      project: {column: Code, slug: true, prefix: prj-}
      date: {value: "2026-11-01"}
      overall: {column: RAG, map: {Red: red, Amber: amber, Green: green, "Amber/Green": amber}}
"#;

/// Windows-1252 bytes (é is 0xE9), `;`-separated, a multi-line quoted cell.
fn csv() -> Vec<u8> {
    let mut bytes = b"Code;Name;Sponsor;Start;Budget;RAG;Notes\n".to_vec();
    bytes.extend(
        b"A-1;Apollo;Carol Nguyen;05.01.2026;\xA31.2m;Amber/Green;\"Two lines;\nsecond\"\n",
    );
    bytes.extend(b"B 2;R\xE9seau;Carol Nguyen;07. Sep;1,250k;Exempt;\n");
    bytes.extend(b"C3;;Dave;01.02.2026;5;Red;\n");
    bytes
}

fn setup() -> Repo {
    Repo::with_config("version: 1\nexclude: [import/**]\n")
        .file("import/mapping.yaml", MAPPING)
        .bytes("import/data.csv", &csv())
}

fn import(repo: &Repo, extra: &[&str]) -> assert_cmd::assert::Assert {
    let mut args = vec!["import", "import/data.csv", "--map", "import/mapping.yaml"];
    args.extend(extra);
    repo.pmo(&args).assert()
}

#[test]
fn rows_become_documents_and_every_problem_is_reported() {
    let repo = setup();
    let out = import(&repo, &[]).success();
    let report = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    // Row 2: the damaged start date is left out; the exemption gets no status update.
    assert!(
        report.contains("row 2 (line 4), column Start: `07. Sep` is not a date in the format `%d.%m.%Y`: field `baseline.start` of project `prj-b-2` left out"),
        "{report}"
    );
    assert!(
        report.contains("row 2 (line 4), column RAG: `Exempt` is not in the value map"),
        "{report}"
    );
    // Row 3 has no name: the project cannot be written; its status update still is.
    assert!(
        report.contains("row 3 (line 5), column Name: `` empty: project skipped"),
        "{report}"
    );
    assert!(
        report.contains("3 rows read; 5 documents written"),
        "{report}"
    );
    assert!(
        report.contains("(1 person, 2 project, 2 status)"),
        "{report}"
    );

    let project = std::fs::read_to_string(repo.join("projects/prj-a-1/project.yaml")).unwrap();
    assert!(project.contains("budget: 1200000"), "{project}");
    assert!(project.contains("start: 2026-01-05"), "{project}");
    assert!(project.contains("sponsor: carol-nguyen"), "{project}");
    let b2 = std::fs::read_to_string(repo.join("projects/prj-b-2/project.yaml")).unwrap();
    assert!(
        b2.contains("title: Réseau") && b2.contains("budget: 1250000"),
        "{b2}"
    );
    let status =
        std::fs::read_to_string(repo.join("projects/prj-a-1/status/prj-a-1-status.yaml")).unwrap();
    assert!(status.contains("overall: amber"), "{status}");
    assert!(repo.join("people/carol-nguyen.yaml").exists());

    // The people the rows name were created, so references resolve. (The status of
    // row 3 points at a project that could not be written: R002 says so.)
    let v: Value = serde_json::from_slice(
        &repo
            .pmo(&["check", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .filter(|c| c.starts_with('R') || c.starts_with('S') || c.starts_with('P'))
        .collect();
    assert_eq!(codes, ["R002"], "{v:#}");
}

#[test]
fn nothing_is_overwritten_and_dry_runs_write_nothing() {
    let repo = setup();
    let dry = import(&repo, &["--dry-run"]).success();
    let dry_report = String::from_utf8(dry.get_output().stdout.clone()).unwrap();
    assert!(dry_report.contains("would be written"), "{dry_report}");
    assert!(!repo.join("projects").exists());
    import(&repo, &[]).success();
    let before = std::fs::read_to_string(repo.join("projects/prj-a-1/project.yaml")).unwrap();
    import(&repo, &[])
        .code(2)
        .stderr(predicate::str::contains("already exists"))
        .stderr(predicate::str::contains("nothing was written"));
    assert_eq!(
        std::fs::read_to_string(repo.join("projects/prj-a-1/project.yaml")).unwrap(),
        before
    );
}

#[test]
fn skip_row_and_duplicate_ids() {
    let mapping = MAPPING.replace(
        "  - kind: project\n    id:",
        "  - kind: project\n    on_error: skip_row\n    id:",
    );
    let repo = setup()
        .file("import/mapping.yaml", &mapping)
        .file("import/dup.csv", "Code;Name;Sponsor;Start;Budget;RAG;Notes\nA;One;Bob;01.01.2026;1;Red;\nA;Two;Bob;01.01.2026;2;Red;\nB;Bad;Bob;01.01.2026;lots;Red;\n");
    let out = repo
        .pmo(&[
            "import",
            "import/dup.csv",
            "--map",
            "import/mapping.yaml",
            "--dry-run",
        ])
        .output()
        .unwrap();
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(report.contains("row 2 (line 3), column id: `prj-a` id already made: project `prj-a` of row 1 kept; this one skipped"), "{report}");
    assert!(
        report.contains("row 3 (line 4), column Budget: `lots` is not a number: row 3 skipped"),
        "{report}"
    );
    assert!(report.contains("1 rows skipped"), "{report}");
}

#[test]
fn bad_mappings_and_files_stop_with_a_located_message() {
    let repo = setup().file(
        "import/typo.yaml",
        "version: 1\ndocuments:\n  - kind: project\n    id: {column: Code}\n    fields:\n      title: {colum: Name}\n",
    );
    repo.pmo(&["import", "import/data.csv", "--map", "import/typo.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("import/typo.yaml:6:"))
        .stderr(predicate::str::contains("is not a valid mapping"));
    let repo = repo.file(
        "import/column.yaml",
        "version: 1\ncsv: {delimiter: \";\", encoding: windows-1252}\ndocuments:\n  - kind: project\n    id: {column: Kode}\n    fields: {}\n",
    );
    repo.pmo(&["import", "import/data.csv", "--map", "import/column.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("import/column.yaml:5:18"))
        .stderr(predicate::str::contains(
            "column `Kode`, which the file does not have",
        ))
        .stderr(predicate::str::contains("help: did you mean `Code`?"))
        .stderr(predicate::str::contains(
            "is not a valid mapping for import/data.csv",
        ));
    let utf8 = MAPPING.replace("encoding: windows-1252", "encoding: utf-8");
    let repo = repo.file("import/utf8.yaml", &utf8);
    repo.pmo(&["import", "import/data.csv", "--map", "import/utf8.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not valid UTF-8"))
        .stderr(predicate::str::contains("csv.encoding"));
}

/// A repository in `<tmp>/repo`, with the mapping and the file beside it in `<tmp>`: a
/// path that escapes the repository would land in `<tmp>` (and no further).
fn outside_setup(map: &str, csv: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("repo")).unwrap();
    std::fs::write(dir.path().join("repo/pmo.yaml"), "version: 1\n").unwrap();
    std::fs::write(dir.path().join("map.yaml"), map).unwrap();
    std::fs::write(dir.path().join("in.csv"), csv).unwrap();
    dir
}

fn pmo_in(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("pmo")
        .unwrap()
        .current_dir(dir)
        .args(["--color", "never"])
        .args(args)
        .output()
        .unwrap()
}

/// The standard error of `pmo import in.csv --map map.yaml -o OUT` run in `dir`, which
/// must refuse the mapping (exit status 2).
fn refused_import(dir: &Path, out: &str) -> String {
    let run = pmo_in(dir, &["import", "in.csv", "--map", "map.yaml", "-o", out]);
    let stderr = String::from_utf8(run.stderr).unwrap();
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    stderr
}

/// Every file below `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = BTreeMap::new();
    files(dir, dir, &mut out);
    out.into_keys().collect()
}

const PEOPLE: &str = "version: 1\ndocuments:\n  - kind: person\n    id: {column: Id}\n    fields: {name: {column: Name}}\n";

#[test]
fn ids_that_are_not_ids_are_reported_and_nothing_leaves_the_repository() {
    let dir = outside_setup(PEOPLE, "Id,Name\n../escaped,Eve\n\"a b\",Spacey\nada,Ada\n");
    let repo = dir.path().join("repo");
    for dry in [true, false] {
        let mut args = vec!["import", "../in.csv", "--map", "../map.yaml"];
        if dry {
            args.push("--dry-run");
        }
        let out = pmo_in(&repo, &args);
        let report = String::from_utf8(out.stdout).unwrap();
        // The import completes: the bad rows are reported, the good one is written.
        assert_eq!(out.status.code(), Some(0), "{report}");
        assert!(
            report.contains("../in.csv: row 1 (line 2), column Id: `../escaped` is not a valid id: person skipped"),
            "{report}"
        );
        assert!(
            report.contains("row 2 (line 3), column Id: `a b` is not a valid id"),
            "{report}"
        );
        assert!(
            report.contains("help: an id is letters, digits"),
            "{report}"
        );
        assert!(report.contains("add `slug: true`"), "{report}");
        assert!(report.contains("3 rows read; 1 documents"), "{report}");
        assert!(report.contains("2 documents skipped"), "{report}");
    }
    assert_eq!(
        tree(dir.path()),
        [
            "in.csv",
            "map.yaml",
            "repo/people/ada.yaml",
            "repo/pmo.yaml"
        ]
    );
}

#[test]
fn prefixes_that_would_escape_the_output_directory_are_refused() {
    let map = PEOPLE.replace("{column: Id}", "{column: Id, prefix: ../../../EVIL-}");
    let dir = outside_setup(&map, "Id,Name\nx,Eve\n");
    let stderr = refused_import(dir.path(), "repo/out");
    assert!(stderr.contains("map.yaml:4:30"), "{stderr}");
    assert!(
        stderr.contains("prefix `../../../EVIL-` cannot be part of an id"),
        "{stderr}"
    );
    assert_eq!(tree(dir.path()), ["in.csv", "map.yaml", "repo/pmo.yaml"]);
}

#[test]
fn column_numbers_the_file_does_not_have_are_located_in_the_mapping() {
    let map = "version: 1\ndocuments:\n  - kind: person\n    id: {column: Id}\n    fields:\n      name: {column: Name}\n      team: {column: 99}\n";
    let dir = outside_setup(map, "Id,Name,Team,Email\nada,Ada,Core,ada@example.com\n");
    let stderr = refused_import(dir.path(), "repo");
    assert!(stderr.contains("map.yaml:7:22"), "{stderr}");
    assert!(
        stderr.contains(
            "the mapping names column 99, which the file does not have: it has 4 columns"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("the file's columns are 1 `Id`, 2 `Name`, 3 `Team`, 4 `Email`"),
        "{stderr}"
    );
    assert_eq!(tree(dir.path()), ["in.csv", "map.yaml", "repo/pmo.yaml"]);
}

#[test]
fn documents_written_pass_their_schema() {
    let map = "version: 1\ndocuments:\n  - kind: person\n    id: {column: Id, slug: true}\n    fields:\n      name: {column: Name}\n      capacity: {column: FTE, number: true}\n  - kind: person\n    id: {column: Id, slug: true, suffix: -deputy}\n    on_error: skip_document\n    fields:\n      name: {column: Name}\n      capacity: {column: FTE, number: true}\n";
    let dir = outside_setup(map, "Id,Name,FTE\nAda,Ada,-3\nBob,Bob,0.5\n");
    let out = pmo_in(
        dir.path(),
        &["import", "in.csv", "--map", "map.yaml", "-o", "repo"],
    );
    let report = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{report}");
    // drop_field: the value is left out; skip_document: the document is not written.
    assert!(
        report.contains("row 1 (line 2), column FTE: `-3` `capacity` must be at least 0, found `-3`: field `capacity` of person `ada` left out"),
        "{report}"
    );
    assert!(
        report.contains("row 1 (line 2), column FTE: `-3` `capacity` must be at least 0, found `-3`: person skipped (`capacity`)"),
        "{report}"
    );
    let ada = std::fs::read_to_string(dir.path().join("repo/people/ada.yaml")).unwrap();
    assert!(!ada.contains("capacity"), "{ada}");
    assert!(!dir.path().join("repo/people/ada-deputy.yaml").exists());
    assert!(dir.path().join("repo/people/bob-deputy.yaml").exists());
    // What was written passes the next check.
    common::succeeds(
        Command::cargo_bin("pmo")
            .unwrap()
            .arg("-C")
            .arg(dir.path().join("repo"))
            .args(["check", "-q"]),
    );

    // A field the kind does not have, or a required one the mapping does not fill,
    // would fail every row: the mapping is refused before any row is read.
    let map = "version: 1\ndocuments:\n  - kind: person\n    id: {column: Id}\n    fields:\n      nmae: {column: Name}\n";
    std::fs::write(dir.path().join("map.yaml"), map).unwrap();
    let stderr = refused_import(dir.path(), "repo");
    assert!(stderr.contains("map.yaml:5:5"), "{stderr}");
    assert!(
        stderr.contains("a person needs `name`, which the mapping does not fill"),
        "{stderr}"
    );
    assert!(stderr.contains("map.yaml:6:7"), "{stderr}");
    assert!(stderr.contains("a person has no field `nmae`"), "{stderr}");
    assert!(stderr.contains("did you mean `name`?"), "{stderr}");

    // The target repository's overlays are read as `pmo check` reads them: a broken
    // one stops the import, naming it, and nothing is written.
    std::fs::create_dir_all(dir.path().join("repo/schema")).unwrap();
    std::fs::write(dir.path().join("repo/schema/person.schema.json"), "{bad").unwrap();
    let stderr = refused_import(dir.path(), "repo");
    assert!(stderr.contains("schema/person.schema.json:1:2"), "{stderr}");
}

fn files(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, root, out);
        } else {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.insert(rel, std::fs::read_to_string(&path).unwrap());
        }
    }
}

#[test]
fn the_gmpp_release_imports_completely() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("portfolio");
    std::fs::create_dir_all(out.join("schema")).unwrap();
    std::fs::copy(
        "examples/gmpp-2023/portfolio/pmo.yaml",
        out.join("pmo.yaml"),
    )
    .unwrap();
    common::copy_dir(
        Path::new("examples/gmpp-2023/portfolio/schema"),
        &out.join("schema"),
    );
    // The portfolio office, owner of the waivers: written by hand, not imported.
    std::fs::create_dir_all(out.join("people")).unwrap();
    std::fs::copy(
        "examples/gmpp-2023/portfolio/people/pmo.yaml",
        out.join("people/pmo.yaml"),
    )
    .unwrap();
    let report = common::succeeds(
        Command::cargo_bin("pmo")
            .unwrap()
            .args(["import", "examples/gmpp-2023/source/gmpp-2023.csv"])
            .args(["--map", "examples/gmpp-2023/source/mapping.yaml", "-o"])
            .arg(&out),
    );
    // Every row is accounted for: 244 projects; the 12 rows whose rating is an exemption
    // (or "early planning") get no status update instead of an invented colour, and no
    // person is invented for the owners the release does not name.
    assert!(
        report.contains("244 rows read; 476 documents written"),
        "{report}"
    );
    assert!(
        report.contains("(244 project, 232 status); 0 rows skipped; 12 documents skipped"),
        "{report}"
    );
    // Counted independently: 3 rows have no description, 1 rated row no comment.
    assert!(
        report.contains("91 fields left out; 4 empty cells\n"),
        "{report}"
    );
    assert!(
        report.contains("  3 empty in column description_aims: project description not written\n  1 empty in column rating_comment: status summary not written\n"),
        "{report}"
    );

    // The shipped example is exactly this import.
    let (mut fresh, mut shipped) = (BTreeMap::new(), BTreeMap::new());
    files(&out, &out, &mut fresh);
    files(
        Path::new("examples/gmpp-2023/portfolio"),
        Path::new("examples/gmpp-2023/portfolio"),
        &mut shipped,
    );
    assert_eq!(
        fresh.keys().collect::<Vec<_>>(),
        shipped.keys().collect::<Vec<_>>()
    );
    assert!(
        fresh == shipped,
        "examples/gmpp-2023/portfolio differs from a fresh import"
    );

    let pmo = |args: &[&str]| {
        common::succeeds(
            Command::cargo_bin("pmo")
                .unwrap()
                .arg("-C")
                .arg(&out)
                .args(["--today", "2026-11-20"])
                .args(args),
        )
    };
    pmo(&["check", "-q"]);

    // Counted independently from the CSV (the rating is in column 7 or 8):
    // Amber 95 + 88, Green 21 + 5, Red 18 + 5, and 12 rows with a text instead.
    let counts = |by: &str| -> BTreeMap<String, i64> {
        let v: Value =
            serde_json::from_str(&pmo(&["portfolio", "--by", by, "--format", "json"])).unwrap();
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r[by].as_str().unwrap().to_owned(),
                    r["projects"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    let ratings = counts("delivery_confidence");
    assert_eq!(ratings["Amber"], 183);
    assert_eq!(ratings["Green"], 26);
    assert_eq!(ratings["Red"], 23);
    let s43 = "Exempt under Section 43 of the Freedom of Information Act 2000 (Commercial Interests) - Commercial interests.";
    assert_eq!(ratings[s43], 5);
    assert_eq!(
        ratings["Exempt under Section 24 of the Freedom of Information Act 2000 (National security)"],
        2
    );
    assert_eq!(
        ratings["Exempt under Section 26 of Freedom of Information Act 2000 (Defence)."],
        2
    );
    assert_eq!(ratings.values().sum::<i64>(), 244);
    assert_eq!(ratings.len(), 9);
    let categories = counts("category");
    assert_eq!(
        categories,
        BTreeMap::from([
            (
                "Government Transformation and Service Delivery".to_owned(),
                91
            ),
            ("ICT".to_owned(), 32),
            ("Infrastructure and Construction".to_owned(), 76),
            ("Military Capability".to_owned(), 45),
        ])
    );
}

/// `pmo import in.csv --map map.yaml -o repo` in `dir`: its exit code and report.
fn import_into_repo(dir: &Path, extra: &[&str]) -> (Option<i32>, String, String) {
    let mut args = vec!["import", "in.csv", "--map", "map.yaml", "-o", "repo"];
    args.extend(extra);
    let out = pmo_in(dir, &args);
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const DEPARTMENTS: &str = r#"version: 1
documents:
  - kind: project
    id: {column: Code, slug: true}
    fields:
      title: {column: Name}
      sponsor: {value: ann}
      manager: {value: ann}
      state: {value: active}
      phase: {value: delivery}
      program:
        column: Department
        slug: true
        prefix: dept-
        create: {kind: program, fields: {title: "{raw}", manager: ann}}
  - kind: person
    id: {value: ann}
    fields: {name: {value: Ann}}
"#;

#[test]
fn texts_cut_to_the_same_id_are_not_merged() {
    let csv = "Code,Name,Department\n\
        A1,Reserves,Indigenous Services Canada & Crown-Indigenous Relations and Northern Affairs Canada\n\
        B2,Housing,Indigenous Services Canada & Crown-Indigenous Relations and Northern Development\n";
    let dir = outside_setup(DEPARTMENTS, csv);
    let (code, report, stderr) = import_into_repo(dir.path(), &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        report.contains("in.csv: row 2 (line 3), column Department: `Indigenous Services Canada & Crown-Indigenous Relations and Northern Development` is the id `dept-indigenous-services-canada-crown-indigenous-relations-and-no` once cut to 60 characters, as `Indigenous Services Canada & Crown-Indigenous Relations and Northern Affairs Canada` of row 1 is: field `program` of project `b2` left out"),
        "{report}"
    );
    assert!(
        report.contains("help: ids made with `slug: true` are cut to 60 characters"),
        "{report}"
    );
    // One program, the first row's; the second project names none rather than the wrong one.
    let programs = tree(&dir.path().join("repo/programs"));
    assert_eq!(
        programs,
        ["dept-indigenous-services-canada-crown-indigenous-relations-and-no.yaml"]
    );
    let b2 = std::fs::read_to_string(dir.path().join("repo/projects/b2/project.yaml")).unwrap();
    assert!(!b2.contains("program"), "{b2}");
}

#[test]
fn a_repeated_header_is_refused_unless_the_mapping_picks_one_by_number() {
    let map = "version: 1\ndocuments:\n  - kind: status\n    id: {column: Code}\n    fields:\n      project: {column: Code}\n      date: {value: \"2023-03-31\"}\n      overall: {column: colour_rating, map: {Red: red, Amber: amber, Green: green}}\n";
    let csv = "Code;colour_rating;colour_rating\np1;;Red\np2;Amber;\n".replace(';', ",");
    let dir = outside_setup(map, &csv);
    let stderr = refused_import(dir.path(), "repo");
    assert!(stderr.contains("map.yaml:8:25"), "{stderr}");
    assert!(
        stderr.contains("the file has 2 columns named `colour_rating` (columns 2 and 3): the mapping must say which"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "name the column by its number (`2` for the first), or list them in `columns: [2, 3]`"
        ),
        "{stderr}"
    );
    assert_eq!(tree(dir.path()), ["in.csv", "map.yaml", "repo/pmo.yaml"]);

    std::fs::write(
        dir.path().join("map.yaml"),
        map.replace("{column: colour_rating,", "{columns: [2, 3],"),
    )
    .unwrap();
    let (code, report, stderr) = import_into_repo(dir.path(), &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        report.contains("2 rows read; 2 documents written"),
        "{report}"
    );
    let p1 = std::fs::read_to_string(dir.path().join("repo/projects/p1/status/p1.yaml")).unwrap();
    assert!(p1.contains("overall: red"), "{p1}");
}

#[test]
fn empty_cells_of_optional_fields_are_counted_per_column() {
    let map = "version: 1\ndocuments:\n  - kind: person\n    id: {column: Id}\n    fields:\n      name: {column: Name}\n      capacity: {column: FTE, number: true}\n      email: {column: Mail}\n      team: {column: Team, default: core}\n";
    let csv = "Id,Name,FTE,Mail,Team\nann,Ann,,,\nbob,Bob,1,,\ncat,Cat,,cat@example.org,x\n";
    let dir = outside_setup(map, csv);
    let (code, report, stderr) = import_into_repo(dir.path(), &["--dry-run"]);
    assert_eq!(code, Some(0), "{stderr}");
    // Every cell could be used, but four were empty: their fields are not written.
    assert!(
        report.contains("0 fields left out; 4 empty cells\n"),
        "{report}"
    );
    assert!(
        report.contains("  2 empty in column FTE: person capacity not written\n"),
        "{report}"
    );
    assert!(
        report.contains("  2 empty in column Mail: person email not written\n"),
        "{report}"
    );
    // A default fills an empty cell: nothing to report for Team.
    assert!(!report.contains("column Team"), "{report}");
}

const REGISTER: &str = r#"version: 1
where:
  - {column: Status, in: [Active, On hold]}
  - {column: Type, matches: "(?i)project|programme"}
documents:
  - kind: project
    id: {columns: [Dept, Code], join: "-", slug: true}
    fields:
      title: {columns: [Code, Name], join: " - "}
      sponsor: {value: ann}
      manager: {value: ann}
      state: {value: active}
      phase: {value: initiation}
      program:
        column: Dept
        slug: true
        create: {kind: program, fields: {title: {column: Department}, manager: ann}}
      actuals.percent_complete: {column: Complete, number: {percent: 100}}
      baseline.start: {column: Start, date: ["%d/%m/%Y", "%b-%y"]}
      baseline.finish: {column: Finish, date: {formats: "%b-%y", fiscal_year_start: 4, day: last}}
  - kind: person
    id: {value: ann}
    fields: {name: {value: Ann}}
"#;

#[test]
fn the_mapping_reads_what_registers_hold() {
    let csv = "Code,Name,Dept,Department,Complete,Start,Finish,Status,Type\n\
        A1,Passports,HO,Home Office,90.16%,01/04/2023,Mar-25,Active,Project\n\
        B2,Schools,DFE,Department for Education,45%,Jan-23,2024-25,On hold,Programme\n\
        C3,Archive,HO,Home Office,100%,01/01/2020,Dec-21,Closed,Project\n\
        D4,,HO,Home Office,12.5 %,31/02/2023,2024-26,Active,project\n\
        E5,Helpdesk,HO,Home Office,50%,01/01/2024,Dec-24,Active,Service\n";
    let dir = outside_setup(REGISTER, csv);
    let (code, report, stderr) = import_into_repo(dir.path(), &[]);
    assert_eq!(code, Some(0), "{stderr}");
    // `where:` leaves out the closed project and the service.
    assert!(
        report.contains("5 rows read; 6 documents written"),
        "{report}"
    );
    assert!(report.contains("2 rows left out by `where`"), "{report}");
    // Bad cells are located: row, line, column.
    assert!(
        report.contains("in.csv: row 4 (line 5), column Start: `31/02/2023` is not a date in any of `%d/%m/%Y`, `%b-%y`: field `baseline.start` of project `ho-d4` left out"),
        "{report}"
    );
    assert!(
        report.contains("in.csv: row 4 (line 5), column Finish: `2024-26` is not a fiscal year: 26 does not follow 2024: field `baseline.finish` of project `ho-d4` left out"),
        "{report}"
    );
    let read = |p: &str| std::fs::read_to_string(dir.path().join("repo").join(p)).unwrap();
    let a1 = read("projects/ho-a1/project.yaml");
    for want in [
        "title: A1 - Passports",
        "program: ho",
        "percent_complete: 90.16",
        "start: 2023-04-01",
        // A month, as its last day.
        "finish: 2025-03-31",
    ] {
        assert!(a1.contains(want), "{want}\n{a1}");
    }
    let b2 = read("projects/dfe-b2/project.yaml");
    for want in [
        "percent_complete: 45",
        // A month as the first day (the default); a fiscal year from April, its last day.
        "start: 2023-01-01",
        "finish: 2025-03-31",
    ] {
        assert!(b2.contains(want), "{want}\n{b2}");
    }
    let d4 = read("projects/ho-d4/project.yaml");
    assert!(
        d4.contains("title: D4\n") && d4.contains("percent_complete: 12.5"),
        "{d4}"
    );
    // The program is keyed on the code and titled from the name.
    assert!(read("programs/ho.yaml").contains("title: Home Office"));
    assert!(read("programs/dfe.yaml").contains("title: Department for Education"));
    common::succeeds(
        Command::cargo_bin("pmo")
            .unwrap()
            .arg("-C")
            .arg(dir.path().join("repo"))
            .args(["check", "-q"]),
    );
}

#[test]
fn bad_patterns_and_percentages_are_located() {
    let map = REGISTER.replace(
        "matches: \"(?i)project|programme\"",
        "matches: \"(project\"",
    );
    let dir = outside_setup(
        &map,
        "Code,Name,Dept,Department,Complete,Start,Finish,Status,Type\n",
    );
    let stderr = refused_import(dir.path(), "repo");
    assert!(stderr.contains("map.yaml:4:29"), "{stderr}");
    assert!(
        stderr.contains("`(project` is not a pattern pmo can use: unclosed group"),
        "{stderr}"
    );

    let map = REGISTER.replace("number: {percent: 100}", "number: true");
    let dir = outside_setup(
        &map,
        "Code,Name,Dept,Department,Complete,Start,Finish,Status,Type\nA1,X,HO,Home Office,90.16%,,,Active,Project\n",
    );
    let (code, report, stderr) = import_into_repo(dir.path(), &["--dry-run"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        report.contains("row 1 (line 2), column Complete: `90.16%` is a percentage: add `percent: 100` (or `1`) to `number:` in the mapping: field `actuals.percent_complete` of project `ho-a1` left out"),
        "{report}"
    );
}

#[test]
fn a_register_that_names_no_people_imports_once_pmo_yaml_allows_it() {
    let map = "version: 1\ndocuments:\n  - kind: project\n    id: {column: Code, slug: true}\n    fields:\n      title: {column: Name}\n      state: {value: active}\n      phase: {value: delivery}\n";
    let dir = outside_setup(map, "Code,Name\nA1,Reserves\nB2,Housing\n");
    // Under the built-in schema a project names its sponsor and manager: the mapping
    // would have to invent them, and is refused.
    let stderr = refused_import(dir.path(), "repo");
    assert!(
        stderr.contains("a project needs `sponsor`, which the mapping does not fill"),
        "{stderr}"
    );
    std::fs::write(
        dir.path().join("repo/pmo.yaml"),
        "version: 1\nproject: {optional: [sponsor, manager]}\nmethodologies:\n  register:\n    phases: [delivery]\n",
    )
    .unwrap();
    let (code, report, stderr) = import_into_repo(dir.path(), &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        report.contains("2 rows read; 2 documents written"),
        "{report}"
    );
    assert_eq!(
        tree(&dir.path().join("repo")),
        [
            "pmo.yaml",
            "projects/a1/project.yaml",
            "projects/b2/project.yaml"
        ]
    );
    common::succeeds(
        Command::cargo_bin("pmo")
            .unwrap()
            .arg("-C")
            .arg(dir.path().join("repo"))
            .args(["check", "-q", "--today", "2026-11-20"]),
    );
}

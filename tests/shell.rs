//! `pmo completions` and `pmo man`, generated from the command-line definitions: the
//! bash script completes pmo's commands in a real bash, and the man page renders.

mod common;

use assert_cmd::Command;
use std::process::Stdio;

fn pmo(args: &[&str]) -> String {
    common::succeeds(Command::cargo_bin("pmo").unwrap().args(args))
}

#[test]
fn bash_completes_commands_and_options() {
    let script = pmo(&["completions", "bash"]);
    let complete = |words: &str| -> Vec<String> {
        let program = format!(
            "{script}\nCOMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             _pmo pmo \"${{COMP_WORDS[-1]}}\" \"${{COMP_WORDS[-2]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\""
        );
        let out = std::process::Command::new("bash")
            .args(["-c", &program])
            .stderr(Stdio::inherit())
            .output()
            .expect("bash is installed");
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(complete("pmo l"), ["ls", "lsp"]);
    assert!(complete("pmo check --fo").contains(&"--format".to_owned()));
    assert!(complete("pmo check --format ''").contains(&"sarif".to_owned()));
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        assert!(pmo(&["completions", shell]).contains("lsp"), "{shell}");
    }
}

#[test]
fn the_man_page_lists_every_command_and_renders() {
    let page = pmo(&["man"]);
    assert!(page.contains(".TH pmo 1"));
    for command in ["check", "lsp", "completions", "man", "schema", "report"] {
        assert!(page.contains(&format!("pmo\\-{command}(1)")), "{command}");
    }
    // groff (man's renderer) reads it without a warning.
    let mut groff = std::process::Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("groff is installed (man-db's renderer)");
    use std::io::Write;
    groff
        .stdin
        .take()
        .unwrap()
        .write_all(page.as_bytes())
        .unwrap();
    let out = groff.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");

    // With -o: the page of every command it refers to.
    let dir = tempfile::tempdir().unwrap();
    let listed = pmo(&["-C", dir.path().to_str().unwrap(), "man", "-o", "man1"]);
    assert_eq!(listed.lines().count(), 21, "{listed}");
    let check = std::fs::read_to_string(dir.path().join("man1/pmo-check.1")).unwrap();
    assert!(
        check.contains(&format!(
            ".TH pmo-check 1  \"pmo-check {}\"",
            env!("CARGO_PKG_VERSION")
        )) && check.contains("\\-\\-baseline"),
        "{check}"
    );
}

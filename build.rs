//! Embed the built-in report templates (`templates/report/`) in the binary.

fn main() {
    minijinja_embed::embed_templates!("templates/report", &[".j2"][..], "report");
}

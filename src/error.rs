//! Why a command could not run (exit code 2). Findings are never errors: see
//! [`crate::diagnostic`].

use crate::diagnostic::Diagnostic;
use std::fmt;
use std::path::PathBuf;

#[derive(Debug)]
pub enum Error {
    /// No `pmo.yaml` in the start directory or any parent.
    NotARepository(PathBuf),
    /// A file or directory could not be read or written.
    Io { path: PathBuf, message: String },
    /// `pmo.yaml` (or a schema overlay) is broken; the diagnostics say where.
    Config(Vec<Diagnostic>),
    /// A request that cannot be carried out (unknown kind, existing file, ...).
    Invalid(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io(path: impl Into<PathBuf>, e: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            message: e.to_string(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotARepository(start) => write!(
                f,
                "not a governance repository: no pmo.yaml in {} or any parent directory (create one with `pmo init`)",
                start.display()
            ),
            Error::Io { path, message } => write!(f, "{}: {message}", path.display()),
            Error::Config(diags) => {
                let n = diags.len();
                match diags.first() {
                    Some(d) => write!(
                        f,
                        "invalid configuration: {}:{}:{}: {}{}",
                        d.file,
                        d.span.start.line,
                        d.span.start.column,
                        d.message,
                        if n > 1 {
                            format!(" (and {} more)", n - 1)
                        } else {
                            String::new()
                        }
                    ),
                    None => write!(f, "invalid configuration"),
                }
            }
            Error::Invalid(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}

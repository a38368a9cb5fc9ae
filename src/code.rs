//! Rule codes. A finding names its rule by a [`Code`], never by a string, so a misspelt
//! code fails to compile instead of becoming a finding no rule owns. This module depends
//! on nothing else in the crate: every layer, the parser included, can name a code.
//!
//! The text form (`P004`) is what users see and write: in every output, in `pmo explain`,
//! and in pmo.yaml (`rules:` and `waivers:`), where it is read case-insensitively.

use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

macro_rules! codes {
    ($($code:ident)*) => {
        /// A built-in rule code, one per file of `src/rules/`.
        ///
        /// Declared in the byte order of the codes' text, so that the derived `Ord` sorts
        /// findings as sorting their codes' text would (a test checks it).
        ///
        /// Room for an organisation's own codes: they will be one more variant (such as
        /// `Org(OrgCode)`, a small `Copy` handle to the configured code). Every `match` on
        /// `Code` is in this file ([`Code::as_str`], [`Code::parse`]); elsewhere codes are
        /// compared with `==`, so that variant touches this file and the rule lookup, not
        /// every stage. `#[non_exhaustive]` keeps code outside the library from matching
        /// exhaustively in the meantime.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $($code,)*
        }

        impl Code {
            /// Every built-in code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$code,)*];

            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$code => stringify!($code),)*
                }
            }
        }
    };
}

codes! {
    A001
    C001 C002 C003 C004 C005 C006
    F001 F002
    G001 G002 G003 G004 G005
    K001 K002 K003
    P001 P002 P003 P004 P005 P006
    R001 R002 R003 R004 R005
    S001 S002
    T001 T002 T003 T004
    W001 W002 W003
}

impl Code {
    /// The code `text` names, ignoring case (`k002` is `K002`), as pmo.yaml reads it.
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(text))
    }
}

/// A text that names no rule code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode;

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a rule code")
    }
}

impl std::error::Error for UnknownCode {}

impl FromStr for Code {
    type Err = UnknownCode;

    fn from_str(text: &str) -> Result<Code, UnknownCode> {
        Code::parse(text).ok_or(UnknownCode)
    }
}

impl fmt::Display for Code {
    /// `pad`, not `write_str`: a width such as `{:<6}` applies to a code as to its text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for Code {
    /// The text, as every output has always written it.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn declaration_order_is_text_order() {
        for pair in Code::ALL.windows(2) {
            assert!(pair[0] < pair[1]);
            assert!(pair[0].as_str() < pair[1].as_str(), "{pair:?}");
        }
    }

    #[test]
    fn parse_ignores_case_and_refuses_unknown_codes() {
        for &code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(code));
            assert_eq!(code.as_str().to_lowercase().parse(), Ok(code));
        }
        assert_eq!(Code::parse("P0O5"), None);
        assert_eq!(Code::parse(""), None);
        assert_eq!(Code::parse("K0021"), None);
    }

    #[test]
    fn display_and_serialize_write_the_text() {
        assert_eq!(format!("[{:<6}]", Code::P004), "[P004  ]");
        assert_eq!(Code::W003.to_string(), "W003");
        assert_eq!(serde_json::json!(Code::C006), serde_json::json!("C006"));
    }
}

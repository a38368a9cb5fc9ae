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
        /// An organisation's own code (`policies:` in pmo.yaml) is [`Code::Org`]: its text,
        /// which always holds a `-` (`ORG-001`), so it never reads as a built-in code. It
        /// sorts after every built-in code. Every `match` on `Code` is in this file;
        /// elsewhere codes are compared with `==`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $($code,)*
            /// An organisation's code, interned by [`Code::org`].
            Org(&'static str),
        }

        impl Code {
            /// Every built-in code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$code,)*];

            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$code => stringify!($code),)*
                    Code::Org(text) => text,
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
    /// The built-in code `text` names, ignoring case (`k002` is `K002`), as pmo.yaml
    /// reads it.
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(text))
    }

    /// The organisation code `text` (upper case, with a `-`: `ORG-001`), or `None` when
    /// `text` is not one. Interned: a process keeps one copy of each code's text, however
    /// often pmo.yaml is read.
    pub fn org(text: &str) -> Option<Code> {
        use std::collections::HashSet;
        use std::sync::{Mutex, OnceLock, PoisonError};
        if !is_org_code(text) {
            return None;
        }
        static TEXTS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
        let mut texts = TEXTS
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let text = match texts.get(text) {
            Some(known) => *known,
            None => {
                let leaked: &'static str = Box::leak(text.to_owned().into_boxed_str());
                texts.insert(leaked);
                leaked
            }
        };
        Some(Code::Org(text))
    }

    pub fn is_org(self) -> bool {
        matches!(self, Code::Org(_))
    }
}

/// An organisation code: a prefix of capital letters, a `-`, then capital letters and
/// digits (`ORG-001`, `FIN-12`, `PMO-R7`), at most 32 characters.
pub fn is_org_code(text: &str) -> bool {
    let Some((prefix, rest)) = text.split_once('-') else {
        return false;
    };
    text.len() <= 32
        && !prefix.is_empty()
        && prefix.bytes().all(|b| b.is_ascii_uppercase())
        && !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
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
        assert_eq!(Code::parse("ORG-001"), None);
    }

    #[test]
    fn organisation_codes_have_a_dash_and_sort_after_built_in_ones() {
        let org = Code::org("ORG-001").unwrap();
        assert_eq!(org.as_str(), "ORG-001");
        assert_eq!(Code::org("ORG-001"), Some(org));
        assert!(org > Code::W003);
        assert!(org.is_org() && !Code::A001.is_org());
        for bad in ["P001", "org-001", "ORG-", "-001", "ORG 001", "ORG-0x1", ""] {
            assert_eq!(Code::org(bad), None, "{bad}");
        }
    }

    #[test]
    fn display_and_serialize_write_the_text() {
        assert_eq!(format!("[{:<6}]", Code::P004), "[P004  ]");
        assert_eq!(Code::W003.to_string(), "W003");
        assert_eq!(serde_json::json!(Code::C006), serde_json::json!("C006"));
    }
}

//! "Did you mean ...?" for misspelt field names, values, kinds and rule codes.

/// The closest candidate, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    near(word, candidates).closest()
}

/// The one candidate close enough to be a likely typo, when no other is: what a fix may
/// write without asking.
pub fn only_close<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    near(word, candidates).only()
}

/// The candidates close to a word, found in one pass: a hint names the closest, a fix
/// takes the only one.
pub struct Near<'a>(Vec<(&'a str, usize)>);

impl<'a> Near<'a> {
    pub fn closest(&self) -> Option<&'a str> {
        self.0.iter().min_by_key(|&&(_, d)| d).map(|&(c, _)| c)
    }

    pub fn only(&self) -> Option<&'a str> {
        let (first, _) = *self.0.first()?;
        self.0.iter().all(|&(c, _)| c == first).then_some(first)
    }

    pub fn did_you_mean(&self) -> Option<String> {
        self.closest().map(|c| format!("did you mean `{c}`?"))
    }
}

pub fn near<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Near<'a> {
    Near(close(word, candidates).collect())
}

/// The candidates close enough to `word` to be a likely typo, with their distance.
fn close<'a, 'w>(
    word: &'w str,
    candidates: impl IntoIterator<Item = &'a str> + 'w,
) -> impl Iterator<Item = (&'a str, usize)> + 'w {
    let lower = word.to_lowercase();
    let chars = lower.chars().count();
    let long = lower.len() > 3;
    let most = move |c: &str| {
        let near = (c.chars().count().max(3) / 3).max(1);
        if long { near.max(2) } else { near }
    };
    candidates
        .into_iter()
        // The distance is at least the difference in length: a word of a megabyte costs
        // a length comparison per candidate, not a megabyte times each candidate's length.
        .map(|c| (c, c.to_lowercase()))
        .filter(move |(c, low)| chars.abs_diff(low.chars().count()) <= most(c))
        .map(move |(c, low)| (c, strsim::damerau_levenshtein(&lower, &low)))
        .filter(move |&(c, d)| d <= most(c))
}

pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    near(word, candidates).did_you_mean()
}

/// `a`, `b` and `c`
pub fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_caught_and_strangers_are_not() {
        let fields = ["owner", "title", "probability", "impact", "status"];
        assert_eq!(closest("ownr", fields), Some("owner"));
        assert_eq!(closest("probabilty", fields), Some("probability"));
        assert_eq!(closest("Status", fields), Some("status"));
        assert_eq!(closest("cost_centre", fields), None);
        assert_eq!(closest("x", fields), None);
        assert_eq!(list(&["a", "b", "c"]), "`a`, `b` and `c`");
        assert_eq!(only_close("ownr", fields), Some("owner"));
        assert_eq!(only_close("bob", ["bob2", "bobb"]), None);
    }

    #[test]
    fn words_too_long_or_short_to_be_close_are_not_suggested() {
        assert_eq!(closest("ownerss", ["owner"]), Some("owner"));
        assert_eq!(closest("ownersss", ["owner"]), None);
        assert_eq!(closest("ow", ["owner"]), None);
        assert_eq!(closest(&"o".repeat(1 << 20), ["owner", "title"]), None);
    }
}

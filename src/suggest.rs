//! "Did you mean ...?" for misspelt field names, values, kinds and rule codes.

/// The closest candidate, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let chars = lower.chars().count();
    let most = |c: &str| {
        let near = (c.chars().count().max(3) / 3).max(1);
        if lower.len() > 3 { near.max(2) } else { near }
    };
    candidates
        .into_iter()
        // The distance is at least the difference in length: a word of a megabyte costs
        // a length comparison per candidate, not a megabyte times each candidate's length.
        .map(|c| (c, c.to_lowercase()))
        .filter(|(c, low)| chars.abs_diff(low.chars().count()) <= most(c))
        .map(|(c, low)| (c, strsim::damerau_levenshtein(&lower, &low)))
        .filter(|&(c, d)| d <= most(c))
        .min_by_key(|&(_, d)| d)
        .map(|(c, _)| c)
}

pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(word, candidates).map(|c| format!("did you mean `{c}`?"))
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
    }

    #[test]
    fn words_too_long_or_short_to_be_close_are_not_suggested() {
        assert_eq!(closest("ownerss", ["owner"]), Some("owner"));
        assert_eq!(closest("ownersss", ["owner"]), None);
        assert_eq!(closest("ow", ["owner"]), None);
        assert_eq!(closest(&"o".repeat(1 << 20), ["owner", "title"]), None);
    }
}

//! Approvals given where approvers approve: the reviews of a pull request (GitHub) or
//! the approvals of a merge request (GitLab), as a CI job fetched them from the forge's
//! API (`--approvals FILE`). A commit trailer or a line of YAML is written by the
//! change's author; a review is recorded by the forge for the reviewer's account.

use serde_json::Value;

/// Who approved the head of a change on its forge.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Reviews {
    /// GitHub logins, lower case (GitHub's logins are case-insensitive).
    github: Vec<String>,
    /// GitLab usernames.
    gitlab: Vec<String>,
    /// Addresses the forge gave for approvers (GitLab's `public_email`, when set).
    emails: Vec<String>,
}

impl Reviews {
    /// The approvals in `text`: GitHub's "list reviews for a pull request" (an array of
    /// reviews; each reviewer's latest review that sets a state counts when it is
    /// `APPROVED` and on `head`, the commit checked) or GitLab's "approvals of a merge
    /// request" (an object whose `approved_by` lists the approvers; GitLab resets them on a
    /// push when the project says so).
    pub fn parse(text: &str, head: &str) -> Result<Reviews, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        match value {
            // `gh api --paginate --slurp` gives the pages as an array of arrays.
            Value::Array(pages) if pages.iter().all(Value::is_array) && !pages.is_empty() => {
                let reviews: Vec<Value> = pages
                    .into_iter()
                    .flat_map(|p| match p {
                        Value::Array(page) => page,
                        _ => Vec::new(),
                    })
                    .collect();
                Ok(github(&reviews, head))
            }
            Value::Array(reviews) => Ok(github(&reviews, head)),
            Value::Object(map) if map.contains_key("approved_by") => Ok(gitlab(&map)),
            _ => Err(
                "neither GitHub's list of reviews (an array) nor GitLab's approvals \
                      (an object with `approved_by`)"
                    .into(),
            ),
        }
    }

    /// Whether `person` (a person document, as the base revision has it) approved: by
    /// their `github` or `gitlab` handle, or an address the forge gave.
    pub fn approved(&self, person: &Value) -> bool {
        let text = |field: &str| person.get(field).and_then(Value::as_str);
        let by_github =
            text("github").is_some_and(|login| self.github.contains(&login.to_lowercase()));
        let by_gitlab = text("gitlab").is_some_and(|name| self.gitlab.iter().any(|g| g == name));
        let addresses = text("email").into_iter().chain(
            person
                .get("emails")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str),
        );
        let by_email = addresses
            .into_iter()
            .any(|a| self.emails.iter().any(|e| e.eq_ignore_ascii_case(a)));
        by_github || by_gitlab || by_email
    }
}

fn github(reviews: &[Value], head: &str) -> Reviews {
    // Reviews are listed oldest first; a comment does not change a reviewer's state.
    let mut latest: Vec<(String, &Value)> = Vec::new();
    for review in reviews {
        let state = review.get("state").and_then(Value::as_str).unwrap_or("");
        if !matches!(state, "APPROVED" | "CHANGES_REQUESTED" | "DISMISSED") {
            continue;
        }
        let Some(login) = review.pointer("/user/login").and_then(Value::as_str) else {
            continue;
        };
        let login = login.to_lowercase();
        match latest.iter_mut().find(|(l, _)| *l == login) {
            Some(entry) => entry.1 = review,
            None => latest.push((login, review)),
        }
    }
    let github = latest
        .into_iter()
        .filter(|(_, r)| {
            r.get("state").and_then(Value::as_str) == Some("APPROVED")
                && r.get("commit_id").and_then(Value::as_str) == Some(head)
        })
        .map(|(login, _)| login)
        .collect();
    Reviews {
        github,
        ..Reviews::default()
    }
}

fn gitlab(map: &serde_json::Map<String, Value>) -> Reviews {
    let users: Vec<&Value> = map
        .get("approved_by")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|a| a.get("user"))
        .collect();
    let field = |name: &str| -> Vec<String> {
        users
            .iter()
            .filter_map(|u| u.get(name).and_then(Value::as_str))
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    Reviews {
        gitlab: field("username"),
        emails: field("public_email"),
        ..Reviews::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const HEAD: &str = "aaaa";

    fn carol() -> Value {
        json!({"kind": "person", "id": "carol", "github": "Carol-N", "gitlab": "carol.n", "email": "carol@acme.example"})
    }

    #[test]
    fn a_reviewers_latest_state_on_the_head_counts() {
        let review = |login: &str, state: &str, commit: &str| json!({"user": {"login": login}, "state": state, "commit_id": commit});
        let parse = |reviews: Value| Reviews::parse(&reviews.to_string(), HEAD).unwrap();
        let approved = parse(json!([review("carol-n", "APPROVED", HEAD)]));
        assert!(approved.approved(&carol()));
        // Pages, as `gh api --paginate --slurp` gives them.
        let pages = json!([
            [review("carol-n", "APPROVED", HEAD)],
            [review("carol-n", "CHANGES_REQUESTED", HEAD)]
        ]);
        assert!(!parse(pages).approved(&carol()));
        // On an older commit; overturned by a later request for changes; a comment after
        // an approval changes nothing.
        assert!(!parse(json!([review("carol-n", "APPROVED", "bbbb")])).approved(&carol()));
        let overturned = json!([
            review("carol-n", "APPROVED", HEAD),
            review("carol-n", "CHANGES_REQUESTED", HEAD)
        ]);
        assert!(!parse(overturned).approved(&carol()));
        let commented = json!([
            review("carol-n", "APPROVED", HEAD),
            review("carol-n", "COMMENTED", HEAD)
        ]);
        assert!(parse(commented).approved(&carol()));
        // Somebody else's approval, and a person without a handle.
        let other = parse(json!([review("dave", "APPROVED", HEAD)]));
        assert!(!other.approved(&carol()));
        assert!(!approved.approved(&json!({"kind": "person", "id": "carol"})));
    }

    #[test]
    fn gitlab_approvals_match_usernames_and_public_addresses() {
        let by_name = json!({"approved_by": [{"user": {"username": "carol.n"}}]});
        assert!(
            Reviews::parse(&by_name.to_string(), HEAD)
                .unwrap()
                .approved(&carol())
        );
        let by_mail = json!({"approved_by": [{"user": {"username": "cn", "public_email": "Carol@acme.example"}}]});
        assert!(
            Reviews::parse(&by_mail.to_string(), HEAD)
                .unwrap()
                .approved(&carol())
        );
        assert!(Reviews::parse("{\"x\": 1}", HEAD).is_err());
        assert!(Reviews::parse("not json", HEAD).is_err());
    }
}

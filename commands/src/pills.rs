//! The people linked in a message's HTML body ("pills"): clients turn `@Marie` into a
//! link to her whose plain body is only her display name, so a command that needs a
//! person finds them here when the body holds no user id.

use lazy_regex::{Lazy, Regex, lazy_regex};
use ruma_common::{MatrixToUri, MatrixUri, OwnedUserId, matrix_uri::MatrixId};

/// A mention of a person written in a message's HTML body: a link to the person (a
/// "pill", which clients show as the person's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pill {
    /// The person.
    pub user: OwnedUserId,
    /// The link's text, as the plain body shows it (usually the display name).
    pub text: String,
}

/// The quoted message of a reply, whose pill names the person replied to.
static REPLY: Lazy<Regex> = lazy_regex!(r"(?is)<mx-reply>.*?</mx-reply>");

/// A link: its target and its inner HTML.
static LINK: Lazy<Regex> =
    lazy_regex!(r#"(?is)<a\s[^>]*?href\s*=\s*["']([^"']*)["'][^>]*>(.*?)</a\s*>"#);

/// A tag inside a link's text (`<b>`, `<span …>`).
static TAG: Lazy<Regex> = lazy_regex!(r"(?s)<[^>]*>");

/// The base of `matrix.to` links.
const MATRIX_TO: &str = "https://matrix.to/#/";

/// The pills of a message's HTML body, in order, leaving out the quoted message of a
/// reply (`<mx-reply>`), whose pill names the person replied to.
pub fn pills(html: &str) -> Vec<Pill> {
    let html = REPLY.replace_all(html, "");
    LINK.captures_iter(&html)
        .filter_map(|link| {
            let user = pill_user(link.get(1)?.as_str())?;
            let text = unescape(&TAG.replace_all(link.get(2)?.as_str(), ""));
            Some(Pill { user, text })
        })
        .collect()
}

/// The user a link points to: `https://matrix.to/#/@user:server` (percent-encoded or not,
/// with `?via=` or not) or `matrix:u/user:server`, as ruma reads them. Links to rooms,
/// events or elsewhere name nobody.
fn pill_user(href: &str) -> Option<OwnedUserId> {
    let id = if let Some(rest) = href.strip_prefix(MATRIX_TO) {
        // A person is one identifier, with at most a slash after it. Anything else (a
        // room and an event) is left out before ruma sees it: ruma-common 0.19 panics on a
        // pair with an empty side, such as `https://matrix.to/#////`.
        let ids = rest.split('?').next().unwrap_or_default();
        if ids.strip_suffix('/').unwrap_or(ids).contains('/') {
            return None;
        }
        MatrixToUri::parse(href).ok()?.id().clone()
    } else if href.starts_with("matrix:") {
        MatrixUri::parse(href).ok()?.id().clone()
    } else {
        return None;
    };
    match id {
        MatrixId::User(user) => Some(user),
        _ => None,
    }
}

/// The text of HTML with its entities decoded (those clients write in a display name).
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use ruma_common::UserId;

    use super::*;

    proptest! {
        #[test]
        fn reading_pills_never_panics(
            before in "\\PC{0,40}", href in "\\PC{0,60}", text in "\\PC{0,40}", after in "\\PC{0,40}"
        ) {
            let html = format!("{before}<a href=\"{href}\">{text}</a>{after}<mx-reply>{text}");
            let _ = pills(&html);
            let _ = pills(&format!("<a href='https://matrix.to/#/{href}'>{text}</a>"));
            let _ = pills(&format!("<a href='matrix:{href}'>{text}</a>"));
        }

        #[test]
        fn reading_pills_never_panics_on_slashes(href in "[/@$!#a-z:?=%&.]{0,12}") {
            let _ = pills(&format!("<a href='https://matrix.to/#/{href}'>x</a>"));
            let _ = pills(&format!("<a href='matrix:{href}'>x</a>"));
        }

        #[test]
        fn a_pill_of_anyone_names_them(localpart in "[a-z0-9._=-]{1,20}", name in "[A-Za-zéè ]{1,20}") {
            let id = format!("@{localpart}:example.org");
            let html = format!("!valider <a href=\"https://matrix.to/#/{id}\">{name}</a>");
            let found = pills(&html);
            prop_assert_eq!(found.len(), 1);
            prop_assert_eq!(found[0].user.as_str(), id.as_str());
        }
    }

    fn user(id: &str) -> OwnedUserId {
        UserId::parse(id).unwrap_or_else(|e| panic!("{id}: {e}"))
    }

    #[test]
    fn pills_come_from_links_to_people_outside_the_reply_quote() {
        let html = r#"<mx-reply><blockquote><a href="https://matrix.to/#/!r:x/$e">In reply to</a> <a href="https://matrix.to/#/@pierre:x.org">Pierre</a><br>bonjour</blockquote></mx-reply>!valider <a href="https://matrix.to/#/%40marie%3Ax.org?via=x.org">Marie <b>Dupont</b></a> et <a href="matrix:u/paul:x.org?action=chat">Paul &amp; co</a> <a href="https://example.org">site</a>"#;
        assert_eq!(
            pills(html),
            vec![
                Pill { user: user("@marie:x.org"), text: "Marie Dupont".into() },
                Pill { user: user("@paul:x.org"), text: "Paul & co".into() },
            ]
        );
        assert_eq!(pills("!valider pierre"), vec![]);
        assert_eq!(pills("<a href='https://matrix.to/#/not-a-user'>x</a>"), vec![]);
    }

    /// The edges of ruma's reading of links, as pills see them.
    #[test]
    fn links_as_ruma_reads_them() {
        let user_of = |href: &str| pill_user(href).map(|u| u.to_string());
        let marie = Some("@marie:x.org".to_owned());
        // A trailing slash, several `via`, percent-encoding.
        assert_eq!(user_of("https://matrix.to/#/@marie:x.org/"), marie);
        assert_eq!(user_of("https://matrix.to/#/@marie:x.org?via=x.org&via=y.org"), marie);
        assert_eq!(user_of("https://matrix.to/#/%40marie%3Ax.org"), marie);
        assert_eq!(user_of("matrix:u/marie:x.org"), marie);
        assert_eq!(user_of("matrix:user/marie:x.org?via=x.org"), marie);
        // Rooms, aliases and events name nobody.
        assert_eq!(user_of("https://matrix.to/#/!room:x.org"), None);
        assert_eq!(user_of("https://matrix.to/#/#town:x.org"), None);
        assert_eq!(user_of("https://matrix.to/#/!room:x.org/$event"), None);
        assert_eq!(user_of("matrix:r/town:x.org"), None);
        assert_eq!(user_of("matrix:roomid/room:x.org/e/event"), None);
        // Neither do malformed links: an unknown query argument, empty identifiers.
        assert_eq!(user_of("https://matrix.to/#/@marie:x.org?foo=bar"), None);
        assert_eq!(user_of("https://matrix.to/#/////"), None);
        assert_eq!(user_of("https://matrix.to/#/"), None);
        assert_eq!(user_of("matrix:u/"), None);
        assert_eq!(user_of("http://matrix.to/#/@marie:x.org"), None);
    }
}

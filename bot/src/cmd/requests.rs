//! `!demandes [ouvertes|prises|toutes] [quartier]` / `!requests [open|taken|all]
//! [neighbourhood]`: a coordinator's list of requests: by default those under way (open,
//! claimed, and volunteers' offers waiting for a resident), oldest first, with who holds
//! them and since when; or only those waiting for someone (open requests and offers), the
//! claimed, or the latest of all (closed ones too, newest first); of one neighbourhood or
//! all.

use entraide_commands::{Key, Lang, Message, RequestFilter, fold};
use entraide_storage::{Request, State};

use super::Ctx;
use crate::{
    failure::{Failure, state_key},
    scheme::Scheme,
};

/// How many requests the list shows at most.
const SHOWN: usize = 50;

/// Lists the requests `filter` names, of `neighbourhood` if given.
pub async fn apply(
    scheme: &Scheme,
    ctx: &Ctx,
    filter: RequestFilter,
    neighbourhood: Option<&str>,
) -> Result<(), Failure> {
    let (texts, lang) = (&scheme.texts, ctx.lang);
    // The neighbourhood as the configuration names it, whatever the case and accents.
    let neighbourhood = match neighbourhood {
        None => None,
        Some(written) => {
            let names = scheme.neighbourhood_names()?;
            match names.iter().find(|name| fold(name) == fold(written)) {
                Some(name) => Some(name.clone()),
                None => {
                    let args = [("name", written), ("names", &names.join(", "))];
                    ctx.answer(scheme, &texts.render(lang, Key::UnknownNeighbourhood, &args), None);
                    return Ok(());
                }
            }
        }
    };
    let neighbourhood = neighbourhood.as_deref();
    let in_place = |request: &Request| {
        neighbourhood.is_none_or(|name| request.neighbourhood.as_deref() == Some(name))
    };
    let (requests, count) = match filter {
        RequestFilter::All => scheme.store.latest_requests(SHOWN, in_place)?,
        _ => {
            let wanted = |request: &Request| match filter {
                // What waits for someone: a request for a volunteer, an offer for a
                // resident.
                RequestFilter::Open => matches!(request.state, State::Open | State::Offered),
                RequestFilter::Claimed => matches!(request.state, State::Claimed { .. }),
                _ => request.state.is_active(),
            };
            let mut active = scheme.store.active_requests()?;
            active.retain(|request| wanted(request) && in_place(request));
            let count = active.len();
            active.truncate(SHOWN);
            (active, count)
        }
    };
    let which = which(scheme, lang, filter, neighbourhood);
    let plain = filter == RequestFilter::Active && neighbourhood.is_none();
    let message = if requests.is_empty() {
        match plain {
            true => texts.render(lang, Key::RequestsEmpty, &[]),
            false => texts.render(lang, Key::RequestsNone, &[("which", &which)]),
        }
    } else {
        let count_text = count.to_string();
        let header = match plain {
            true => texts.render(lang, Key::RequestsHeader, &[("count", &count_text)]),
            false => texts.render(
                lang,
                Key::RequestsHeaderFiltered,
                &[("which", &which), ("count", &count_text)],
            ),
        };
        let mut lines = vec![header];
        lines.extend(requests.iter().map(|request| line(scheme, lang, request)));
        if count > requests.len() {
            let more = (count - requests.len()).to_string();
            lines.push(texts.render(lang, Key::RequestsMore, &[("count", &more)]));
        }
        Message::lines(lines)
    };
    ctx.answer(scheme, &message, None);
    Ok(())
}

/// What the list is of, in words: "ouvertes, Les Tilleuls".
fn which(
    scheme: &Scheme,
    lang: Lang,
    filter: RequestFilter,
    neighbourhood: Option<&str>,
) -> String {
    let key = match filter {
        RequestFilter::Active => Key::FilterActive,
        RequestFilter::Open => Key::FilterOpen,
        RequestFilter::Claimed => Key::FilterClaimed,
        RequestFilter::All => Key::FilterAll,
    };
    let which = scheme.texts.text(lang, key, &[]);
    match neighbourhood {
        Some(name) => {
            scheme.texts.text(lang, Key::FilterIn, &[("which", &which), ("neighbourhood", name)])
        }
        None => which,
    }
}

/// One request: open since when, held by whom since when, or how it ended.
fn line(scheme: &Scheme, lang: Lang, request: &Request) -> Message {
    let texts = &scheme.texts;
    let now = scheme.now();
    let age = |since: chrono::DateTime<chrono::Utc>| texts.age(lang, (now - since).num_minutes());
    let (key, extra) = match &request.state {
        State::Open => (Key::RequestsLineOpen, vec![("age", age(request.created_at))]),
        State::Offered => (
            Key::RequestsLineOffered,
            vec![("volunteer", request.requester.clone()), ("age", age(request.created_at))],
        ),
        State::Claimed { volunteer, at } => {
            (Key::RequestsLineClaimed, vec![("volunteer", volunteer.clone()), ("age", age(*at))])
        }
        closed => {
            (Key::RequestsLineClosed, vec![("state", texts.text(lang, state_key(closed), &[]))])
        }
    };
    scheme.about(request, lang, key, &extra)
}

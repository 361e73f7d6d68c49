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

#[cfg(test)]
mod tests {
    use entraide_commands::{Lang, RequestFilter, read_request};
    use entraide_storage::{NewRequest, RoomKind};

    use super::apply;
    use crate::cmd::desk::{AGENT, COORDINATION, Desk, Result};

    const MARIE: &str = "@marie:x";
    const PAUL: &str = "@paul:x";

    /// A desk that also serves « Église », with, in this order: n°1 open in Les Tilleuls,
    /// n°2 claimed by Paul in Église, n°3 cancelled, n°4 Paul's offer.
    async fn desk() -> Result<Desk> {
        let mut desk = Desk::new().await?;
        let church = RoomKind::Neighbourhood { name: "Église".to_owned() };
        desk.scheme.store.set_room_kind("!eglise:x", &church).await?;
        desk.request(MARIE, "courses demain matin").await?;
        let (scheme, now) = (&desk.scheme, desk.scheme.now());
        let new = |requester: &str, neighbourhood: Option<&str>, text: &str| NewRequest {
            requester: requester.to_owned(),
            origin_room: "!eglise:x".to_owned(),
            neighbourhood: neighbourhood.map(str::to_owned),
            text: text.to_owned(),
            reading: read_request(text, now.with_timezone(&scheme.config.timezone)),
            lang: Lang::Fr,
            informs: false,
        };
        let store = &scheme.store;
        store
            .create_request(new(MARIE, Some("Église"), "jardinage"), "$2:x", now, |_| Vec::new())
            .await?;
        store.claim(2, PAUL, None, now, |_| Vec::new()).await?;
        store
            .create_request(new(MARIE, Some("Église"), "ménage"), "$3:x", now, |_| Vec::new())
            .await?;
        store.cancel(3, MARIE, false, None, now, |_| Vec::new()).await?;
        let offer = new(PAUL, None, "je vais au marché samedi");
        store.create_offer(offer, &["!eglise:x".to_owned()], "$4:x", now, |_| Vec::new()).await?;
        Ok(desk)
    }

    /// What the list says, once asked with `filter` and `neighbourhood`.
    async fn listed(
        desk: &mut Desk,
        filter: RequestFilter,
        neighbourhood: Option<&str>,
    ) -> Result<String> {
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, filter, neighbourhood).await?;
        let mut said = Desk::said(&desk.owed());
        assert_eq!(said.len(), 1, "one answer: {said:?}");
        Ok(said.remove(0))
    }

    /// The numbers of the requests listed, in order.
    fn numbers(said: &str) -> Vec<String> {
        said.lines()
            .filter_map(|line| line.strip_prefix("n°"))
            .filter_map(|line| line.split(' ').next())
            .map(str::to_owned)
            .collect()
    }

    #[tokio::test]
    async fn by_default_what_is_under_way_is_listed_oldest_first_with_who_holds_it() -> Result<()> {
        let mut desk = desk().await?;
        let said = listed(&mut desk, RequestFilter::Active, None).await?;
        assert!(said.contains("Demandes en cours : 3"), "{said}");
        assert_eq!(numbers(&said), ["1", "2", "4"], "the cancelled one left out: {said}");
        assert!(said.contains("Les Tilleuls — ") && said.contains("ouverte depuis"), "{said}");
        assert!(said.contains(&format!("prise par {PAUL} depuis")), "{said}");
        assert!(
            said.contains("offre — ") && said.contains(&format!("proposée par {PAUL}")),
            "{said}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn each_filter_keeps_its_own_and_all_lists_the_latest_first() -> Result<()> {
        let mut desk = desk().await?;
        let open = listed(&mut desk, RequestFilter::Open, None).await?;
        assert!(open.contains("Demandes (ouvertes) : 2"), "{open}");
        assert_eq!(numbers(&open), ["1", "4"], "open requests and offers: {open}");
        let claimed = listed(&mut desk, RequestFilter::Claimed, None).await?;
        assert!(claimed.contains("Demandes (prises) : 1"), "{claimed}");
        assert_eq!(numbers(&claimed), ["2"]);
        let all = listed(&mut desk, RequestFilter::All, None).await?;
        assert!(all.contains("Demandes (toutes) : 4"), "{all}");
        assert_eq!(numbers(&all), ["4", "3", "2", "1"], "newest first: {all}");
        assert!(all.contains("annulée"), "how it ended: {all}");
        Ok(())
    }

    #[tokio::test]
    async fn a_neighbourhood_is_matched_whatever_its_case_and_accents() -> Result<()> {
        let mut desk = desk().await?;
        let said = listed(&mut desk, RequestFilter::All, Some("EGLISE")).await?;
        assert!(said.contains("Demandes (toutes, Église) : 2"), "{said}");
        assert_eq!(numbers(&said), ["3", "2"], "{said}");
        let said = listed(&mut desk, RequestFilter::Open, Some("les tilleuls")).await?;
        assert_eq!(numbers(&said), ["1"], "{said}");
        let said = listed(&mut desk, RequestFilter::Claimed, Some("Les Tilleuls")).await?;
        assert!(said.contains("Aucune demande (prises, Les Tilleuls)."), "{said}");
        Ok(())
    }

    #[tokio::test]
    async fn an_unknown_neighbourhood_is_answered_with_the_names_known() -> Result<()> {
        let mut desk = desk().await?;
        let said = listed(&mut desk, RequestFilter::Active, Some("Nulle Part")).await?;
        assert!(said.contains("Je ne connais pas le quartier « Nulle Part »"), "{said}");
        assert!(said.contains("Les Tilleuls, Église"), "the names, sorted: {said}");
        Ok(())
    }

    #[tokio::test]
    async fn an_empty_list_says_so_and_a_long_one_says_how_many_more() -> Result<()> {
        let mut desk = Desk::new().await?;
        let said = listed(&mut desk, RequestFilter::Active, None).await?;
        assert!(said.contains("Aucune demande ouverte ni en cours."), "{said}");
        for n in 0..51 {
            desk.request(MARIE, &format!("courses {n}")).await?;
        }
        let said = listed(&mut desk, RequestFilter::Open, None).await?;
        assert!(said.contains("Demandes (ouvertes) : 51"), "{said}");
        let shown = numbers(&said);
        assert_eq!(shown.len(), 50, "{said}");
        assert_eq!(shown.first().map(String::as_str), Some("1"), "oldest first");
        assert!(said.lines().last().is_some_and(|line| line.contains("… et 1 ")), "{said}");
        Ok(())
    }
}

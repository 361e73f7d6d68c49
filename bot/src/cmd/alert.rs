//! `!alerte inscription …` / `!alert signup …`: a resident asks, in a direct chat, to be
//! on the alert register — for themself, or for a relative ("pour ma mère Jeanne Roux,
//! 82 ans, …"). The entry is pending until the coordinators check with the person
//! (R121-6); they are told its number, no more (they read it with `!registre n°`).
//! `!alerte retrait` / `!alert remove` takes off every entry the person asked for
//! (R121-11); `!alerte rester` / `!alert stay`, the answer to the yearly question, keeps
//! them for another year.

use entraide_commands::{
    AlertAsk, CommandKind, Key, Message,
    register::{AskedBy, Particulars, read_entry, read_relative},
};
use entraide_storage::{NewEntry, REVIEW_EVERY, Registration, Shape, TransitionError, Way};
use tracing::info;

use super::{Ctx, registry};
use crate::{failure::Failure, plan, scheme::Scheme};

/// Does what the resident asks.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, ask: &AlertAsk) -> Result<(), Failure> {
    match ask {
        AlertAsk::SignUp(text) => sign_up(scheme, ctx, text).await,
        AlertAsk::Leave => leave(scheme, ctx).await,
        AlertAsk::Stay => stay(scheme, ctx).await,
    }
}

async fn sign_up(scheme: &Scheme, ctx: &Ctx, text: &str) -> Result<(), Failure> {
    let (for_whom, rest) = read_relative(text);
    let mut particulars: Particulars = match read_entry(rest, scheme.today()) {
        Ok(particulars) => particulars,
        Err(error) => {
            let key = registry::unreadable(&error);
            let said = scheme.texts.render(ctx.lang, key, &[]);
            let usage = scheme.texts.usage(ctx.lang, CommandKind::Alert);
            ctx.answer(scheme, &Message::lines([said, usage]), None);
            return Ok(());
        }
    };
    if let Some(third) = for_whom {
        particulars.asked_by = AskedBy::ThirdParty(third);
    }
    let new = NewEntry { particulars, way: Way::Chat, entered_by: ctx.sender().to_string() };
    let plan = |entry: &Registration| {
        let number = entry.number.to_string();
        let told = scheme.texts.render(ctx.lang, Key::AlertSignedUp, &[("number", &number)]);
        let lang = scheme.config.language;
        let coordinators = scheme.texts.render(lang, Key::AlertNewEntry, &[("number", &number)]);
        let coordination = &scheme.rooms.coordination;
        vec![
            ctx.reply(scheme, &told, None),
            plan::notice_in(coordination, coordinators, Shape::New, None),
        ]
    };
    let (entry, queued) = scheme
        .store
        .enrol(new, Some(ctx.event()), scheme.now(), plan)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Alert))?;
    scheme.outbox.journalled(queued);
    info!(
        entry = entry.number,
        for_relative = entry.by_third_party(),
        "asked online to be on the register"
    );
    Ok(())
}

async fn leave(scheme: &Scheme, ctx: &Ctx) -> Result<(), Failure> {
    // Not a transition of its own: marked handled first, as other commands are.
    if !scheme.mark_handled(&ctx.reply_to.event).await {
        return Ok(());
    }
    let sender = ctx.sender().to_string();
    let theirs =
        scheme.store.entries_where(|entry| entry.way == Way::Chat && entry.entered_by == sender)?;
    let reason = Some("à la demande de la personne / at their request");
    for entry in &theirs {
        let number = entry.number.to_string();
        let lang = scheme.config.language;
        let told = scheme.texts.render(lang, Key::AlertLeftCoordination, &[("number", &number)]);
        let coordination = &scheme.rooms.coordination;
        let plan =
            |_: &Registration| vec![plan::notice_in(coordination, told.clone(), Shape::New, None)];
        let (_, queued) = scheme
            .store
            .unenrol(entry.number, &sender, reason, scheme.now(), plan)
            .await
            .map_err(|error| Failure::Transition(error, CommandKind::Alert))?;
        scheme.outbox.journalled(queued);
    }
    let said = match theirs.len() {
        0 => scheme.texts.render(ctx.lang, Key::AlertNothing, &[]),
        count => scheme.texts.render(ctx.lang, Key::AlertLeft, &[("count", &count.to_string())]),
    };
    ctx.answer(scheme, &said, None);
    info!(entries = theirs.len(), "asked online to leave the register");
    Ok(())
}

/// The yearly question's answer: the person's own entry stays, and they are asked again
/// in a year. A relative's entry is the coordinators' to check with the person.
async fn stay(scheme: &Scheme, ctx: &Ctx) -> Result<(), Failure> {
    // Not a transition of its own: marked handled first, as `leave` is.
    if !scheme.mark_handled(&ctx.reply_to.event).await {
        return Ok(());
    }
    let sender = ctx.sender().to_string();
    let theirs: Vec<u64> = scheme
        .store
        .entries_where(|entry| entry.is_own(&sender))?
        .iter()
        .map(|entry| entry.number)
        .collect();
    let now = scheme.now();
    let date = scheme.day(now + REVIEW_EVERY);
    let plan = |kept: &[Registration]| {
        let count = kept.len().to_string();
        let args = [("count", count.as_str()), ("date", date.as_str())];
        vec![ctx.reply(scheme, &scheme.texts.render(ctx.lang, Key::AlertStayed, &args), None)]
    };
    let renew = |entry: &mut Registration| {
        entry.renew(now);
        Ok(())
    };
    match scheme.store.change_entries(&theirs, renew, plan).await {
        Ok((kept, queued)) => {
            scheme.outbox.journalled(queued);
            info!(entries = kept.len(), "asked online to stay on the register");
        }
        Err(TransitionError::EntryUnchanged(_)) => {
            ctx.answer(scheme, &scheme.texts.render(ctx.lang, Key::AlertStayNone, &[]), None);
        }
        Err(error) => return Err(Failure::Transition(error, CommandKind::Alert)),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_commands::{AlertAsk, CommandKind, Lang, register::AskedBy};
    use entraide_storage::{Enrolment, Target, Way};

    use super::apply;
    use crate::cmd::desk::{DIRECT, Desk, Result};

    const MARIE: &str = "@marie:x";

    #[tokio::test]
    async fn a_resident_asks_for_a_relative_then_withdraws_and_the_coordinators_are_told()
    -> Result<()> {
        let mut desk = Desk::new().await?;
        let ctx = desk.ctx(DIRECT, MARIE)?;
        let ask = AlertAsk::SignUp(
            "pour ma mère Jeanne Roux, 82 ans, 3 place du Marché, 05 56 00 00 00".to_owned(),
        );
        apply(&desk.scheme, &ctx, &ask).await?;
        let entry = desk.scheme.store.entry(1)?.ok_or("entry 1")?;
        assert_eq!((entry.way, entry.status), (Way::Chat, Enrolment::Pending));
        assert!(
            matches!(&entry.particulars.asked_by, AskedBy::ThirdParty(t) if t.words == "sa mère")
        );
        let said = Desk::said(&desk.owed());
        assert_eq!(said.len(), 2, "{said:?}");
        assert!(said[0].contains("n°1") && said[1].contains("n°1"), "{said:?}");
        assert!(
            !said[1].contains("Roux"),
            "the coordination room is told the number only: {said:?}"
        );

        // The yearly question about her mother is the coordinators' to ask her mother.
        let ctx = desk.ctx(DIRECT, MARIE)?;
        apply(&desk.scheme, &ctx, &AlertAsk::Stay).await?;
        assert!(Desk::said(&desk.owed())[0].contains("rien à maintenir"));

        let ctx = desk.ctx(DIRECT, MARIE)?;
        apply(&desk.scheme, &ctx, &AlertAsk::Leave).await?;
        assert!(desk.scheme.store.register()?.is_empty());
        let said = Desk::said(&desk.owed());
        assert!(said.iter().any(|s| s.contains("1 inscription")), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn a_resident_keeps_their_own_entry_another_year() -> Result<()> {
        let mut desk = Desk::new().await?;
        let ask = AlertAsk::SignUp("Paul Roux, 80 ans, 5 rue Haute, 05 56 11 11 11".to_owned());
        apply(&desk.scheme, &desk.ctx(DIRECT, "@paul:x")?, &ask).await?;
        desk.owed();
        apply(&desk.scheme, &desk.ctx(DIRECT, "@paul:x")?, &AlertAsk::Stay).await?;
        let said = Desk::said(&desk.owed());
        assert!(said[0].contains("1 inscription(s) maintenue(s)"), "{said:?}");
        let entry = desk.scheme.store.entry(1)?.ok_or("entry 1")?;
        assert!(entry.confirmed_at > entry.asked_at && entry.review_asked.is_none(), "{entry:?}");
        Ok(())
    }

    #[tokio::test]
    async fn a_sign_up_that_cannot_be_read_enters_nothing_and_shows_the_usage() -> Result<()> {
        let mut desk = Desk::new().await?;
        let ctx = desk.ctx(DIRECT, MARIE)?;
        // A name and an age, but neither a phone nor an address to reach her by.
        let ask = AlertAsk::SignUp("Jeanne Roux, 82 ans".to_owned());
        apply(&desk.scheme, &ctx, &ask).await?;
        assert!(desk.scheme.store.register()?.is_empty(), "nothing entered");
        assert!(desk.scheme.store.audit()?.is_empty(), "nothing on record");
        let owed = desk.owed();
        assert_eq!(owed.len(), 1, "the answer only, nothing to the coordinators: {owed:?}");
        assert!(
            crate::cmd::desk::is_notice_to(&owed[0], &Target::Id { id: DIRECT.to_owned() }),
            "answered where asked: {owed:?}"
        );
        let said = Desk::said(&owed);
        let usage = desk.scheme.texts.usage(Lang::Fr, CommandKind::Alert).plain;
        assert!(said[0].contains("Rien n'est inscrit"), "says why: {said:?}");
        assert!(said[0].contains(&usage), "with the usage: {said:?}");
        Ok(())
    }
}

//! `!registre [n°|export]` / `!registry [no.|export]`: a coordinator reads the alert
//! register: where it stands (counts, pending entries, acknowledgements due: numbers
//! only), one entry whole, or the préfet's export as a CSV file (R121-8). Also what the
//! other register commands share: an entry as a card, and where register data goes.

use entraide_commands::{
    CommandKind, Key, Lang, Message, Place, RegistryView,
    register::{AskedBy, Born, EntryError, Field, Particulars},
};
use entraide_storage::{Action, Effect, Enrolment, Lane, Registration, Target, Way};
use tracing::info;

use super::Ctx;
use crate::{failure::Failure, scheme::Scheme};

/// Shows what `view` asks for.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, view: RegistryView) -> Result<(), Failure> {
    match view {
        RegistryView::Summary => {
            let register = scheme.store.register()?;
            ctx.answer(scheme, &summary(scheme, ctx.lang, &register), None);
        }
        RegistryView::Entry(number) => {
            let entry = scheme.store.entry(number)?.ok_or(Failure::Transition(
                entraide_storage::TransitionError::NoSuchEntry(number),
                CommandKind::Registry,
            ))?;
            scheme.outbox.now(confidential(scheme, ctx, &card(scheme, ctx.lang, &entry)));
        }
        RegistryView::Export => {
            scheme
                .store
                .record_export(ctx.sender().as_str(), scheme.now())
                .await
                .map_err(|error| Failure::Transition(error, CommandKind::Registry))?;
            let send = Effect {
                request: 0,
                lane: Lane::room(&ctx.room),
                urgent: false,
                action: Action::SendRegister { to: target(ctx), lang: ctx.lang },
            };
            let queued = scheme
                .store
                .owe(vec![send])
                .await
                .map_err(|error| Failure::Transition(error, CommandKind::Registry))?;
            info!("the register's export owed");
            scheme.outbox.journalled(queued);
        }
    }
    Ok(())
}

/// Where register data asked for by `ctx` goes: asked in the coordination room, there
/// while it is closed (decided when sent); asked in a direct chat, there.
pub fn target(ctx: &Ctx) -> Target {
    match ctx.place {
        Place::Coordination => Target::Confidential { asked_by: ctx.sender().to_string() },
        _ => Target::Id { id: ctx.room.to_string() },
    }
}

/// The answer `message` to `ctx`, holding register data: sent where [`target`] says.
pub fn confidential(scheme: &Scheme, ctx: &Ctx, message: &Message) -> Effect {
    ctx.reply_with(scheme, message, None, Lane::room(&ctx.room), target(ctx))
}

/// Where the register stands: counts, then the pending entries and the
/// acknowledgements due, by number (no name: it may be read in any coordination room).
pub fn summary(scheme: &Scheme, lang: Lang, register: &[Registration]) -> Message {
    if register.is_empty() {
        return scheme.texts.render(lang, Key::RegistryEmpty, &[]);
    }
    let pending: Vec<&Registration> =
        register.iter().filter(|entry| entry.status == Enrolment::Pending).collect();
    let due: Vec<&Registration> =
        register.iter().filter(|entry| entry.acknowledged.is_none()).collect();
    let active = register.len() - pending.len();
    let counts = [
        ("active", active.to_string()),
        ("pending", pending.len().to_string()),
        ("due", due.len().to_string()),
    ];
    let counts: Vec<(&str, &str)> = counts.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut lines = vec![scheme.texts.render(lang, Key::RegistrySummary, &counts)];
    for entry in pending {
        let args = [
            ("number", entry.number.to_string()),
            ("date", scheme.day(entry.asked_at)),
            ("way", scheme.texts.text(lang, way_key(entry.way), &[])),
        ];
        lines.push(render(scheme, lang, Key::RegistryPendingLine, &args));
    }
    for entry in due {
        let args =
            [("number", entry.number.to_string()), ("date", scheme.day(entry.acknowledge_by()))];
        lines.push(render(scheme, lang, Key::RegistryDueLine, &args));
    }
    Message::lines(lines)
}

/// One entry whole: its number, state, date and way in, then every field.
pub fn card(scheme: &Scheme, lang: Lang, entry: &Registration) -> Message {
    let status = match entry.status {
        Enrolment::Active => Key::EntryActive,
        Enrolment::Pending => Key::EntryPendingStatus,
    };
    let args = [
        ("number", entry.number.to_string()),
        ("status", scheme.texts.text(lang, status, &[])),
        ("date", scheme.day(entry.asked_at)),
        ("way", scheme.texts.text(lang, way_key(entry.way), &[])),
    ];
    let mut lines = vec![render(scheme, lang, Key::EntryHeader, &args)];
    lines.extend(fields(scheme, lang, &entry.particulars));
    Message::lines(lines)
}

/// Every field of `particulars`, one line each, in the order of [`Field`].
pub fn fields(scheme: &Scheme, lang: Lang, particulars: &Particulars) -> Vec<Message> {
    use strum::IntoEnumIterator as _;
    Field::iter().map(|field| field_line(scheme, lang, particulars, field)).collect()
}

/// One field's line: its label and its value.
pub fn field_line(scheme: &Scheme, lang: Lang, particulars: &Particulars, field: Field) -> Message {
    let texts = &scheme.texts;
    let none = || texts.text(lang, Key::ValueNone, &[]);
    let or_none = |value: &Option<String>| value.clone().unwrap_or_else(none);
    let (label, value) = match field {
        Field::Name => (Key::LabelName, particulars.name.clone()),
        Field::Born => (Key::LabelBorn, born(scheme, lang, particulars.born)),
        Field::Address => (Key::LabelAddress, or_none(&particulars.address)),
        Field::Area => (Key::LabelArea, or_none(&particulars.area)),
        Field::Phones if particulars.phones.is_empty() => (Key::LabelPhones, none()),
        Field::Phones => (Key::LabelPhones, particulars.phones.join(", ")),
        Field::Contact => {
            let contact = particulars.contact.as_ref().map(|contact| {
                [Some(contact.name.as_str()), contact.phone.as_deref(), contact.matrix.as_deref()]
                    .into_iter()
                    .flatten()
                    .filter(|part| !part.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            (Key::LabelContact, or_none(&contact))
        }
        Field::Services => (Key::LabelServices, or_none(&particulars.services)),
        Field::Doctor => (Key::LabelDoctor, or_none(&particulars.doctor)),
        Field::AskedBy => {
            let who = match &particulars.asked_by {
                AskedBy::Themself => texts.text(lang, Key::ValueThemself, &[]),
                AskedBy::ThirdParty(third) => third.words.clone(),
            };
            (Key::LabelAskedBy, who)
        }
        Field::Notes => (Key::LabelNotes, or_none(&particulars.notes)),
        Field::FamilyTold => {
            let told = if particulars.family_told { Key::ValueYes } else { Key::ValueNo };
            (Key::LabelFamilyTold, texts.text(lang, told, &[]))
        }
    };
    let label = texts.text(lang, label, &[]);
    texts.render(lang, Key::EntryLine, &[("label", &label), ("value", &value)])
}

/// A date of birth or an age, as a line says it.
fn born(scheme: &Scheme, lang: Lang, born: Option<Born>) -> String {
    let texts = &scheme.texts;
    let Some(born) = born else { return texts.text(lang, Key::ValueNone, &[]) };
    let age = born.age_on(scheme.today()).map(|age| age.to_string()).unwrap_or_default();
    match born {
        Born::Date(date) => {
            let date = date.format("%d/%m/%Y").to_string();
            texts.text(lang, Key::BornDate, &[("date", &date), ("age", &age)])
        }
        Born::Year(year) => {
            texts.text(lang, Key::BornYear, &[("year", &year.to_string()), ("age", &age)])
        }
        Born::Age { .. } => texts.text(lang, Key::BornAge, &[("age", &age)]),
    }
}

/// What comes next for `entry` by law: the person's agreement while it is pending
/// (R121-6), the acknowledgement while it is not recorded.
pub fn next_steps(scheme: &Scheme, lang: Lang, entry: &Registration) -> Vec<Message> {
    let number = entry.number.to_string();
    let mut lines = Vec::new();
    if entry.status == Enrolment::Pending {
        lines.push(match &entry.particulars.asked_by {
            AskedBy::ThirdParty(third) => scheme.texts.render(
                lang,
                Key::EntryPendingThird,
                &[("who", &third.words), ("number", &number)],
            ),
            AskedBy::Themself => {
                scheme.texts.render(lang, Key::EntryPendingChat, &[("number", &number)])
            }
        });
    }
    if entry.acknowledged.is_none() {
        let date = scheme.day(entry.acknowledge_by());
        let args = [("date", date.as_str()), ("number", &number)];
        lines.push(scheme.texts.render(lang, Key::AcknowledgeDue, &args));
    }
    lines
}

/// The message key that says why a sentence or a value could not be read.
pub fn unreadable(error: &EntryError) -> Key {
    match error {
        EntryError::NoName => Key::EntryNoName,
        EntryError::Unreachable => Key::EntryNoWay,
        EntryError::BornInFuture | EntryError::TooOld | EntryError::NoSuchDate => {
            Key::EntryBadBirth
        }
        EntryError::Unreadable(_) => Key::EntryBadValue,
    }
}

/// How an entry came in, as a message names it.
fn way_key(way: Way) -> Key {
    match way {
        Way::Coordinator => Key::WayCoordinator,
        Way::Chat => Key::WayChat,
        Way::Import => Key::WayImport,
    }
}

fn render(scheme: &Scheme, lang: Lang, key: Key, args: &[(&str, String)]) -> Message {
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    scheme.texts.render(lang, key, &args)
}

#[cfg(test)]
mod tests {
    use entraide_commands::RegistryView;
    use entraide_storage::{Action, AuditAction, Target};

    use super::apply;
    use crate::cmd::desk::{AGENT, COORDINATION, DIRECT, Desk, Result};

    #[tokio::test]
    async fn the_summary_names_numbers_an_entry_and_the_export_go_where_the_law_lets_them()
    -> Result<()> {
        let mut desk = Desk::new().await?;
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, RegistryView::Summary).await?;
        assert!(Desk::said(&desk.owed())[0].contains("Le registre est vide"));
        desk.enrol("Mme Lefèvre, 87 ans, 05 56 12 34 56, demandé par sa fille").await?;
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, RegistryView::Summary).await?;
        let summary = Desk::said(&desk.owed()).remove(0);
        assert!(
            summary.contains("0 personne(s) inscrite(s), 1 en attente") && summary.contains("n°1"),
            "{summary}"
        );
        assert!(!summary.contains("Lefèvre"), "{summary}");

        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, RegistryView::Entry(1)).await?;
        let owed = desk.owed();
        assert!(
            matches!(&owed[0].action, Action::Notice { to: Target::Confidential { .. }, message, .. } if message.plain.contains("Lefèvre"))
        );
        // Asked in a direct chat, it is answered there.
        apply(&desk.scheme, &desk.ctx(DIRECT, AGENT)?, RegistryView::Entry(1)).await?;
        let owed = desk.owed();
        assert!(
            matches!(&owed[0].action, Action::Notice { to: Target::Id { id }, .. } if id == DIRECT)
        );
        assert!(
            apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, RegistryView::Entry(9))
                .await
                .is_err()
        );

        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, RegistryView::Export).await?;
        let owed = desk.owed();
        assert!(matches!(
            &owed[0].action,
            Action::SendRegister { to: Target::Confidential { .. }, .. }
        ));
        let last = desk.scheme.store.audit()?.pop().ok_or("audit")?;
        assert_eq!(last.action, AuditAction::Export);
        Ok(())
    }
}

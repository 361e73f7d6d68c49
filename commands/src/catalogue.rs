//! Every user-visible message, in French and in English.
//!
//! Templates use `{name}` placeholders, `**bold**` and `` `code` `` markup, and line
//! breaks. [`render`] turns a template into a [`Message`] with a plain-text body and an
//! HTML body; arguments are escaped in the HTML body, so personal text can never inject
//! markup.

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike, Weekday};

use crate::{
    CommandKind, Lang,
    reading::{Category, DayPart, Relation, When},
};

/// A message ready to send: a plain-text body and its HTML form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message {
    /// The plain-text body.
    pub plain: String,
    /// The HTML body.
    pub html: String,
}

impl Message {
    /// Joins messages line after line.
    pub fn lines(parts: impl IntoIterator<Item = Message>) -> Message {
        let mut out = Message::default();
        for (i, part) in parts.into_iter().enumerate() {
            if i > 0 {
                out.plain.push('\n');
                out.html.push_str("<br>");
            }
            out.plain.push_str(&part.plain);
            out.html.push_str(&part.html);
        }
        out
    }
}

macro_rules! keys {
    ($($(#[$doc:meta])* $key:ident),* $(,)?) => {
        /// The name of a message in the catalogue.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Key { $($(#[$doc])* $key),* }
        impl Key {
            /// Every key, so that tests can check both languages have them all.
            pub const ALL: &'static [Key] = &[$(Key::$key),*];
        }
    };
}

keys! {
    CatGroceries, CatPharmacy, CatLift, CatVisit, CatRepairs, CatPaperwork, CatDigital, CatOther,
    RelMother, RelFather, RelParents, RelGrandmother, RelGrandfather, RelGrandparents,
    RelNeighbour, RelFamily, RelSomeone,
    PartMorning, PartAfternoon, PartEvening,
    DayMon, DayTue, DayWed, DayThu, DayFri, DaySat, DaySun,
    WhenAsap, WhenToday, WhenTomorrow, WhenDate, WhenTime, Behalf,
    StateOpen, StateClaimed, StateDone, StateCancelled, StateExpired,
    AgeMinutes, AgeHours, AgeDays,
    NoNeighbourhood,
    RequestConfirmed, Relay, RelayTaken, RelayDone, RelayCancelled,
    AlreadyTaken, ClaimWon, PrivateIntro, RequesterTold,
    Released, ReleasedPrivate, DoneAck, CancelledAck,
    Vetted, AlreadyVetted, Banned, BannedReleased, AlreadyBanned,
    RequestsHeader, RequestsLineOpen, RequestsLineClaimed, RequestsEmpty,
    HelpHeader, HelpRequest, HelpTake, HelpRelease, HelpDone, HelpCancel, HelpVet, HelpBan,
    HelpRequests, HelpHelp,
    UsageRequest, UsageTake, UsageRelease, UsageDone, UsageCancel, UsageVet, UsageBan,
    UsageRequests, UsageHelp,
    UnknownCommand, TooLong,
    RefusedNotVetted, RefusedBanned, RefusedNotCoordinator, RefusedWrongPlace,
    NoSuchRequest, NotOpen, NotClaimed, NotHolder, NotRequester, InternalError,
    VolunteersRoomName, VolunteersRoomTopic, CoordinationRoomName, CoordinationRoomTopic,
    PrivateRoomName, PrivateRoomTopic, NeighbourhoodWelcome, DirectWelcome,
}

static FR: &[(Key, &str)] = &[
    (Key::CatGroceries, "courses"),
    (Key::CatPharmacy, "pharmacie"),
    (Key::CatLift, "accompagnement, rendez-vous"),
    (Key::CatVisit, "visite, compagnie"),
    (Key::CatRepairs, "petit bricolage, jardinage"),
    (Key::CatPaperwork, "papiers, démarches"),
    (Key::CatDigital, "aide numérique"),
    (Key::CatOther, "autre"),
    (Key::RelMother, "sa mère"),
    (Key::RelFather, "son père"),
    (Key::RelParents, "ses parents"),
    (Key::RelGrandmother, "sa grand-mère"),
    (Key::RelGrandfather, "son grand-père"),
    (Key::RelGrandparents, "ses grands-parents"),
    (Key::RelNeighbour, "un·e voisin·e"),
    (Key::RelFamily, "un·e proche"),
    (Key::RelSomeone, "une autre personne"),
    (Key::PartMorning, "matin"),
    (Key::PartAfternoon, "après-midi"),
    (Key::PartEvening, "soir"),
    (Key::DayMon, "lundi"),
    (Key::DayTue, "mardi"),
    (Key::DayWed, "mercredi"),
    (Key::DayThu, "jeudi"),
    (Key::DayFri, "vendredi"),
    (Key::DaySat, "samedi"),
    (Key::DaySun, "dimanche"),
    (Key::WhenAsap, "dès que possible"),
    (Key::WhenToday, "aujourd'hui"),
    (Key::WhenTomorrow, "demain"),
    (Key::WhenDate, "{weekday} {date}"),
    (Key::WhenTime, "à {time}"),
    (Key::Behalf, " — pour {relation}"),
    (Key::StateOpen, "ouverte"),
    (Key::StateClaimed, "prise en charge"),
    (Key::StateDone, "réalisée"),
    (Key::StateCancelled, "annulée"),
    (Key::StateExpired, "expirée"),
    (Key::AgeMinutes, "{n} min"),
    (Key::AgeHours, "{n} h"),
    (Key::AgeDays, "{n} j"),
    (Key::NoNeighbourhood, "quartier non précisé"),
    (
        Key::RequestConfirmed,
        "✅ Demande **n°{number}** enregistrée : {category}, {when}{behalf}.\nJe l'ai transmise aux bénévoles, sans vos coordonnées. Je vous préviens dès que quelqu'un répond.\nPour l'annuler : `!annuler {number}`",
    ),
    (
        Key::Relay,
        "🙋 **Demande n°{number}** — {category} — {neighbourhood}\n🕒 {when}{behalf}\n« {text} »\nPour la prendre : réagissez ✋ à ce message ou écrivez `!prendre {number}`",
    ),
    (
        Key::RelayTaken,
        "✅ **Demande n°{number}** — {category} — {neighbourhood} : prise en charge par un·e bénévole. Merci !",
    ),
    (
        Key::RelayDone,
        "🎉 **Demande n°{number}** — {category} — {neighbourhood} : réalisée. Merci !",
    ),
    (Key::RelayCancelled, "**Demande n°{number}** — {category} — {neighbourhood} : annulée."),
    (
        Key::AlreadyTaken,
        "La demande n°{number} a déjà été prise par un·e autre bénévole. Merci d'avoir répondu !",
    ),
    (
        Key::ClaimWon,
        "Merci ! La demande n°{number} est pour vous : je vous invite dans un salon privé avec la personne qui l'a faite.",
    ),
    (
        Key::PrivateIntro,
        "**Demande n°{number}** — {category} — {neighbourhood}\n🕒 {when}{behalf}\n« {text} »\n{volunteer} a répondu à la demande de {requester}. Ce salon est privé : convenez ici des détails.\nQuand c'est fait : `!fait` (avec un mot si vous voulez). Pour la rendre : `!lacher`. Pour l'annuler : `!annuler`.",
    ),
    (
        Key::RequesterTold,
        "Bonne nouvelle : un·e bénévole a répondu à votre demande n°{number}. Je vous ai invité·e dans un salon privé avec cette personne.",
    ),
    (
        Key::Released,
        "Vous avez rendu la demande n°{number} : elle est de nouveau proposée aux bénévoles.",
    ),
    (
        Key::ReleasedPrivate,
        "Le/la bénévole a rendu la demande n°{number} : elle est de nouveau proposée aux bénévoles. Je vous préviendrai dès que quelqu'un d'autre répondra.",
    ),
    (Key::DoneAck, "Demande n°{number} close. Merci pour votre aide !"),
    (Key::CancelledAck, "Demande n°{number} annulée."),
    (
        Key::Vetted,
        "{user} est maintenant bénévole validé·e : je l'invite dans le salon des bénévoles.",
    ),
    (Key::AlreadyVetted, "{user} est déjà bénévole validé·e."),
    (
        Key::Banned,
        "{user} est banni·e : ne peut plus prendre de demande et est retiré·e des salons que je gère.",
    ),
    (Key::BannedReleased, "Demandes rendues et de nouveau proposées : {numbers}."),
    (Key::AlreadyBanned, "{user} est déjà banni·e."),
    (Key::RequestsHeader, "**Demandes en cours : {count}**"),
    (
        Key::RequestsLineOpen,
        "n°{number} — {category} — {neighbourhood} — {when} — ouverte depuis {age}",
    ),
    (
        Key::RequestsLineClaimed,
        "n°{number} — {category} — {neighbourhood} — {when} — prise par {volunteer} depuis {age}",
    ),
    (Key::RequestsEmpty, "Aucune demande ouverte ni en cours."),
    (Key::HelpHeader, "**Commandes possibles ici :**"),
    (
        Key::HelpRequest,
        "`!demande <texte>` — demander un coup de main (courses, pharmacie, rendez-vous, visite…)",
    ),
    (Key::HelpTake, "`!prendre <n>` (ou ✋ sur la demande) — prendre une demande"),
    (Key::HelpRelease, "`!lacher <n>` — rendre une demande que vous ne pouvez plus assurer"),
    (Key::HelpDone, "`!fait [n] [mot]` — clore une demande réalisée"),
    (Key::HelpCancel, "`!annuler [n]` — annuler une demande"),
    (Key::HelpVet, "`!valider @personne` — valider un·e bénévole (rencontré·e, charte signée)"),
    (Key::HelpBan, "`!bannir @personne [raison]` — retirer un·e bénévole"),
    (Key::HelpRequests, "`!demandes` — voir les demandes ouvertes et en cours"),
    (Key::HelpHelp, "`!aide` — cette aide"),
    (
        Key::UsageRequest,
        "Utilisation : `!demande <texte>`, par exemple `!demande courses pour ma mère demain matin`.",
    ),
    (Key::UsageTake, "Utilisation : `!prendre <numéro>`, par exemple `!prendre 12`."),
    (Key::UsageRelease, "Utilisation : `!lacher <numéro>`, par exemple `!lacher 12`."),
    (
        Key::UsageDone,
        "Utilisation : `!fait [numéro] [mot]`, par exemple `!fait 12 tout s'est bien passé` (dans le salon privé, le numéro est inutile).",
    ),
    (
        Key::UsageCancel,
        "Utilisation : `!annuler [numéro]`, par exemple `!annuler 12` (dans le salon privé, le numéro est inutile).",
    ),
    (
        Key::UsageVet,
        "Utilisation : `!valider @personne:serveur`, par exemple `!valider @marie:exemple.fr`.",
    ),
    (Key::UsageBan, "Utilisation : `!bannir @personne:serveur [raison]`."),
    (Key::UsageRequests, "Utilisation : `!demandes`, sans rien après."),
    (Key::UsageHelp, "Utilisation : `!aide`."),
    (
        Key::UnknownCommand,
        "Je ne connais pas la commande « !{word} ». Écrivez `!aide` pour la liste des commandes.",
    ),
    (
        Key::TooLong,
        "Votre demande est trop longue ({chars} caractères, {max} au plus). Pouvez-vous la résumer ?",
    ),
    (
        Key::RefusedNotVetted,
        "Désolé, seul·es les bénévoles validé·es par la coordination peuvent faire cela. Pour le devenir, contactez le CCAS.",
    ),
    (
        Key::RefusedBanned,
        "Désolé, vous ne pouvez plus prendre de demande. Contactez la coordination si vous pensez qu'il s'agit d'une erreur.",
    ),
    (Key::RefusedNotCoordinator, "Désolé, cette commande est réservée à la coordination."),
    (
        Key::RefusedWrongPlace,
        "La commande `!{word}` ne s'utilise pas dans ce salon. Écrivez `!aide` pour voir ce qui est possible ici.",
    ),
    (Key::NoSuchRequest, "Je ne trouve pas de demande n°{number}."),
    (Key::NotOpen, "La demande n°{number} n'est plus disponible ({state})."),
    (Key::NotClaimed, "La demande n°{number} n'est pas en cours ({state})."),
    (Key::NotHolder, "La demande n°{number} est tenue par un·e autre bénévole."),
    (
        Key::NotRequester,
        "Seule la personne qui a fait la demande n°{number}, ou la coordination, peut l'annuler.",
    ),
    (
        Key::InternalError,
        "Désolé, un problème technique m'a empêché de traiter votre message. Réessayez dans un moment ; l'équipe est prévenue.",
    ),
    (Key::VolunteersRoomName, "Bénévoles — {community}"),
    (
        Key::VolunteersRoomTopic,
        "Les demandes d'entraide à prendre. Réagissez ✋ ou écrivez !prendre N.",
    ),
    (Key::CoordinationRoomName, "Coordination — {community}"),
    (
        Key::CoordinationRoomTopic,
        "Suivi des demandes, validation des bénévoles. !aide pour les commandes.",
    ),
    (Key::PrivateRoomName, "Entraide — demande n°{number}"),
    (Key::PrivateRoomTopic, "Salon privé entre la personne aidée et le/la bénévole."),
    (
        Key::NeighbourhoodWelcome,
        "Bonjour ! Je suis le bot d'entraide de {community}. Pour demander un coup de main, écrivez `!demande` suivi de votre besoin, par exemple `!demande courses pour ma mère demain matin`. `!aide` pour en savoir plus.",
    ),
    (
        Key::DirectWelcome,
        "Bonjour ! Je suis le bot d'entraide de {community}. Écrivez `!demande` suivi de votre besoin, par exemple `!demande pharmacie demain`. `!aide` pour en savoir plus.",
    ),
];

static EN: &[(Key, &str)] = &[
    (Key::CatGroceries, "groceries"),
    (Key::CatPharmacy, "pharmacy"),
    (Key::CatLift, "lift, appointment"),
    (Key::CatVisit, "visit, company"),
    (Key::CatRepairs, "small repairs, gardening"),
    (Key::CatPaperwork, "paperwork"),
    (Key::CatDigital, "digital help"),
    (Key::CatOther, "other"),
    (Key::RelMother, "their mother"),
    (Key::RelFather, "their father"),
    (Key::RelParents, "their parents"),
    (Key::RelGrandmother, "their grandmother"),
    (Key::RelGrandfather, "their grandfather"),
    (Key::RelGrandparents, "their grandparents"),
    (Key::RelNeighbour, "a neighbour"),
    (Key::RelFamily, "a relative"),
    (Key::RelSomeone, "someone else"),
    (Key::PartMorning, "morning"),
    (Key::PartAfternoon, "afternoon"),
    (Key::PartEvening, "evening"),
    (Key::DayMon, "Monday"),
    (Key::DayTue, "Tuesday"),
    (Key::DayWed, "Wednesday"),
    (Key::DayThu, "Thursday"),
    (Key::DayFri, "Friday"),
    (Key::DaySat, "Saturday"),
    (Key::DaySun, "Sunday"),
    (Key::WhenAsap, "as soon as possible"),
    (Key::WhenToday, "today"),
    (Key::WhenTomorrow, "tomorrow"),
    (Key::WhenDate, "{weekday} {date}"),
    (Key::WhenTime, "at {time}"),
    (Key::Behalf, " — for {relation}"),
    (Key::StateOpen, "open"),
    (Key::StateClaimed, "taken"),
    (Key::StateDone, "done"),
    (Key::StateCancelled, "cancelled"),
    (Key::StateExpired, "expired"),
    (Key::AgeMinutes, "{n} min"),
    (Key::AgeHours, "{n} h"),
    (Key::AgeDays, "{n} d"),
    (Key::NoNeighbourhood, "neighbourhood not given"),
    (
        Key::RequestConfirmed,
        "✅ Request **#{number}** recorded: {category}, {when}{behalf}.\nI passed it on to the volunteers, without your contact details. I will tell you as soon as someone answers.\nTo cancel it: `!cancel {number}`",
    ),
    (
        Key::Relay,
        "🙋 **Request #{number}** — {category} — {neighbourhood}\n🕒 {when}{behalf}\n“{text}”\nTo take it: react ✋ to this message or write `!take {number}`",
    ),
    (
        Key::RelayTaken,
        "✅ **Request #{number}** — {category} — {neighbourhood}: taken by a volunteer. Thank you!",
    ),
    (Key::RelayDone, "🎉 **Request #{number}** — {category} — {neighbourhood}: done. Thank you!"),
    (Key::RelayCancelled, "**Request #{number}** — {category} — {neighbourhood}: cancelled."),
    (
        Key::AlreadyTaken,
        "Request #{number} has already been taken by another volunteer. Thank you for answering!",
    ),
    (
        Key::ClaimWon,
        "Thank you! Request #{number} is yours: I am inviting you to a private room with the person who asked.",
    ),
    (
        Key::PrivateIntro,
        "**Request #{number}** — {category} — {neighbourhood}\n🕒 {when}{behalf}\n“{text}”\n{volunteer} answered {requester}'s request. This room is private: agree on the details here.\nWhen it is done: `!done` (with a note if you like). To give it back: `!release`. To cancel it: `!cancel`.",
    ),
    (
        Key::RequesterTold,
        "Good news: a volunteer answered your request #{number}. I invited you to a private room with them.",
    ),
    (Key::Released, "You gave request #{number} back: it is offered to the volunteers again."),
    (
        Key::ReleasedPrivate,
        "The volunteer gave request #{number} back: it is offered to the volunteers again. I will tell you as soon as someone else answers.",
    ),
    (Key::DoneAck, "Request #{number} closed. Thank you for your help!"),
    (Key::CancelledAck, "Request #{number} cancelled."),
    (Key::Vetted, "{user} is now a vetted volunteer: I am inviting them to the volunteers room."),
    (Key::AlreadyVetted, "{user} is already a vetted volunteer."),
    (
        Key::Banned,
        "{user} is banned: they can no longer take requests and are removed from the rooms I manage.",
    ),
    (Key::BannedReleased, "Requests given back and offered again: {numbers}."),
    (Key::AlreadyBanned, "{user} is already banned."),
    (Key::RequestsHeader, "**Requests under way: {count}**"),
    (Key::RequestsLineOpen, "#{number} — {category} — {neighbourhood} — {when} — open for {age}"),
    (
        Key::RequestsLineClaimed,
        "#{number} — {category} — {neighbourhood} — {when} — taken by {volunteer} for {age}",
    ),
    (Key::RequestsEmpty, "No open or ongoing request."),
    (Key::HelpHeader, "**Commands you can use here:**"),
    (
        Key::HelpRequest,
        "`!request <text>` — ask for a hand (groceries, pharmacy, appointment, visit…)",
    ),
    (Key::HelpTake, "`!take <n>` (or ✋ on the request) — take a request"),
    (Key::HelpRelease, "`!release <n>` — give back a request you can no longer do"),
    (Key::HelpDone, "`!done [n] [note]` — close a request that was done"),
    (Key::HelpCancel, "`!cancel [n]` — cancel a request"),
    (Key::HelpVet, "`!vet @person` — vet a volunteer (met in person, charter signed)"),
    (Key::HelpBan, "`!ban @person [reason]` — remove a volunteer"),
    (Key::HelpRequests, "`!requests` — see open and ongoing requests"),
    (Key::HelpHelp, "`!help` — this help"),
    (
        Key::UsageRequest,
        "Usage: `!request <text>`, for example `!request groceries for my mum tomorrow morning`.",
    ),
    (Key::UsageTake, "Usage: `!take <number>`, for example `!take 12`."),
    (Key::UsageRelease, "Usage: `!release <number>`, for example `!release 12`."),
    (
        Key::UsageDone,
        "Usage: `!done [number] [note]`, for example `!done 12 all went well` (in the private room, the number is not needed).",
    ),
    (
        Key::UsageCancel,
        "Usage: `!cancel [number]`, for example `!cancel 12` (in the private room, the number is not needed).",
    ),
    (Key::UsageVet, "Usage: `!vet @person:server`, for example `!vet @marie:example.org`."),
    (Key::UsageBan, "Usage: `!ban @person:server [reason]`."),
    (Key::UsageRequests, "Usage: `!requests`, with nothing after it."),
    (Key::UsageHelp, "Usage: `!help`."),
    (
        Key::UnknownCommand,
        "I don't know the command “!{word}”. Write `!help` for the list of commands.",
    ),
    (
        Key::TooLong,
        "Your request is too long ({chars} characters, {max} at most). Could you shorten it?",
    ),
    (
        Key::RefusedNotVetted,
        "Sorry, only volunteers vetted by the coordinators can do that. To become one, contact the town's social action centre.",
    ),
    (
        Key::RefusedBanned,
        "Sorry, you can no longer take requests. Contact the coordinators if you think this is a mistake.",
    ),
    (Key::RefusedNotCoordinator, "Sorry, this command is for coordinators only."),
    (
        Key::RefusedWrongPlace,
        "The command `!{word}` is not used in this room. Write `!help` to see what you can do here.",
    ),
    (Key::NoSuchRequest, "I can't find a request #{number}."),
    (Key::NotOpen, "Request #{number} is no longer available ({state})."),
    (Key::NotClaimed, "Request #{number} is not under way ({state})."),
    (Key::NotHolder, "Request #{number} is held by another volunteer."),
    (
        Key::NotRequester,
        "Only the person who made request #{number}, or a coordinator, can cancel it.",
    ),
    (
        Key::InternalError,
        "Sorry, a technical problem kept me from handling your message. Please try again in a moment; the team has been told.",
    ),
    (Key::VolunteersRoomName, "Volunteers — {community}"),
    (Key::VolunteersRoomTopic, "Mutual-aid requests to take. React ✋ or write !take N."),
    (Key::CoordinationRoomName, "Coordination — {community}"),
    (Key::CoordinationRoomTopic, "Following requests, vetting volunteers. !help for the commands."),
    (Key::PrivateRoomName, "Mutual aid — request #{number}"),
    (Key::PrivateRoomTopic, "Private room between the person helped and the volunteer."),
    (
        Key::NeighbourhoodWelcome,
        "Hello! I am {community}'s mutual-aid bot. To ask for a hand, write `!request` followed by what you need, for example `!request groceries for my mum tomorrow morning`. `!help` to learn more.",
    ),
    (
        Key::DirectWelcome,
        "Hello! I am {community}'s mutual-aid bot. Write `!request` followed by what you need, for example `!request pharmacy tomorrow`. `!help` to learn more.",
    ),
];

fn table(lang: Lang) -> &'static [(Key, &'static str)] {
    match lang {
        Lang::Fr => FR,
        Lang::En => EN,
    }
}

/// The raw template of `key` in `lang`; falls back on the other language, then on the
/// key's name, so that a gap in the catalogue shows up as odd text, never as a crash.
pub fn template(lang: Lang, key: Key) -> &'static str {
    let find = |lang| table(lang).iter().find(|(k, _)| *k == key).map(|(_, t)| *t);
    let other = match lang {
        Lang::Fr => Lang::En,
        Lang::En => Lang::Fr,
    };
    find(lang).or_else(|| find(other)).unwrap_or("?")
}

/// Renders `key` in `lang` with its `{name}` placeholders replaced by `args`.
pub fn render(lang: Lang, key: Key, args: &[(&str, &str)]) -> Message {
    let template = template(lang, key);
    let mut plain = String::with_capacity(template.len());
    let mut html = String::with_capacity(template.len());
    let mut bold = false;
    let mut code = false;
    let mut rest = template;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("**") {
            html.push_str(if bold { "</b>" } else { "<b>" });
            bold = !bold;
            rest = after;
            continue;
        }
        if c == '`' {
            // Plain bodies keep the backticks: readers of plain text know them as code.
            plain.push(c);
            html.push_str(if code { "</code>" } else { "<code>" });
            code = !code;
        } else if c == '\n' {
            plain.push('\n');
            html.push_str("<br>");
        } else if c == '{' {
            if let Some(end) = rest.find('}') {
                let name = &rest[1..end];
                if let Some((_, value)) = args.iter().find(|(n, _)| *n == name) {
                    plain.push_str(value);
                    html.push_str(&escape(value));
                    rest = &rest[end + 1..];
                    continue;
                }
            }
            plain.push(c);
            html.push(c);
        } else {
            plain.push(c);
            push_escaped(&mut html, c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Message { plain, html }
}

/// The plain text of `key` in `lang`, for names and short fragments.
pub fn text(lang: Lang, key: Key, args: &[(&str, &str)]) -> String {
    render(lang, key, args).plain
}

/// Escapes text for an HTML body.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    out
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '&' => out.push_str("&amp;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        '\n' => out.push_str("<br>"),
        c => out.push(c),
    }
}

/// The placeholders a template uses, for tests and checks.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        names.push(&rest[start + 1..start + len]);
        rest = &rest[start + len + 1..];
    }
    names.sort_unstable();
    names.dedup();
    names
}

/// The name of a category.
pub fn category(lang: Lang, category: Category) -> String {
    let key = match category {
        Category::Groceries => Key::CatGroceries,
        Category::Pharmacy => Key::CatPharmacy,
        Category::Lift => Key::CatLift,
        Category::Visit => Key::CatVisit,
        Category::Repairs => Key::CatRepairs,
        Category::Paperwork => Key::CatPaperwork,
        Category::Digital => Key::CatDigital,
        Category::Other => Key::CatOther,
    };
    text(lang, key, &[])
}

/// Who the help is for, as a fragment to append (empty when the person asks for themself).
pub fn behalf(lang: Lang, relation: Option<Relation>) -> String {
    let Some(relation) = relation else {
        return String::new();
    };
    let key = match relation {
        Relation::Mother => Key::RelMother,
        Relation::Father => Key::RelFather,
        Relation::Parents => Key::RelParents,
        Relation::Grandmother => Key::RelGrandmother,
        Relation::Grandfather => Key::RelGrandfather,
        Relation::Grandparents => Key::RelGrandparents,
        Relation::Neighbour => Key::RelNeighbour,
        Relation::Family => Key::RelFamily,
        Relation::Someone => Key::RelSomeone,
    };
    text(lang, Key::Behalf, &[("relation", &text(lang, key, &[]))])
}

/// When the help is wanted, relative to `today` (both in the community's time zone).
pub fn when(lang: Lang, when: When, today: NaiveDate) -> String {
    let When::On { date, time, part } = when else {
        return text(lang, Key::WhenAsap, &[]);
    };
    let mut out = if date == today {
        text(lang, Key::WhenToday, &[])
    } else if today.succ_opt() == Some(date) {
        text(lang, Key::WhenTomorrow, &[])
    } else {
        let date_text = format!("{:02}/{:02}", date.day(), date.month());
        text(
            lang,
            Key::WhenDate,
            &[("weekday", &weekday(lang, date.weekday())), ("date", &date_text)],
        )
    };
    if let Some(part) = part {
        let key = match part {
            DayPart::Morning => Key::PartMorning,
            DayPart::Afternoon => Key::PartAfternoon,
            DayPart::Evening => Key::PartEvening,
        };
        out.push(' ');
        out.push_str(&text(lang, key, &[]));
    }
    if let Some(time) = time {
        out.push(' ');
        out.push_str(&text(lang, Key::WhenTime, &[("time", &clock(lang, time))]));
    }
    out
}

fn clock(lang: Lang, time: NaiveTime) -> String {
    match (lang, time.minute()) {
        (Lang::Fr, 0) => format!("{}h", time.hour()),
        (Lang::Fr, m) => format!("{}h{m:02}", time.hour()),
        (Lang::En, m) => format!("{}:{m:02}", time.hour()),
    }
}

fn weekday(lang: Lang, day: Weekday) -> String {
    let key = match day {
        Weekday::Mon => Key::DayMon,
        Weekday::Tue => Key::DayTue,
        Weekday::Wed => Key::DayWed,
        Weekday::Thu => Key::DayThu,
        Weekday::Fri => Key::DayFri,
        Weekday::Sat => Key::DaySat,
        Weekday::Sun => Key::DaySun,
    };
    text(lang, key, &[])
}

/// A duration in minutes, hours or days, whichever reads best.
pub fn age(lang: Lang, minutes: i64) -> String {
    let minutes = minutes.max(0);
    let (key, n) = if minutes < 60 {
        (Key::AgeMinutes, minutes)
    } else if minutes < 48 * 60 {
        (Key::AgeHours, minutes / 60)
    } else {
        (Key::AgeDays, minutes / (24 * 60))
    };
    text(lang, key, &[("n", &n.to_string())])
}

/// The help line of a command.
pub fn help_line(lang: Lang, kind: CommandKind) -> Message {
    let key = match kind {
        CommandKind::Request => Key::HelpRequest,
        CommandKind::Take => Key::HelpTake,
        CommandKind::Release => Key::HelpRelease,
        CommandKind::Done => Key::HelpDone,
        CommandKind::Cancel => Key::HelpCancel,
        CommandKind::Vet => Key::HelpVet,
        CommandKind::Ban => Key::HelpBan,
        CommandKind::Requests => Key::HelpRequests,
        CommandKind::Help => Key::HelpHelp,
    };
    render(lang, key, &[])
}

/// The help for a list of commands.
pub fn help(lang: Lang, kinds: &[CommandKind]) -> Message {
    let header = render(lang, Key::HelpHeader, &[]);
    let lines = kinds.iter().map(|kind| {
        let line = help_line(lang, *kind);
        Message { plain: format!("• {}", line.plain), html: format!("• {}", line.html) }
    });
    Message::lines(std::iter::once(header).chain(lines))
}

/// The usage line of a command.
pub fn usage(lang: Lang, kind: CommandKind) -> Message {
    let key = match kind {
        CommandKind::Request => Key::UsageRequest,
        CommandKind::Take => Key::UsageTake,
        CommandKind::Release => Key::UsageRelease,
        CommandKind::Done => Key::UsageDone,
        CommandKind::Cancel => Key::UsageCancel,
        CommandKind::Vet => Key::UsageVet,
        CommandKind::Ban => Key::UsageBan,
        CommandKind::Requests => Key::UsageRequests,
        CommandKind::Help => Key::UsageHelp,
    };
    render(lang, key, &[])
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use chrono::NaiveDate;

    use super::*;

    #[test]
    fn both_languages_have_every_key_once_with_the_same_placeholders() {
        for lang in Lang::ALL {
            let keys: Vec<Key> = table(lang).iter().map(|(k, _)| *k).collect();
            let unique: HashSet<Key> = keys.iter().copied().collect();
            assert_eq!(keys.len(), unique.len(), "{lang:?} has a key twice");
            for key in Key::ALL {
                assert!(unique.contains(key), "{lang:?} lacks {key:?}");
            }
            assert_eq!(unique.len(), Key::ALL.len());
        }
        for key in Key::ALL {
            let fr = table(Lang::Fr).iter().find(|(k, _)| k == key).map(|(_, t)| *t);
            let en = table(Lang::En).iter().find(|(k, _)| k == key).map(|(_, t)| *t);
            assert_eq!(
                fr.map(placeholders),
                en.map(placeholders),
                "{key:?}: French and English use different placeholders"
            );
        }
    }

    #[test]
    fn markup_is_balanced_in_every_template() {
        for lang in Lang::ALL {
            for (key, template) in table(lang) {
                assert_eq!(template.matches("**").count() % 2, 0, "{lang:?} {key:?}");
                assert_eq!(template.matches('`').count() % 2, 0, "{lang:?} {key:?}");
            }
        }
    }

    #[test]
    fn arguments_are_escaped_in_html_but_not_in_plain_text() {
        let message = render(Lang::Fr, Key::Vetted, &[("user", "<script>@x:y</script>")]);
        assert!(message.plain.starts_with("<script>@x:y</script> est"));
        assert!(message.html.starts_with("&lt;script&gt;@x:y&lt;/script&gt; est"));
    }

    #[test]
    fn markup_becomes_html() {
        let message = render(Lang::Fr, Key::UsageTake, &[]);
        assert_eq!(message.plain, "Utilisation : `!prendre <numéro>`, par exemple `!prendre 12`.");
        assert_eq!(
            message.html,
            "Utilisation : <code>!prendre &lt;numéro&gt;</code>, par exemple <code>!prendre 12</code>."
        );
        let relay = render(
            Lang::En,
            Key::RelayTaken,
            &[("number", "3"), ("category", "x"), ("neighbourhood", "y")],
        );
        assert!(relay.html.contains("<b>Request #3</b>"));
        assert!(!relay.plain.contains("**"));
    }

    #[test]
    fn the_help_text_is_pinned() {
        let fr = help(Lang::Fr, &[CommandKind::Request, CommandKind::Cancel, CommandKind::Help]);
        assert_eq!(
            fr.plain,
            "**Commandes possibles ici :**\n\
             • `!demande <texte>` — demander un coup de main (courses, pharmacie, rendez-vous, visite…)\n\
             • `!annuler [n]` — annuler une demande\n\
             • `!aide` — cette aide"
                .replace("**", "")
        );
        let en = help(Lang::En, &[CommandKind::Take]);
        assert_eq!(
            en.plain,
            "Commands you can use here:\n• `!take <n>` (or ✋ on the request) — take a request"
        );
    }

    #[test]
    fn times_read_naturally() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        let tomorrow = today.succ_opt().unwrap_or_default();
        let friday = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default();
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(when(Lang::Fr, When::Asap, today), "dès que possible");
        assert_eq!(
            when(
                Lang::Fr,
                When::On { date: tomorrow, time: None, part: Some(DayPart::Morning) },
                today
            ),
            "demain matin"
        );
        assert_eq!(
            when(Lang::Fr, When::On { date: friday, time: at(14, 30), part: None }, today),
            "vendredi 27/11 à 14h30"
        );
        assert_eq!(
            when(Lang::En, When::On { date: today, time: at(9, 0), part: None }, today),
            "today at 9:00"
        );
    }

    #[test]
    fn ages_pick_a_readable_unit() {
        assert_eq!(age(Lang::Fr, 5), "5 min");
        assert_eq!(age(Lang::Fr, 150), "2 h");
        assert_eq!(age(Lang::Fr, 3 * 24 * 60), "3 j");
        assert_eq!(age(Lang::En, 3 * 24 * 60), "3 d");
        assert_eq!(age(Lang::En, -4), "0 min");
    }

    #[test]
    fn every_category_and_relation_has_a_name() {
        for lang in Lang::ALL {
            for c in Category::ALL {
                assert!(!category(lang, c).is_empty());
            }
            for r in Relation::ALL {
                assert!(behalf(lang, Some(r)).len() > 5);
            }
            assert_eq!(behalf(lang, None), "");
        }
    }

    #[test]
    fn a_missing_argument_leaves_the_placeholder_visible() {
        assert_eq!(text(Lang::En, Key::CancelledAck, &[]), "Request #{number} cancelled.");
    }
}

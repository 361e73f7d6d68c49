//! The scheme's plain parts: the configuration, the texts, the charter, the store, the
//! bot's rooms (by id), the one clock and the outbox of effects. What a command decides
//! is computed from these alone, without the Matrix client, so that it can be tested
//! without a homeserver; the Matrix calls happen in effects ([`crate::effects`]).

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use entraide_commands::{Catalogue, Key, Lang, Message, Place, Roles, VolunteerStatus, mask};
use entraide_storage::{Request, RoomKind, Store, StoreError};
use matrix_sdk::ruma::{EventId, OwnedUserId, RoomId, UserId};
use tracing::error;

use crate::{charter::Charter, clock::Clock, config::Config, matrix::BotRooms, outbox::Outbox};

/// What a command decides from: plain values, no Matrix client.
#[derive(Debug)]
pub struct Scheme {
    /// The configuration.
    pub config: Config,
    /// What the bot says, with the commune's overrides.
    pub texts: Catalogue,
    /// The volunteers' charter.
    pub charter: Charter,
    /// The store.
    pub store: Store,
    /// The bot's own rooms.
    pub rooms: BotRooms,
    /// When this run started, in milliseconds since the epoch.
    pub started_ms: u64,
    /// Where effects go to be carried out.
    pub outbox: Outbox,
    /// The time the bot goes by: the one clock, for decisions and effects alike.
    pub clock: Arc<Clock>,
}

impl Scheme {
    /// A person's roles: coordinator by configuration, volunteer status from the store.
    pub fn roles(&self, user: &UserId) -> Result<Roles, StoreError> {
        Ok(Roles {
            coordinator: self.is_coordinator(user),
            volunteer: self.store.person(user.as_str())?.status,
        })
    }

    /// Whether the configuration names `user` as a coordinator.
    pub fn is_coordinator(&self, user: &UserId) -> bool {
        self.config.coordinators.iter().any(|c| c == user)
    }

    /// What a room is to the bot.
    pub fn place(&self, room: &RoomId) -> Result<Place, StoreError> {
        if room == self.rooms.volunteers {
            return Ok(Place::Volunteers);
        }
        if room == self.rooms.coordination {
            return Ok(Place::Coordination);
        }
        Ok(match self.store.room_kind(room.as_str())? {
            Some(RoomKind::Neighbourhood { .. }) => Place::Neighbourhood,
            Some(RoomKind::Direct { .. }) => Place::Direct,
            Some(RoomKind::Private { request }) => Place::Private { request },
            Some(RoomKind::Volunteers | RoomKind::Coordination) | None => Place::Other,
        })
    }

    /// Since when (ms) the bot serves `room`: what was written there before is history
    /// it never handles. Unknown rooms: since this run started.
    pub fn serves_since(&self, room: &RoomId) -> u64 {
        match self.store.joined_at(room.as_str()) {
            Ok(Some(at)) => at,
            _ => self.started_ms.saturating_sub(crate::clock::CLOCK_SKEW_MS),
        }
    }

    /// The time now, by the bot's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The day of `at` in the community's time zone, as messages write it (25/12/2026).
    pub fn day(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.config.timezone).format("%d/%m/%Y").to_string()
    }

    /// Today in the community's time zone.
    pub fn today(&self) -> NaiveDate {
        self.now().with_timezone(&self.config.timezone).date_naive()
    }

    /// The names of the neighbourhoods whose rooms the bot serves, sorted, each once.
    pub fn neighbourhood_names(&self) -> Result<Vec<String>, StoreError> {
        let mut names = Vec::new();
        for room in self.store.rooms_where(|kind| matches!(kind, RoomKind::Neighbourhood { .. }))? {
            if let Some(RoomKind::Neighbourhood { name }) = self.store.room_kind(&room)? {
                names.push(name);
            }
        }
        names.sort();
        names.dedup();
        Ok(names)
    }

    /// Whether `user` accepted a charter older than today's: they may not take
    /// requests until they accept it again. Someone vetted without it, by a coordinator's
    /// decision, is not held back.
    pub fn charter_outdated(&self, user: &UserId) -> Result<bool, StoreError> {
        let person = self.store.person(user.as_str())?;
        Ok(person.charter.is_some_and(|signed| signed.version != self.charter.version))
    }

    /// The vetted volunteers to mention in `request`'s relay: those who chose its
    /// neighbourhood, are not on a break and may take it (not its requester).
    pub fn area_volunteers(&self, request: &Request) -> Vec<OwnedUserId> {
        let Some(neighbourhood) = request.neighbourhood.as_deref() else {
            return Vec::new();
        };
        let now = self.now();
        let found = self.store.people_where(|person| {
            person.status == VolunteerStatus::Vetted
                && !person.is_paused(now)
                && person.areas.iter().any(|area| area == neighbourhood)
                && person
                    .charter
                    .as_ref()
                    .is_none_or(|signed| signed.version == self.charter.version)
        });
        match found {
            Ok(people) => people
                .into_iter()
                .filter(|(user, _)| *user != request.requester)
                .filter_map(|(user, _)| OwnedUserId::try_from(user).ok())
                .collect(),
            Err(error) => {
                error!(request = request.number, %error, "cannot read whom to mention in a relay");
                Vec::new()
            }
        }
    }

    /// The placeholders every text about a request may use. `{text}` is the request's
    /// text with contact details masked (phones, e-mails, addresses, codes, names): the
    /// relay is read by every volunteer. Only the private room gets the full text
    /// ([`Scheme::about_in_private`]).
    pub fn request_args(&self, request: &Request, lang: Lang) -> Vec<(&'static str, String)> {
        let texts = &self.texts;
        let neighbourhood = request
            .neighbourhood
            .clone()
            .unwrap_or_else(|| texts.text(lang, Key::NoNeighbourhood, &[]));
        vec![
            ("number", request.number.to_string()),
            ("category", texts.category(lang, request.reading.category)),
            ("neighbourhood", neighbourhood),
            ("when", texts.when(lang, request.reading.when, self.today())),
            ("behalf", self.behalf(request, lang)),
            ("text", mask(&request.text, lang).text),
        ]
    }

    /// For whom a request is, as its messages say it: read in its text ("pour sa mère"),
    /// and, for someone who phoned, that it came by phone.
    fn behalf(&self, request: &Request, lang: Lang) -> String {
        let mut behalf = self.texts.behalf(lang, request.reading.on_behalf);
        if self.is_phone_in(request) {
            behalf.push_str(&self.texts.text(lang, Key::PhoneIn, &[]));
        }
        if let Some(series) = &request.repeat {
            let every = self.texts.repeat(lang, series.every);
            behalf.push_str(&self.texts.text(lang, Key::Repeats, &[("every", &every)]));
        }
        behalf
    }

    /// [`Scheme::about`] for the two people of the private room: the full text.
    pub fn about_in_private(
        &self,
        request: &Request,
        key: Key,
        extra: &[(&'static str, String)],
    ) -> Message {
        let lang = request.lang;
        let mut args = self.request_args(request, lang);
        for (name, value) in &mut args {
            if *name == "text" {
                value.clone_from(&request.text);
            }
        }
        args.extend(extra.iter().cloned());
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.texts.render(lang, key, &args)
    }

    /// `key` rendered for an offer, in the bot's language, for the residents of
    /// neighbourhood rooms: no neighbourhood (it may be posted in several), the text
    /// masked, and the volunteer unnamed until someone takes it up.
    pub fn offer_about(&self, request: &Request, key: Key) -> Message {
        let lang = self.config.language;
        let args = self.request_args(request, lang);
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.texts.render(lang, key, &args)
    }

    /// `key` rendered for `request`, with `extra` placeholders.
    pub fn about(
        &self,
        request: &Request,
        lang: Lang,
        key: Key,
        extra: &[(&'static str, String)],
    ) -> Message {
        let mut args = self.request_args(request, lang);
        args.extend(extra.iter().cloned());
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.texts.render(lang, key, &args)
    }

    /// Whether a coordinator posted `request` for someone who phoned (`!pour`): it is
    /// followed in the coordination room.
    pub fn is_phone_in(&self, request: &Request) -> bool {
        request.origin_room == self.rooms.coordination.as_str()
    }

    /// The notice on personal data (GDPR Art. 13): who is responsible, why, who sees
    /// what, for how long, the person's rights and how to use them.
    pub fn privacy_notice(&self, lang: Lang) -> Message {
        let community = [("community", self.config.community.as_str())];
        let controller = self
            .config
            .controller
            .clone()
            .unwrap_or_else(|| self.texts.text(lang, Key::ControllerDefault, &community));
        let contact = self
            .config
            .contact
            .clone()
            .unwrap_or_else(|| self.texts.text(lang, Key::ContactDefault, &[]));
        let days = |kept: std::time::Duration| (kept.as_secs() / 86_400).to_string();
        let retention = self.config.retention;
        let args = [
            ("controller", controller.as_str()),
            ("contact", contact.as_str()),
            ("closed_days", &days(retention.closed_texts)),
            ("inactive_days", &days(retention.inactive_people)),
            ("log_days", &days(retention.log_actors)),
        ];
        self.texts.render(lang, Key::PrivacyNotice, &args)
    }

    /// The only active request matching `pred`, if there is exactly one.
    pub fn sole(&self, pred: impl Fn(&Request) -> bool) -> Result<Option<u64>, StoreError> {
        let mut matching = self.store.active_requests()?.into_iter().filter(|r| pred(r));
        Ok(match (matching.next(), matching.next()) {
            (Some(request), None) => Some(request.number),
            _ => None,
        })
    }

    /// Marks an event handled; `false` if it already was (then nothing is to be done) or if
    /// that cannot be recorded (then doing it could mean doing it twice).
    pub async fn mark_handled(&self, event: &EventId) -> bool {
        match self.store.mark_handled(event.as_str(), self.now()).await {
            Ok(fresh) => fresh,
            Err(error) => {
                error!(%error, "cannot record a handled event");
                false
            }
        }
    }
}

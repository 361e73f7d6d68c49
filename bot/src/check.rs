//! `entraide verifier` / `check-config`: what an operator runs before a (re)start. It reads
//! the configuration, the commune's texts and charter; then, unless offline, reaches the
//! homeserver, logs in with a short-lived device of its own (no sync, so the bot's device
//! and its keys are left alone, and the device is logged out at the end), and reports the
//! configured rooms, the bot's power there and whether the homeserver exempts it from rate
//! limits. Every problem is listed, not only the first.

use std::path::Path;

use matrix_sdk::{
    Client,
    ruma::{
        OwnedRoomId, OwnedRoomOrAliasId, RoomAliasId, UserId,
        api::client::{membership::joined_rooms, state::get_state_event_for_key},
        events::StateEventType,
    },
};
use serde_json::Value;

use crate::{charter::Charter, config::Config, load_texts};

/// One thing checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Whether it is a problem that must be fixed before a start.
    pub problem: bool,
    /// What was found, for the operator.
    pub text: String,
}

/// Everything checked, in order.
#[derive(Debug, Default)]
pub struct Findings(pub Vec<Finding>);

impl Findings {
    fn good(&mut self, text: impl Into<String>) {
        self.0.push(Finding { problem: false, text: text.into() });
    }

    fn bad(&mut self, text: impl Into<String>) {
        self.0.push(Finding { problem: true, text: text.into() });
    }

    /// Whether nothing stands in the way of a start.
    pub fn all_good(&self) -> bool {
        self.0.iter().all(|finding| !finding.problem)
    }
}

/// A power the bot needs in a room (its name in the power levels), and what for.
type Need = (&'static str, &'static str);

/// The powers the bot needs, and what for.
const NEEDS: &[Need] = &[
    ("redact", "take requests out of a neighbourhood room (remove_requests)"),
    ("kick", "remove a banned volunteer from the volunteers room"),
    ("ban", "ban a volunteer"),
];

/// Checks the configuration in `path`; online, the homeserver and the rooms too.
pub async fn check(path: &Path, online: bool) -> Findings {
    let mut found = Findings::default();
    let config = match Config::load(path) {
        Ok(config) => {
            found.good(format!("configuration {}: read", path.display()));
            config
        }
        Err(error) => {
            for problem in error.each() {
                found.bad(problem.to_string());
            }
            return found;
        }
    };
    match load_texts(&config) {
        Ok(_) => found.good(match &config.messages {
            Some(file) => format!("the commune's texts {}: read", file.display()),
            None => "texts: the built-in ones".to_owned(),
        }),
        Err(error) => found.bad(format!("{error:#}")),
    }
    match Charter::load(config.charter.as_deref()) {
        Ok(charter) => found.good(format!("volunteers' charter: version {}", charter.version)),
        Err(error) => found.bad(format!("{error:#}")),
    }
    data_dir(&config, &mut found);
    if online {
        homeserver(&config, &mut found).await;
    }
    found
}

/// The data directory: there, writable, with a session and a store or not.
fn data_dir(config: &Config, found: &mut Findings) {
    let dir = &config.data_dir;
    if !dir.exists() {
        found.good(format!(
            "data directory {}: not made yet (the first start makes it)",
            dir.display()
        ));
        return;
    }
    let probe = dir.join(".entraide-verifier");
    match std::fs::write(&probe, b"") {
        Ok(()) => {
            let _ = std::fs::remove_file(&probe);
            found.good(format!("data directory {}: writable", dir.display()));
        }
        Err(error) => {
            found.bad(format!("data directory {}: cannot write there ({error})", dir.display()));
        }
    }
    if dir.join("session.json").exists() {
        found.good("Matrix session: saved (the bot keeps its device)");
    } else {
        found.good("Matrix session: none yet (the first start logs in with a new device)");
    }
    // Not opened: opening may migrate it, and a check run by another user (root) must
    // leave the bot's files as they are.
    if dir.join("store").is_dir() {
        found.good("store: present");
    } else {
        found.good("store: none yet (the first start makes it)");
    }
}

/// The homeserver, the login, the rooms and the rate limits.
async fn homeserver(config: &Config, found: &mut Findings) {
    let client = match Client::builder().homeserver_url(&config.homeserver).build().await {
        Ok(client) => client,
        Err(error) => {
            found.bad(format!("homeserver {}: {error}", config.homeserver));
            return;
        }
    };
    match client.server_versions().await {
        Ok(versions) => found.good(format!(
            "homeserver {}: reached ({} Matrix versions)",
            config.homeserver,
            versions.len()
        )),
        Err(error) => {
            found.bad(format!("homeserver {}: cannot reach it ({error})", config.homeserver));
            return;
        }
    }
    let login = client
        .matrix_auth()
        .login_username(&config.user_id, config.password.expose())
        .initial_device_display_name("entraide verifier (logged out at once)")
        .await;
    if let Err(error) = login {
        found.bad(format!("login as {}: refused ({error})", config.user_id));
        return;
    }
    found.good(format!("login as {}: accepted", config.user_id));
    rooms(&client, config, found).await;
    rate_limits(&client, config, found).await;
    if let Err(error) = client.matrix_auth().logout().await {
        found.bad(format!("cannot log out the verifier's device ({error}): remove it by hand"));
    }
}

/// Each configured room: found, joined, and the bot's power there.
async fn rooms(client: &Client, config: &Config, found: &mut Findings) {
    let joined = match client.send(joined_rooms::v3::Request::new()).await {
        Ok(response) => response.joined_rooms,
        Err(error) => {
            found.bad(format!("cannot list the bot's rooms ({error})"));
            return;
        }
    };
    found.good(format!("the bot is in {} room(s)", joined.len()));
    let mut rooms: Vec<(String, &OwnedRoomOrAliasId, &[Need])> = Vec::new();
    if let Some(room) = &config.volunteers_room {
        rooms.push(("volunteers room".to_owned(), room, &NEEDS[1..]));
    }
    if let Some(room) = &config.coordination_room {
        rooms.push(("coordination room".to_owned(), room, &[]));
    }
    for neighbourhood in &config.neighbourhoods {
        let needs: &[Need] = if config.remove_requests { &NEEDS[..1] } else { &[] };
        rooms.push((format!("neighbourhood {}", neighbourhood.name), &neighbourhood.room, needs));
    }
    if config.volunteers_room.is_none() || config.coordination_room.is_none() {
        found.good("the rooms not configured are the bot's own (it made them at its first start)");
    }
    for (what, room, needs) in rooms {
        let Some(id) = resolve(client, room, &what, found).await else { continue };
        if !joined.contains(&id) {
            found.bad(format!("{what} ({room}): the bot is not in it (invite it)"));
            continue;
        }
        power(client, config.user_id.as_ref(), &id, &what, needs, found).await;
    }
}

async fn resolve(
    client: &Client,
    room: &OwnedRoomOrAliasId,
    what: &str,
    found: &mut Findings,
) -> Option<OwnedRoomId> {
    let Ok(alias) = <&RoomAliasId>::try_from(room.as_str()) else {
        return OwnedRoomId::try_from(room.as_str()).ok();
    };
    match client.resolve_room_alias(alias).await {
        Ok(response) => Some(response.room_id),
        Err(error) => {
            found.bad(format!("{what} ({room}): the alias does not resolve ({error})"));
            None
        }
    }
}

/// The bot's power level in `room` against what it needs there.
async fn power(
    client: &Client,
    bot: &UserId,
    room: &OwnedRoomId,
    what: &str,
    needs: &[Need],
    found: &mut Findings,
) {
    let state = |kind: StateEventType| {
        get_state_event_for_key::v3::Request::new(room.clone(), kind, String::new())
    };
    let content = |response: get_state_event_for_key::v3::Response| {
        serde_json::from_str::<Value>(response.event_or_content.get())
            .ok()
            .map(|value| value.get("content").cloned().unwrap_or(value))
    };
    let levels = match client.send(state(StateEventType::RoomPowerLevels)).await {
        Ok(response) => content(response).unwrap_or_default(),
        Err(error) => {
            found.bad(format!("{what}: cannot read its power levels ({error})"));
            return;
        }
    };
    // Room version 12: creators have every power and are not in the levels.
    let create = client.send(state(StateEventType::RoomCreate)).await.ok().and_then(content);
    let creator = create.as_ref().is_some_and(|create| {
        let more = create.get("additional_creators").and_then(Value::as_array);
        more.is_some_and(|more| more.iter().any(|user| user.as_str() == Some(bot.as_str())))
    });
    let level =
        |value: Option<&Value>, default: i64| value.and_then(Value::as_i64).unwrap_or(default);
    let own = level(
        levels.get("users").and_then(|users| users.get(bot.as_str())),
        level(levels.get("users_default"), 0),
    );
    let mut missing = Vec::new();
    for (power, why) in needs {
        let needed = level(levels.get(*power), 50);
        if !creator && own < needed {
            missing.push(format!("{power} (level {needed}, to {why})"));
        }
    }
    match (creator, missing.is_empty()) {
        (true, _) => found.good(format!("{what}: joined; the bot is a creator of the room")),
        (false, true) => found.good(format!("{what}: joined; the bot's power level is {own}")),
        (false, false) => {
            found.bad(format!("{what}: the bot's power level {own} lacks {}", missing.join(", ")))
        }
    }
}

/// Whether the homeserver exempts the bot from rate limits. Synapse tells only a server
/// admin; otherwise the check says it cannot tell.
async fn rate_limits(client: &Client, config: &Config, found: &mut Findings) {
    let Some(token) = client.access_token() else { return };
    let url = format!(
        "{}/_synapse/admin/v1/users/{}/override_ratelimit",
        config.homeserver.as_str().trim_end_matches('/'),
        config.user_id
    );
    let answer = reqwest::Client::new().get(&url).bearer_auth(token).send().await;
    let body = match answer {
        Ok(answer) if answer.status().is_success() => {
            answer.text().await.ok().and_then(|text| serde_json::from_str::<Value>(&text).ok())
        }
        _ => None,
    };
    match body {
        Some(body) => {
            let per_second = body.get("messages_per_second").and_then(Value::as_i64);
            let burst = body.get("burst_count").and_then(Value::as_i64);
            if per_second == Some(0) && burst == Some(0) {
                found.good("rate limits: the bot is exempted");
            } else {
                found.bad(
                    "rate limits: the bot is not exempted — people wait about 5 s per message \
                     when many write at once (see the README, \"Rate limits\")",
                );
            }
        }
        None => found.good(
            "rate limits: cannot tell (only a server admin can read them); exempt the bot \
             as the README says (\"Rate limits\")",
        ),
    }
}

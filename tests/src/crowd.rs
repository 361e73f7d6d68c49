//! Residents who all write at the same moment, as in a crisis: the scenario under
//! Synapse's default rate limits checks what they get, the benchmark times it.

use std::{collections::BTreeSet, time::Duration};

use anyhow::{Result, ensure};
use entraide_commands::{Key, Lang};
use futures_util::future::join_all;
use matrix_sdk::ruma::OwnedEventId;
use tokio::time::Instant;

use crate::{Person, wait_until, world::World};

/// Residents of the neighbourhood room and a vetted volunteer.
#[derive(Debug)]
pub struct Crowd {
    /// Who posts.
    pub residents: Vec<Person>,
    /// Who sees the relays.
    pub volunteer: Person,
}

/// What a rush came to.
#[derive(Debug)]
pub struct Rush {
    /// Each resident's command, in the residents' order.
    pub commands: Vec<OwnedEventId>,
    /// The requests recorded, one per resident.
    pub recorded: BTreeSet<u64>,
    /// The numbers the confirmations gave.
    pub confirmed: BTreeSet<u64>,
    /// From the first post to the last one sent.
    pub posted_in: Duration,
    /// From the first post until the volunteer saw every relay.
    pub relayed_after: Duration,
    /// From the first post until every resident saw their confirmation.
    pub confirmed_after: Duration,
}

/// `residents` people in the neighbourhood room and a volunteer. One after the other:
/// under the default rate limits the coordinator's invitations and the joins are limited
/// too (10 at once, then one every 3 seconds and one a second), and the people's clients
/// retry after a 429 only a few times.
pub async fn gather(world: &World, residents: usize) -> Result<Crowd> {
    let volunteer = world.volunteer("benevole").await?;
    let mut people = Vec::with_capacity(residents);
    for i in 1..=residents {
        people.push(world.resident(&format!("habitant{i}")).await?);
    }
    Ok(Crowd { residents: people, volunteer })
}

/// Every resident of `crowd` posts a request at the same moment; waits up to `wait` for
/// every relay (what the volunteers wait for), then every confirmation.
pub async fn rush(world: &World, crowd: &Crowd, wait: Duration) -> Result<Rush> {
    let count = crowd.residents.len();
    let posted = Instant::now();
    let sends = crowd.residents.iter().enumerate().map(|(i, resident)| {
        let text = format!("!demande courses pour le foyer {}", i + 1);
        let room = world.neighbourhood.clone();
        async move { resident.send_text(&room, &text).await }
    });
    let commands: Vec<OwnedEventId> = join_all(sends).await.into_iter().collect::<Result<_>>()?;
    let posted_in = posted.elapsed();

    let store = world.bot()?.store.clone();
    let recorded: BTreeSet<u64> = wait_until("a request of every resident", wait, || {
        let mut numbers = BTreeSet::new();
        for resident in &crowd.residents {
            let theirs = store.requests_of(resident.user_id.as_str()).unwrap_or_default();
            numbers.extend(theirs.iter().map(|request| request.number));
        }
        async move { (numbers.len() == count).then_some(numbers) }
    })
    .await?;
    wait_until("a relay of every request", wait, || {
        let all = recorded.iter().all(|&n| !world.relays_seen(&crowd.volunteer, n).is_empty());
        async move { all.then_some(()) }
    })
    .await?;
    let relayed_after = posted.elapsed();

    let mut confirmed = BTreeSet::new();
    for (i, (resident, command)) in crowd.residents.iter().zip(&commands).enumerate() {
        let confirmation = resident
            .wait_for(&format!("the confirmation of resident {}", i + 1), wait, |m| {
                m.room_id == world.neighbourhood
                    && m.sender == world.bot_id
                    && m.in_reply_to.as_ref() == Some(command)
                    && world.texts.says(m, Lang::Fr, Key::RequestConfirmed)
            })
            .await?;
        let number = world.texts.number(Lang::Fr, Key::RequestConfirmed, confirmation.text())?;
        ensure!(confirmed.insert(number), "request number {number} was given twice");
    }
    let confirmed_after = posted.elapsed();
    Ok(Rush { commands, recorded, confirmed, posted_in, relayed_after, confirmed_after })
}

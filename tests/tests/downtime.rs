//! End-to-end scenarios of downtime: what people write while the bot is stopped is
//! answered once it is back, exactly once, even when it is more than a default sync's
//! timeline holds.

use anyhow::{Context as _, Result, ensure};
use entraide_commands::{Key, Lang};
use entraide_tests::{
    Person,
    bot::RunningBot,
    wait_until,
    world::{WAIT, World},
};
use matrix_sdk::ruma::OwnedEventId;

/// More requests than Synapse's default sync timeline holds (the last 10 events of a
/// room): the bot fetches what it has not handled from each room's history at start.
const WHILE_DOWN: usize = 14;

/// The bot's answers to `command` that `person` saw (a person's first request brings the
/// notice on their data in the same message).
fn answers(world: &World, person: &Person, command: &OwnedEventId) -> usize {
    person
        .seen()
        .iter()
        .filter(|m| m.sender == world.bot_id && m.in_reply_to.as_ref() == Some(command))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_requests_written_while_the_bot_is_down_are_answered_once() -> Result<()> {
    let mut world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let volunteer = world.volunteer("benevole").await?;

    let bot = world.bot.take().context("the bot")?;
    let (config, store) = (bot.config.clone(), bot.store.clone());
    bot.stop().await?;
    let mut commands = Vec::new();
    for i in 1..=WHILE_DOWN {
        let text = format!("!demande courses numéro {i}");
        commands.push(family.send_text(&world.neighbourhood, &text).await?);
    }
    world.bot = Some(RunningBot::start(config.clone(), store.clone()));

    for (i, command) in commands.iter().enumerate() {
        let confirmation = family
            .wait_for(&format!("the confirmation of request {}", i + 1), WAIT, |m| {
                m.in_reply_to.as_ref() == Some(command)
                    && world.texts.says(m, Lang::Fr, Key::RequestConfirmed)
            })
            .await?;
        // Handled in the order they were written, the first ones fetched from history.
        let number = world.texts.number(Lang::Fr, Key::RequestConfirmed, confirmation.text())?;
        ensure!(number == i as u64 + 1, "request {} got number {number}", i + 1);
    }
    wait_until("every request relayed", WAIT, || async {
        (1..=WHILE_DOWN as u64).all(|n| !world.relays_seen(&volunteer, n).is_empty()).then_some(())
    })
    .await?;

    // Once more: a restart answers nothing twice.
    let bot = world.bot.take().context("the bot")?;
    bot.stop().await?;
    world.bot = Some(RunningBot::start(config, store));
    let help = family.send_text(&world.neighbourhood, "!aide").await?;
    family
        .wait_for("the help after the second restart", WAIT, |m| {
            m.in_reply_to.as_ref() == Some(&help)
        })
        .await?;
    for (i, command) in commands.iter().enumerate() {
        let n = answers(&world, &family, command);
        ensure!(n == 1, "request {} was answered {n} times", i + 1);
    }
    for number in 1..=WHILE_DOWN as u64 {
        let relays = world.relays_seen(&volunteer, number).len();
        ensure!(relays == 1, "request {number} was relayed {relays} times");
    }
    ensure!(world.bot()?.store.request(WHILE_DOWN as u64 + 1)?.is_none(), "an extra request");
    Ok(())
}

//! End-to-end: what people's clients and the machine see of the bot's secrets and keys.
//! Its device is cross-signed by its own identity (Element shows no warning on its
//! messages, and people who exclude insecure devices can read it), across a restart; its
//! data directory and session file are readable by the bot's user only.

use anyhow::{Context as _, Result, ensure};
use entraide_tests::{
    Person, wait_until,
    world::{WAIT, World},
};
use matrix_sdk::ruma::UserId;

/// Whether `person` sees every device of `bot` signed by the bot's own identity.
async fn cross_signed(person: &Person, bot: &UserId) -> Result<bool> {
    let encryption = person.client.encryption();
    if encryption.request_user_identity(bot).await?.is_none() {
        return Ok(false);
    }
    let devices = encryption.get_user_devices(bot).await?;
    let devices: Vec<_> = devices.devices().collect();
    Ok(!devices.is_empty() && devices.iter().all(|device| device.is_cross_signed_by_owner()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_the_bots_device_is_cross_signed_and_its_secrets_private() -> Result<()> {
    let mut world = World::start(true).await?;
    let alice = world.volunteer("alice").await?;
    let bot = world.bot_id.clone();
    wait_until("the bot's device cross-signed, as Alice sees it", WAIT, || {
        let (alice, bot) = (&alice, &bot);
        async move { cross_signed(alice, bot).await.ok()?.then_some(()) }
    })
    .await?;

    // A restart keeps the same identity: nothing to verify again.
    let identity = alice.client.encryption().request_user_identity(&bot).await?;
    let master = identity
        .context("the bot's identity")?
        .master_key()
        .get_first_key()
        .map(|key| key.to_base64());
    let previous = world.bot.take().context("the bot")?;
    let (config, store, clock) =
        (previous.config.clone(), previous.store.clone(), previous.clock.clone());
    previous.stop().await?;
    world.bot = Some(entraide_tests::bot::RunningBot::start_by(config, store, clock));
    // Serving again: its keys are loaded, and people's clients have looked again.
    let family = world.resident("famille").await?;
    world.ask(&family, "!demande courses pour demain", &alice).await?;
    let again = alice.client.encryption().request_user_identity(&bot).await?;
    let again = again.context("the bot's identity after a restart")?;
    ensure!(
        again.master_key().get_first_key().map(|key| key.to_base64()) == master,
        "the bot's identity changed across a restart"
    );
    ensure!(
        cross_signed(&alice, &bot).await?,
        "the bot's device is not cross-signed after a restart"
    );

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |path: &std::path::Path| -> Result<u32> {
            Ok(std::fs::metadata(path)?.permissions().mode() & 0o777)
        };
        let dir = world.bot()?.config.data_dir.clone();
        ensure!(mode(&dir)? == 0o700, "the data directory is {:o}", mode(&dir)?);
        let session = dir.join("session.json");
        ensure!(mode(&session)? == 0o600, "the session file is {:o}", mode(&session)?);
    }
    Ok(())
}

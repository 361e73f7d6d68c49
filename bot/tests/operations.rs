//! What a commune's IT person relies on, checked on the `entraide` binary against a real
//! Synapse: the health listener (503 until the bot serves, 200 with its figures, nothing
//! once it is gone), the metrics read by a real OpenMetrics parser, JSON logs without a
//! message body or a person's id, the configuration check online and offline, the health
//! probe Docker runs, and the systemd unit checked by `systemd-analyze verify`.

use std::{net::SocketAddr, path::Path, process::Output, time::Duration};

use anyhow::{Context as _, Result, ensure};
use entraide::config::LogFormat;
use entraide_commands::{Key, Lang};
use entraide_tests::{
    operator::{free_address, get, parse_openmetrics, value},
    process::{CONFIG_FILE, write_config},
    wait_until,
    world::{WAIT, World, join_private_room},
};
use matrix_sdk::ruma::{UserId, api::client::keys::get_keys};
use serde_json::Value;

const BINARY: &str = env!("CARGO_BIN_EXE_entraide");

/// Runs the binary with `args` on the configuration file `config`.
async fn entraide(config: &Path, args: &[&str]) -> Result<Output> {
    Ok(tokio::process::Command::new(BINARY)
        .arg("--config")
        .arg(config)
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .await?)
}

/// The `/healthz` answer once it has status `code`.
async fn health_once(address: SocketAddr, code: u16) -> Result<Value> {
    wait_until(&format!("/healthz to answer {code}"), WAIT, || async move {
        match get(address, "/healthz").await {
            Ok(Some((status, _, body))) if status == code => serde_json::from_str(&body).ok(),
            _ => None,
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_an_operator_watches_the_bot_checks_it_and_reads_its_logs() -> Result<()> {
    let address = free_address()?;
    let mut world = World::start_process_with(false, Path::new(BINARY), |config| {
        config.http.listen = Some(address);
        config.http.stale_after = Duration::from_secs(60);
        config.log_format = LogFormat::Json;
    })
    .await?;

    // Healthy once serving: the version, a recent sync, what is pending.
    let health = health_once(address, 200).await?;
    ensure!(health["status"] == "ok", "{health}");
    ensure!(health["version"] == env!("CARGO_PKG_VERSION"), "{health}");
    ensure!(health["synced_seconds_ago"].as_u64().is_some_and(|ago| ago < 60), "{health}");
    ensure!(health["rooms_served"].as_u64().is_some_and(|rooms| rooms >= 3), "{health}");

    // A request relayed shows in the metrics, which a real parser reads.
    let volunteer = world.volunteer("vol").await?;
    let resident = world.resident("res").await?;
    let secret = "courses MARQUEUR-CORPS-7f3a pour Mme Lefèvre 06 11 22 33 44";
    let (number, _) = world.ask(&resident, &format!("!demande {secret}"), &volunteer).await?;
    let samples = wait_until("the relay counted", WAIT, || async {
        let (status, kind, text) = get(address, "/metrics").await.ok()??;
        let samples = parse_openmetrics(&text).await.ok()?;
        let relayed = value(&samples, "entraide_relays_total", &[])? >= 1.0;
        (status == 200 && kind.starts_with("application/openmetrics-text") && relayed)
            .then_some(samples)
    })
    .await?;
    let open = value(&samples, "entraide_requests", &[("state", "open"), ("kind", "groceries")]);
    ensure!(open == Some(1.0), "request {number} open: {open:?}");
    let under = value(&samples, "entraide_relay_latency_seconds_count", &[]);
    ensure!(under.is_some_and(|count| count >= 1.0), "{under:?}");
    for family in [
        "entraide_effects_pending",
        "entraide_rooms_served",
        "entraide_sync_age_seconds",
        "entraide_rate_limited_total",
        "entraide_homeserver_retries_total",
        "entraide_claims_total",
        "entraide_campaign_running",
    ] {
        ensure!(value(&samples, family, &[]).is_some(), "{family} in the metrics");
    }
    ensure!(
        value(&samples, "entraide_register_entries", &[("status", "active")]) == Some(0.0),
        "the register"
    );
    ensure!(value(&samples, "entraide_serving", &[]) == Some(1.0), "serving");

    // The Docker health probe asks the same listener.
    let process = world.process.as_mut().context("the bot process")?;
    let config_file = process.config().data_dir.join(CONFIG_FILE);
    let probed = entraide(&config_file, &["sante"]).await?;
    ensure!(probed.status.success(), "{probed:?}");

    // The configuration check, online: the homeserver, the login, the rooms.
    let checked = entraide(&config_file, &["verifier"]).await?;
    let said = String::from_utf8_lossy(&checked.stdout).into_owned();
    ensure!(checked.status.success(), "{said}\n{}", String::from_utf8_lossy(&checked.stderr));
    for expected in ["reached", "login as", "accepted", "store: present", "rate limits"] {
        ensure!(said.contains(expected), "{expected:?} in {said}");
    }

    // JSON logs: one object a line, with a level and a message; never the request's
    // words, nor the resident's id at info level.
    let log = process.log();
    let mut objects = 0;
    for line in log.lines().filter(|line| !line.starts_with("=== entraide-tests")) {
        let object: Value = serde_json::from_str(line).with_context(|| format!("{line:?}"))?;
        ensure!(object["level"].is_string() && object["timestamp"].is_string(), "{line}");
        ensure!(!line.contains("MARQUEUR-CORPS"), "a message body in the log: {line}");
        if object["level"] == "INFO" {
            ensure!(!line.contains(resident.user_id.as_str()), "a person's id: {line}");
        }
        objects += 1;
    }
    ensure!(objects > 5, "{log}");
    ensure!(log.contains("entraide is running"), "{log}");

    // Stopped, the listener is gone and the probe says so.
    process.kill().await?;
    ensure!(get(address, "/healthz").await?.is_none(), "nothing listens once the bot is gone");
    let probed = entraide(&config_file, &["sante"]).await?;
    ensure!(!probed.status.success(), "{probed:?}");

    // The check lists what is wrong: a wrong password online, a missing charter offline.
    let mut config = process.config().clone();
    config.password = entraide::config::Password::new("not-the-password");
    let wrong = world.data_dir().join("wrong.toml");
    write_config(&wrong, &config)?;
    let checked = entraide(&wrong, &["check-config"]).await?;
    let said = String::from_utf8_lossy(&checked.stdout).into_owned();
    ensure!(!checked.status.success(), "{said}");
    ensure!(said.contains("PROBLEM") && said.contains("refused"), "{said}");
    let text = std::fs::read_to_string(&config_file)?;
    let missing = world.data_dir().join("missing-charter.toml");
    std::fs::write(
        &missing,
        text.replace("[community]", "[community]\ncharter = \"/nonexistent/charte.md\""),
    )?;
    let checked = entraide(&missing, &["verifier", "--hors-ligne"]).await?;
    let said = String::from_utf8_lossy(&checked.stdout).into_owned();
    ensure!(!checked.status.success(), "{said}");
    ensure!(said.contains("charte.md"), "{said}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_one_bot_per_data_directory_and_per_account() -> Result<()> {
    let mut world = World::start_process(false, Path::new(BINARY)).await?;
    // Elsewhere than the data directory, which a copy must not land in.
    let copies = tempfile::tempdir()?;
    let copy = copies.path().join("copie");
    let process = world.process.as_mut().context("the bot process")?;
    let config_file = process.config().data_dir.join(CONFIG_FILE);

    // A second bot on the same data directory: refused at once, the first goes on.
    let second = entraide(&config_file, &[]).await?;
    let said = String::from_utf8_lossy(&second.stderr).into_owned();
    ensure!(!second.status.success(), "{said}");
    ensure!(said.contains("already runs on the data directory"), "{said}");
    process.check_alive()?;

    // A copy of the data directory (as a backup restored on another machine) started while
    // the original runs: the account's lease is fresh and held elsewhere, so it stops.
    process.kill().await?;
    copy_dir(&process.config().data_dir, &copy)?;
    process.restart()?;
    process.wait_running(WAIT).await?;
    let mut config = process.config().clone();
    config.data_dir = copy.clone();
    let copy_file = copy.join(CONFIG_FILE);
    write_config(&copy_file, &config)?;
    let refused = tokio::time::timeout(WAIT, entraide(&copy_file, &[])).await??;
    let said = String::from_utf8_lossy(&refused.stderr).into_owned();
    ensure!(!refused.status.success(), "{said}");
    ensure!(said.contains("another entraide runs with this account"), "{said}");
    process.check_alive()?;

    // The original, stopped cleanly, gives the lease back: the copy may start at once.
    let pid = process.pid().context("the bot's pid")?;
    let stopped = tokio::process::Command::new("kill").arg("-TERM").arg(pid.to_string()).status();
    ensure!(stopped.await?.success(), "SIGTERM");
    process.wait_exit(WAIT).await?;
    let mut moved = entraide_tests::process::BotProcess::start(Path::new(BINARY), config.clone())?;
    moved.wait_running(WAIT).await?;

    // Another bot takes the lease over (written here as one would): at its next renewal
    // the running one sees it, stops, and says why.
    let intruder = matrix_sdk::Client::builder().homeserver_url(&config.homeserver).build().await?;
    intruder.matrix_auth().login_username(&config.user_id, config.password.expose()).await?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis();
    let taken = serde_json::json!({
        "host": "ailleurs", "data_dir": "/srv/ailleurs", "token": "intrus", "renewed_ms": now,
    });
    intruder
        .account()
        .set_account_data_raw(
            "org.entraide.lease".into(),
            matrix_sdk::ruma::serde::Raw::new(&taken)?.cast_unchecked(),
        )
        .await?;
    let status = moved.wait_exit(WAIT).await?;
    ensure!(!status.success(), "{status}");
    let said = moved.log();
    ensure!(said.contains("another entraide took over this account"), "{said}");
    Ok(())
}

/// A backup made while the bot runs, restored into another data directory (as on
/// another machine): the bot comes back with the same device, its open request and the
/// room keys people shared with it; a restore never lands on a store, nor opens with
/// another passphrase.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_backup_of_the_running_bot_restores_elsewhere_with_the_same_device() -> Result<()> {
    let mut world = World::start_process(true, Path::new(BINARY)).await?;
    let volunteer = world.volunteer("vol").await?;
    let resident = world.resident("res").await?;
    let text = "courses MARQUEUR-SAUVEGARDE-51c2 au marché";
    let (number, _) = world.ask(&resident, &format!("!demande {text}"), &volunteer).await?;
    let process = world.process.as_mut().context("the bot process")?;
    let config = process.config().clone();
    let config_file = config.data_dir.join(CONFIG_FILE);
    let session = std::fs::read(config.data_dir.join("session.json"))?;
    let session: Value = serde_json::from_slice(&session)?;
    let device = session["device_id"].as_str().context("the bot's device")?.to_owned();
    let saved = tempfile::tempdir()?;
    let archive = saved.path().join("entraide.sauvegarde");
    let archive_arg = archive.to_str().context("a UTF-8 path")?;

    // While it runs, the bot makes it, sealed with the store's passphrase. Twice: the
    // second backup waits for the worker, which the first must have let go.
    for _ in 0..2 {
        let made = entraide(&config_file, &["sauvegarder", "--sortie", archive_arg]).await?;
        let said = String::from_utf8_lossy(&made.stdout).into_owned();
        let logged = String::from_utf8_lossy(&made.stderr).into_owned();
        ensure!(made.status.success(), "{said}{logged}");
        for part in ["sealed with the store passphrase", "running bot", "1 requests (1 open)"] {
            ensure!(said.contains(part), "{part:?} in {said}");
        }
        ensure!(said.contains(&device), "{said}");
        process.check_alive()?;
    }
    let bytes = std::fs::read(&archive)?;
    ensure!(entraide::backup::is_sealed(&bytes), "sealed");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&archive)?.permissions());
    ensure!(mode & 0o077 == 0, "the archive is the owner's only: {mode:o}");
    for plain in [text.as_bytes(), b"SQLite format 3", config.user_id.as_bytes()] {
        ensure!(!bytes.windows(plain.len()).any(|w| w == plain), "sealed: no plain text");
    }

    // Never over a store: not onto the data directory of the bot.
    let over = entraide(&config_file, &["restaurer", "--entree", archive_arg]).await?;
    let said = String::from_utf8_lossy(&over.stderr).into_owned();
    ensure!(!over.status.success() && said.contains("is not empty"), "{said}");

    // The bot stops cleanly (giving the account's lease back) and the archive goes to
    // another data directory; with another passphrase it opens nothing and writes nothing.
    let pid = process.pid().context("the bot's pid")?;
    let stopped = tokio::process::Command::new("kill").arg("-TERM").arg(pid.to_string()).status();
    ensure!(stopped.await?.success(), "SIGTERM");
    process.wait_exit(WAIT).await?;
    // Stopped, the bot's files are read as they are, and nothing is written beside them.
    let listing = |dir: &Path| -> Result<Vec<String>> {
        let mut names: Vec<String> = std::fs::read_dir(dir)?
            .map(|entry| entry.map(|entry| entry.file_name().to_string_lossy().into_owned()))
            .collect::<Result<_, _>>()?;
        names.sort();
        Ok(names)
    };
    let before = (listing(&config.data_dir)?, listing(&config.data_dir.join("store"))?);
    let offline = saved.path().join("hors-ligne.sauvegarde");
    let offline_arg = offline.to_str().context("a UTF-8 path")?;
    let made = entraide(&config_file, &["backup", "--out", offline_arg]).await?;
    let said = String::from_utf8_lossy(&made.stdout).into_owned();
    let logged = String::from_utf8_lossy(&made.stderr).into_owned();
    ensure!(made.status.success(), "{said}{logged}");
    ensure!(said.contains("stopped bot's files") && said.contains("1 requests (1 open)"), "{said}");
    let after = (listing(&config.data_dir)?, listing(&config.data_dir.join("store"))?);
    ensure!(before == after, "the data directory untouched: {before:?} then {after:?}");
    let elsewhere = tempfile::tempdir()?;
    let mut moved = config.clone();
    moved.data_dir = elsewhere.path().join("entraide");
    let wrong_folder = tempfile::tempdir()?;
    let mut wrong = moved.clone();
    wrong.store_passphrase = Some(entraide::config::Password::new("pas la bonne phrase"));
    let wrong_file = wrong_folder.path().join(CONFIG_FILE);
    write_config(&wrong_file, &wrong)?;
    let refused = entraide(&wrong_file, &["restore", "--in", archive_arg]).await?;
    let said = String::from_utf8_lossy(&refused.stderr).into_owned();
    ensure!(!refused.status.success() && said.contains("does not open"), "{said}");
    ensure!(!moved.data_dir.exists(), "nothing written");
    let moved_file = elsewhere.path().join(CONFIG_FILE);
    write_config(&moved_file, &moved)?;
    let restored = entraide(&moved_file, &["restaurer", "--entree", archive_arg]).await?;
    let said = String::from_utf8_lossy(&restored.stdout).into_owned();
    let logged = String::from_utf8_lossy(&restored.stderr).into_owned();
    ensure!(restored.status.success() && said.contains(&device), "{said}{logged}");

    // The restored bot: the same device (the homeserver knows no other for the account)…
    let mut bot = entraide_tests::process::BotProcess::start(Path::new(BINARY), moved)?;
    bot.wait_running(WAIT).await?;
    let log = bot.log_since_start();
    ensure!(log.contains("restored the saved session"), "{log}");
    ensure!(!log.contains("logged in with a new device"), "{log}");
    let mut query = get_keys::v3::Request::new();
    query.device_keys.insert(UserId::parse(&config.user_id)?.to_owned(), Vec::new());
    let keys = volunteer.client.send(query).await?;
    let devices: Vec<String> = keys
        .device_keys
        .get(config.user_id.as_ref() as &UserId)
        .map(|devices| devices.keys().map(ToString::to_string).collect())
        .unwrap_or_default();
    ensure!(devices == [device.clone()], "the bot's devices: {devices:?}, was {device}");
    // … its open request, which a volunteer takes…
    volunteer.send_text(&world.volunteers_room, &format!("!prendre {number}")).await?;
    volunteer
        .wait_for("the claim's answer", WAIT, |m| {
            world.texts.is_about(Lang::Fr, Key::ClaimWon, m.text(), number)
        })
        .await?;
    join_private_room(&world.texts, &volunteer, number).await?;
    // … and the room keys of the encrypted neighbourhood room: the resident's client
    // goes on with the session it shared with the bot's device before the backup.
    let (next, _) = world.ask(&resident, "!demande une ampoule à changer", &volunteer).await?;
    ensure!(next == number + 1, "request {next} after {number}");
    bot.check_alive()?;
    Ok(())
}

/// Copies the directory `from` to `to`, recursively (a data directory: files and folders;
/// not the bot's socket, which a killed bot leaves behind).
fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else if entry.file_type()?.is_file()
            && entry.file_name() != entraide_tests::process::LOG_FILE
        {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_health_says_starting_while_the_homeserver_cannot_be_reached() -> Result<()> {
    let address = free_address()?;
    let data = tempfile::tempdir()?;
    let mut config = entraide_tests::bot::config_for_homeserver(
        "http://127.0.0.1:9",
        "@entraide:localhost",
        data.path(),
    )?;
    config.http.listen = Some(address);
    let file = data.path().join("entraide.toml");
    write_config(&file, &config)?;
    let mut bot = tokio::process::Command::new(BINARY)
        .arg("--config")
        .arg(&file)
        .kill_on_drop(true)
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let health = health_once(address, 503).await?;
    ensure!(health["status"] == "starting", "{health}");
    ensure!(health["synced_seconds_ago"].is_null(), "{health}");
    let (_, _, text) = get(address, "/metrics").await?.context("the metrics")?;
    let samples = parse_openmetrics(&text).await?;
    ensure!(value(&samples, "entraide_serving", &[]) == Some(0.0), "{text}");
    bot.kill().await?;
    Ok(())
}

#[test]
fn test_the_systemd_unit_passes_systemd_analyze() -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let unit = std::fs::read_to_string(root.join("contrib/systemd/entraide.service"))?;
    // Checked against the binary just built, where the unit expects the installed one.
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("entraide.service");
    std::fs::write(&path, unit.replace("/usr/local/bin/entraide", BINARY))?;
    let verified = std::process::Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .context("systemd-analyze (the systemd package) is needed to check the unit")?;
    let said = String::from_utf8_lossy(&verified.stderr);
    // Without a running systemd, `verify` still checks the unit's syntax and options;
    // it cannot resolve the credentials' and users' runtime state.
    let problems: Vec<&str> = said
        .lines()
        .filter(|line| !line.contains("System has not been booted with systemd"))
        .filter(|line| !line.trim().is_empty())
        .collect();
    ensure!(verified.status.success() && problems.is_empty(), "{said}");
    Ok(())
}

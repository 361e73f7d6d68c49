//! `entraide rapport`, the real binary on a real store: the four files of a month, in
//! French and English, and what a wrong period or a missing store says. No homeserver:
//! the report reads the store alone.

use std::{path::Path, process::Command};

use anyhow::{Result, ensure};
use chrono::{Datelike, TimeDelta, Utc};
use entraide_commands::{Category, Lang, Reading, When};
use entraide_storage::{NewRequest, Request, Store};

/// A configuration for a bot whose data is in `dir`.
fn write_config(dir: &Path) -> Result<std::path::PathBuf> {
    let path = dir.join("entraide.toml");
    let text = format!(
        r#"
homeserver = "http://127.0.0.1:9"
user_id = "@entraide:localhost"
password = "unused-Kq9"
data_dir = "{}"
coordinators = ["@agent:localhost"]
[community]
name = "Saint-Martin"
timezone = "Europe/Paris"
"#,
        dir.join("data").display()
    );
    std::fs::write(&path, text)?;
    Ok(path)
}

/// Six requests for groceries posted an hour ago, five taken ten minutes later and done.
async fn fill(dir: &Path) -> Result<()> {
    let store = Store::open(&dir.join("data").join("store"))?;
    let none = |_: &Request| Vec::new();
    let posted = Utc::now() - TimeDelta::hours(1);
    for i in 0..6 {
        let new = NewRequest {
            requester: format!("@habitant{i}:localhost"),
            origin_room: "!quartier:localhost".to_owned(),
            neighbourhood: None,
            text: "des courses, 3 rue des Lilas".to_owned(),
            reading: Reading { category: Category::Groceries, when: When::Asap, on_behalf: None },
            lang: Lang::Fr,
            informs: false,
        };
        let (request, _) = store.create_request(new, &format!("$e{i}"), posted, none).await?;
        if i < 5 {
            let taken = posted + TimeDelta::minutes(10);
            store.claim(request.number, "@benevole:localhost", None, taken, none).await?;
            store.done(request.number, "@benevole:localhost", None, None, taken, none).await?;
        }
    }
    store.flush().await?;
    Ok(())
}

fn entraide(config: &Path, args: &[&str]) -> Result<std::process::Output> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_entraide"));
    command.arg("--config").arg(config).args(args).env("RUST_LOG", "error");
    Ok(command.output()?)
}

#[tokio::test]
async fn test_the_offline_report_writes_a_months_chart_table_and_summary() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let config = write_config(dir.path())?;
    fill(dir.path()).await?;
    // The requests were posted an hour ago: in this month or, just after midnight on the
    // first, in the last one; the Paris month of that instant.
    let posted = (Utc::now() - TimeDelta::hours(1)).with_timezone(&chrono_tz::Europe::Paris);
    let month = format!("{}-{:02}", posted.year(), posted.month());
    let out = dir.path().join("rapport");
    let output =
        entraide(&config, &["rapport", "--mois", &month, "--sortie", &out.to_string_lossy()])?;
    ensure!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stem = format!("chiffres-entraide-{month}");
    let listed = String::from_utf8(output.stdout)?;
    for extension in ["png", "svg", "csv", "md"] {
        let file = out.join(format!("{stem}.{extension}"));
        ensure!(file.exists(), "{} missing; printed: {listed}", file.display());
        ensure!(listed.contains(&file.display().to_string()), "{listed}");
    }
    let png = std::fs::read(out.join(format!("{stem}.png")))?;
    ensure!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let csv = std::fs::read_to_string(out.join(format!("{stem}.csv")))?;
    ensure!(csv.contains("\r\ndemandes;;6\r\n"), "{csv}");
    ensure!(csv.contains("\r\ndemandes par état;réalisée;5\r\n"), "{csv}");
    ensure!(csv.contains("\r\ndemandes par état;ouverte;< 5\r\n"), "{csv}");
    ensure!(!csv.contains("habitant") && !csv.contains("Lilas"), "{csv}");
    let summary = std::fs::read_to_string(out.join(format!("{stem}.md")))?;
    ensure!(summary.starts_with("# Entraide — Saint-Martin : rapport du 01/"), "{summary}");
    ensure!(summary.contains(&format!("![]({stem}.png)")), "{summary}");
    let svg = std::fs::read_to_string(out.join(format!("{stem}.svg")))?;
    ensure!(svg.contains("Délai avant"), "the SVG keeps French text");

    // In English, into the same folder.
    let output = entraide(
        &config,
        &["report", "--month", &month, "--out", &out.to_string_lossy(), "--lang", "en"],
    )?;
    ensure!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let csv = std::fs::read_to_string(out.join(format!("entraide-figures-{month}.csv")))?;
    ensure!(csv.starts_with("indicator,detail,value\r\n"), "{csv}");
    ensure!(csv.contains("\r\nrequests by state,done,5\r\n"), "{csv}");
    Ok(())
}

#[tokio::test]
async fn test_the_offline_report_refuses_a_period_not_begun_and_a_missing_store() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let config = write_config(dir.path())?;
    let out = dir.path().join("rapport");
    let out = out.to_string_lossy();
    // Nothing there yet.
    let output = entraide(&config, &["rapport", "--mois", "2026", "--sortie", &out])?;
    ensure!(!output.status.success(), "a report without a store");
    ensure!(String::from_utf8_lossy(&output.stderr).contains("no store"), "{output:?}");
    fill(dir.path()).await?;
    for period in ["2099-01", "bientôt"] {
        let output = entraide(&config, &["rapport", "--mois", period, "--sortie", &out])?;
        ensure!(output.status.code() == Some(2), "{period}: {output:?}");
        ensure!(String::from_utf8_lossy(&output.stderr).contains("--mois 2026-11"), "{output:?}");
    }
    ensure!(!Path::new(out.as_ref()).exists(), "nothing written");
    // A backup copy of the store, given explicitly, while the original is gone.
    let backup = dir.path().join("backup");
    std::fs::rename(dir.path().join("data").join("store"), &backup)?;
    let output = entraide(
        &config,
        &[
            "rapport",
            "--mois",
            "cette année",
            "--sortie",
            &out,
            "--magasin",
            &backup.to_string_lossy(),
        ],
    )?;
    ensure!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    Ok(())
}

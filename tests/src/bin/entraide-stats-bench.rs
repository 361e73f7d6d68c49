//! Measures the figures for the commune on a large store, in one run, and prints a table:
//! the time of `!stats` for a month and for a year (issue 9's target: ≤ 200 ms for a
//! year), of `!rapport`'s files, and of the offline `entraide rapport`. The store is
//! filled through the same transitions the bot makes: by default 100,000 requests over
//! three years in 5 communes. A benchmark, not a test: it asserts nothing. No Synapse.

// A benchmark's job is to print its table.
#![allow(clippy::print_stdout)]

use std::{
    path::Path,
    time::{Duration, Instant},
};

use anyhow::{Context as _, Result};
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use clap::Parser;
use entraide::{Config, report::offline::Order};
use entraide_commands::{Category, Lang, Period, Reading, Span, VolunteerStatus, When};
use entraide_storage::{NewRequest, Request, Step as FollowStep, Store};

#[derive(Debug, Parser)]
#[command(about = "The time of entraide's figures and report on a large store")]
struct Args {
    /// Requests in the store, spread over `--years`.
    #[arg(long, default_value_t = 100_000)]
    requests: u64,
    /// Years the requests span, up to today.
    #[arg(long, default_value_t = 3)]
    years: i64,
    /// Vetted volunteers.
    #[arg(long, default_value_t = 500)]
    volunteers: u64,
    /// Runs of each measure (the table shows the median).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Keep the filled store in this folder (and reuse it if it is there already).
    #[arg(long)]
    store: Option<std::path::PathBuf>,
}

/// Five communes of a territory, two neighbourhoods each.
const NEIGHBOURHOODS: [(&str, &str); 10] = [
    ("Centre", "Saint-Martin"),
    ("Les Tilleuls", "Saint-Martin"),
    ("Le Bourg", "Bléré"),
    ("La Gare", "Bléré"),
    ("Les Vignes", "Civray"),
    ("Le Moulin", "Civray"),
    ("La Croix", "Athée"),
    ("Les Prés", "Athée"),
    ("L'Église", "Chisseaux"),
    ("Le Port", "Chisseaux"),
];

/// The build profile, for the table's header.
const PROFILE: &str = if cfg!(debug_assertions) { "debug" } else { "release" };

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let config = config()?;
    let kept = args.store.clone();
    let scratch = tempfile::tempdir()?;
    let path = kept.unwrap_or_else(|| scratch.path().join("store"));
    let fresh = !path.join("db").exists();
    let store = Store::open(&path)?;
    let now = Utc::now();
    let seeding = Instant::now();
    if fresh {
        seed(&store, &args, now).await?;
    }
    let seeded = seeding.elapsed();
    let texts = entraide::load_texts(&config)?;
    let today = now.with_timezone(&config.timezone).date_naive();
    let month = Span::ThisMonth.resolve(today).context("this month")?;
    let year = Period {
        start: NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).context("a year")?,
        end: NaiveDate::from_ymd_opt(today.year(), 1, 1).context("a year")?,
    };
    let stats = |period: Period| -> Result<usize> {
        let report = entraide::report::Report {
            texts: &texts,
            lang: Lang::Fr,
            community: &config.community,
            period,
            tz: config.timezone,
            figures: entraide::report::figures(&store, &config, "!coordination:x", period, now)?
                .context("figures")?,
        };
        Ok(report.notice().plain.len())
    };
    let files = |period: Period| -> Result<usize> {
        let report = entraide::report::Report {
            texts: &texts,
            lang: Lang::Fr,
            community: &config.community,
            period,
            tz: config.timezone,
            figures: entraide::report::figures(&store, &config, "!coordination:x", period, now)?
                .context("figures")?,
        };
        Ok(report.notice().plain.len() + report.png()?.len() + report.csv().len())
    };
    let stats_month = median(args.runs, || stats(month))?;
    let stats_year = median(args.runs, || stats(year))?;
    let report_month = median(args.runs, || files(month))?;
    let report_year = median(args.runs, || files(year))?;
    store.flush().await?;
    let out = tempfile::tempdir()?;
    let offline = median(args.runs.min(3), || {
        let order = Order { period: month, lang: Lang::Fr, folder: out.path(), store: &path };
        Ok(entraide::report::offline::write(&config, &texts, &order, now)?.len())
    })?;
    let size = folder_size(&path)?;

    println!("## entraide figures benchmark ({PROFILE} build)");
    println!();
    println!(
        "Store: {} requests over {} years in 5 communes, {} volunteers, {:.0} MiB on disk{}.",
        args.requests,
        args.years,
        args.volunteers,
        mebibytes(size),
        if fresh { format!(", filled in {:.0} s", seeded.as_secs_f64()) } else { String::new() }
    );
    println!();
    println!("| measure (median of {} runs) | time | target |", args.runs);
    println!("|---|---|---|");
    println!("| `!stats` this month ({}) | {} | |", month.start.format("%Y-%m"), ms(stats_month));
    println!("| `!stats` a year ({}) | {} | ≤ 200 ms |", year.start.year(), ms(stats_year));
    println!("| `!rapport` this month: figures, PNG, CSV | {} | |", ms(report_month));
    println!("| `!rapport` a year: figures, PNG, CSV | {} | |", ms(report_year));
    println!(
        "| `entraide rapport` this month (store copied, PNG, SVG, CSV, Markdown) | {} | |",
        ms(offline)
    );
    Ok(())
}

/// The bench's commune, with its neighbourhoods placed in communes.
fn config() -> Result<Config> {
    let mut text = String::from(
        r#"
        homeserver = "http://127.0.0.1:8008"
        user_id = "@entraide:localhost"
        password = "unused"
        data_dir = "unused"
        coordinators = ["@agent:localhost"]
        [community]
        name = "Communauté de communes du Val"
        "#,
    );
    for (i, (name, commune)) in NEIGHBOURHOODS.iter().enumerate() {
        text.push_str(&format!(
            "[[neighbourhoods]]\nroom = \"#q{i}:localhost\"\nname = \"{name}\"\ncommune = \"{commune}\"\n"
        ));
    }
    Ok(Config::parse(&text, Path::new("bench.toml"))?)
}

/// A step of a seeded request's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Post,
    Claim,
    Done,
    Cancel,
    Expire,
}

/// Fills `store` as the bot would have over the years up to `now`: vetted volunteers,
/// then requests evenly spread, in the order things happened (the log is in time order,
/// as the bot writes it) — most taken after minutes to days and done three hours later,
/// some cancelled, a few expired after three days.
async fn seed(store: &Store, args: &Args, now: DateTime<Utc>) -> Result<()> {
    for v in 0..args.volunteers {
        let user = format!("@benevole{v}:localhost");
        store
            .set_volunteer_status(
                &user,
                VolunteerStatus::Vetted,
                "@agent:localhost",
                None,
                false,
                now,
            )
            .await?;
    }
    let span = TimeDelta::days(365 * args.years);
    let step = span / i32::try_from(args.requests.max(1))?;
    let start = now - span - TimeDelta::days(4);
    let mut steps = Vec::new();
    for i in 0..args.requests {
        let posted = start + step * i32::try_from(i)?;
        let taken = posted + TimeDelta::minutes(i64::try_from(i % 4000)?);
        steps.push((posted, Step::Post, i));
        match i % 20 {
            0 => steps.push((posted + TimeDelta::days(3), Step::Expire, i)),
            1 => steps.push((taken, Step::Cancel, i)),
            2 => steps.push((taken, Step::Claim, i)),
            _ => {
                steps.push((taken, Step::Claim, i));
                steps.push((taken + TimeDelta::hours(3), Step::Done, i));
            }
        }
    }
    steps.sort();
    let no_effects = |_: &Request| Vec::new();
    for (at, step, i) in steps {
        // A fresh store numbers requests in the order they are posted, from 1.
        let number = i + 1;
        let volunteer = format!("@benevole{}:localhost", i % args.volunteers.max(1));
        let requester = format!("@habitant{}:localhost", i % 3000);
        match step {
            Step::Post => {
                let (neighbourhood, _) = NEIGHBOURHOODS[usize::try_from(i % 10)?];
                let category = Category::ALL[usize::try_from((i / 10) % 8)?];
                let new = NewRequest {
                    requester,
                    origin_room: format!("!q{}:localhost", i % 10),
                    neighbourhood: Some(neighbourhood.to_owned()),
                    text: format!("demande ancienne {i}"),
                    reading: Reading { category, when: When::Asap, on_behalf: None },
                    lang: Lang::Fr,
                    informs: false,
                };
                let event = format!("$seed-{i}:localhost");
                store.create_request(new, &event, at, no_effects).await?;
            }
            Step::Claim => {
                store.claim(number, &volunteer, None, at, no_effects).await?;
            }
            Step::Done => {
                store.done(number, &volunteer, None, None, at, no_effects).await?;
            }
            Step::Cancel => {
                store.cancel(number, &requester, false, None, at, no_effects).await?;
            }
            Step::Expire => {
                store.follow_up(number, FollowStep::Expire, at, no_effects).await?;
            }
        }
    }
    Ok(())
}

/// The median time of `runs` runs of `measure`.
fn median(runs: usize, mut measure: impl FnMut() -> Result<usize>) -> Result<Duration> {
    let mut times = Vec::new();
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        std::hint::black_box(measure()?);
        times.push(started.elapsed());
    }
    times.sort();
    Ok(times[times.len() / 2])
}

fn folder_size(path: &Path) -> Result<u64> {
    let mut size = 0;
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        size += if entry.file_type()?.is_dir() {
            folder_size(&entry.path())?
        } else {
            entry.metadata()?.len()
        };
    }
    Ok(size)
}

fn mebibytes(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

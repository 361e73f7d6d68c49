//! End-to-end harness for entraide: a real Synapse on loopback and the people
//! who talk to the bot through it.
//!
//! # Layout
//!
//! - [`synapse`]: [`Synapse`], a throwaway homeserver started from the pinned
//!   install in `.synapse-venv` (installed on first use by
//!   `scripts/install-synapse.sh`), killed when dropped; its rate limits
//!   relaxed or Synapse's defaults ([`Limits`]); a test can stop it and start
//!   it again on the same port and database.
//! - [`person`]: [`Person`], a logged-in, end-to-end-encrypting client that
//!   syncs in the background and records every message and reaction it sees;
//!   [`wait_until`], the one polling helper every wait goes through.
//! - [`bot`]: the bot under test, run in this process ([`bot::RunningBot`]).
//! - [`crowd`]: residents who all post at once, what they get and how long it takes.
//! - [`process`]: the bot under test as a separate OS process, the `entraide` binary
//!   ([`process::BotProcess`]), which a test can kill with SIGKILL and start again.
//! - [`texts`]: what the bot is expected to say, from its own catalogue.
//! - [`world`]: a scenario's starting point ([`world::World`]): Synapse, a
//!   coordinator, the bot and its rooms, a neighbourhood room.
//!
//! Scenarios live in `tests/tests/`; each test starts its own [`Synapse`], so
//! tests of one binary run side by side without sharing accounts or rooms.

pub mod bot;
pub mod crowd;
pub mod operator;
pub mod person;
pub mod process;
pub mod synapse;
pub mod texts;
pub mod world;

pub use person::{Person, Seen, SeenReaction, unique_suffix, wait_until};
pub use synapse::{Limits, Synapse};
pub use texts::Texts;

/// Sends `tracing` output to the test's captured output, filtered by
/// `RUST_LOG` (nothing by default). Safe to call from every test.
pub fn init_tracing() {
    // A second call in the same process fails because a subscriber is
    // already set; that one is as good as ours.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
}

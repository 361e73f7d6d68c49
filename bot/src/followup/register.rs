//! Reminding the coordinators of registrations to acknowledge (R121-6: within eight days
//! of the request), once each, two days before it is late. The reminder names the entry's
//! number and the date, no more: it goes to the coordination room whoever is in it.

use chrono::TimeDelta;
use entraide_commands::Key;
use entraide_storage::{Registration, Shape, TransitionError};
use tracing::{error, info};

use crate::{bot::Bot, effects::plan};

/// How long before the acknowledgement is due the coordinators are reminded.
pub const REMIND_BEFORE: TimeDelta = TimeDelta::days(2);

/// Reminds the coordinators of every acknowledgement due soon and not yet recorded.
pub async fn remind(bot: &Bot) {
    let now = bot.now();
    let due = bot.store.entries_where(|entry| {
        entry.acknowledged.is_none()
            && !entry.reminded
            && now >= entry.acknowledge_by() - REMIND_BEFORE
    });
    let due = match due {
        Ok(due) => due,
        Err(error) => {
            error!(%error, "cannot read the register for the acknowledgements due");
            return;
        }
    };
    let lang = bot.config.language;
    for entry in due {
        let number = entry.number.to_string();
        let date = bot.day(entry.acknowledge_by());
        let args = [("number", number.as_str()), ("date", date.as_str())];
        let message = bot.texts.render(lang, Key::AcknowledgeReminder, &args);
        let change = |entry: &mut Registration| {
            if entry.reminded || entry.acknowledged.is_some() {
                return Err(TransitionError::EntryUnchanged(entry.number));
            }
            entry.reminded = true;
            Ok(())
        };
        let coordination = &bot.rooms.coordination;
        let owed = |_: &Registration| {
            vec![plan::notice_in(coordination, message.clone(), Shape::New, None)]
        };
        match bot.store.change_entry(entry.number, "bot", None, None, now, change, owed).await {
            Ok((_, queued)) => {
                info!(entry = entry.number, "coordinators reminded of an acknowledgement");
                bot.outbox.journalled(queued);
            }
            Err(TransitionError::EntryUnchanged(_) | TransitionError::NoSuchEntry(_)) => {}
            Err(error) => {
                error!(entry = entry.number, %error, "cannot remind of an acknowledgement")
            }
        }
    }
}

//! `!demandes` / `!requests`: a coordinator's list of open and claimed requests.

use entraide_commands::{Key, Message};
use entraide_storage::State;

use super::Ctx;
use crate::{bot::Bot, failure::Failure};

/// Lists active requests, oldest first, with who holds them and since when.
pub async fn apply(bot: &Bot, ctx: &Ctx) -> Result<(), Failure> {
    let (texts, lang) = (&bot.texts, ctx.lang);
    let active = bot.store.active_requests()?;
    let message = if active.is_empty() {
        texts.render(lang, Key::RequestsEmpty, &[])
    } else {
        let now = bot.now();
        let count = active.len().to_string();
        let mut lines = vec![texts.render(lang, Key::RequestsHeader, &[("count", &count)])];
        for request in &active {
            let (key, since, mut extra) = match &request.state {
                State::Claimed { volunteer, at } => {
                    (Key::RequestsLineClaimed, *at, vec![("volunteer", volunteer.clone())])
                }
                _ => (Key::RequestsLineOpen, request.created_at, Vec::new()),
            };
            extra.push(("age", texts.age(lang, (now - since).num_minutes())));
            lines.push(bot.about(request, lang, key, &extra));
        }
        Message::lines(lines)
    };
    ctx.answer(bot, &message, None);
    Ok(())
}

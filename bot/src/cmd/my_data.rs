//! `!mesdonnees` / `!mydata`: the person gets, in a direct chat, a file with everything
//! the bot keeps about them (GDPR Art. 15).

use entraide_commands::{CommandKind, Key, Place};
use entraide_storage::{Action, Effect, Lane};
use tracing::info;

use super::Ctx;
use crate::{failure::Failure, scheme::Scheme};

/// Owes the file (read from the store when it is sent, in a direct chat opened if need
/// be); elsewhere than that direct chat, says where it went.
pub async fn apply(scheme: &Scheme, ctx: &Ctx) -> Result<(), Failure> {
    let user = ctx.sender().as_str();
    let in_direct_chat = ctx.place == Place::Direct;
    // In the direct chat, the file follows what was said there; elsewhere, one lane per
    // person, so that two requests never open two direct chats.
    let lane = if in_direct_chat { Lane::room(&ctx.room) } else { Lane::Direct(user.to_string()) };
    let send = Effect {
        request: 0,
        lane,
        urgent: false,
        action: Action::SendData { user: user.to_owned(), lang: ctx.lang },
    };
    let mut owed = vec![send];
    if !in_direct_chat {
        owed.push(ctx.reply(scheme, &scheme.texts.render(ctx.lang, Key::MyDataSent, &[]), None));
    }
    let queued = scheme
        .store
        .owe(owed)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::MyData))?;
    info!("a person's data owed to them");
    scheme.outbox.journalled(queued);
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_commands::Lang;
    use entraide_storage::Lane;
    use entraide_storage::{Action, Target};

    use super::apply;
    use crate::cmd::desk::{DIRECT, Desk, Result, TILLEULS, is_notice_to};

    #[tokio::test]
    async fn in_the_direct_chat_the_file_is_owed_after_what_was_said_there_and_nothing_else()
    -> Result<()> {
        let mut desk = Desk::new().await?;
        apply(&desk.scheme, &desk.ctx(DIRECT, "@marie:x")?).await?;
        let owed = desk.owed();
        assert_eq!(owed.len(), 1, "{owed:?}");
        assert_eq!(owed[0].lane, Lane::room(DIRECT));
        assert_eq!(
            owed[0].action,
            Action::SendData { user: "@marie:x".to_owned(), lang: Lang::Fr }
        );
        assert_eq!(desk.scheme.store.pending_effects()?.len(), 1, "journalled");
        Ok(())
    }

    #[tokio::test]
    async fn elsewhere_the_file_goes_in_the_person_s_lane_and_the_answer_says_where() -> Result<()>
    {
        let mut desk = Desk::new().await?;
        apply(&desk.scheme, &desk.ctx_in(TILLEULS, "@bob:x", Lang::En)?).await?;
        let owed = desk.owed();
        assert_eq!(owed.len(), 2, "{owed:?}");
        assert_eq!(owed[0].lane, Lane::Direct("@bob:x".to_owned()));
        assert_eq!(owed[0].action, Action::SendData { user: "@bob:x".to_owned(), lang: Lang::En });
        assert!(is_notice_to(&owed[1], &Target::Id { id: TILLEULS.to_owned() }));
        assert_eq!(Desk::said(&owed), ["I have sent you your data in our direct chat."]);
        assert_eq!(desk.scheme.store.pending_effects()?.len(), 2, "both journalled");
        Ok(())
    }
}

//! The bot's own messages as its sync brings them back: the sign that the homeserver has
//! passed them on to the room's members. What follows a relay in its lane (the
//! requester's confirmation) waits for it, so that the homeserver and the machine are
//! busy with the relay, which volunteers wait for, rather than with a confirmation that
//! is only true once the relay is out.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Mutex, MutexGuard, PoisonError},
    time::Duration,
};

use matrix_sdk::ruma::{EventId, OwnedEventId};
use tokio::sync::oneshot;

/// How many echoes are remembered before anyone waits for them (an echo can come back
/// before the send that made it has returned).
const REMEMBERED: usize = 64;

/// The echoes of the bot's own messages, and who waits for them.
#[derive(Debug, Default)]
pub struct Echoes {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Echoes nobody waited for yet, oldest first.
    came: VecDeque<OwnedEventId>,
    waiting: HashMap<OwnedEventId, Vec<oneshot::Sender<()>>>,
}

impl Echoes {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Every change is one call: a panic elsewhere cannot leave it half done.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The bot's sync brought back its own `event`.
    pub fn came(&self, event: OwnedEventId) {
        let mut state = self.lock();
        match state.waiting.remove(&event) {
            Some(waiters) => {
                for waiter in waiters {
                    let _ = waiter.send(());
                }
            }
            None => {
                state.came.push_back(event);
                if state.came.len() > REMEMBERED {
                    state.came.pop_front();
                }
            }
        }
    }

    /// Waits until the bot's sync brings back `event`, at most `at_most` (a sync that
    /// fails or lags must not hold what follows for long). Returns whether it came.
    pub async fn wait(&self, event: &EventId, at_most: Duration) -> bool {
        let came = {
            let mut state = self.lock();
            if let Some(at) = state.came.iter().position(|came| came == event) {
                state.came.remove(at);
                return true;
            }
            let (told, came) = oneshot::channel();
            state.waiting.entry(event.to_owned()).or_default().push(told);
            came
        };
        match tokio::time::timeout(at_most, came).await {
            Ok(came) => came.is_ok(),
            Err(_) => {
                self.lock().waiting.remove(event);
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::{sync::Arc, time::Duration};

    use matrix_sdk::ruma::{OwnedEventId, owned_event_id};

    use super::{Echoes, REMEMBERED};

    const LONG: Duration = Duration::from_secs(60);

    #[tokio::test]
    async fn an_echo_that_came_first_is_not_waited_for() {
        let echoes = Echoes::default();
        echoes.came(owned_event_id!("$relay"));
        assert!(echoes.wait(&owned_event_id!("$relay"), LONG).await);
    }

    #[tokio::test]
    async fn a_waiter_is_told_when_the_echo_comes() {
        let echoes = Arc::new(Echoes::default());
        let waiting = tokio::spawn({
            let echoes = echoes.clone();
            async move { echoes.wait(&owned_event_id!("$relay"), LONG).await }
        });
        // Until the waiter is registered, the echo would be remembered instead: both work.
        tokio::task::yield_now().await;
        echoes.came(owned_event_id!("$other"));
        echoes.came(owned_event_id!("$relay"));
        assert!(waiting.await.expect("the waiter ends"));
    }

    #[tokio::test]
    async fn an_echo_that_never_comes_stops_holding_after_the_wait() {
        let echoes = Echoes::default();
        assert!(!echoes.wait(&owned_event_id!("$lost"), Duration::from_millis(10)).await);
        assert!(echoes.lock().waiting.is_empty());
    }

    #[tokio::test]
    async fn only_the_latest_echoes_are_remembered() {
        let echoes = Echoes::default();
        let ids: Vec<OwnedEventId> = (0..=REMEMBERED)
            .map(|i| OwnedEventId::try_from(format!("$e{i}")).expect("a valid event id"))
            .collect();
        for id in &ids {
            echoes.came(id.clone());
        }
        assert_eq!(echoes.lock().came.len(), REMEMBERED);
        assert!(!echoes.lock().came.contains(&ids[0]));
        assert!(echoes.wait(&ids[REMEMBERED], LONG).await);
    }
}

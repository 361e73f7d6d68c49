//! What each transition owes, as [`Effect`]s to journal with it. Pure: no I/O.

use entraide_commands::{Key, Message};
use entraide_storage::{Action, Effect, Lane, Quote, Request, Root, Shape, Target};
use matrix_sdk::ruma::RoomId;

use crate::{matrix::ReplyTo, scheme::Scheme};

/// A person's message a notice answers, as stored.
pub fn quote(to: &ReplyTo) -> Quote {
    Quote { event: to.event.to_string(), sender: to.sender.to_string() }
}

/// The lane of the volunteers room.
pub fn volunteers_lane(scheme: &Scheme) -> Lane {
    Lane::room(&scheme.rooms.volunteers)
}

/// The relay of an open request.
pub fn relay(scheme: &Scheme, request: &Request) -> Effect {
    Effect {
        request: request.number,
        lane: volunteers_lane(scheme),
        urgent: true,
        action: Action::Relay,
    }
}

/// The request's relay as it is now replaced by the status line `key`.
pub fn retire_relay(scheme: &Scheme, request: &Request, key: Key) -> Effect {
    Effect {
        request: request.number,
        lane: volunteers_lane(scheme),
        urgent: false,
        action: Action::RetireRelay { key, relay: request.relay_event.clone() },
    }
}

/// A notice for `user` in their direct chat with the bot (opened if need be), after
/// what that chat already waits for.
pub fn direct(user: &str, message: Message) -> Effect {
    Effect {
        request: 0,
        lane: Lane::Direct(user.to_owned()),
        urgent: false,
        action: Action::Notice {
            to: Target::Direct { user: user.to_owned() },
            message,
            shape: Shape::New,
            mention: None,
        },
    }
}

/// A notice in a given room, about no request in particular.
pub fn notice_in(room: &RoomId, message: Message, shape: Shape, mention: Option<&str>) -> Effect {
    Effect {
        request: 0,
        lane: Lane::room(room),
        urgent: true,
        action: Action::Notice {
            to: Target::Id { id: room.to_string() },
            message,
            shape,
            mention: mention.map(str::to_owned),
        },
    }
}

/// Tells `to` something about `request` in its relay's thread, mentioning them, in
/// `lane` (the volunteers room's, or the private room's for what waits for it).
pub fn to_relay_thread(
    request: &Request,
    message: &Message,
    to: &str,
    urgent: bool,
    lane: Lane,
) -> Effect {
    Effect {
        request: request.number,
        lane,
        urgent,
        action: Action::Notice {
            to: Target::Volunteers,
            message: message.clone(),
            shape: Shape::Thread { root: Root::Relay, to: None },
            mention: Some(to.to_owned()),
        },
    }
}

/// What a claim owes after the winner is told: the private room, the intro there, the
/// requester told, the relay retired. All in the private room's lane: if the room cannot
/// be made, none of the rest happens.
pub fn private_room(scheme: &Scheme, request: &Request, volunteer: &str) -> Vec<Effect> {
    let number = request.number.to_string();
    let told = scheme.texts.render(request.lang, Key::RequesterTold, &[("number", &number)]);
    let told = Effect {
        request: request.number,
        lane: Lane::Private,
        urgent: true,
        action: Action::Notice {
            to: Target::Requester { asked_in: request.origin_room.clone() },
            message: told,
            shape: Shape::New,
            mention: Some(request.requester.clone()),
        },
    };
    private_room_telling(request, volunteer, told)
}

/// [`private_room`], with `told` (in the private room's lane) telling the requester.
pub fn private_room_telling(request: &Request, volunteer: &str, told: Effect) -> Vec<Effect> {
    let in_lane =
        |urgent, action| Effect { request: request.number, lane: Lane::Private, urgent, action };
    vec![
        in_lane(true, Action::PrivateRoom { volunteer: volunteer.to_owned() }),
        in_lane(true, Action::Intro { volunteer: volunteer.to_owned() }),
        told,
        // The relay claimed: after a release, the request is relayed anew and this one
        // keeps saying it was taken.
        in_lane(
            false,
            Action::RetireRelay { key: Key::RelayTaken, relay: request.relay_event.clone() },
        ),
    ]
}

/// What a release owes: the requester told in the private room that ended (as a reply to
/// the volunteer's `!lacher` when it was written there), the volunteer out of it, the
/// request relayed again.
pub fn release(
    scheme: &Scheme,
    request: &Request,
    old_room: Option<&str>,
    volunteer: &str,
    command: Option<&ReplyTo>,
) -> Vec<Effect> {
    let mut owed = Vec::new();
    if let Some(room) = old_room {
        let number = request.number.to_string();
        let message =
            scheme.texts.render(request.lang, Key::ReleasedPrivate, &[("number", &number)]);
        let shape = command.map_or(Shape::New, |to| Shape::Reply { to: quote(to) });
        let in_room = |action| Effect {
            request: request.number,
            lane: Lane::room(room),
            urgent: true,
            action,
        };
        owed.push(in_room(Action::Notice {
            to: Target::Id { id: room.to_owned() },
            message,
            shape,
            mention: None,
        }));
        owed.push(in_room(Action::Remove { room: room.to_owned(), user: volunteer.to_owned() }));
    }
    // Relayed anew; the relay claimed says it was given back.
    owed.push(relay(scheme, request));
    owed.push(retire_relay(scheme, request, Key::RelayReleased));
    owed
}

/// What closing owes: the private room told (unless `tell_private` is `None`: the
/// command was written there and its answer says it), the relay retired with `relay_key`.
pub fn close(
    scheme: &Scheme,
    request: &Request,
    relay_key: Key,
    tell_private: Option<&Message>,
) -> Vec<Effect> {
    let mut owed = Vec::new();
    if let (Some(message), Some(room)) = (tell_private, &request.private_room) {
        owed.push(Effect {
            request: request.number,
            lane: Lane::room(room),
            urgent: true,
            action: Action::Notice {
                to: Target::Id { id: room.clone() },
                message: message.clone(),
                shape: Shape::New,
                mention: None,
            },
        });
    }
    owed.push(retire_relay(scheme, request, relay_key));
    owed.extend(retire_posts(request, Key::OfferPostClosed));
    owed
}

/// An offer's post in `room`.
pub fn post_offer(request: &Request, room: &str) -> Effect {
    Effect {
        request: request.number,
        lane: Lane::room(room),
        urgent: true,
        action: Action::PostOffer { room: room.to_owned() },
    }
}

/// The offer's posts sent so far, retired with the status line `key`; none once they
/// were (a taken offer's posts are retired when it is taken).
pub fn retire_posts(request: &Request, key: Key) -> Vec<Effect> {
    request
        .posts
        .iter()
        .filter_map(|post| {
            let event = post.event.clone()?;
            Some(Effect {
                request: request.number,
                lane: Lane::room(&post.room),
                urgent: false,
                action: Action::RetirePost { room: post.room.clone(), event, key },
            })
        })
        .collect()
}

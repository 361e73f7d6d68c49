//! Who may use which command, and where.
//!
//! These rules look only at the person's roles and the kind of room. Rules that depend
//! on a request's state (who holds it, who asked) are enforced by the store's atomic
//! transitions, so that a check and its change can never be separated.

use crate::{
    command::CommandKind,
    table::{RoomType, Who},
};

/// Where a volunteer stands with the scheme.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum VolunteerStatus {
    /// Not (yet) vetted by a coordinator.
    #[default]
    Unvetted,
    /// Met in person, signed the charter: may claim requests.
    Vetted,
    /// Banned by a coordinator: may no longer claim.
    Banned,
}

/// What the bot knows of a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Roles {
    /// Named as a coordinator in the configuration.
    pub coordinator: bool,
    /// Their standing as a volunteer.
    pub volunteer: VolunteerStatus,
}

/// The room a command was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Place {
    /// A neighbourhood room, where residents post.
    Neighbourhood,
    /// A direct chat between one person and the bot.
    Direct,
    /// The room of vetted volunteers.
    Volunteers,
    /// The coordinators' room.
    Coordination,
    /// The private room of one request.
    Private {
        /// The request the room is for.
        request: u64,
    },
    /// A room the bot is in but does not manage.
    Other,
}

impl Place {
    /// The kind of room, as the command table names it.
    pub fn room_type(self) -> RoomType {
        match self {
            Place::Neighbourhood => RoomType::Neighbourhood,
            Place::Direct => RoomType::Direct,
            Place::Volunteers => RoomType::Volunteers,
            Place::Coordination => RoomType::Coordination,
            Place::Private { .. } => RoomType::Private,
            Place::Other => RoomType::Other,
        }
    }
}

/// Why a command is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Only vetted volunteers may do this.
    #[error("not a vetted volunteer")]
    NotVetted,
    /// The person is banned from volunteering.
    #[error("banned")]
    Banned,
    /// Only coordinators may do this.
    #[error("not a coordinator")]
    NotCoordinator,
    /// The command is not used in this kind of room.
    #[error("wrong room for {0:?}")]
    WrongPlace(CommandKind),
}

/// Decides whether a person with `roles` may use `kind` in `place`, from the command
/// table's `rooms` and `who`.
pub fn check(kind: CommandKind, roles: Roles, place: Place) -> Result<(), Refusal> {
    let spec = kind.spec();
    if !spec.rooms.contains(&place.room_type()) {
        return Err(Refusal::WrongPlace(kind));
    }
    // The coordination room is the coordinators' desk: someone else who ended up there
    // may ask for help and how their data is used, nothing more.
    // The rights on one's data (see, erase) too.
    let for_anyone = matches!(
        kind,
        CommandKind::Help | CommandKind::Privacy | CommandKind::MyData | CommandKind::ForgetMe
    );
    if place == Place::Coordination && !roles.coordinator && !for_anyone {
        return Err(Refusal::NotCoordinator);
    }
    match spec.who {
        Who::Anyone => Ok(()),
        Who::Volunteer => match roles.volunteer {
            VolunteerStatus::Vetted => Ok(()),
            VolunteerStatus::Banned => Err(Refusal::Banned),
            VolunteerStatus::Unvetted => Err(Refusal::NotVetted),
        },
        Who::Coordinator if roles.coordinator => Ok(()),
        Who::Coordinator => Err(Refusal::NotCoordinator),
    }
}

/// The commands a person may use in `place`, in help order.
pub fn allowed(roles: Roles, place: Place) -> Vec<CommandKind> {
    CommandKind::all().filter(|kind| check(*kind, roles, place).is_ok()).collect()
}

/// The request a command is about: the number given, or the room's own request when the
/// command is written in a private room.
pub fn request_number(given: Option<u64>, place: Place) -> Option<u64> {
    match (given, place) {
        (Some(number), _) => Some(number),
        (None, Place::Private { request }) => Some(request),
        (None, _) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESIDENT: Roles = Roles { coordinator: false, volunteer: VolunteerStatus::Unvetted };
    const VOLUNTEER: Roles = Roles { coordinator: false, volunteer: VolunteerStatus::Vetted };
    const BANNED: Roles = Roles { coordinator: false, volunteer: VolunteerStatus::Banned };
    const COORDINATOR: Roles = Roles { coordinator: true, volunteer: VolunteerStatus::Unvetted };
    /// What anyone may use anywhere: help, and the rights on one's data.
    const PERSONAL: [CommandKind; 4] =
        [CommandKind::Privacy, CommandKind::MyData, CommandKind::ForgetMe, CommandKind::Help];
    const PLACES: [Place; 6] = [
        Place::Neighbourhood,
        Place::Direct,
        Place::Volunteers,
        Place::Coordination,
        Place::Private { request: 1 },
        Place::Other,
    ];

    #[test]
    fn anyone_may_ask_in_a_neighbourhood_room_or_a_direct_chat() {
        for roles in [RESIDENT, VOLUNTEER, BANNED, COORDINATOR] {
            assert_eq!(check(CommandKind::Request, roles, Place::Neighbourhood), Ok(()));
            assert_eq!(check(CommandKind::Request, roles, Place::Direct), Ok(()));
            assert_eq!(
                check(CommandKind::Request, roles, Place::Volunteers),
                Err(Refusal::WrongPlace(CommandKind::Request))
            );
        }
        // Coordinators post for people who phoned in.
        assert_eq!(check(CommandKind::Request, COORDINATOR, Place::Coordination), Ok(()));
        assert_eq!(
            check(CommandKind::Request, RESIDENT, Place::Coordination),
            Err(Refusal::NotCoordinator)
        );
    }

    #[test]
    fn only_vetted_volunteers_claim() {
        assert_eq!(check(CommandKind::Take, VOLUNTEER, Place::Volunteers), Ok(()));
        assert_eq!(check(CommandKind::Take, RESIDENT, Place::Volunteers), Err(Refusal::NotVetted));
        assert_eq!(check(CommandKind::Take, BANNED, Place::Volunteers), Err(Refusal::Banned));
        assert_eq!(check(CommandKind::Take, COORDINATOR, Place::Direct), Err(Refusal::NotVetted));
        assert_eq!(
            check(CommandKind::Take, VOLUNTEER, Place::Neighbourhood),
            Err(Refusal::WrongPlace(CommandKind::Take))
        );
    }

    #[test]
    fn only_coordinators_vet_ban_and_list() {
        for kind in [
            CommandKind::Vet,
            CommandKind::Ban,
            CommandKind::Unvet,
            CommandKind::Unban,
            CommandKind::Volunteers,
            CommandKind::Journal,
            CommandKind::Check,
            CommandKind::Version,
            CommandKind::Requests,
            CommandKind::Assign,
            CommandKind::Stop,
            CommandKind::Block,
            CommandKind::Unblock,
            CommandKind::Show,
            CommandKind::Stats,
            CommandKind::Report,
        ] {
            assert_eq!(check(kind, COORDINATOR, Place::Coordination), Ok(()));
            assert_eq!(check(kind, COORDINATOR, Place::Direct), Ok(()));
            for roles in [RESIDENT, VOLUNTEER, BANNED] {
                assert_eq!(check(kind, roles, Place::Coordination), Err(Refusal::NotCoordinator));
                assert_eq!(check(kind, roles, Place::Direct), Err(Refusal::NotCoordinator));
            }
            // The list of requests never shows in a public room.
            assert_eq!(
                check(kind, COORDINATOR, Place::Neighbourhood),
                Err(Refusal::WrongPlace(kind))
            );
        }
    }

    #[test]
    fn breaks_and_areas_are_for_vetted_volunteers_the_charter_for_anyone() {
        for kind in [CommandKind::Pause, CommandKind::Back, CommandKind::Areas, CommandKind::Offer]
        {
            assert_eq!(check(kind, VOLUNTEER, Place::Direct), Ok(()));
            assert_eq!(check(kind, VOLUNTEER, Place::Volunteers), Ok(()));
            assert_eq!(check(kind, RESIDENT, Place::Direct), Err(Refusal::NotVetted));
            assert_eq!(check(kind, BANNED, Place::Direct), Err(Refusal::Banned));
            assert_eq!(
                check(kind, VOLUNTEER, Place::Neighbourhood),
                Err(Refusal::WrongPlace(kind))
            );
        }
        for kind in [CommandKind::Charter, CommandKind::Accept] {
            for roles in [RESIDENT, VOLUNTEER, COORDINATOR] {
                assert_eq!(check(kind, roles, Place::Direct), Ok(()));
                assert_eq!(check(kind, roles, Place::Neighbourhood), Ok(()));
            }
            assert_eq!(
                check(kind, RESIDENT, Place::Private { request: 3 }),
                Err(Refusal::WrongPlace(kind))
            );
        }
    }

    #[test]
    fn offers_are_taken_up_where_they_are_posted() {
        for roles in [RESIDENT, VOLUNTEER, COORDINATOR] {
            assert_eq!(check(CommandKind::Yes, roles, Place::Neighbourhood), Ok(()));
            assert_eq!(check(CommandKind::Yes, roles, Place::Direct), Ok(()));
        }
        assert_eq!(
            check(CommandKind::Yes, VOLUNTEER, Place::Volunteers),
            Err(Refusal::WrongPlace(CommandKind::Yes))
        );
    }

    #[test]
    fn help_is_for_everyone_everywhere() {
        for place in PLACES {
            for roles in [RESIDENT, VOLUNTEER, BANNED, COORDINATOR] {
                assert_eq!(check(CommandKind::Help, roles, place), Ok(()));
            }
        }
    }

    #[test]
    fn unmanaged_rooms_allow_nothing_but_help() {
        for roles in [RESIDENT, VOLUNTEER, COORDINATOR] {
            assert_eq!(allowed(roles, Place::Other), PERSONAL.to_vec());
        }
    }

    #[test]
    fn help_lists_what_each_person_may_use_here() {
        assert_eq!(
            allowed(RESIDENT, Place::Neighbourhood),
            vec![
                CommandKind::Request,
                CommandKind::Cancel,
                CommandKind::Feedback,
                CommandKind::Yes,
                CommandKind::Charter,
                CommandKind::Accept,
                CommandKind::Privacy,
                CommandKind::MyData,
                CommandKind::ForgetMe,
                CommandKind::Help
            ]
        );
        assert_eq!(
            allowed(VOLUNTEER, Place::Volunteers),
            vec![
                CommandKind::Take,
                CommandKind::Release,
                CommandKind::Done,
                CommandKind::Cancel,
                CommandKind::Charter,
                CommandKind::Accept,
                CommandKind::Pause,
                CommandKind::Back,
                CommandKind::Areas,
                CommandKind::Offer,
                CommandKind::Privacy,
                CommandKind::MyData,
                CommandKind::ForgetMe,
                CommandKind::Help
            ]
        );
        assert_eq!(
            allowed(COORDINATOR, Place::Coordination),
            vec![
                CommandKind::Request,
                CommandKind::For,
                CommandKind::Cancel,
                CommandKind::Vet,
                CommandKind::Ban,
                CommandKind::Unvet,
                CommandKind::Unban,
                CommandKind::Volunteers,
                CommandKind::Journal,
                CommandKind::Check,
                CommandKind::Version,
                CommandKind::Requests,
                CommandKind::Privacy,
                CommandKind::MyData,
                CommandKind::ForgetMe,
                CommandKind::Erase,
                CommandKind::Assign,
                CommandKind::Stop,
                CommandKind::Block,
                CommandKind::Unblock,
                CommandKind::Show,
                CommandKind::Stats,
                CommandKind::Report,
                CommandKind::Enrol,
                CommandKind::Amend,
                CommandKind::Acknowledge,
                CommandKind::ConfirmEntry,
                CommandKind::Unenrol,
                CommandKind::Registry,
                CommandKind::Caller,
                CommandKind::Campaign,
                CommandKind::Call,
                CommandKind::Help
            ]
        );
    }

    #[test]
    fn the_coordination_room_serves_coordinators_only() {
        for kind in CommandKind::all().filter(|k| !PERSONAL.contains(k)) {
            for roles in [RESIDENT, VOLUNTEER, BANNED] {
                assert!(check(kind, roles, Place::Coordination).is_err(), "{kind:?}");
            }
        }
    }

    #[test]
    fn volunteers_give_back_and_close_in_the_private_room() {
        for kind in [CommandKind::Release, CommandKind::Done, CommandKind::Cancel] {
            assert_eq!(check(kind, VOLUNTEER, Place::Private { request: 3 }), Ok(()));
        }
        assert_eq!(
            check(CommandKind::Release, RESIDENT, Place::Private { request: 3 }),
            Err(Refusal::NotVetted)
        );
    }

    #[test]
    fn the_private_room_implies_its_request() {
        assert_eq!(request_number(None, Place::Private { request: 7 }), Some(7));
        assert_eq!(request_number(Some(3), Place::Private { request: 7 }), Some(3));
        assert_eq!(request_number(None, Place::Volunteers), None);
    }
}

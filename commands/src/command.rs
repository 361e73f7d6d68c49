//! What a person asks for: a [`Command`] with its arguments, and its [`CommandKind`].
//!
//! A leaf: it names the commands and imports none of the modules that read them
//! ([`crate::parse`], [`crate::args`]) or describe them ([`crate::table`]).

use ruma_common::OwnedUserId;

use crate::{period::Span, profile::ProfileAnswer};

/// A command without its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommandKind {
    /// `!demande` / `!request`
    Request,
    /// `!pour` / `!for`
    For,
    /// `!prendre` / `!take`
    Take,
    /// `!lacher` / `!release`
    Release,
    /// `!fait` / `!done`
    Done,
    /// `!annuler` / `!cancel`
    Cancel,
    /// `!avis` / `!feedback`
    Feedback,
    /// `!oui` / `!yes`
    Yes,
    /// `!benevole` / `!volunteer`
    Charter,
    /// `!accepte` / `!accept`
    Accept,
    /// `!pause` / `!break`
    Pause,
    /// `!dispo` / `!available`
    Back,
    /// `!quartiers` / `!areas`
    Areas,
    /// `!propose` / `!offer`
    Offer,
    /// `!valider` / `!vet`
    Vet,
    /// `!bannir` / `!ban`
    Ban,
    /// `!retirer` / `!unvet`
    Unvet,
    /// `!debannir` / `!unban`
    Unban,
    /// `!benevoles` / `!volunteers`
    Volunteers,
    /// `!journal` / `!log`
    Journal,
    /// `!verifier` / `!check`
    Check,
    /// `!version` / `!apropos` / `!about`
    Version,
    /// `!demandes` / `!requests`
    Requests,
    /// `!confidentialite` / `!privacy`
    Privacy,
    /// `!mesdonnees` / `!mydata`
    MyData,
    /// `!oubliemoi` / `!forgetme`
    ForgetMe,
    /// `!effacer` / `!erase`
    Erase,
    /// `!attribuer` / `!assign`
    Assign,
    /// `!arreter` / `!stop`
    Stop,
    /// `!bloquer` / `!block`
    Block,
    /// `!debloquer` / `!unblock`
    Unblock,
    /// `!fiche` / `!show`, or `!demande <n>` / `!request <n>`
    Show,
    /// `!stats` / `!figures`
    Stats,
    /// `!rapport` / `!report`
    Report,
    /// `!profil` / `!profile`
    Profile,
    /// `!aide` / `!help`
    Help,
}

/// A command a person typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Posts a request for help.
    Request {
        /// The free text, trimmed.
        text: String,
    },
    /// A coordinator posts a request for someone who phoned.
    For {
        /// The free text, trimmed.
        text: String,
    },
    /// Claims an open request.
    Take {
        /// The request number.
        number: u64,
    },
    /// Gives a claimed request back.
    Release {
        /// The request number; implied in its private room.
        number: Option<u64>,
    },
    /// Closes a claimed request as done.
    Done {
        /// The request number; implied in its private room.
        number: Option<u64>,
        /// A short note on how it went.
        note: Option<String>,
    },
    /// The person who asked says how it went.
    Feedback {
        /// The request number; implied in its private room.
        number: Option<u64>,
        /// Their word, or 👍 / 👎.
        note: String,
    },
    /// A resident takes up a volunteer's offer.
    Yes {
        /// The offer's number.
        number: u64,
    },
    /// Closes a request as cancelled.
    Cancel {
        /// The request number; implied in its private room.
        number: Option<u64>,
    },
    /// Sends the volunteer's charter, in a direct chat, and how to accept it.
    Charter,
    /// Accepts the volunteer's charter as it is today.
    Accept,
    /// A volunteer takes a break.
    Pause {
        /// Until when, as written (read by the bot); `None`: until they say they are back.
        until: Option<String>,
    },
    /// A volunteer is back from a break.
    Back,
    /// The neighbourhoods a volunteer prefers.
    Areas {
        /// Their names as written; `None`: show them; empty: no preference.
        names: Option<Vec<String>>,
    },
    /// A volunteer offers help before anyone asks ("I'm going shopping on Saturday").
    Offer {
        /// The free text, trimmed.
        text: String,
    },
    /// Marks a person as a vetted volunteer.
    Vet {
        /// The person, as written in the command.
        user: OwnedUserId,
        /// What the coordinator notes ("met at the town hall on the 12th").
        note: Option<String>,
        /// Vetted although they have not accepted the charter, as the coordinator said.
        without_charter: bool,
    },
    /// Bans a volunteer.
    Ban {
        /// The person, as written in the command.
        user: OwnedUserId,
        /// Why, for the coordinators' record.
        reason: Option<String>,
    },
    /// A vetted volunteer is no longer vetted (without a ban).
    Unvet {
        /// The person, as written in the command.
        user: OwnedUserId,
        /// Why, for the coordinators' record.
        reason: Option<String>,
    },
    /// Lifts a ban.
    Unban {
        /// The person, as written in the command.
        user: OwnedUserId,
    },
    /// Lists the volunteers and where each stands.
    Volunteers,
    /// Lists what coordinators did, about one person or everyone.
    Journal {
        /// The person, as written in the command; `None`: everyone.
        user: Option<OwnedUserId>,
    },
    /// Says where the bot lacks the powers it needs.
    Check,
    /// Says which version runs, since when, and which rooms it serves.
    Version,
    /// Lists requests: by default the open and claimed ones.
    Requests {
        /// Which.
        filter: RequestFilter,
        /// Only those of this neighbourhood, as written (matched without case or accents).
        neighbourhood: Option<String>,
    },
    /// Shows how the person's data is used, and their rights.
    Privacy,
    /// Sends the person, in a direct chat, a file with everything the bot keeps about them.
    MyData,
    /// Erases the person from the store (GDPR Art. 17).
    ForgetMe {
        /// Whether they confirmed; without it, the answer says what would be erased and
        /// how to confirm.
        confirmed: bool,
    },
    /// A coordinator erases someone who asked by phone or letter.
    Erase {
        /// The person, as written in the command.
        user: OwnedUserId,
        /// Whether the coordinator confirmed.
        confirmed: bool,
    },
    /// A coordinator gives an open request to a vetted volunteer of their choice.
    Assign {
        /// The request number.
        number: u64,
        /// The volunteer, as written in the command.
        user: OwnedUserId,
    },
    /// A coordinator stops a repeating request: no occurrence after the latest.
    Stop {
        /// The number of any occurrence of the series.
        number: u64,
    },
    /// A coordinator stops someone's requests (spam, abuse), whatever their volunteer
    /// status.
    Block {
        /// The person, as written in the command.
        user: OwnedUserId,
        /// Why, for the coordinators' record.
        reason: Option<String>,
    },
    /// Lets someone's requests through again.
    Unblock {
        /// The person, as written in the command.
        user: OwnedUserId,
    },
    /// A coordinator looks at one request: its details and its whole log.
    Show {
        /// The request number.
        number: u64,
    },
    /// A coordinator asks for the figures of a period.
    Stats {
        /// The period, as written (nothing: this month).
        period: Span,
    },
    /// Someone declares (or shows, or erases) their optional profile for the figures.
    Profile {
        /// What they wrote.
        answer: ProfileAnswer,
    },
    /// A coordinator asks for the report of a period: the figures, a chart and a CSV
    /// file.
    Report {
        /// The period, as written (nothing: this month).
        period: Span,
    },
    /// Lists the commands this person may use here.
    Help,
}

impl Command {
    /// Which command this is, without its arguments.
    pub fn kind(&self) -> CommandKind {
        match self {
            Command::Request { .. } => CommandKind::Request,
            Command::For { .. } => CommandKind::For,
            Command::Take { .. } => CommandKind::Take,
            Command::Release { .. } => CommandKind::Release,
            Command::Done { .. } => CommandKind::Done,
            Command::Cancel { .. } => CommandKind::Cancel,
            Command::Feedback { .. } => CommandKind::Feedback,
            Command::Yes { .. } => CommandKind::Yes,
            Command::Charter => CommandKind::Charter,
            Command::Accept => CommandKind::Accept,
            Command::Pause { .. } => CommandKind::Pause,
            Command::Back => CommandKind::Back,
            Command::Areas { .. } => CommandKind::Areas,
            Command::Offer { .. } => CommandKind::Offer,
            Command::Vet { .. } => CommandKind::Vet,
            Command::Ban { .. } => CommandKind::Ban,
            Command::Unvet { .. } => CommandKind::Unvet,
            Command::Unban { .. } => CommandKind::Unban,
            Command::Volunteers => CommandKind::Volunteers,
            Command::Journal { .. } => CommandKind::Journal,
            Command::Check => CommandKind::Check,
            Command::Version => CommandKind::Version,
            Command::Requests { .. } => CommandKind::Requests,
            Command::Privacy => CommandKind::Privacy,
            Command::MyData => CommandKind::MyData,
            Command::ForgetMe { .. } => CommandKind::ForgetMe,
            Command::Erase { .. } => CommandKind::Erase,
            Command::Assign { .. } => CommandKind::Assign,
            Command::Stop { .. } => CommandKind::Stop,
            Command::Block { .. } => CommandKind::Block,
            Command::Unblock { .. } => CommandKind::Unblock,
            Command::Show { .. } => CommandKind::Show,
            Command::Stats { .. } => CommandKind::Stats,
            Command::Report { .. } => CommandKind::Report,
            Command::Profile { .. } => CommandKind::Profile,
            Command::Help => CommandKind::Help,
        }
    }
}

/// Which requests `!demandes` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RequestFilter {
    /// Open and claimed: what is under way.
    #[default]
    Active,
    /// Open only: nobody has taken them yet.
    Open,
    /// Claimed only: a volunteer holds them.
    Claimed,
    /// Every request, closed ones too (the latest).
    All,
}

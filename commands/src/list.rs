//! The one list of commands: find a command word here (`"prendre"`), and its file in
//! the bot by the name of its variant (`Take`: `bot/src/cmd/take.rs`).
//!
//! `for_each_command!` holds one entry per command, in the order `!aide` lists them,
//! and hands them all to a macro that generates from them:
//! [`Command`](crate::Command), [`CommandKind`](crate::CommandKind) and
//! `Command::kind` (in [`crate::command`]), the table [`COMMANDS`](crate::table::COMMANDS)
//! (in [`crate::table`]) and the usage and help names of [`Key`](crate::Key) (in
//! `catalogue/key.rs`).
//!
//! An entry:
//!
//! ```text
//! /// What the command does (the doc comment of its `Command` variant).
//! Take {                      // the variant, with its arguments (none: no braces)
//!     /// The request number.
//!     number: u64,
//! } => {
//!     words: "prendre" / "take",               // French / English, folded (no accents)
//!     aliases: ["prends" Fr, "claim" En],      // other words, with the reply's language
//!     who: Volunteer,                          // table::Who
//!     rooms: [Volunteers, Direct],             // table::RoomType, or `everywhere`
//!     transition: true,                        // table::Spec::transition
//!     args: number,                            // reader in args.rs of the fields, in order
//!     texts: UsageTake / HelpTake,             // keys of its usage and help lines
//! }
//! ```
//!
//! `args: reader` names a function of [`crate::args`] that returns the variant's fields
//! (a tuple of them, in their order; `()` for none); `parse: reader` one that returns the
//! whole [`Command`](crate::Command), for a command whose arguments may make it another
//! (`!demande 12` is `!fiche 12`). The texts' keys are written out so that a search for
//! `UsageTake` finds this entry; their texts are in `locales/fr.toml` and `en.toml`.
//!
//! Every macro that takes the list matches an entry with the same pattern (see
//! `define_commands!` in [`crate::command`]); a change to the form of an entry changes
//! all of them.

/// Calls `$callback! { entries }` with every command's entry (see [the module](self)).
macro_rules! for_each_command {
    ($callback:ident) => {
        $callback! {
            /// Posts a request for help.
            Request {
                /// The free text, trimmed.
                text: String,
            } => {
                words: "demande" / "request",
                aliases: [],
                who: Anyone,
                // Coordinators post in their own room for people who phoned in.
                rooms: [Neighbourhood, Direct, Coordination],
                transition: true,
                parse: request,
                texts: UsageRequest / HelpRequest,
            }
            /// A coordinator posts a request for someone who phoned.
            For {
                /// The free text, trimmed.
                text: String,
            } => {
                words: "pour" / "for",
                aliases: ["telephone" Fr, "phone" En],
                who: Coordinator,
                rooms: [Coordination, Direct],
                transition: true,
                args: text,
                texts: UsageFor / HelpFor,
            }
            /// Claims an open request.
            Take {
                /// The request number.
                number: u64,
            } => {
                words: "prendre" / "take",
                aliases: ["prends" Fr, "je-prends" Fr, "claim" En],
                who: Volunteer,
                rooms: [Volunteers, Direct],
                transition: true,
                args: number,
                texts: UsageTake / HelpTake,
            }
            /// Gives a claimed request back.
            Release {
                /// The request number; implied in its private room.
                number: Option<u64>,
            } => {
                words: "lacher" / "release",
                aliases: ["rendre" Fr, "liberer" Fr],
                who: Volunteer,
                rooms: [Volunteers, Direct, Private],
                transition: true,
                args: optional_number,
                texts: UsageRelease / HelpRelease,
            }
            /// Closes a claimed request as done.
            Done {
                /// The request number; implied in its private room.
                number: Option<u64>,
                /// A short note on how it went.
                note: Option<String>,
            } => {
                words: "fait" / "done",
                aliases: ["termine" Fr, "fini" Fr],
                who: Volunteer,
                rooms: [Volunteers, Direct, Private],
                transition: true,
                args: number_and_note,
                texts: UsageDone / HelpDone,
            }
            /// Closes a request as cancelled.
            Cancel {
                /// The request number; implied in its private room.
                number: Option<u64>,
            } => {
                words: "annuler" / "cancel",
                aliases: ["annule" Fr],
                who: Anyone,
                // A volunteer withdraws an offer where they made it.
                rooms: [Neighbourhood, Direct, Volunteers, Private, Coordination],
                transition: true,
                args: optional_number,
                texts: UsageCancel / HelpCancel,
            }
            /// The person who asked says how it went.
            Feedback {
                /// The request number; implied in its private room.
                number: Option<u64>,
                /// Their word, or 👍 / 👎.
                note: String,
            } => {
                words: "avis" / "feedback",
                aliases: ["merci" Fr],
                who: Anyone,
                rooms: [Neighbourhood, Direct, Private],
                transition: true,
                args: feedback,
                texts: UsageFeedback / HelpFeedback,
            }
            /// A resident takes up a volunteer's offer.
            Yes {
                /// The offer's number.
                number: u64,
            } => {
                words: "oui" / "yes",
                aliases: ["volontiers" Fr, "je-veux" Fr],
                who: Anyone,
                // Where offers are posted, and the direct chat.
                rooms: [Neighbourhood, Direct],
                transition: true,
                args: number,
                texts: UsageYes / HelpYes,
            }
            /// Sends the volunteer's charter, in a direct chat, and how to accept it.
            Charter => {
                words: "benevole" / "volunteer",
                aliases: ["charte" Fr, "charter" En],
                who: Anyone,
                // The charter itself goes to a direct chat.
                rooms: [Neighbourhood, Direct, Volunteers],
                transition: false,
                args: ignored,
                texts: UsageCharter / HelpCharter,
            }
            /// Accepts the volunteer's charter as it is today.
            Accept => {
                words: "accepte" / "accept",
                aliases: ["j'accepte" Fr, "accepter" Fr, "signer" Fr],
                who: Anyone,
                rooms: [Neighbourhood, Direct, Volunteers],
                transition: false,
                args: ignored,
                texts: UsageAccept / HelpAccept,
            }
            /// A volunteer takes a break.
            Pause {
                /// Until when, as written (read by the bot); `None`: until they say they
                /// are back.
                until: Option<String>,
            } => {
                words: "pause" / "break",
                aliases: ["absent" Fr, "away" En],
                who: Volunteer,
                rooms: [Direct, Volunteers],
                transition: false,
                args: optional_text,
                texts: UsagePause / HelpPause,
            }
            /// A volunteer is back from a break.
            Back => {
                words: "dispo" / "available",
                aliases: ["disponible" Fr, "de-retour" Fr, "back" En],
                who: Volunteer,
                rooms: [Direct, Volunteers],
                transition: false,
                args: ignored,
                texts: UsageBack / HelpBack,
            }
            /// The neighbourhoods a volunteer prefers.
            Areas {
                /// Their names as written; `None`: show them; empty: no preference.
                names: Option<Vec<String>>,
            } => {
                words: "quartiers" / "areas",
                aliases: ["quartier" Fr, "area" En],
                who: Volunteer,
                rooms: [Direct, Volunteers],
                transition: false,
                args: areas,
                texts: UsageAreas / HelpAreas,
            }
            /// A volunteer offers help before anyone asks ("I'm going shopping on
            /// Saturday").
            Offer {
                /// The free text, trimmed.
                text: String,
            } => {
                words: "propose" / "offer",
                aliases: ["proposer" Fr, "offre" Fr],
                who: Volunteer,
                rooms: [Volunteers, Direct],
                transition: true,
                args: text,
                texts: UsageOffer / HelpOffer,
            }
            /// Marks a person as a vetted volunteer.
            Vet {
                /// The person, as written in the command.
                user: OwnedUserId,
                /// What the coordinator notes ("met at the town hall on the 12th").
                note: Option<String>,
                /// Vetted although they have not accepted the charter, as the
                /// coordinator said.
                without_charter: bool,
            } => {
                words: "valider" / "vet",
                aliases: [],
                who: Coordinator,
                rooms: [Coordination, Direct],
                transition: false,
                args: vet,
                texts: UsageVet / HelpVet,
            }
            /// Bans a volunteer.
            Ban {
                /// The person, as written in the command.
                user: OwnedUserId,
                /// Why, for the coordinators' record.
                reason: Option<String>,
            } => {
                words: "bannir" / "ban",
                aliases: ["bannis" Fr],
                who: Coordinator,
                rooms: [Coordination, Direct],
                transition: false,
                args: user_and_reason,
                texts: UsageBan / HelpBan,
            }
            /// A vetted volunteer is no longer vetted (without a ban).
            Unvet {
                /// The person, as written in the command.
                user: OwnedUserId,
                /// Why, for the coordinators' record.
                reason: Option<String>,
            } => {
                words: "retirer" / "unvet",
                aliases: ["devalider" Fr],
                who: Coordinator,
                rooms: [Coordination, Direct],
                transition: false,
                args: user_and_reason,
                texts: UsageUnvet / HelpUnvet,
            }
            /// Lifts a ban.
            Unban {
                /// The person, as written in the command.
                user: OwnedUserId,
            } => {
                words: "debannir" / "unban",
                aliases: [],
                who: Coordinator,
                rooms: [Coordination, Direct],
                transition: false,
                args: user,
                texts: UsageUnban / HelpUnban,
            }
            /// Lists the volunteers and where each stands.
            Volunteers => {
                words: "benevoles" / "volunteers",
                aliases: [],
                who: Coordinator,
                // The list names people: never in a room residents share.
                rooms: [Coordination, Direct],
                transition: false,
                args: nothing,
                texts: UsageVolunteers / HelpVolunteers,
            }
            /// Lists what coordinators did, about one person or everyone.
            Journal {
                /// The person, as written in the command; `None`: everyone.
                user: Option<OwnedUserId>,
            } => {
                words: "journal" / "log",
                aliases: ["audit" En],
                who: Coordinator,
                rooms: [Coordination, Direct],
                transition: false,
                args: optional_user,
                texts: UsageJournal / HelpJournal,
            }
            /// Says where the bot lacks the powers it needs.
            Check => {
                words: "verifier" / "check",
                aliases: [],
                who: Coordinator,
                rooms: [Coordination, Direct],
                transition: false,
                args: nothing,
                texts: UsageCheck / HelpCheck,
            }
            /// Says which version runs, since when, and which rooms it serves.
            Version => {
                words: "version" / "about",
                aliases: ["apropos" Fr],
                who: Coordinator,
                rooms: [Coordination, Direct],
                transition: false,
                args: nothing,
                texts: UsageVersion / HelpVersion,
            }
            /// Lists requests: by default the open and claimed ones.
            Requests {
                /// Which.
                filter: RequestFilter,
                /// Only those of this neighbourhood, as written (matched without case or
                /// accents).
                neighbourhood: Option<String>,
            } => {
                words: "demandes" / "requests",
                aliases: ["liste" Fr, "list" En],
                who: Coordinator,
                // The list names volunteers: never in a room residents share.
                rooms: [Coordination, Direct],
                transition: false,
                args: requests,
                texts: UsageRequests / HelpRequests,
            }
            /// Shows how the person's data is used, and their rights.
            Privacy => {
                words: "confidentialite" / "privacy",
                aliases: ["vie-privee" Fr, "rgpd" Fr, "gdpr" En],
                who: Anyone,
                rooms: everywhere,
                transition: false,
                args: ignored,
                texts: UsagePrivacy / HelpPrivacy,
            }
            /// Sends the person, in a direct chat, a file with everything the bot keeps
            /// about them.
            MyData => {
                words: "mesdonnees" / "mydata",
                aliases: ["mes-donnees" Fr, "my-data" En],
                who: Anyone,
                // A right of everyone's, wherever they are: the file itself goes to a
                // direct chat.
                rooms: everywhere,
                transition: false,
                args: nothing,
                texts: UsageMyData / HelpMyData,
            }
            /// Erases the person from the store (GDPR Art. 17).
            ForgetMe {
                /// Whether they confirmed; without it, the answer says what would be
                /// erased and how to confirm.
                confirmed: bool,
            } => {
                words: "oubliemoi" / "forgetme",
                aliases: ["oublie-moi" Fr, "oubliez-moi" Fr, "forget-me" En],
                who: Anyone,
                rooms: everywhere,
                transition: false,
                args: confirmation,
                texts: UsageForgetMe / HelpForgetMe,
            }
            /// A coordinator erases someone who asked by phone or letter.
            Erase {
                /// The person, as written in the command.
                user: OwnedUserId,
                /// Whether the coordinator confirmed.
                confirmed: bool,
            } => {
                words: "effacer" / "erase",
                aliases: ["efface" Fr],
                who: Coordinator,
                rooms: [Coordination, Direct],
                transition: false,
                args: user_and_confirmation,
                texts: UsageErase / HelpErase,
            }
            /// A coordinator gives an open request to a vetted volunteer of their choice.
            Assign {
                /// The request number.
                number: u64,
                /// The volunteer, as written in the command.
                user: OwnedUserId,
            } => {
                words: "attribuer" / "assign",
                aliases: ["confier" Fr],
                who: Coordinator,
                rooms: [Coordination, Direct],
                transition: true,
                args: number_and_user,
                texts: UsageAssign / HelpAssign,
            }
            /// A coordinator stops a repeating request: no occurrence after the latest.
            Stop {
                /// The number of any occurrence of the series.
                number: u64,
            } => {
                words: "arreter" / "stop",
                aliases: ["fin-serie" Fr, "stop-series" En],
                who: Coordinator,
                rooms: [Coordination, Direct],
                transition: false,
                args: number,
                texts: UsageStop / HelpStop,
            }
            /// A coordinator stops someone's requests (spam, abuse), whatever their
            /// volunteer status.
            Block {
                /// The person, as written in the command.
                user: OwnedUserId,
                /// Why, for the coordinators' record.
                reason: Option<String>,
            } => {
                words: "bloquer" / "block",
                aliases: [],
                who: Coordinator,
                rooms: [Coordination, Direct],
                transition: false,
                args: user_and_reason,
                texts: UsageBlock / HelpBlock,
            }
            /// Lets someone's requests through again.
            Unblock {
                /// The person, as written in the command.
                user: OwnedUserId,
            } => {
                words: "debloquer" / "unblock",
                aliases: [],
                who: Coordinator,
                rooms: [Coordination, Direct],
                transition: false,
                args: user,
                texts: UsageUnblock / HelpUnblock,
            }
            /// A coordinator looks at one request: its details and its whole log (also
            /// `!demande <n>` / `!request <n>`).
            Show {
                /// The request number.
                number: u64,
            } => {
                words: "fiche" / "show",
                aliases: ["detail" Fr, "details" En],
                who: Coordinator,
                rooms: [Coordination, Direct],
                transition: false,
                args: number,
                texts: UsageShow / HelpShow,
            }
            /// A coordinator asks for the figures of a period.
            Stats {
                /// The period, as written (nothing: this month).
                period: Span,
            } => {
                words: "stats" / "figures",
                aliases: ["statistiques" Fr, "chiffres" Fr, "statistics" En],
                who: Coordinator,
                rooms: [Coordination, Direct],
                transition: false,
                args: period,
                texts: UsageStats / HelpStats,
            }
            /// A coordinator asks for the report of a period: the figures, a chart and a
            /// CSV file.
            Report {
                /// The period, as written (nothing: this month).
                period: Span,
            } => {
                words: "rapport" / "report",
                aliases: ["bilan" Fr],
                who: Coordinator,
                rooms: [Coordination, Direct],
                transition: false,
                args: period,
                texts: UsageReport / HelpReport,
            }
            /// Someone declares (or shows, or erases) their optional profile for the
            /// figures.
            Profile {
                /// What they wrote.
                answer: ProfileAnswer,
            } => {
                words: "profil" / "profile",
                aliases: [],
                who: Anyone,
                // An age and a gender are not said in a shared room.
                rooms: [Direct],
                transition: false,
                args: profile,
                texts: UsageProfile / HelpProfile,
            }
            /// A coordinator enters someone on the commune's alert register, in one
            /// sentence (name, age, address, phones, emergency contact, who asked).
            Enrol {
                /// The sentence, trimmed.
                text: String,
            } => {
                words: "inscrire" / "enrol",
                aliases: ["inscris" Fr, "enroll" En],
                who: Coordinator,
                // Register data: never where residents or volunteers read.
                rooms: [Coordination, Direct],
                transition: true,
                args: text,
                texts: UsageEnrol / HelpEnrol,
            }
            /// A coordinator corrects one field of a register entry.
            Amend {
                /// The entry.
                number: u64,
                /// The field's name, as written.
                field: String,
                /// Its new value (empty: cleared).
                value: String,
            } => {
                words: "corriger" / "amend",
                aliases: ["corrige" Fr, "correct" En],
                who: Coordinator,
                rooms: [Coordination, Direct],
                transition: false,
                args: amend,
                texts: UsageAmend / HelpAmend,
            }
            /// A coordinator records that a registration was acknowledged (R121-6).
            Acknowledge {
                /// The entry.
                number: u64,
            } => {
                words: "accuse" / "acknowledge",
                aliases: ["accuser" Fr, "ack" En],
                who: Coordinator,
                rooms: [Coordination, Direct],
                transition: false,
                args: number,
                texts: UsageAcknowledge / HelpAcknowledge,
            }
            /// A coordinator records that a person registered by someone else was told
            /// and agreed: the entry counts.
            ConfirmEntry {
                /// The entry.
                number: u64,
            } => {
                words: "confirmer" / "confirm",
                aliases: ["confirme" Fr],
                who: Coordinator,
                rooms: [Coordination, Direct],
                transition: false,
                args: number,
                texts: UsageConfirmEntry / HelpConfirmEntry,
            }
            /// A coordinator takes someone off the register (R121-11).
            Unenrol {
                /// The entry.
                number: u64,
                /// Why, for the audit.
                reason: Option<String>,
            } => {
                words: "desinscrire" / "unenrol",
                aliases: ["desinscris" Fr, "unenroll" En],
                who: Coordinator,
                rooms: [Coordination, Direct],
                transition: false,
                args: number_and_reason,
                texts: UsageUnenrol / HelpUnenrol,
            }
            /// A coordinator reads the register: a summary, one entry, or the préfet's
            /// export as a file.
            Registry {
                /// What.
                view: RegistryView,
            } => {
                words: "registre" / "registry",
                aliases: ["inscrits" Fr],
                who: Coordinator,
                rooms: [Coordination, Direct],
                transition: false,
                args: registry,
                texts: UsageRegistry / HelpRegistry,
            }
            /// A coordinator names someone a caller of the alert register (R121-7), or
            /// takes them off; alone, lists the callers.
            Caller {
                /// Who; `None`: list the callers.
                user: Option<OwnedUserId>,
                /// Take them off the callers.
                remove: bool,
            } => {
                words: "appelant" / "caller",
                aliases: ["appelante" Fr, "appelants" Fr, "callers" En],
                who: Coordinator,
                rooms: [Coordination, Direct],
                transition: false,
                args: caller,
                texts: UsageCaller / HelpCaller,
            }
            /// A caller accepts the confidentiality clause: from then on, they are given
            /// their lists.
            Pledge => {
                words: "engagement" / "pledge",
                aliases: ["jemengage" Fr],
                who: Anyone,
                rooms: [Direct],
                transition: false,
                args: nothing,
                texts: UsagePledge / HelpPledge,
            }
            /// A coordinator starts a check-in campaign over the register, shows where
            /// it stands, or ends it with its report.
            Campaign {
                /// What.
                ask: CampaignAsk,
            } => {
                words: "campagne" / "campaign",
                aliases: ["alerte-canicule" Fr, "plan" Fr],
                who: Coordinator,
                rooms: [Coordination, Direct],
                transition: false,
                args: campaign,
                texts: UsageCampaign / HelpCampaign,
            }
            /// A caller (or a coordinator) records a call of a campaign.
            Call {
                /// The register entry called.
                number: u64,
                /// How it went.
                said: CallSaid,
            } => {
                words: "appel" / "call",
                aliases: ["appele" Fr, "called" En],
                who: Anyone,
                // Where the lists are: the caller's direct chat (or the coordinators').
                rooms: [Direct, Coordination],
                transition: false,
                args: call,
                texts: UsageCall / HelpCall,
            }
            /// A resident asks, in a direct chat, to be on the alert register (for
            /// themself or a relative), or to come off it.
            Alert {
                /// What they ask.
                ask: AlertAsk,
            } => {
                words: "alerte" / "alert",
                aliases: [],
                who: Anyone,
                // What they give is personal: a direct chat only.
                rooms: [Direct],
                transition: true,
                args: alert,
                texts: UsageAlert / HelpAlert,
            }
            /// Lists the commands this person may use here.
            Help => {
                words: "aide" / "help",
                aliases: ["aidez-moi" Fr],
                who: Anyone,
                rooms: everywhere,
                transition: false,
                args: ignored,
                texts: UsageHelp / HelpHelp,
            }
        }
    };
}

//! The one table of commands: for each, its French and English words, its aliases, the
//! catalogue keys of its usage and help lines, who may use it, where, whether it is a
//! transition and how its arguments are read. Parsing ([`crate::parse`]), help and usage
//! lines (rendered here) and the rules ([`crate::rules`]) are all derived from it.
//!
//! To add a command: a row here, its [`CommandKind`] and [`Command`] variants and argument
//! reader ([`crate::args`]), its `usage_*` and `help_*` texts (a [`Key`] each, in both
//! locale files) and a test.

use crate::{
    Lang,
    args::{self, ArgError},
    catalogue::{Catalogue, Key, Message},
    command::{Command, CommandKind},
    pills::Pill,
};

/// Who may use a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// Anyone the bot can hear.
    Anyone,
    /// Vetted volunteers.
    Volunteer,
    /// Coordinators named in the configuration.
    Coordinator,
}

/// The kind of room a command is written in, without the room's particulars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RoomType {
    /// A neighbourhood room, where residents post.
    Neighbourhood,
    /// A direct chat between one person and the bot.
    Direct,
    /// The room of vetted volunteers.
    Volunteers,
    /// The coordinators' room.
    Coordination,
    /// The private room of one request.
    Private,
    /// A room the bot is in but does not manage.
    Other,
}

impl RoomType {
    /// Every kind of room.
    pub const ALL: &'static [RoomType] =
        &[Neighbourhood, Direct, Volunteers, Coordination, Private, RoomType::Other];
}

/// Reads a command's arguments (the text after the command word, trimmed).
pub type ArgParser = fn(&str, &[Pill]) -> Result<Command, ArgError>;

/// One row of the command table.
#[derive(Debug)]
pub struct Spec {
    /// Which command.
    pub kind: CommandKind,
    /// The French word, without `!`, folded (lower case, no accents).
    pub fr: &'static str,
    /// The English word, folded.
    pub en: &'static str,
    /// Other words accepted for it, folded, with the language of the reply.
    pub aliases: &'static [(&'static str, Lang)],
    /// Its usage line in the catalogue.
    pub usage: Key,
    /// Its line in `!aide`.
    pub help: Key,
    /// Who may use it.
    pub who: Who,
    /// Where it may be used.
    pub rooms: &'static [RoomType],
    /// How its arguments are read.
    pub args: ArgParser,
    /// Whether it moves a request (or an offer) from one state to another in a store
    /// transition that also marks its event handled (the worker marks the others
    /// handled before running them).
    pub transition: bool,
}

use RoomType::{Coordination, Direct, Neighbourhood, Private, Volunteers};

/// Every command, in the order `!aide` lists them.
pub static COMMANDS: [Spec; 36] = [
    Spec {
        kind: CommandKind::Request,
        fr: "demande",
        en: "request",
        aliases: &[],
        usage: Key::UsageRequest,
        help: Key::HelpRequest,
        who: Who::Anyone,
        // Coordinators post in their own room for people who phoned in.
        rooms: &[Neighbourhood, Direct, Coordination],
        transition: true,
        args: args::request,
    },
    Spec {
        kind: CommandKind::For,
        fr: "pour",
        en: "for",
        aliases: &[("telephone", Lang::Fr), ("phone", Lang::En)],
        usage: Key::UsageFor,
        help: Key::HelpFor,
        who: Who::Coordinator,
        rooms: &[Coordination, Direct],
        transition: true,
        args: args::for_someone,
    },
    Spec {
        kind: CommandKind::Take,
        fr: "prendre",
        en: "take",
        aliases: &[("prends", Lang::Fr), ("je-prends", Lang::Fr), ("claim", Lang::En)],
        usage: Key::UsageTake,
        help: Key::HelpTake,
        who: Who::Volunteer,
        rooms: &[Volunteers, Direct],
        transition: true,
        args: args::take,
    },
    Spec {
        kind: CommandKind::Release,
        fr: "lacher",
        en: "release",
        aliases: &[("rendre", Lang::Fr), ("liberer", Lang::Fr)],
        usage: Key::UsageRelease,
        help: Key::HelpRelease,
        who: Who::Volunteer,
        rooms: &[Volunteers, Direct, Private],
        transition: true,
        args: args::release,
    },
    Spec {
        kind: CommandKind::Done,
        fr: "fait",
        en: "done",
        aliases: &[("termine", Lang::Fr), ("fini", Lang::Fr)],
        usage: Key::UsageDone,
        help: Key::HelpDone,
        who: Who::Volunteer,
        rooms: &[Volunteers, Direct, Private],
        transition: true,
        args: args::done,
    },
    Spec {
        kind: CommandKind::Cancel,
        fr: "annuler",
        en: "cancel",
        aliases: &[("annule", Lang::Fr)],
        usage: Key::UsageCancel,
        help: Key::HelpCancel,
        who: Who::Anyone,
        // A volunteer withdraws an offer where they made it.
        rooms: &[Neighbourhood, Direct, Volunteers, Private, Coordination],
        transition: true,
        args: args::cancel,
    },
    Spec {
        kind: CommandKind::Feedback,
        fr: "avis",
        en: "feedback",
        aliases: &[("merci", Lang::Fr)],
        usage: Key::UsageFeedback,
        help: Key::HelpFeedback,
        who: Who::Anyone,
        rooms: &[Neighbourhood, Direct, Private],
        transition: true,
        args: args::feedback,
    },
    Spec {
        kind: CommandKind::Yes,
        fr: "oui",
        en: "yes",
        aliases: &[("volontiers", Lang::Fr), ("je-veux", Lang::Fr)],
        usage: Key::UsageYes,
        help: Key::HelpYes,
        who: Who::Anyone,
        // Where offers are posted, and the direct chat.
        rooms: &[Neighbourhood, Direct],
        transition: true,
        args: args::yes,
    },
    Spec {
        kind: CommandKind::Charter,
        fr: "benevole",
        en: "volunteer",
        aliases: &[("charte", Lang::Fr), ("charter", Lang::En)],
        usage: Key::UsageCharter,
        help: Key::HelpCharter,
        who: Who::Anyone,
        // The charter itself goes to a direct chat.
        rooms: &[Neighbourhood, Direct, Volunteers],
        transition: false,
        args: args::charter,
    },
    Spec {
        kind: CommandKind::Accept,
        fr: "accepte",
        en: "accept",
        aliases: &[("j'accepte", Lang::Fr), ("accepter", Lang::Fr), ("signer", Lang::Fr)],
        usage: Key::UsageAccept,
        help: Key::HelpAccept,
        who: Who::Anyone,
        rooms: &[Neighbourhood, Direct, Volunteers],
        transition: false,
        args: args::accept,
    },
    Spec {
        kind: CommandKind::Pause,
        fr: "pause",
        en: "break",
        aliases: &[("absent", Lang::Fr), ("away", Lang::En)],
        usage: Key::UsagePause,
        help: Key::HelpPause,
        who: Who::Volunteer,
        rooms: &[Direct, Volunteers],
        transition: false,
        args: args::pause,
    },
    Spec {
        kind: CommandKind::Back,
        fr: "dispo",
        en: "available",
        aliases: &[("disponible", Lang::Fr), ("de-retour", Lang::Fr), ("back", Lang::En)],
        usage: Key::UsageBack,
        help: Key::HelpBack,
        who: Who::Volunteer,
        rooms: &[Direct, Volunteers],
        transition: false,
        args: args::back,
    },
    Spec {
        kind: CommandKind::Areas,
        fr: "quartiers",
        en: "areas",
        aliases: &[("quartier", Lang::Fr), ("area", Lang::En)],
        usage: Key::UsageAreas,
        help: Key::HelpAreas,
        who: Who::Volunteer,
        rooms: &[Direct, Volunteers],
        transition: false,
        args: args::areas,
    },
    Spec {
        kind: CommandKind::Offer,
        fr: "propose",
        en: "offer",
        aliases: &[("proposer", Lang::Fr), ("offre", Lang::Fr)],
        usage: Key::UsageOffer,
        help: Key::HelpOffer,
        who: Who::Volunteer,
        rooms: &[Volunteers, Direct],
        transition: true,
        args: args::offer,
    },
    Spec {
        kind: CommandKind::Vet,
        fr: "valider",
        en: "vet",
        aliases: &[],
        usage: Key::UsageVet,
        help: Key::HelpVet,
        who: Who::Coordinator,
        rooms: &[Coordination, Direct],
        transition: false,
        args: args::vet,
    },
    Spec {
        kind: CommandKind::Ban,
        fr: "bannir",
        en: "ban",
        aliases: &[("bannis", Lang::Fr)],
        usage: Key::UsageBan,
        help: Key::HelpBan,
        who: Who::Coordinator,
        rooms: &[Coordination, Direct],
        transition: false,
        args: args::ban,
    },
    Spec {
        kind: CommandKind::Unvet,
        fr: "retirer",
        en: "unvet",
        aliases: &[("devalider", Lang::Fr)],
        usage: Key::UsageUnvet,
        help: Key::HelpUnvet,
        who: Who::Coordinator,
        rooms: &[Coordination, Direct],
        transition: false,
        args: args::unvet,
    },
    Spec {
        kind: CommandKind::Unban,
        fr: "debannir",
        en: "unban",
        aliases: &[],
        usage: Key::UsageUnban,
        help: Key::HelpUnban,
        who: Who::Coordinator,
        rooms: &[Coordination, Direct],
        transition: false,
        args: args::unban,
    },
    Spec {
        kind: CommandKind::Volunteers,
        fr: "benevoles",
        en: "volunteers",
        aliases: &[],
        usage: Key::UsageVolunteers,
        help: Key::HelpVolunteers,
        who: Who::Coordinator,
        // The list names people: never in a room residents share.
        rooms: &[Coordination, Direct],
        transition: false,
        args: args::volunteers,
    },
    Spec {
        kind: CommandKind::Journal,
        fr: "journal",
        en: "log",
        aliases: &[("audit", Lang::En)],
        usage: Key::UsageJournal,
        help: Key::HelpJournal,
        who: Who::Coordinator,
        rooms: &[Coordination, Direct],
        transition: false,
        args: args::journal,
    },
    Spec {
        kind: CommandKind::Check,
        fr: "verifier",
        en: "check",
        aliases: &[],
        usage: Key::UsageCheck,
        help: Key::HelpCheck,
        who: Who::Coordinator,
        rooms: &[Coordination, Direct],
        transition: false,
        args: args::check,
    },
    Spec {
        kind: CommandKind::Version,
        fr: "version",
        en: "about",
        aliases: &[("apropos", Lang::Fr)],
        usage: Key::UsageVersion,
        help: Key::HelpVersion,
        who: Who::Coordinator,
        rooms: &[Coordination, Direct],
        transition: false,
        args: args::version,
    },
    Spec {
        kind: CommandKind::Requests,
        fr: "demandes",
        en: "requests",
        aliases: &[("liste", Lang::Fr), ("list", Lang::En)],
        usage: Key::UsageRequests,
        help: Key::HelpRequests,
        who: Who::Coordinator,
        // The list names volunteers: never in a room residents share.
        rooms: &[Coordination, Direct],
        transition: false,
        args: args::requests,
    },
    Spec {
        kind: CommandKind::Privacy,
        fr: "confidentialite",
        en: "privacy",
        aliases: &[("vie-privee", Lang::Fr), ("rgpd", Lang::Fr), ("gdpr", Lang::En)],
        usage: Key::UsagePrivacy,
        help: Key::HelpPrivacy,
        who: Who::Anyone,
        rooms: RoomType::ALL,
        transition: false,
        args: args::privacy,
    },
    Spec {
        kind: CommandKind::MyData,
        fr: "mesdonnees",
        en: "mydata",
        aliases: &[("mes-donnees", Lang::Fr), ("my-data", Lang::En)],
        usage: Key::UsageMyData,
        help: Key::HelpMyData,
        who: Who::Anyone,
        // A right of everyone's, wherever they are: the file itself goes to a direct chat.
        rooms: RoomType::ALL,
        transition: false,
        args: args::my_data,
    },
    Spec {
        kind: CommandKind::ForgetMe,
        fr: "oubliemoi",
        en: "forgetme",
        aliases: &[("oublie-moi", Lang::Fr), ("oubliez-moi", Lang::Fr), ("forget-me", Lang::En)],
        usage: Key::UsageForgetMe,
        help: Key::HelpForgetMe,
        who: Who::Anyone,
        rooms: RoomType::ALL,
        transition: false,
        args: args::forget_me,
    },
    Spec {
        kind: CommandKind::Erase,
        fr: "effacer",
        en: "erase",
        aliases: &[("efface", Lang::Fr)],
        usage: Key::UsageErase,
        help: Key::HelpErase,
        who: Who::Coordinator,
        rooms: &[Coordination, Direct],
        transition: false,
        args: args::erase,
    },
    Spec {
        kind: CommandKind::Assign,
        fr: "attribuer",
        en: "assign",
        aliases: &[("confier", Lang::Fr)],
        usage: Key::UsageAssign,
        help: Key::HelpAssign,
        who: Who::Coordinator,
        rooms: &[Coordination, Direct],
        transition: true,
        args: args::assign,
    },
    Spec {
        kind: CommandKind::Stop,
        fr: "arreter",
        en: "stop",
        aliases: &[("fin-serie", Lang::Fr), ("stop-series", Lang::En)],
        usage: Key::UsageStop,
        help: Key::HelpStop,
        who: Who::Coordinator,
        rooms: &[Coordination, Direct],
        transition: false,
        args: args::stop,
    },
    Spec {
        kind: CommandKind::Block,
        fr: "bloquer",
        en: "block",
        aliases: &[],
        usage: Key::UsageBlock,
        help: Key::HelpBlock,
        who: Who::Coordinator,
        rooms: &[Coordination, Direct],
        transition: false,
        args: args::block,
    },
    Spec {
        kind: CommandKind::Unblock,
        fr: "debloquer",
        en: "unblock",
        aliases: &[],
        usage: Key::UsageUnblock,
        help: Key::HelpUnblock,
        who: Who::Coordinator,
        rooms: &[Coordination, Direct],
        transition: false,
        args: args::unblock,
    },
    Spec {
        kind: CommandKind::Show,
        fr: "fiche",
        en: "show",
        aliases: &[("detail", Lang::Fr), ("details", Lang::En)],
        usage: Key::UsageShow,
        help: Key::HelpShow,
        who: Who::Coordinator,
        rooms: &[Coordination, Direct],
        transition: false,
        args: args::show,
    },
    Spec {
        kind: CommandKind::Stats,
        fr: "stats",
        en: "figures",
        aliases: &[("statistiques", Lang::Fr), ("chiffres", Lang::Fr), ("statistics", Lang::En)],
        usage: Key::UsageStats,
        help: Key::HelpStats,
        who: Who::Coordinator,
        rooms: &[Coordination, Direct],
        transition: false,
        args: args::stats,
    },
    Spec {
        kind: CommandKind::Report,
        fr: "rapport",
        en: "report",
        aliases: &[("bilan", Lang::Fr)],
        usage: Key::UsageReport,
        help: Key::HelpReport,
        who: Who::Coordinator,
        rooms: &[Coordination, Direct],
        transition: false,
        args: args::report,
    },
    Spec {
        kind: CommandKind::Profile,
        fr: "profil",
        en: "profile",
        aliases: &[],
        usage: Key::UsageProfile,
        help: Key::HelpProfile,
        who: Who::Anyone,
        // An age and a gender are not said in a shared room.
        rooms: &[Direct],
        transition: false,
        args: args::profile,
    },
    Spec {
        kind: CommandKind::Help,
        fr: "aide",
        en: "help",
        aliases: &[("aidez-moi", Lang::Fr)],
        usage: Key::UsageHelp,
        help: Key::HelpHelp,
        who: Who::Anyone,
        rooms: RoomType::ALL,
        transition: false,
        args: args::help,
    },
];

impl CommandKind {
    /// Every command, in the order `!aide` lists them.
    pub fn all() -> impl Iterator<Item = CommandKind> {
        COMMANDS.iter().map(|spec| spec.kind)
    }

    /// This command's row in the table.
    pub fn spec(self) -> &'static Spec {
        // The table lists the kinds in declaration order; a test keeps it so.
        &COMMANDS[self as usize]
    }

    /// Whether this command moves a request (or an offer) from one state to another
    /// ([`Spec::transition`]).
    pub fn is_transition(self) -> bool {
        self.spec().transition
    }

    /// The command word in `lang`, without the `!`.
    pub fn word(self, lang: Lang) -> &'static str {
        let spec = self.spec();
        match lang {
            Lang::Fr => spec.fr,
            Lang::En => spec.en,
        }
    }
}

impl Catalogue {
    /// The help for a list of commands: a header, then each command's help line.
    pub fn help(&self, lang: Lang, kinds: &[CommandKind]) -> Message {
        let header = self.render(lang, Key::HelpHeader, &[]);
        let lines = kinds.iter().map(|kind| {
            let line = self.render(lang, kind.spec().help, &[]);
            Message { plain: format!("• {}", line.plain), html: format!("• {}", line.html) }
        });
        Message::lines(std::iter::once(header).chain(lines))
    }

    /// The usage line of a command.
    pub fn usage(&self, lang: Lang, kind: CommandKind) -> Message {
        self.render(lang, kind.spec().usage, &[])
    }
}

/// The command a folded word names, with the language it belongs to.
pub fn lookup(word: &str) -> Option<(&'static Spec, Lang)> {
    COMMANDS.iter().find_map(|spec| {
        if spec.fr == word {
            Some((spec, Lang::Fr))
        } else if spec.en == word {
            Some((spec, Lang::En))
        } else {
            spec.aliases.iter().find(|(alias, _)| *alias == word).map(|(_, lang)| (spec, *lang))
        }
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::fold;

    #[test]
    fn the_table_lists_every_kind_in_declaration_order() {
        for (index, spec) in COMMANDS.iter().enumerate() {
            assert_eq!(spec.kind as usize, index, "{:?}", spec.kind);
            assert!(std::ptr::eq(spec.kind.spec(), spec));
        }
    }

    #[test]
    fn every_word_is_folded_and_names_one_command() {
        let mut seen = HashSet::new();
        for spec in &COMMANDS {
            let words = [spec.fr, spec.en].into_iter().chain(spec.aliases.iter().map(|(w, _)| *w));
            for word in words {
                assert_eq!(fold(word), word, "{word} must be written folded");
                assert!(seen.insert(word), "{word} names two commands");
                assert_eq!(lookup(word).map(|(s, _)| s.kind), Some(spec.kind), "{word}");
            }
            assert_eq!(lookup(spec.fr).map(|(_, l)| l), Some(Lang::Fr));
            assert_eq!(lookup(spec.en).map(|(_, l)| l), Some(Lang::En));
        }
    }

    #[test]
    fn transitions_are_the_commands_that_move_a_request() {
        let transitions: Vec<CommandKind> =
            CommandKind::all().filter(|k| k.is_transition()).collect();
        use CommandKind::*;
        assert_eq!(
            transitions,
            [Request, For, Take, Release, Done, Cancel, Feedback, Yes, Offer, Assign]
        );
    }

    #[test]
    fn usage_and_help_keys_are_distinct() {
        let usage: HashSet<Key> = COMMANDS.iter().map(|s| s.usage).collect();
        let help: HashSet<Key> = COMMANDS.iter().map(|s| s.help).collect();
        assert_eq!(usage.len(), COMMANDS.len());
        assert_eq!(help.len(), COMMANDS.len());
    }
}

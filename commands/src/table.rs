//! The table of commands, [`COMMANDS`], generated from the list (`list.rs`): for each,
//! its French and English words, its aliases, the catalogue keys of its usage and help
//! lines, who may use it, where, whether it is a transition and how its arguments are
//! read. Parsing ([`crate::parse`](mod@crate::parse)), help and usage lines (rendered here) and the rules
//! ([`crate::rules`]) are all derived from it.
//!
//! To add a command: an entry in the list (`list.rs`), its `usage_*` and `help_*` texts
//! in both locale files, and a test; a reader in [`crate::args`] only for arguments unlike
//! any other command's.

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
    pub const ALL: &'static [RoomType] = &[
        Self::Neighbourhood,
        Self::Direct,
        Self::Volunteers,
        Self::Coordination,
        Self::Private,
        Self::Other,
    ];
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
    /// Whether it moves a request (or an offer) from one state to another, or enters
    /// someone on the register, in a store transition that also marks its event handled (the worker marks the others
    /// handled before running them).
    pub transition: bool,
}

/// Generates [`COMMANDS`] from the list: one [`Spec`] per entry, in its order, so that
/// [`CommandKind::spec`] finds a kind's row at the kind's index.
macro_rules! define_table {
    ($(
        $(#[doc = $doc:literal])*
        $kind:ident $({ $( $(#[doc = $field_doc:literal])* $field:ident : $type:ty ),* $(,)? })? => {
            words: $fr:literal / $en:literal,
            aliases: [$($alias:literal $alias_lang:ident),* $(,)?],
            who: $who:ident,
            rooms: $rooms:tt,
            transition: $transition:literal,
            $reading:ident: $reader:ident,
            texts: $usage:ident / $help:ident $(,)?
        }
    )*) => {
        /// How many commands there are.
        const COUNT: usize = [$(CommandKind::$kind),*].len();

        /// Every command, in the order `!aide` lists them.
        pub static COMMANDS: [Spec; COUNT] = [$(
            Spec {
                kind: CommandKind::$kind,
                fr: $fr,
                en: $en,
                aliases: &[$(($alias, Lang::$alias_lang)),*],
                usage: Key::$usage,
                help: Key::$help,
                who: Who::$who,
                rooms: define_table!(@rooms $rooms),
                transition: $transition,
                args: define_table!(@reader $reading $reader $kind $({ $($field),* })?),
            },
        )*];
    };
    (@rooms everywhere) => { RoomType::ALL };
    (@rooms [$($room:ident),* $(,)?]) => { &[$(RoomType::$room),*] };
    // The reader returns the whole command.
    (@reader parse $reader:ident $kind:ident $($fields:tt)?) => { args::$reader };
    // The reader returns the variant's fields, in their order.
    (@reader args $reader:ident $kind:ident) => {
        |text, pills| args::$reader(text, pills).map(|()| Command::$kind)
    };
    (@reader args $reader:ident $kind:ident { $($field:ident),* }) => {
        {
            // One field is read as itself, not as a one-element tuple.
            #[allow(unused_parens)]
            let read: ArgParser = |text, pills| {
                args::$reader(text, pills).map(|($($field),*)| Command::$kind { $($field),* })
            };
            read
        }
    };
}

for_each_command!(define_table);

impl CommandKind {
    /// Every command, in the order `!aide` lists them.
    pub fn all() -> impl Iterator<Item = CommandKind> {
        COMMANDS.iter().map(|spec| spec.kind)
    }

    /// This command's row in the table.
    pub fn spec(self) -> &'static Spec {
        // Both are generated from the list, in its order; a test keeps it so.
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
    fn transitions_are_the_commands_that_move_a_request_or_enter_the_register() {
        let transitions: Vec<CommandKind> =
            CommandKind::all().filter(|k| k.is_transition()).collect();
        use CommandKind::*;
        assert_eq!(
            transitions,
            [Request, For, Take, Release, Done, Cancel, Feedback, Yes, Offer, Assign, Enrol, Alert]
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

//! The README lists every command: its French and English words and each alias.

use entraide_commands::CommandKind;

#[test]
fn the_readme_names_every_command_and_alias() {
    let readme = include_str!("../../README.md");
    for kind in CommandKind::all() {
        let spec = kind.spec();
        let words =
            [spec.fr, spec.en].into_iter().chain(spec.aliases.iter().map(|(word, _)| *word));
        for word in words {
            assert!(readme.contains(&format!("`!{word}")), "the README does not name !{word}");
        }
    }
}

//! The README's Commands section lists every command: its French and English words in
//! the table, each alias in the paragraph of aliases.

use entraide_commands::CommandKind;

/// The README's "## Commands" section, up to the next section.
fn commands_section(readme: &str) -> &str {
    let start = readme.find("\n## Commands\n").expect("the README has a Commands section");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |end| end + 3);
    &rest[..end]
}

#[test]
fn the_readme_names_every_command_and_alias() {
    let section = commands_section(include_str!("../../README.md"));
    let table: String = section.lines().filter(|line| line.starts_with('|')).collect();
    let aliases = section
        .lines()
        .find(|line| line.starts_with("Every alias"))
        .expect("the Commands section has its paragraph of aliases");
    for kind in CommandKind::all() {
        let spec = kind.spec();
        for word in [spec.fr, spec.en] {
            assert!(
                table.contains(&format!("`!{word}")),
                "the README's table of commands does not name !{word}"
            );
        }
        for (alias, _) in spec.aliases {
            assert!(
                aliases.contains(&format!("`!{alias}`")),
                "the README's paragraph of aliases does not name !{alias} (of !{})",
                spec.fr
            );
        }
    }
}

//! The folded copy of a text that [`super::mask`] searches, with a map back to the
//! original: folding is [`crate::fold::fold_char`], character by character. The alert
//! register's readers ([`crate::register`]) search it too.

use std::ops::Range;

use crate::fold::fold_char;

/// The folded text and, for each of its bytes, the original character it came from.
pub(crate) struct Folded<'a> {
    original: &'a str,
    /// Lower case, no accents, every white space a plain space, every dash a hyphen,
    /// every apostrophe `'`.
    pub(crate) text: String,
    /// For each byte of `text`, the byte range of the original character it came from.
    from: Vec<Range<usize>>,
}

impl<'a> Folded<'a> {
    /// Folds `original`, remembering where each folded byte came from.
    pub(crate) fn new(original: &'a str) -> Self {
        let mut text = String::with_capacity(original.len());
        let mut from = Vec::with_capacity(original.len());
        for (at, c) in original.char_indices() {
            let source = at..at + c.len_utf8();
            fold_char(c, &mut |s: &str| {
                text.push_str(s);
                from.extend(std::iter::repeat_n(source.clone(), s.len()));
            });
        }
        Folded { original, text, from }
    }

    /// The original byte range a non-empty folded range came from.
    pub(crate) fn original(&self, range: Range<usize>) -> Option<Range<usize>> {
        let start = self.from.get(range.start)?.start;
        let end = self.from.get(range.end.checked_sub(1)?)?.end;
        (start < end).then_some(start..end)
    }

    /// Whether the original character behind folded byte `at` is upper case.
    pub(super) fn is_upper(&self, at: usize) -> bool {
        self.from
            .get(at)
            .and_then(|r| self.original.get(r.start..))
            .and_then(|s| s.chars().next())
            .is_some_and(char::is_uppercase)
    }

    /// Whether the word at `word` is capitalised, looking past an elided "l'" or "d'".
    pub(super) fn is_capitalised(&self, word: &Range<usize>) -> bool {
        let text = &self.text[word.clone()];
        let skip = if text.starts_with("l'") || text.starts_with("d'") { 2 } else { 0 };
        self.is_upper(word.start + skip)
    }

    /// The next word after `at`: one or more spaces, then letters, digits, `'` or `-`.
    pub(super) fn next_word(&self, at: usize) -> Option<Range<usize>> {
        let rest = self.text.get(at..)?;
        let trimmed = rest.trim_start_matches(' ');
        if trimmed.len() == rest.len() {
            return None;
        }
        let start = at + rest.len() - trimmed.len();
        if !trimmed.starts_with(char::is_alphanumeric) {
            return None;
        }
        let len = trimmed
            .find(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
            .unwrap_or(trimmed.len());
        // A trailing apostrophe or hyphen belongs to what follows, not to the word.
        let word = trimmed[..len].trim_end_matches(['\'', '-']);
        Some(start..start + word.len())
    }

    /// The folded text of a word found by [`Folded::next_word`].
    pub(super) fn word(&self, range: &Range<usize>) -> &str {
        &self.text[range.clone()]
    }
}

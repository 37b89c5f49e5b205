//! ANSI colours for terminal reports (`diff`, `run`), on only when asked.

/// Red.
pub(crate) const RED: &str = "\x1b[31m";
/// Green.
pub(crate) const GREEN: &str = "\x1b[32m";
/// Yellow.
pub(crate) const YELLOW: &str = "\x1b[33m";
/// Magenta.
pub(crate) const MAGENTA: &str = "\x1b[35m";
/// Cyan.
pub(crate) const CYAN: &str = "\x1b[36m";
/// Bold.
pub(crate) const BOLD: &str = "\x1b[1m";
/// Dim.
pub(crate) const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// Paints text when colour is on.
pub(crate) struct Paint {
    /// Whether to colour.
    pub(crate) on: bool,
}

impl Paint {
    /// `text` in `style`, or as it is when colour is off or it is empty.
    pub(crate) fn paint(&self, style: &str, text: &str) -> String {
        if self.on && !text.is_empty() {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
}

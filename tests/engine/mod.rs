//! The engine suite: generated SQL run on real engines, compared with
//! expectations computed independently by [`oracle`].

mod compare;
mod oracle;
mod rules;
pub(crate) mod suite;

#[allow(
    unused_imports,
    reason = "the engine tests that compare SQL results use these"
)]
pub(crate) use oracle::{Num, Range, Row, Tables, expected, try_expected};

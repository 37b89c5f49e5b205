//! scorec compiles customer-identity (CIAM) scorecards, written in YAML or
//! the scorec DSL, into a checked model and from there into warehouse SQL
//! and alert rules. See `ARCHITECTURE.md` for the stages.

pub mod alerts;
pub mod build;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod codes;
pub mod datagen;
pub mod diagnostic;
pub mod diff;
pub mod load;
pub mod model;
mod paint;
pub mod rewrite;
pub mod run;
pub mod span;
pub mod sql;
pub mod syntax;

//! The integration tests: one binary (so the bundled DuckDB links once),
//! one module per stage or command.

mod alerts;
mod build;
mod check;
mod cli;
mod datagen;
mod diff;
mod engine;
mod engines_smoke;
mod roundtrip;
mod run;
mod support;

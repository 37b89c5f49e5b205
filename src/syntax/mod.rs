//! Front-ends: text to the spanned syntax tree. YAML and the DSL meet here.

pub mod ast;
pub mod comments;
pub mod dsl;
pub mod duration;
pub mod expr;
mod grammar;
pub mod print_dsl;
pub mod print_expr;
pub mod yaml;

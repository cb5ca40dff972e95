//! The small layout and text kit every screen draws with.

pub mod layout;
pub mod text;

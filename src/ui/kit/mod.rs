//! The small layout and text kit every screen draws with.

pub mod area;
pub mod cells;
pub mod layout;
pub mod stack;
pub mod text;

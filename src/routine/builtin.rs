//! The routines that ship inside the binary, so knotless works from any
//! directory with nothing installed beside it.

/// (id, file text) of every file in `routines/`.
pub const BUILTINS: &[(&str, &str)] = &[
    ("breathe-5", include_str!("../../routines/breathe-5.toml")),
    ("calm-down", include_str!("../../routines/calm-down.toml")),
    ("daily-back", include_str!("../../routines/daily-back.toml")),
    ("desk-break", include_str!("../../routines/desk-break.toml")),
    ("desk-reset", include_str!("../../routines/desk-reset.toml")),
    (
        "hands-forearms",
        include_str!("../../routines/hands-forearms.toml"),
    ),
    ("jaw-face", include_str!("../../routines/jaw-face.toml")),
    ("lower-back", include_str!("../../routines/lower-back.toml")),
    (
        "roller-and-ball",
        include_str!("../../routines/roller-and-ball.toml"),
    ),
    (
        "seated-gentle",
        include_str!("../../routines/seated-gentle.toml"),
    ),
    (
        "sleep-wind-down",
        include_str!("../../routines/sleep-wind-down.toml"),
    ),
];

/// A built-in routine, parsed: for tests.
#[cfg(test)]
pub fn routine(id: &str) -> crate::routine::Routine {
    crate::routine::Library::builtins()
        .find(id)
        .unwrap()
        .routine
        .clone()
        .unwrap()
}

/// How diagnostics name a built-in file.
pub fn file_name(id: &str) -> String {
    format!("<built-in>/{id}.toml")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routine::parse::parse_routine;

    #[test]
    fn every_builtin_parses_and_validates() {
        for (id, text) in BUILTINS {
            if let Err(e) = parse_routine(id, &file_name(id), text) {
                panic!("{e}");
            }
        }
    }

    #[test]
    fn every_file_in_routines_is_built_in() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/routines");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let built_in: Vec<&str> = BUILTINS.iter().map(|(id, _)| *id).collect();
        assert_eq!(on_disk, built_in);
    }
}

//! The compose screen's file work: reading the step library, and saving a
//! composed routine as a new routine file.

use std::path::Path;

use crate::app::{NotSaved, StepPool};
use crate::compose;
use crate::routine::Routine;
use crate::routine::builtin::BUILTINS;

/// The shipped steps and the user's (`<config dir>/steps`, beside the
/// routines directory `routines_dir`), with today's seed. A user file with
/// problems is logged and left out.
pub fn steps(routines_dir: Option<&Path>) -> StepPool {
    let user = routines_dir
        .and_then(Path::parent)
        .map(compose::files::user_steps_dir);
    let (files, problems) = compose::files::step_files(user.as_deref());
    for p in &problems {
        tracing::warn!("step library file left out: {}", p.file);
    }
    StepPool {
        candidates: compose::candidates(&files),
        seed: compose::seed_for(jiff::Zoned::now().date()),
        broken: problems.len(),
    }
}

/// Save `routine` as `name` in `routines_dir`, as `knotless compose --save`
/// does: its id made from the name, never a built-in's, never over a file.
/// The id and what to say, or why it was not saved.
pub fn save(
    routines_dir: Option<&Path>,
    routine: &Routine,
    name: &str,
) -> Result<(String, String), NotSaved> {
    let id = crate::routine::user_copy::slug(name);
    if id.is_empty() {
        return Err(NotSaved::NoLetters(name.to_owned()));
    }
    if BUILTINS.iter().any(|(b, _)| *b == id) {
        return Err(NotSaved::BuiltIn(id));
    }
    let dir = routines_dir.ok_or(NotSaved::NoDirectory)?;
    let mut named = routine.clone();
    named.id = id.clone();
    named.name = name.trim().to_owned();
    let path = compose::files::save(dir, &named)?;
    tracing::info!("composed routine saved to {}", path.display());
    crate::routine::user_copy::write_schema_beside(dir);
    let said = format!("Saved as {id}: it is in the list now");
    Ok((id, said))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_composed_routine_is_saved_once_under_its_name() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("routines");
        let routine = crate::routine::builtin::routine("desk-break");
        let (id, said) = save(Some(&dir), &routine, "My neck today").unwrap();
        assert_eq!(id, "my-neck-today");
        assert!(said.contains("my-neck-today"), "{said}");
        let back = crate::routine::load::load_file(&dir.join("my-neck-today.toml")).unwrap();
        assert_eq!(back.name, "My neck today");
        let again = save(Some(&dir), &routine, "My neck today").unwrap_err();
        assert!(again.to_string().contains("already exists"), "{again}");
        let builtin = save(Some(&dir), &routine, "Desk break").unwrap_err();
        assert!(builtin.to_string().contains("built-in"), "{builtin}");
        assert!(save(Some(&dir), &routine, "!!!").is_err());
    }

    #[test]
    fn the_users_step_files_sit_beside_the_routines() {
        let home = tempfile::tempdir().unwrap();
        let pool = steps(Some(&home.path().join("routines")));
        assert!(!pool.candidates.is_empty());
        assert_eq!(pool.broken, 0);
    }
}

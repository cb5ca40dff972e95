//! `knotless new NAME` and `knotless edit ROUTINE`: write or find the user's
//! own file, open it in their editor, and check it when the editor exits.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use super::{Env, color_for, print};
use crate::routine::builtin::BUILTINS;
use crate::routine::library::looks_like_path;
use crate::routine::load::load_file;
use crate::routine::user_copy::{copy_builtin, write_new, write_schema_beside};
use crate::routine::{Library, Origin};
use crate::text::escape_inline;

/// The documented routine `new` starts from.
pub const TEMPLATE: &str = include_str!("../../assets/new-routine.toml");

/// `knotless new NAME`
pub fn new(env: &Env, name: &str) -> Result<ExitCode> {
    let id = slug(name);
    if id.is_empty() {
        bail!(
            "`{}` has no letters or digits to make a file name from",
            escape_inline(name)
        );
    }
    let dir = user_dir(env)?;
    let path = dir.join(format!("{id}.toml"));
    if path.exists() {
        bail!(
            "{} already exists: `knotless edit {id}` opens it, or choose another name",
            escape_inline(&path.display().to_string())
        );
    }
    if BUILTINS.iter().any(|(b, _)| *b == id) {
        bail!(
            "`{id}` is the id of a built-in routine: `knotless edit {id}` makes your own copy of it, or choose another name"
        );
    }
    let text = TEMPLATE.replace("{NAME}", &toml_escape(name.trim()));
    write_new(&dir, &path, &text)?;
    write_schema_beside(&dir);
    open_and_check(&path)
}

/// `knotless edit ROUTINE`
pub fn edit(env: &Env, arg: &str) -> Result<ExitCode> {
    let path = editable_path(env, arg)?;
    open_and_check(&path)
}

/// The file to open for `arg`: a path as given; the user's file for an id;
/// for a built-in, a fresh copy in the user routines directory.
pub fn editable_path(env: &Env, arg: &str) -> Result<PathBuf> {
    if looks_like_path(arg) || Path::new(arg).is_file() {
        return Ok(PathBuf::from(arg));
    }
    let library: Library = env.library();
    let Some(entry) = library.find(arg) else {
        bail!(
            "no routine called `{}`: `knotless new {0}` makes one",
            escape_inline(arg)
        );
    };
    match &entry.origin {
        Origin::BuiltIn => Ok(copy_builtin(&user_dir(env)?, &entry.id)?),
        other => Ok(other.path().cloned().unwrap_or_default()),
    }
}

fn user_dir(env: &Env) -> Result<PathBuf> {
    env.paths
        .as_ref()
        .map(|p| p.user_routines())
        .context("no home directory found: set KNOTLESS_CONFIG_DIR to choose where routines live")
}

/// Open the file in the editor, then check it. With no editor set, say where
/// the file is.
fn open_and_check(path: &Path) -> Result<ExitCode> {
    let shown = escape_inline(&path.display().to_string()).into_owned();
    if !crate::editor::open(path)? {
        print(&format!("{shown}\n"))?;
        eprintln!("(set $VISUAL or $EDITOR to have knotless open it for you)");
        return Ok(ExitCode::SUCCESS);
    }
    match load_file(path) {
        Ok(r) => {
            print(&format!(
                "{shown}: fine. Try it with `knotless run {} --speed 10`.\n",
                escape_inline(&r.id)
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            print(&problems.render(color_for(&std::io::stdout())))?;
            // `new` again would refuse (the file exists): `edit` reopens it.
            let again = match path.file_stem().and_then(|s| s.to_str()) {
                Some(id)
                    if path.parent()
                        == crate::paths::Paths::from_env()
                            .map(|p| p.user_routines())
                            .as_deref() =>
                {
                    format!("knotless edit {}", escape_inline(id))
                }
                _ => format!("knotless edit {shown}"),
            };
            print(&format!(
                "The file is saved as it is; `{again}` opens it again to fix it.\n"
            ))?;
            Ok(ExitCode::FAILURE)
        }
    }
}

pub use crate::routine::user_copy::slug;

/// A name inside a TOML basic string.
fn toml_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_file_ids() {
        assert_eq!(slug("Evening Neck Release!"), "evening-neck-release");
        assert_eq!(slug("  肩こり  relief "), "肩こり-relief");
        assert_eq!(slug("!!!"), "");
    }

    #[test]
    fn the_template_is_a_valid_routine_for_any_name() {
        for name in ["My routine", "Quote \" and \\ backslash", "Tab\there"] {
            let text = TEMPLATE.replace("{NAME}", &toml_escape(name));
            let r = crate::routine::parse::parse_routine("t", "t.toml", &text)
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(r.name, name);
        }
    }
}

//! The JSON Schema of routine files, generated from the same serde types
//! that read them, so editors (Taplo: VS Code's Even Better TOML, Helix,
//! Neovim) validate and complete routines as knotless does.

use super::raw::RawHeader;

/// The schema as pretty JSON, ending in a newline.
pub fn json() -> String {
    let schema = schemars::schema_for!(RawHeader);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> serde_json::Value {
        serde_json::from_str(&json()).unwrap()
    }

    fn as_json(toml_text: &str) -> serde_json::Value {
        let value: toml::Value = toml::from_str(toml_text).unwrap();
        serde_json::to_value(value).unwrap()
    }

    #[test]
    fn the_committed_schema_is_up_to_date() {
        let committed = include_str!("../../assets/routine.schema.json");
        assert!(
            committed == json(),
            "assets/routine.schema.json is stale: run `cargo run -- schema > assets/routine.schema.json`"
        );
    }

    #[test]
    fn every_builtin_routine_is_valid_against_the_schema() {
        let validator = jsonschema::validator_for(&schema()).unwrap();
        for (id, text) in super::super::builtin::BUILTINS {
            let errors: Vec<String> = validator
                .iter_errors(&as_json(text))
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{id}: {errors:?}");
        }
        let template = crate::commands::edit::TEMPLATE.replace("{NAME}", "x");
        assert!(validator.is_valid(&as_json(&template)));
    }

    #[test]
    fn the_new_routine_template_shows_every_key_with_a_comment() {
        let schema = schema();
        let template = crate::commands::edit::TEMPLATE;
        let keys = |props: &serde_json::Value| -> Vec<String> {
            props.as_object().unwrap().keys().cloned().collect()
        };
        let mut all = keys(&schema["properties"]);
        for def in ["RawDefaults", "RawStep"] {
            all.extend(keys(&schema["$defs"][def]["properties"]));
        }
        assert!(all.contains(&"glance".to_owned()) && all.contains(&"switch".to_owned()));
        for key in all {
            let line = template
                .lines()
                .find(|l| {
                    l.starts_with(&format!("{key} ="))
                        || l.starts_with(&format!("[{key}]"))
                        || l.starts_with(&format!("[[{key}]]"))
                })
                .unwrap_or_else(|| panic!("the template does not show `{key}`"));
            let commented = line.contains('#')
                || [
                    "name",
                    "kind",
                    "title",
                    "duration",
                    "instructions",
                    "cycles",
                    "steps",
                ]
                .contains(&key.as_str());
            assert!(commented, "`{key}` has no comment: {line}");
        }
    }

    #[test]
    fn type_errors_are_rejected_by_the_schema_too() {
        let validator = jsonschema::validator_for(&schema()).unwrap();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/invalid/");
        for fixture in [
            "unknown-step-key",
            "unknown-top-level-key",
            "unknown-kind",
            "unknown-area",
            "unknown-pressure",
            "unknown-breath-pattern",
            "custom-breath-unknown-key",
            "tools-not-a-list",
            "missing-title",
        ] {
            let text = std::fs::read_to_string(format!("{dir}{fixture}.toml")).unwrap();
            assert!(
                !validator.is_valid(&as_json(&text)),
                "{fixture} passed the schema"
            );
        }
    }
}

//! `brief schema`: the JSON Schema (draft 2020-12) of annotation files, with the front matter
//! of sources and of the briefing under `$defs`.
//!
//! It is generated from the very types the build deserializes, so it cannot drift from what
//! brief accepts; `schema/annotations.schema.json` is a committed copy that editors' YAML
//! plugins read (a test keeps it current).

use schemars::generate::SchemaSettings;

use crate::annotate::model::AnnotationFile;
use crate::content::{BriefingFront, SourceFront};

/// Where the committed copy lives, relative to the repository root.
pub const COMMITTED_PATH: &str = "schema/annotations.schema.json";

/// The schema, pretty-printed, ending with a newline.
pub fn annotations_schema() -> String {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    generator.subschema_for::<SourceFront>();
    generator.subschema_for::<BriefingFront>();
    let mut schema = generator.into_root_schema_for::<AnnotationFile>();
    schema.insert("title".into(), "brief annotation file".into());
    schema.insert(
        "description".into(),
        "One annotation or a list of them (content/annotations/**/*.yaml). $defs also holds the front matter of sources (SourceFront) and of the briefing (BriefingFront).".into(),
    );
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed copy is a user-facing file, not a test snapshot: it is compared as is and
    /// regenerated with the command that users run too.
    #[test]
    fn committed_schema_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(COMMITTED_PATH);
        let committed =
            std::fs::read_to_string(&path).expect("schema/annotations.schema.json exists");
        assert!(
            committed == annotations_schema(),
            "{COMMITTED_PATH} is out of date: run `cargo run -q -- schema > {COMMITTED_PATH}`"
        );
    }

    #[test]
    fn schema_describes_both_forms_and_the_front_matter() {
        let schema: serde_json::Value =
            serde_json::from_str(&annotations_schema()).expect("valid JSON");
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert_eq!(schema["anyOf"].as_array().map(Vec::len), Some(2));
        let defs = &schema["$defs"];
        assert_eq!(
            defs["AnnotationEntry"]["required"],
            serde_json::json!(["id", "kind"])
        );
        assert_eq!(defs["AnnotationEntry"]["additionalProperties"], false);
        assert!(defs["SourceFront"]["properties"]["outlet"].is_object());
        assert!(defs["BriefingFront"]["properties"]["title"].is_object());
    }
}

//! JSON merge patches (RFC 7396) and their application to an action's fields.

use serde_json::Value;

use crate::programme::ActionFields;
use crate::{Error, Result};

/// Applies `patch` to `target` as RFC 7396 says: an object patch merges member by member
/// (`null` removes a member), anything else replaces the target.
///
/// # Examples
/// ```
/// use serde_json::json;
/// let mut doc = json!({"a": "b", "c": {"d": "e", "f": "g"}});
/// riskmap_programme::merge_patch::merge(&mut doc, &json!({"a": "z", "c": {"f": null}}));
/// assert_eq!(doc, json!({"a": "z", "c": {"d": "e"}}));
/// ```
pub fn merge(target: &mut Value, patch: &Value) {
    let Value::Object(members) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    if let Value::Object(object) = target {
        for (name, value) in members {
            if value.is_null() {
                object.remove(name);
            } else {
                merge(object.entry(name.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

/// Applies a merge patch to an action's fields. The patch must be an object naming only
/// fields of an action, and may not remove a field (every field is required); the result is
/// not yet validated against the catalogue and the programme.
pub fn apply_to_fields(fields: &ActionFields, patch: &Value) -> Result<ActionFields> {
    let Value::Object(members) = patch else {
        return Err(Error::invalid(
            "patch",
            "a JSON merge patch of an action is an object",
        ));
    };
    let mut document =
        serde_json::to_value(fields).map_err(|e| Error::invalid("patch", e.to_string()))?;
    if let Value::Object(known) = &document
        && let Some(unknown) = members.keys().find(|k| !known.contains_key(*k))
    {
        return Err(Error::invalid(unknown, "is not a field of an action"));
    }
    if let Some((name, _)) = members.iter().find(|(_, v)| v.is_null()) {
        return Err(Error::invalid(name, "is required and cannot be removed"));
    }
    merge(&mut document, patch);
    serde_json::from_value(document).map_err(|e| Error::invalid("patch", e.to_string()))
}

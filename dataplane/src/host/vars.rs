//! Endpoint variables and secrets, by scope: set by the control side whenever they change,
//! read by handlers through [`super::HOST_VTABLE`]'s `var` (so a change applies to the next
//! request without a recompile or a swap).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

type Vars = Arc<HashMap<String, String>>;

static VARS: RwLock<Option<HashMap<u64, Vars>>> = RwLock::new(None);

/// Sets the variables (and secrets) of the endpoint with this scope; an empty map removes
/// them.
pub fn set_vars(scope: u64, vars: HashMap<String, String>) {
    let mut all = VARS.write().unwrap_or_else(|p| p.into_inner());
    let map = all.get_or_insert_with(HashMap::new);
    if vars.is_empty() {
        map.remove(&scope);
    } else {
        map.insert(scope, Arc::new(vars));
    }
}

/// The vtable entry: one variable of the calling endpoint.
pub(super) fn var(scope: u64, name: &str) -> Option<String> {
    // Never unwinds into the library: a poisoned lock is still readable.
    let all = VARS.read().unwrap_or_else(|p| p.into_inner());
    all.as_ref()?.get(&scope)?.get(name).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_per_scope_and_replaced_whole() {
        set_vars(9001, HashMap::from([("A".into(), "1".into())]));
        assert_eq!(var(9001, "A").as_deref(), Some("1"));
        assert_eq!(var(9002, "A"), None);
        set_vars(9001, HashMap::from([("B".into(), "2".into())]));
        assert_eq!(
            (var(9001, "A"), var(9001, "B").as_deref()),
            (None, Some("2"))
        );
        set_vars(9001, HashMap::new());
        assert_eq!(var(9001, "B"), None);
    }
}

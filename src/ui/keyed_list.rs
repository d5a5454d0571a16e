//! The one keyed list of the page. Every list (cards, feeds, subscriptions, meters, channels,
//! saved connections, the message log) goes through the same `For`: Leptos' keyed list is
//! generic over the item, key and row types, and each distinct use compiled its own copy of
//! the diffing code (7–16 KB of wasm each). Rows here are type-erased instead: a string key and
//! a boxed builder that runs only for a key not shown yet.

use leptos::prelude::*;

/// A row of a keyed list: its key, and how to build its view if the key is new.
pub struct KeyedRow {
    key: String,
    build: Box<dyn FnOnce() -> AnyView + Send>,
}

impl KeyedRow {
    /// The row `key`, built by `build` when it first appears.
    pub fn new<V: IntoAny>(key: String, build: impl FnOnce() -> V + Send + 'static) -> Self {
        Self {
            key,
            build: Box::new(move || build().into_any()),
        }
    }
}

/// The rows `rows` lists, kept by key across changes: a row whose key stays keeps its DOM and
/// state (focus, signals), a new key builds its row, a key gone takes its row away.
pub fn keyed_list(rows: impl Fn() -> Vec<KeyedRow> + Send + 'static) -> AnyView {
    keyed_rows(Box::new(rows))
}

fn keyed_rows(rows: Box<dyn Fn() -> Vec<KeyedRow> + Send>) -> AnyView {
    view! {
        <For each=move || rows() key=|row: &KeyedRow| row.key.clone() children=|row: KeyedRow| (row.build)() />
    }
    .into_any()
}

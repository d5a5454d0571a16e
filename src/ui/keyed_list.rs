//! The one keyed list of the page. Every list (cards, feeds, subscriptions, meters, channels,
//! saved connections, the message log) goes through the same `For`: Leptos' keyed list is
//! generic over the item, key and row types, and each distinct use compiled its own copy of
//! the diffing code (7–16 KB of wasm each). Rows here are type-erased instead: a string key and
//! a boxed builder that runs only for a key not shown yet.
//!
//! New rows are built a few at a time: a row is a component with its own memos and effects,
//! and a list that gains a hundred rows at once (the feeds table when a burst brings a thousand
//! topics) took 25–50 ms in one task. The rest follow in the next tasks of the page's queue,
//! which lets the browser paint between them (`crate::tasks`).

use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashSet;

/// New rows built in one pass of a list; rows already shown are always kept.
const NEW_ROWS_AT_ONCE: usize = 5;

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
    let shown = StoredValue::new(HashSet::<String>::new());
    let more = Trigger::new();
    let each = move || {
        more.track();
        let (listed, deferred) = shown.with_value(|shown| limit_new_rows(rows(), shown));
        shown.set_value(listed.iter().map(|row| row.key.clone()).collect());
        if deferred {
            // The rest in a later pass: a task of its own, after what is queued now.
            spawn_local(async move { more.notify() });
        }
        listed
    };
    view! {
        <For each=each key=|row: &KeyedRow| row.key.clone() children=|row: KeyedRow| (row.build)() />
    }
    .into_any()
}

/// `rows` with every row in `shown` and at most [`NEW_ROWS_AT_ONCE`] others, in order; and
/// whether some were left for later.
fn limit_new_rows(rows: Vec<KeyedRow>, shown: &HashSet<String>) -> (Vec<KeyedRow>, bool) {
    let mut new_rows = 0;
    let mut deferred = false;
    let listed = rows
        .into_iter()
        .filter(|row| {
            if shown.contains(&row.key) {
                return true;
            }
            new_rows += 1;
            deferred |= new_rows > NEW_ROWS_AT_ONCE;
            new_rows <= NEW_ROWS_AT_ONCE
        })
        .collect();
    (listed, deferred)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(keys: &[String]) -> Vec<KeyedRow> {
        keys.iter()
            .map(|key| KeyedRow::new(key.clone(), || ()))
            .collect()
    }

    fn keys(rows: &[KeyedRow]) -> Vec<String> {
        rows.iter().map(|row| row.key.clone()).collect()
    }

    #[test]
    fn rows_shown_stay_and_new_ones_come_a_few_at_a_time_in_order() {
        let all: Vec<String> = (0..50).map(|i| format!("k{i}")).collect();
        let shown: HashSet<String> = ["k3".to_owned(), "k45".to_owned()].into();
        let (listed, deferred) = limit_new_rows(rows(&all), &shown);
        // The first rows up to NEW_ROWS_AT_ONCE new ones (k3 among them is not new), and k45.
        let mut expected: Vec<String> = all[..=NEW_ROWS_AT_ONCE].to_vec();
        expected.push("k45".to_owned());
        assert_eq!(
            keys(&listed),
            expected,
            "k3 and k45 kept, new ones in order"
        );
        assert!(deferred);

        // The next passes take the rest; nothing is deferred once all are shown.
        let mut shown: HashSet<String> = keys(&listed).into_iter().collect();
        let mut passes = 1;
        loop {
            let (listed, deferred) = limit_new_rows(rows(&all), &shown);
            shown = keys(&listed).into_iter().collect();
            passes += 1;
            if !deferred {
                assert_eq!(keys(&listed), all);
                break;
            }
        }
        assert_eq!(
            passes,
            48_usize.div_ceil(NEW_ROWS_AT_ONCE),
            "48 new rows in all"
        );
        let (listed, deferred) = limit_new_rows(rows(&all[..5]), &shown);
        assert_eq!(keys(&listed), all[..5], "rows gone are simply not listed");
        assert!(!deferred);
    }
}

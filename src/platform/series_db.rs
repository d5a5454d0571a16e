//! The browser's IndexedDB as the place feed series are kept across reloads: one database, one
//! object store of chunks keyed `[connection, feed id, chunk number]`, so one connection's data
//! is one key range. Writes are one `readwrite` transaction with relaxed durability (a chart
//! may lose its last second in a power cut; it must not cost a disk flush a second). Every
//! failure comes back as a sentence; nothing here panics.

use crate::keep::keeper::{ChunkKey, Removal, WriteBatch};
use crate::platform::clock::measured;
use js_sys::{Array, Promise, Uint8Array};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    IdbDatabase, IdbKeyRange, IdbObjectStore, IdbOpenDbRequest, IdbRequest, IdbTransaction,
};

const DATABASE: &str = "feedboard";
const VERSION: u32 = 1;
const CHUNKS: &str = "series-chunks";

/// The open database.
#[derive(Clone)]
pub struct SeriesDb {
    db: Rc<IdbDatabase>,
}

/// Waits for `request` to succeed (its result) or fail.
async fn finished(request: &IdbRequest) -> Result<JsValue, JsValue> {
    let promise = Promise::new(&mut |resolve, reject| {
        let done = request.clone();
        let on_success = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &done.result().unwrap_or(JsValue::UNDEFINED));
        });
        let failed = request.clone();
        let on_error = Closure::once_into_js(move || {
            let error = failed.error().ok().flatten().map(JsValue::from);
            let _ = reject.call1(&JsValue::NULL, &error.unwrap_or(JsValue::NULL));
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise).await
}

/// Waits for `transaction` to commit, or says why it did not.
async fn committed(transaction: &IdbTransaction) -> Result<(), String> {
    let promise = Promise::new(&mut |resolve, reject| {
        let on_complete = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let failed = transaction.clone();
        let reject_abort = reject.clone();
        let aborted = transaction.clone();
        let on_error = Closure::once_into_js(move || {
            let error = failed.error().map(JsValue::from);
            let _ = reject.call1(&JsValue::NULL, &error.unwrap_or(JsValue::NULL));
        });
        let on_abort = Closure::once_into_js(move || {
            let error = aborted.error().map(JsValue::from);
            let _ = reject_abort.call1(&JsValue::NULL, &error.unwrap_or(JsValue::NULL));
        });
        transaction.set_oncomplete(Some(on_complete.unchecked_ref()));
        transaction.set_onerror(Some(on_error.unchecked_ref()));
        transaction.set_onabort(Some(on_abort.unchecked_ref()));
    });
    JsFuture::from(promise).await.map(|_| ()).map_err(describe)
}

/// A storage error in words.
fn describe(error: JsValue) -> String {
    let name = js_sys::Reflect::get(&error, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    match name.as_str() {
        "QuotaExceededError" => {
            "the browser's storage for this page is full; older data stays, new data is not kept"
                .to_owned()
        }
        "InvalidStateError" | "SecurityError" | "UnknownError" => {
            "the browser does not let this page keep data (a private window?)".to_owned()
        }
        "" => "the browser's storage failed".to_owned(),
        other => format!("the browser's storage failed ({other})"),
    }
}

fn key(connection: &str, feed: &str, chunk: f64) -> JsValue {
    Array::of3(&connection.into(), &feed.into(), &chunk.into()).into()
}

/// Every key of `connection`: `[connection]` sorts before its keys, `[connection, []]` after
/// them (arrays sort after strings).
fn connection_range(connection: &str) -> Result<IdbKeyRange, JsValue> {
    let lower: JsValue = Array::of1(&connection.into()).into();
    let upper: JsValue = Array::of2(&connection.into(), &Array::new()).into();
    IdbKeyRange::bound(&lower, &upper)
}

fn removal_range(connection: &str, removal: &Removal) -> Result<IdbKeyRange, JsValue> {
    match removal {
        Removal::Feed(feed) => IdbKeyRange::bound(
            &key(connection, feed, 0.0),
            &key(connection, feed, f64::INFINITY),
        ),
        Removal::Before { feed, before } => IdbKeyRange::bound_with_lower_open_and_upper_open(
            &key(connection, feed, 0.0),
            &key(connection, feed, *before as f64),
            false,
            true,
        ),
    }
}

impl SeriesDb {
    /// Opens (or creates) the database. An error says why the page cannot keep data.
    pub async fn open() -> Result<Self, String> {
        let unavailable = || "the browser does not let this page keep data (a private window?)";
        let factory = web_sys::window()
            .and_then(|w| w.indexed_db().ok().flatten())
            .ok_or_else(unavailable)?;
        let request: IdbOpenDbRequest = factory
            .open_with_u32(DATABASE, VERSION)
            .map_err(|_| unavailable())?;
        let upgrading = request.clone();
        let on_upgrade = Closure::once_into_js(move || {
            if let Ok(result) = upgrading.result() {
                let db: IdbDatabase = result.unchecked_into();
                if !db.object_store_names().contains(CHUNKS) {
                    let _ = db.create_object_store(CHUNKS);
                }
            }
        });
        request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
        let db: IdbDatabase = finished(&request).await.map_err(describe)?.unchecked_into();
        // Another page (a newer release, or the page deleting its data) needs the database:
        // let go rather than block it.
        let closing = db.clone();
        let on_version_change = Closure::<dyn Fn()>::new(move || closing.close());
        db.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
        on_version_change.forget();
        Ok(Self { db: Rc::new(db) })
    }

    /// Lets the database go (the page is closing its app).
    pub fn close(&self) {
        self.db.close();
    }

    /// A transaction on the chunks (`mode` "readonly" or "readwrite"), with relaxed
    /// durability where the browser knows it (web-sys has the option only behind its unstable
    /// flag, so it is passed as a plain object; older engines ignore it).
    fn store(&self, mode: &str) -> Result<(IdbTransaction, IdbObjectStore), String> {
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"durability".into(), &"relaxed".into());
        let open = js_sys::Reflect::get(&self.db, &"transaction".into())
            .and_then(|f| f.dyn_into::<js_sys::Function>())
            .map_err(describe)?;
        let transaction: IdbTransaction = open
            .call3(&self.db, &CHUNKS.into(), &mode.into(), &options)
            .and_then(|t| t.dyn_into())
            .map_err(describe)?;
        let store = transaction.object_store(CHUNKS).map_err(describe)?;
        Ok((transaction, store))
    }

    /// Carries out `batch` for `connection` in one transaction; the main thread's part (the
    /// requests, which copy the bytes) is measured as `measure`.
    pub async fn write(
        &self,
        connection: &str,
        batch: &WriteBatch,
        measure: &str,
    ) -> Result<(), String> {
        let transaction = measured(measure, || -> Result<IdbTransaction, String> {
            let (transaction, store) = self.store("readwrite")?;
            for removal in &batch.removals {
                let range = removal_range(connection, removal).map_err(describe)?;
                store.delete(&range).map_err(describe)?;
            }
            for (ChunkKey { feed, chunk }, bytes) in &batch.puts {
                let value = Uint8Array::from(bytes.as_slice());
                store
                    .put_with_key(&value, &key(connection, feed, *chunk as f64))
                    .map_err(describe)?;
            }
            Ok(transaction)
        })?;
        committed(&transaction).await
    }

    /// Every chunk kept for `connection`, in key order.
    pub async fn read(&self, connection: &str) -> Result<Vec<(ChunkKey, Vec<u8>)>, String> {
        let (_transaction, store) = self.store("readonly")?;
        let range = connection_range(connection).map_err(describe)?;
        let keys = store.get_all_keys_with_key(&range).map_err(describe)?;
        let values = store.get_all_with_key(&range).map_err(describe)?;
        let keys: Array = finished(&keys).await.map_err(describe)?.unchecked_into();
        let values: Array = finished(&values).await.map_err(describe)?.unchecked_into();
        let chunks = keys
            .iter()
            .zip(values.iter())
            .filter_map(|(key, value)| {
                let key: Array = key.dyn_into().ok()?;
                let feed = key.get(1).as_string()?;
                let chunk = key.get(2).as_f64()? as u64;
                let bytes = value.dyn_into::<Uint8Array>().ok()?.to_vec();
                Some((ChunkKey { feed, chunk }, bytes))
            })
            .collect();
        Ok(chunks)
    }

    /// Removes everything kept for `connection`.
    pub async fn forget(&self, connection: &str) -> Result<(), String> {
        let (transaction, store) = self.store("readwrite")?;
        let range = connection_range(connection).map_err(describe)?;
        store.delete(&range).map_err(describe)?;
        committed(&transaction).await
    }
}

/// Asks the browser not to evict the page's data, if the app is installed (a tab's request is
/// usually refused, and Chromium decides by engagement anyway). Whether it was granted does
/// not change what the page does.
pub fn keep_persistently_if_installed() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let installed = window
        .match_media("(display-mode: standalone)")
        .ok()
        .flatten()
        .is_some_and(|query| query.matches());
    if installed {
        if let Ok(promise) = window.navigator().storage().persist() {
            wasm_bindgen_futures::spawn_local(async move {
                let _ = JsFuture::from(promise).await;
            });
        }
    }
}

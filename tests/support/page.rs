//! Helpers for page tests: mount the app, find things by their labels, type, click.
#![allow(dead_code)]

use crate::browser::*;
use feedboard::app::{App, StartupOptions};
use feedboard::chart::theme::{parse_hex_colour, ChartTheme};
use feedboard::feeds::store::StoreLimits;
use feedboard::platform::css::root_custom_property;
use feedboard::service::feed_ref::FeedRef;
use feedboard::service::ServiceKind;
use feedboard::ui::feeds_handle::FeedsHandle;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{self, HtmlCanvasElement, HtmlElement, HtmlInputElement};
use std::cell::Cell;
use std::rc::Rc;

pub fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

/// A fresh container for one test's app.
pub fn container() -> HtmlElement {
    // Also checked here: an error after a test's app was gone comes out at the next mount.
    assert_no_uncaught_errors("before this test");
    watch_uncaught_errors();
    let element = document().create_element("div").expect("div");
    document()
        .body()
        .expect("body")
        .append_child(&element)
        .expect("append");
    element.unchecked_into()
}

/// Errors no code caught (thrown by an event handler or a timer, a trap in the app's
/// WebAssembly), kept by the page and written to the console with their stacks. The browser
/// reports them only to the page: a test would pass over them, and one failing later would show
/// no trace of its cause (a WebKit run once stopped on a trap whose cause came earlier).
fn watch_uncaught_errors() {
    let _ = js_sys::eval(
        "if (!window.__uncaught) {
            window.__uncaught = [];
            const keep = (text) => { window.__uncaught.push(text); console.error(text); };
            addEventListener('error', (e) => keep('uncaught in the page: ' + e.message
                + (e.error && e.error.stack ? '\\n' + e.error.stack : '')));
            addEventListener('unhandledrejection', (e) => keep('unhandled rejection in the page: '
                + ((e.reason && e.reason.stack) || e.reason)));
        }",
    );
}

/// Fails if the page has seen an uncaught error (see [`watch_uncaught_errors`]); `when` says
/// where in the file's run the check is.
fn assert_no_uncaught_errors(when: &str) {
    let seen = js_sys::eval("(window.__uncaught || []).join('\\n')")
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default();
    assert!(seen.is_empty(), "errors nothing caught {when}:\n{seen}");
}

pub fn within(root: &HtmlElement, selector: &str) -> Option<web_sys::Element> {
    root.query_selector(selector).ok().flatten()
}

/// Every element under `root` that matches `selector`, in document order.
pub fn all_within(root: &HtmlElement, selector: &str) -> Vec<web_sys::Element> {
    root.query_selector_all(selector)
        .map(|list| {
            (0..list.length())
                .filter_map(|i| list.item(i)?.dyn_into().ok())
                .collect()
        })
        .unwrap_or_default()
}

pub fn text_of(root: &HtmlElement, selector: &str) -> String {
    within(root, selector)
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

/// Types into a labelled input the way a user would (sets the value, fires `input`).
pub fn type_into(root: &HtmlElement, label_text: &str, value: &str) {
    let id = all_within(root, "label")
        .into_iter()
        .find(|l| l.text_content().as_deref() == Some(label_text))
        .and_then(|l| l.get_attribute("for"))
        .unwrap_or_else(|| panic!("no label \"{label_text}\""));
    let input: HtmlInputElement = within(root, &format!("#{id}"))
        .unwrap_or_else(|| panic!("label \"{label_text}\" points at nothing"))
        .unchecked_into();
    input.set_value(value);
    let event = web_sys::Event::new("input").expect("event");
    input.dispatch_event(&event).expect("dispatch");
}

pub fn choose(root: &HtmlElement, selector: &str, value: &str) {
    let select: web_sys::HtmlSelectElement = within(root, selector)
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
        .unchecked_into();
    select.set_value(value);
    select
        .dispatch_event(&web_sys::Event::new("change").expect("event"))
        .expect("dispatch");
}

/// Picks `service` (the form's value) in a form showing another one, and waits until the form
/// has filled in that service's URL: a URL typed before then would be overwritten.
pub async fn choose_service(root: &HtmlElement, service: &str) {
    let broker_url = || {
        within(root, "#broker-url")
            .map(|field| field.unchecked_into::<HtmlInputElement>().value())
            .unwrap_or_default()
    };
    let before = broker_url();
    choose(root, "#service", service);
    assert!(
        wait_until(3000, || broker_url() != before).await,
        "choosing {service} fills in its URL"
    );
}

/// Picks Adafruit IO in the form, checks the form adapts (credential labels, the service's
/// URL), then points it at the simulator and fills in `user` and `key`.
pub async fn fill_adafruit_form(root: &HtmlElement, user: &str, key: &str) {
    choose_service(root, "adafruit-io").await;
    let relabelled = wait_until(5000, || {
        text_of(root, "label[for='username']") == "Adafruit IO username"
    })
    .await;
    assert!(
        relabelled,
        "label: {}",
        text_of(root, "label[for='username']")
    );
    assert_eq!(text_of(root, "label[for='password']"), "AIO key");
    let url: HtmlInputElement = within(root, "#broker-url")
        .expect("url field")
        .unchecked_into();
    assert_eq!(
        url.value(),
        "wss://io.adafruit.com:443/mqtt",
        "choosing a service fills its URL"
    );
    type_into(root, "Broker URL", adafruit_url());
    type_into(root, "Adafruit IO username", user);
    type_into(root, "AIO key", key);
}

pub fn click(root: &HtmlElement, selector: &str) {
    within(root, selector)
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
        .unchecked_into::<HtmlElement>()
        .click();
}

/// Empties the page's storage: tests in one file share a page, and each starts afresh
/// (saved connections would otherwise carry from one test into the next).
pub fn clear_storage() {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        storage.clear().expect("storage clears");
    }
    // Kept series too; the app opened next waits for the deletion (an app still holding the
    // database lets go of it when asked).
    js_sys::eval("indexedDB.deleteDatabase('feedboard')").expect("the kept series are deleted");
}

/// A mounted app: dropped (a test's end, a reload), it first lets Leptos' ready work run, then
/// unmounts. The page's work runs in slices with the browser's turns between them (see
/// `feedboard::tasks`); on the page nothing in those turns removes part of the app (branches
/// and rows go inside the work itself), but test code runs there too, and an app unmounted
/// between slices left effects woken and not yet run, which then ran on values already gone —
/// a panic (seen once in WebKit).
pub struct MountedApp<H>(Option<H>);

impl<H> Drop for MountedApp<H> {
    fn drop(&mut self) {
        // Bounded: a task that woke itself every time would otherwise never let go.
        let _ = feedboard::tasks::run_for(1000.0, &feedboard::platform::clock::now_ms);
        drop(self.0.take());
        // Here the test that caused an error is the one that fails.
        assert_no_uncaught_errors("while this test's app ran");
    }
}

/// Mounts the app on empty storage.
pub fn mount(options: StartupOptions) -> (HtmlElement, impl Drop) {
    let (root, _feeds, app) = mount_with_store(options);
    (root, app)
}

/// Mounts the app with a feed store the test can read, on empty storage.
pub fn mount_with_store(options: StartupOptions) -> (HtmlElement, FeedsHandle, impl Drop) {
    clear_storage();
    remount_with_store(options)
}

/// Mounts the app with a feed store the test can read, keeping what is in storage (a reload).
pub fn remount_with_store(options: StartupOptions) -> (HtmlElement, FeedsHandle, impl Drop) {
    // As the page's main does: Leptos' tasks run on the app's time-sliced queue.
    feedboard::platform::page_tasks::install();
    let root = container();
    let slot: Rc<Cell<Option<FeedsHandle>>> = Rc::default();
    let keep = slot.clone();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        let feeds = FeedsHandle::new(StoreLimits::default());
        keep.set(Some(feeds));
        view! { <App options=options feeds=feeds /> }
    });
    let feeds = slot.take().expect("the app was mounted");
    (root, feeds, MountedApp(Some(handle)))
}

/// From now on, keeps every file the page offers for download (name and content) instead of
/// letting the browser save it.
pub fn capture_downloads() {
    js_sys::eval(
        "if (!window.__downloads) {
            window.__downloads = [];
            const blobs = new Map();
            const original = URL.createObjectURL.bind(URL);
            URL.createObjectURL = (blob) => { const url = original(blob); blobs.set(url, blob); return url; };
            HTMLAnchorElement.prototype.click = function () {
                if (this.download) { window.__downloads.push({ name: this.download, blob: blobs.get(this.href) }); }
            };
        }",
    )
    .expect("the download hook installs");
}

/// How many downloads the page offered since [`capture_downloads`].
pub fn download_count() -> u32 {
    js_sys::eval("window.__downloads.length")
        .ok()
        .and_then(|n| n.as_f64())
        .map_or(0, |n| n as u32)
}

/// Download number `index`: its file name and text.
pub async fn downloaded(index: u32) -> (String, String) {
    let entry = js_sys::eval(&format!("window.__downloads[{index}]")).expect("a download");
    let name = js_sys::Reflect::get(&entry, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .expect("a file name");
    let blob: web_sys::Blob = js_sys::Reflect::get(&entry, &"blob".into())
        .expect("a blob")
        .unchecked_into();
    let text = wasm_bindgen_futures::JsFuture::from(blob.text())
        .await
        .expect("the blob reads")
        .as_string()
        .expect("text");
    (name, text)
}

/// Counts animation frames until dropped.
pub struct FrameCounter {
    frames: Rc<Cell<u32>>,
    running: Rc<Cell<bool>>,
    _callback: Rc<FrameCallback>,
}

type FrameCallback =
    std::cell::RefCell<Option<leptos::wasm_bindgen::closure::Closure<dyn FnMut()>>>;

impl FrameCounter {
    /// Starts counting.
    pub fn start() -> Self {
        let frames = Rc::new(Cell::new(0u32));
        let running = Rc::new(Cell::new(true));
        let callback: Rc<FrameCallback> = Rc::default();
        let request = |callback: &FrameCallback| {
            if let Some(closure) = callback.borrow().as_ref() {
                let _ = web_sys::window()
                    .expect("window")
                    .request_animation_frame(closure.as_ref().unchecked_ref());
            }
        };
        {
            let (frames, running, again) = (frames.clone(), running.clone(), callback.clone());
            *callback.borrow_mut() = Some(leptos::wasm_bindgen::closure::Closure::new(move || {
                frames.set(frames.get() + 1);
                if running.get() {
                    request(&again);
                }
            }));
        }
        request(&callback);
        Self {
            frames,
            running,
            _callback: callback,
        }
    }

    /// Frames so far.
    pub fn count(&self) -> u32 {
        self.frames.get()
    }
}

impl Drop for FrameCounter {
    fn drop(&mut self) {
        self.running.set(false);
    }
}

/// Connects the page's form: `service` (form value), `url`, `user` with any key, `plan` (the
/// plan select's value; "" leaves the default). Waits until connected.
pub async fn connect_page(root: &HtmlElement, service: &str, url: &str, user: &str, plan: &str) {
    choose_service(root, service).await;
    type_into(root, "Broker URL", url);
    if let Some(username) = within(root, "#username") {
        let input: HtmlInputElement = username.unchecked_into();
        input.set_value(user);
        input
            .dispatch_event(&web_sys::Event::new("input").expect("event"))
            .expect("dispatch");
    }
    if let Some(password) = within(root, "#password") {
        let input: HtmlInputElement = password.unchecked_into();
        input.set_value("not-a-real-key");
        input
            .dispatch_event(&web_sys::Event::new("input").expect("event"))
            .expect("dispatch");
    }
    if !plan.is_empty() {
        assert!(wait_until(3000, || within(root, "#plan").is_some()).await);
        choose(root, "#plan", plan);
    }
    connect_filled(root).await;
}

/// Presses Connect on a filled form and waits until connected.
pub async fn connect_filled(root: &HtmlElement) {
    click(root, "#connect-button");
    assert!(
        wait_until(5000, || text_of(root, "#connection-status") == "Connected").await,
        "status: {} {}",
        text_of(root, "#connection-status"),
        text_of(root, "#connection-error")
    );
}

/// Adds a card of `kind` (an id such as "slider") for the typed `feed`; returns its selector.
pub async fn add_card(root: &HtmlElement, kind: &str, feed_id: &str, typed: &str) -> String {
    choose(root, "#add-card-kind", kind);
    type_into(root, "for feed", typed);
    click(root, ".add-card button[type='submit']");
    let card = format!("article[data-card-kind='{kind}'][data-feeds='{feed_id}']");
    assert!(
        wait_until(5000, || within(root, &card).is_some()).await,
        "no {kind} card for {feed_id}: {}",
        text_of(root, ".add-card")
    );
    card
}

/// Types `value` into the first input of `card` and submits its form.
pub fn submit_value(root: &HtmlElement, card: &str, value: &str) {
    let input: HtmlInputElement = within(root, &format!("{card} form input"))
        .unwrap_or_else(|| panic!("no input in {card}"))
        .unchecked_into();
    input.set_value(value);
    input
        .dispatch_event(&web_sys::Event::new("input").expect("event"))
        .expect("dispatch");
    click(root, &format!("{card} button[type='submit']"));
}

/// Offers `text` to the import control as the file `name`, as picking it in the file dialog would.
pub fn import_file(root: &HtmlElement, name: &str, text: &str) {
    let input = within(root, "#import-dashboard").expect("the import control");
    let parts = js_sys::Array::of1(&text.into());
    let file = web_sys::File::new_with_str_sequence(&parts, name).expect("a file");
    let transfer = web_sys::DataTransfer::new().expect("a data transfer");
    transfer
        .items()
        .add_with_file(&file)
        .expect("the file is added");
    let input: web_sys::HtmlInputElement = input.unchecked_into();
    input.set_files(transfer.files().as_ref());
    input
        .dispatch_event(&web_sys::Event::new("change").expect("event"))
        .expect("dispatch");
}

/// The app's own stylesheet on the test page (which has none) while the guard lives, for
/// tests about layout.
pub fn with_stylesheet() -> impl Drop {
    struct Styled(web_sys::Element);
    impl Drop for Styled {
        fn drop(&mut self) {
            self.0.remove();
        }
    }
    let style = document().create_element("style").expect("style");
    style.set_text_content(Some(include_str!("../../style/main.css")));
    document()
        .head()
        .expect("head")
        .append_child(&style)
        .expect("append");
    Styled(style)
}

/// Opens the ⚙ settings of `card` (a selector).
pub async fn open_settings(root: &HtmlElement, card: &str) {
    click(root, &format!("{card} button[aria-label^='Settings']"));
    assert!(
        wait_until(5000, || within(root, &format!("{card} .card-settings"))
            .is_some())
        .await
    );
}

/// Closes them with their Done button.
pub fn close_settings(root: &HtmlElement, card: &str) {
    click(
        root,
        &format!("{card} .card-settings-actions button:last-child"),
    );
}

/// Imports `text` as the file `name` and waits until the dashboard message says `expected`.
pub async fn import_and_expect(root: &HtmlElement, name: &str, text: &str, expected: &str) {
    import_file(root, name, text);
    // The file is read asynchronously; WebKit under a loaded machine has taken over 2 s.
    assert!(
        wait_until(5000, || text_of(root, "#dashboard-message")
            .contains(expected))
        .await,
        "importing {name}: {}",
        text_of(root, "#dashboard-message")
    );
}

/// The chart canvas of the card showing `feed` alone, scrolled into view (charts out of view
/// wait to draw until they come into it, as a reader scrolls).
pub fn canvas_of(root: &HtmlElement, feed: &FeedRef) -> HtmlCanvasElement {
    let canvas: HtmlCanvasElement =
        within(root, &format!("article[data-feeds='{}'] canvas", feed.id()))
            .unwrap_or_else(|| panic!("no chart for {feed}"))
            .unchecked_into();
    canvas.scroll_into_view();
    canvas
}

/// Columns (x positions) of the canvas that hold pixels close to the first series colour.
pub fn series_columns(canvas: &HtmlCanvasElement) -> Vec<u32> {
    // The test page has no stylesheet: the chart then uses its built-in light colours.
    let colour = root_custom_property("--series-0")
        .and_then(|c| parse_hex_colour(&c))
        .unwrap_or_else(|| ChartTheme::default().series_colour(0));
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .expect("context")
        .expect("2d")
        .unchecked_into();
    let (width, height) = (canvas.width(), canvas.height());
    let pixels = context
        .get_image_data(0.0, 0.0, f64::from(width), f64::from(height))
        .expect("pixels")
        .data();
    let mut columns: Vec<u32> = Vec::new();
    for (index, pixel) in pixels.chunks_exact(4).enumerate() {
        let distance = (i32::from(pixel[0]) - i32::from(colour.0)).abs()
            + (i32::from(pixel[1]) - i32::from(colour.1)).abs()
            + (i32::from(pixel[2]) - i32::from(colour.2)).abs();
        if distance < 60 {
            columns.push(index as u32 % width);
        }
    }
    columns.sort_unstable();
    columns
}

/// Mounts the page connected to the plain broker with `filter` subscribed.
pub async fn connected_page(filter: &str) -> (HtmlElement, FeedsHandle, impl Drop) {
    connected_to(None, broker_url(), filter).await
}

/// Mounts the page connected to `service` (`None`: a plain broker) at `url` with `filter`
/// subscribed, once the broker has accepted the subscription.
pub async fn connected_to(
    service: Option<ServiceKind>,
    url: &str,
    filter: &str,
) -> (HtmlElement, FeedsHandle, impl Drop) {
    let (root, feeds, app) = mount_with_store(StartupOptions {
        service,
        url: url.to_owned(),
        auto_connect: true,
        subscribe: vec![filter.to_owned()],
    });
    assert!(wait_until(5000, || text_of(&root, "#connection-status") == "Connected").await);
    let item = format!("li[data-filter='{filter}']");
    assert!(wait_until(3000, || text_of(&root, &item).contains("active")).await);
    (root, feeds, app)
}

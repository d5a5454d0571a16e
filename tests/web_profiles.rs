//! Dashboards people keep: a saved connection and its dashboards survive a reload; a secret
//! reaches storage only when "remember" was chosen and never reaches an exported file; a bad
//! dashboard file is refused with a message and changes nothing; cards move by drag and by
//! button, and dashboards switch by keyboard. Real mosquitto and the Adafruit IO simulator.
#![cfg(target_arch = "wasm32")]

#[path = "support/browser.rs"]
mod browser;
#[path = "support/page.rs"]
mod page;
#[path = "support/session_client.rs"]
mod session_client;

use browser::*;
use feedboard::app::StartupOptions;
use gloo_timers::future::TimeoutFuture;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{self, HtmlElement};
use page::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Every value the page keeps in localStorage, as (key, value).
fn stored() -> Vec<(String, String)> {
    let storage = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("local storage");
    let count = storage.length().expect("length");
    (0..count)
        .filter_map(|i| storage.key(i).ok().flatten())
        .map(|key| {
            let value = storage.get_item(&key).ok().flatten().unwrap_or_default();
            (key, value)
        })
        .collect()
}

/// What the page stored under `key`.
fn stored_item(key: &str) -> Option<String> {
    stored().into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// The dashboard tabs: names, and which one is selected.
fn tabs(root: &HtmlElement) -> (Vec<String>, Option<String>) {
    let mut names = Vec::new();
    let mut selected = None;
    for tab in all_within(root, "[role='tab']") {
        let name = tab.text_content().unwrap_or_default();
        if tab.get_attribute("aria-selected").as_deref() == Some("true") {
            selected = Some(name.clone());
        }
        names.push(name);
    }
    (names, selected)
}

/// The cards shown, in order: (kind, feeds, size classes).
fn cards(root: &HtmlElement) -> Vec<(String, String, String)> {
    all_within(root, "article.card")
        .iter()
        .map(|card| {
            let size = ["size-wide", "size-tall"]
                .into_iter()
                .filter(|class| card.class_list().contains(class))
                .collect::<Vec<_>>()
                .join(" ");
            (
                card.get_attribute("data-card-kind").unwrap_or_default(),
                card.get_attribute("data-feeds").unwrap_or_default(),
                size,
            )
        })
        .collect()
}

async fn connect_broker(root: &HtmlElement, name: &str) {
    type_into(root, "Name", name);
    type_into(root, "Broker URL", broker_url());
    click(root, "#connect-button");
    assert!(
        wait_until(5000, || text_of(root, "#connection-status") == "Connected").await,
        "{}",
        text_of(root, "#connection-error")
    );
}

#[wasm_bindgen_test]
async fn a_profile_and_its_dashboards_survive_a_reload() {
    let prefix = unique("keep");
    let (before_tabs, before_main, before_garden);
    {
        let (root, _feeds, app) = mount_with_store(StartupOptions::default());
        connect_broker(&root, "Workshop").await;
        type_into(&root, "Topic filter", &format!("{prefix}/#"));
        click(&root, "#subscribe-button");
        let number = add_card(
            &root,
            "number",
            &format!("topic:{prefix}/temp"),
            &format!("{prefix}/temp"),
        )
        .await;
        add_card(
            &root,
            "chart",
            &format!("topic:{prefix}/hum"),
            &format!("{prefix}/hum"),
        )
        .await;
        let toggle = add_card(
            &root,
            "toggle",
            &format!("topic:{prefix}/lamp"),
            &format!("{prefix}/lamp"),
        )
        .await;
        open_settings(&root, &number).await;
        choose(&root, &format!("{number} select[id$='-size']"), "large");
        close_settings(&root, &number);
        // The toggle goes first, by its "Earlier" button, twice.
        open_settings(&root, &toggle).await;
        click(&root, &format!("{toggle} .move-earlier"));
        click(&root, &format!("{toggle} .move-earlier"));
        close_settings(&root, &toggle);

        click(&root, ".tab-add");
        assert!(wait_until(5000, || tabs(&root).0.len() == 2).await);
        click(&root, ".dashboard-tools .link-button");
        assert!(wait_until(5000, || within(&root, "#dashboard-name").is_some()).await);
        type_into(&root, "Dashboard name", "Garden");
        click(&root, ".rename-form button[type='submit']");
        add_card(
            &root,
            "text",
            &format!("topic:{prefix}/note"),
            &format!("{prefix}/note"),
        )
        .await;
        assert!(wait_until(5000, || tabs(&root).1.as_deref() == Some("Garden")).await);
        before_garden = cards(&root);
        click(&root, "[role='tab']");
        assert!(wait_until(5000, || tabs(&root).1.as_deref() == Some("Main")).await);
        before_tabs = tabs(&root);
        before_main = cards(&root);
        assert_eq!(
            before_main.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(),
            ["toggle", "number", "chart"],
            "the toggle moved first"
        );
        assert_eq!(before_main[1].2, "size-wide size-tall");
        assert_eq!(before_garden.len(), 1);
        // The page goes away (a reload).
        TimeoutFuture::new(100).await;
        drop(app);
        root.remove();
    }

    let (root, _feeds, _app) = remount_with_store(StartupOptions::default());
    assert!(
        wait_until(5000, || text_of(&root, "#connection-status") == "Connected").await,
        "the saved connection connects by itself: {}",
        text_of(&root, "#connection-error")
    );
    let in_use = || text_of(&root, ".saved-connections li.in-use .saved-name");
    assert!(
        wait_until(3000, || in_use() == "Workshop").await,
        "{}",
        in_use()
    );
    assert_eq!(tabs(&root), before_tabs);
    assert_eq!(cards(&root), before_main);
    assert!(
        wait_until(3000, || text_of(
            &root,
            &format!("#subscription-list li[data-filter='{prefix}/#']")
        )
        .contains("active"))
        .await,
        "the subscription is made again: {}",
        text_of(&root, "#subscription-list")
    );
    // Live again: a value published elsewhere reaches the restored number card.
    let sender = RecordingClient::new(broker_url());
    sender.connect().await;
    sender
        .publish_confirmed(&format!("{prefix}/temp"), b"21.5")
        .await;
    let number = format!("article[data-card-kind='number'][data-feeds='topic:{prefix}/temp']");
    assert!(
        wait_until(3000, || text_of(&root, &number).contains("21.5")).await,
        "{}",
        text_of(&root, &number)
    );
    let garden = all_within(&root, "[role='tab']").remove(1);
    garden.unchecked_into::<HtmlElement>().click();
    assert!(wait_until(5000, || cards(&root) == before_garden).await);
    sender.client.disconnect();
}

#[wasm_bindgen_test]
async fn a_secret_is_stored_only_when_remembered_and_never_exported() {
    const KEY: &str = "aio_SECRETkey0123456789";
    let user = unique("maker").replace(['-', '/'], "");
    let (root, _feeds, _app) = mount_with_store(StartupOptions::default());
    capture_downloads();
    let downloads = download_count();
    fill_adafruit_form(&root, &user, KEY).await;
    click(&root, "#connect-button");
    assert!(
        wait_until(5000, || text_of(&root, "#connection-status") == "Connected").await,
        "{}",
        text_of(&root, "#connection-error")
    );
    add_card(&root, "toggle", &format!("aio:{user}/lamp"), "lamp").await;
    let lamp = format!("aio:{user}/lamp");
    assert!(
        wait_until(3000, || stored_item("feedboard.profiles")
            .is_some_and(|book| book.contains(&lamp)))
        .await,
        "the profile is saved with its card: {:?}",
        stored_item("feedboard.profiles")
    );
    assert!(
        stored().iter().all(|(_, value)| !value.contains(KEY)),
        "the key is not stored without being asked to: {:?}",
        stored()
    );
    assert!(!web_sys::window()
        .expect("window")
        .location()
        .href()
        .expect("href")
        .contains(KEY));

    click(&root, "#export-dashboard");
    assert!(wait_until(5000, || download_count() == downloads + 1).await);
    let (name, text) = downloaded(downloads).await;
    assert!(name.ends_with(".json"), "{name}");
    assert!(!text.contains(KEY), "{text}");
    let exported: serde_json::Value = serde_json::from_str(&text).expect("the export is JSON");
    assert_eq!(exported["feedboard"], "dashboard");
    assert_eq!(exported["version"], 1);
    assert_eq!(exported["cards"][0]["kind"], "toggle");

    // Asked to remember: the warning says what that means, and the key is stored.
    click(&root, "#connect-button");
    assert!(wait_until(3000, || text_of(&root, "#connection-status") != "Connected").await);
    click(&root, "#remember-secret");
    assert!(
        wait_until(5000, || text_of(&root, "#remember-warning")
            .contains("password"))
        .await,
        "{}",
        text_of(&root, "#remember-warning")
    );
    click(&root, "#connect-button");
    assert!(wait_until(5000, || text_of(&root, "#connection-status") == "Connected").await);
    assert!(
        wait_until(5000, || stored_item("feedboard.profiles")
            .is_some_and(|book| book.contains(KEY)))
        .await,
        "remembered"
    );
    click(&root, "#export-dashboard");
    assert!(wait_until(5000, || download_count() == downloads + 2).await);
    let (_, text) = downloaded(downloads + 1).await;
    assert!(!text.contains(KEY), "never in an export: {text}");

    // Unticked again: the stored key is gone.
    click(&root, "#connect-button");
    assert!(wait_until(3000, || text_of(&root, "#connection-status") != "Connected").await);
    click(&root, "#remember-secret");
    click(&root, "#connect-button");
    assert!(wait_until(5000, || text_of(&root, "#connection-status") == "Connected").await);
    assert!(
        wait_until(5000, || stored().iter().all(|(_, v)| !v.contains(KEY))).await,
        "forgotten: {:?}",
        stored()
    );
}

#[wasm_bindgen_test]
async fn a_bad_dashboard_file_is_refused_and_changes_nothing() {
    let prefix = unique("import");
    let (root, _feeds, _app) = mount_with_store(StartupOptions::default());
    capture_downloads();
    connect_broker(&root, "Imports").await;
    add_card(
        &root,
        "gauge",
        &format!("topic:{prefix}/level"),
        &format!("{prefix}/level"),
    )
    .await;
    let gauge = format!("topic:{prefix}/level");
    assert!(
        wait_until(3000, || stored_item("feedboard.profiles")
            .is_some_and(|book| book.contains(&gauge)))
        .await,
        "the new card is saved"
    );
    let book = stored_item("feedboard.profiles").expect("saved");
    let (shown_tabs, shown_cards) = (tabs(&root), cards(&root));

    let big = "x".repeat(1_100_000);
    let bad: [(&str, &str, &str); 5] = [
        ("notes.json", "{ this is not json", "not JSON"),
        (
            "later.json",
            r#"{"feedboard":"dashboard","version":7,"name":"Later","cards":[]}"#,
            "newer Feedboard",
        ),
        (
            "pie.json",
            r#"{"feedboard":"dashboard","version":1,"name":"Pie","cards":[{"kind":"pie","feeds":["topic:a"]}]}"#,
            "unknown kind \"pie\"",
        ),
        ("list.json", "[1, 2, 3]", "not a Feedboard dashboard export"),
        ("huge.json", &big, "too big"),
    ];
    for (name, text, expected) in bad {
        import_file(&root, name, text);
        assert!(
            wait_until(5000, || {
                within(&root, "#dashboard-message.error").is_some()
                    && text_of(&root, "#dashboard-message").contains(name)
                    && text_of(&root, "#dashboard-message").contains(expected)
            })
            .await,
            "{name}: {}",
            text_of(&root, "#dashboard-message")
        );
        assert_eq!(tabs(&root), shown_tabs, "{name}");
        assert_eq!(cards(&root), shown_cards, "{name}");
        assert_eq!(
            stored_item("feedboard.profiles").as_deref(),
            Some(book.as_str()),
            "{name}"
        );
    }

    // A good file (this dashboard, exported) comes in as a dashboard of its own.
    let downloads = download_count();
    click(&root, "#export-dashboard");
    assert!(wait_until(5000, || download_count() == downloads + 1).await);
    let (_, text) = downloaded(downloads).await;
    import_and_expect(&root, "main.json", &text, "Imported").await;
    assert_eq!(tabs(&root).0.len(), 2);
    assert_eq!(cards(&root), shown_cards);
}

#[wasm_bindgen_test]
async fn cards_move_by_drag_and_dashboards_switch_by_keyboard() {
    let prefix = unique("move");
    let (root, _feeds, _app) = mount_with_store(StartupOptions::default());
    connect_broker(&root, "Moves").await;
    for name in ["a", "b", "c"] {
        add_card(
            &root,
            "text",
            &format!("topic:{prefix}/{name}"),
            &format!("{prefix}/{name}"),
        )
        .await;
    }
    let order = || {
        cards(&root)
            .into_iter()
            .map(|(_, feeds, _)| feeds.rsplit('/').next().unwrap_or_default().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(order(), ["a", "b", "c"]);
    // "a" dragged by its header and dropped on "c" takes c's place.
    let card = |name: &str| format!("article[data-feeds='topic:{prefix}/{name}']");
    let transfer = web_sys::DataTransfer::new().expect("a data transfer");
    let drag = |kind: &str, selector: &str| {
        let init = web_sys::DragEventInit::new();
        init.set_bubbles(true);
        init.set_cancelable(true);
        init.set_data_transfer(Some(&transfer));
        let event = web_sys::DragEvent::new_with_event_init_dict(kind, &init).expect("event");
        within(&root, selector)
            .unwrap_or_else(|| panic!("{selector}"))
            .dispatch_event(&event)
            .expect("dispatch");
    };
    drag("dragstart", &format!("{} .card-header", card("a")));
    drag("dragover", &card("c"));
    drag("drop", &card("c"));
    assert!(
        wait_until(5000, || order() == ["b", "c", "a"]).await,
        "{:?}",
        order()
    );

    click(&root, ".tab-add");
    assert!(wait_until(5000, || tabs(&root).1.as_deref() == Some("Dashboard 2")).await);
    assert!(cards(&root).is_empty(), "a new dashboard starts empty");
    let selected = within(&root, "[role='tab'][aria-selected='true']").expect("a selected tab");
    let left = web_sys::KeyboardEventInit::new();
    left.set_key("ArrowLeft");
    left.set_bubbles(true);
    selected
        .dispatch_event(
            &web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &left)
                .expect("event"),
        )
        .expect("dispatch");
    assert!(wait_until(5000, || tabs(&root).1.as_deref() == Some("Main")).await);
    assert_eq!(order(), ["b", "c", "a"]);
    // Removing the second dashboard leaves the first as it was.
    let second = all_within(&root, "[role='tab']").remove(1);
    second.unchecked_into::<HtmlElement>().click();
    assert!(wait_until(5000, || tabs(&root).1.as_deref() == Some("Dashboard 2")).await);
    click(&root, "#remove-dashboard");
    assert!(
        wait_until(5000, || tabs(&root)
            == (vec!["Main".to_owned()], Some("Main".to_owned())))
        .await
    );
    assert_eq!(order(), ["b", "c", "a"]);
}

//! System notifications and a short alert sound, and the user's choice about them.
//!
//! Permission is asked for only from a click (`request_permission`), never at load: browsers
//! ignore or penalise pages that ask unprompted, and people deny them.

use super::local_storage;
use wasm_bindgen::prelude::*;
use web_sys::{Notification, NotificationOptions, NotificationPermission};

const CHOICE_KEY: &str = "feedboard.alerts.notify";

/// What the browser allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// The browser has no notifications here (e.g. Safari on iOS outside an installed app).
    Unsupported,
    /// Not asked yet.
    Ask,
    /// Allowed.
    Granted,
    /// Refused; only the browser's site settings can change it.
    Denied,
}

/// The page's notification permission.
pub fn permission() -> Permission {
    let supported = web_sys::window()
        .is_some_and(|window| js_sys::Reflect::has(&window, &"Notification".into()) == Ok(true));
    if !supported {
        return Permission::Unsupported;
    }
    match Notification::permission() {
        NotificationPermission::Granted => Permission::Granted,
        NotificationPermission::Denied => Permission::Denied,
        _ => Permission::Ask,
    }
}

/// Asks for permission (call from a click); `done` gets the answer.
pub fn request_permission(done: impl FnOnce(Permission) + 'static) {
    if permission() == Permission::Unsupported {
        done(Permission::Unsupported);
        return;
    }
    let Ok(promise) = Notification::request_permission() else {
        done(permission());
        return;
    };
    let on_answer = Closure::once(move |_: JsValue| done(permission()));
    // Either way the answer is read back from `Notification.permission`.
    let _ = promise.then2(&on_answer, &on_answer);
    on_answer.forget();
}

/// Shows a notification; `tag` replaces an earlier one with the same tag instead of piling up.
pub fn show(title: &str, body: &str, tag: &str) -> Result<(), String> {
    if permission() != Permission::Granted {
        return Err("notifications are not allowed in this browser".into());
    }
    let options = NotificationOptions::new();
    options.set_body(body);
    options.set_tag(tag);
    options.set_icon("icons/icon-192.png");
    Notification::new_with_options(title, &options)
        .map(drop)
        .map_err(|_| "the browser would not show the notification".into())
}

/// A short two-tone beep (Web Audio); silently nothing where audio is unavailable or still
/// locked by the browser's autoplay rules.
pub fn beep() {
    let Ok(context) = web_sys::AudioContext::new() else {
        return;
    };
    let (Ok(oscillator), Ok(gain)) = (context.create_oscillator(), context.create_gain()) else {
        return;
    };
    let start = context.current_time();
    let tone = oscillator.frequency();
    tone.set_value_at_time(880.0, start).ok();
    tone.set_value_at_time(660.0, start + 0.15).ok();
    let volume = gain.gain();
    volume.set_value_at_time(0.2, start).ok();
    volume.linear_ramp_to_value_at_time(0.0, start + 0.3).ok();
    let wired = oscillator
        .connect_with_audio_node(&gain)
        .and_then(|_| gain.connect_with_audio_node(&context.destination()));
    if wired.is_ok() && oscillator.start().is_ok() {
        oscillator.stop_with_when(start + 0.3).ok();
        let closing = context.clone();
        leptos::prelude::set_timeout(
            move || drop(closing.close()),
            std::time::Duration::from_millis(500),
        );
    }
}

/// Whether the user turned notifications and the sound on for this device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NotifyChoice {
    /// System notifications when a rule fires.
    pub notify: bool,
    /// A short sound.
    pub sound: bool,
}

impl NotifyChoice {
    /// The stored choice (off when nothing is stored).
    pub fn load() -> Self {
        let stored = local_storage()
            .and_then(|storage| storage.get_item(CHOICE_KEY).ok().flatten())
            .unwrap_or_default();
        Self {
            notify: stored.split('+').any(|part| part == "notify"),
            sound: stored.split('+').any(|part| part == "sound"),
        }
    }

    /// Stores the choice.
    pub fn save(self) {
        let text = match (self.notify, self.sound) {
            (false, false) => "off",
            (true, false) => "notify",
            (false, true) => "sound",
            (true, true) => "notify+sound",
        };
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(CHOICE_KEY, text);
        }
    }
}

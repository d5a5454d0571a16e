//! The reader's time zone, from the browser's `Date`.

use crate::chart::time_axis::LocalZone;

/// The browser's local time zone (daylight saving included).
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserZone;

impl LocalZone for BrowserZone {
    fn offset_minutes(&self, epoch_ms: f64) -> i32 {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(epoch_ms));
        // getTimezoneOffset is UTC minus local, in minutes.
        -(date.get_timezone_offset() as i32)
    }
}

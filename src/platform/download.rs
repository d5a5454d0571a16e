//! Saving text the page made (an export) as a file the browser downloads.

use wasm_bindgen::JsCast;

/// Offers `text` as a download called `file_name`. Nothing leaves the browser: the file is
/// made from a Blob in memory.
pub fn save_text_file(file_name: &str, mime_type: &str, text: &str) -> Result<(), String> {
    let fail = |what: &str| format!("the download could not be started ({what})");
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime_type);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| fail("no Blob"))?;
    let url =
        web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("no object URL"))?;
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or_else(|| fail("no document"))?;
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| fail("no link"))?
        .unchecked_into();
    link.set_href(&url);
    link.set_download(file_name);
    link.click();
    // The browser has taken its copy once the click is handled.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(10),
    );
    Ok(())
}

//! Reading the stylesheet's custom properties, so colours are chosen in one place (the CSS).

/// The value of CSS custom property `name` on the document root, trimmed; `None` if unset.
pub fn root_custom_property(name: &str) -> Option<String> {
    let window = web_sys::window()?;
    let root = window.document()?.document_element()?;
    let style = window.get_computed_style(&root).ok()??;
    let value = style.get_property_value(name).ok()?;
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// Whether the page is shown in the dark colour scheme.
pub fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|window| {
            window
                .match_media("(prefers-color-scheme: dark)")
                .ok()
                .flatten()
        })
        .is_some_and(|query| query.matches())
}

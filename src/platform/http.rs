//! One HTTP GET with `fetch`, for history reads: no cookies, no referrer (the page's address
//! stays with the page), and the headers the request names (the AIO key goes in one).

use crate::history::{HttpRequest, HttpResponse};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, ReferrerPolicy, Request, RequestCredentials, RequestInit, RequestMode};

/// What the page says when `fetch` rejects: the browser does not tell a page why.
const FETCH_REJECTED: &str =
    "no answer: the network failed, or the service does not let web pages read it (CORS)";

/// Makes `request`; the error is a sentence for the card's note.
pub async fn get(request: &HttpRequest) -> Result<HttpResponse, String> {
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_mode(RequestMode::Cors);
    init.set_credentials(RequestCredentials::Omit);
    init.set_referrer_policy(ReferrerPolicy::NoReferrer);
    let headers = Headers::new().map_err(|_| "the browser cannot make headers".to_owned())?;
    for (name, value) in &request.headers {
        headers
            .set(name, value)
            .map_err(|_| format!("the browser refused the {name} header"))?;
    }
    init.set_headers(&headers);
    let fetch = Request::new_with_str_and_init(&request.url, &init)
        .map_err(|_| "the HTTP API address is not a valid URL".to_owned())?;
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&fetch))
        .await
        .map_err(|_| FETCH_REJECTED.to_owned())?
        .dyn_into()
        .map_err(|_| FETCH_REJECTED.to_owned())?;
    let header = |name: &str| response.headers().get(name).ok().flatten();
    let (link, retry_after) = (header("Link"), header("Retry-After"));
    let body = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|text| text.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    Ok(HttpResponse {
        status: response.status(),
        body,
        link,
        retry_after,
    })
}

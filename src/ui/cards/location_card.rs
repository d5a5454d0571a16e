//! A location card: where a feed's latest values were measured, as a list and a small track.
//! No map tiles: they would need the network, and this page works offline.

use super::{card_signal, first_feed, with_unit};
use crate::chart::time_axis::{age_text, readout_time};
use crate::chart::value_axis::format_reading;
use crate::platform::local_zone::BrowserZone;
use crate::service::value::Location;
use crate::ui::feeds_handle::FeedsHandle;
use crate::ui::page_clock::PageClock;
use leptos::prelude::*;

/// Locations listed.
const LISTED: usize = 8;
/// Locations drawn on the track.
const TRACKED: usize = 200;

/// The location card with id `id`.
#[component]
pub fn LocationCard(id: u32) -> impl IntoView {
    let feeds = expect_context::<FeedsHandle>();
    let clock = expect_context::<PageClock>();
    let store = feeds.store();
    let card = card_signal(id);
    let feed = first_feed(card);
    let unit = move || card.with(|c| c.as_ref().map(|c| c.unit.clone()).unwrap_or_default());
    let recent = Memo::new(move |_| {
        let feed = feed.get()?;
        store.with(|store| Some(store.get(&feed)?.recent_locations(TRACKED)))
    });

    view! {
        <div class="location-card">
            {move || {
                let rows = recent.get().unwrap_or_default();
                let Some(&(at, newest, _)) = rows.first() else {
                    return view! { <p class="empty">"No location yet: values with lat/lon appear here."</p> }.into_any();
                };
                let osm = format!(
                    "https://www.openstreetmap.org/?mlat={0}&mlon={1}#map=15/{0}/{1}",
                    newest.lat, newest.lon
                );
                let track = track_points(&rows.iter().map(|(_, l, _)| *l).collect::<Vec<_>>());
                view! {
                    <p class="card-meta">
                        <span class="coordinates">{format!("{}, {}", format_reading(newest.lat, 6), format_reading(newest.lon, 6))}</span>
                        <span class="age">{move || age_text(clock.now().get() - at)}</span>
                        <a href=osm target="_blank" rel="noopener noreferrer">"Open map"</a>
                    </p>
                    {track.map(|(points, last)| view! {
                        <svg class="track" viewBox="0 0 100 60" role="img" aria-label="Track of recent locations, newest marked">
                            <polyline points=points vector-effect="non-scaling-stroke"></polyline>
                            <circle cx=format!("{:.2}", last.0) cy=format!("{:.2}", last.1) r="2.5"></circle>
                        </svg>
                    })}
                    <table class="location-table">
                        <thead><tr>
                            <th scope="col">"Time"</th><th scope="col">"Lat"</th><th scope="col">"Lon"</th>
                            <th scope="col">"Ele"</th><th scope="col">"Value"</th>
                        </tr></thead>
                        <tbody>
                            {rows.iter().take(LISTED).map(|(at, location, value)| view! {
                                <tr>
                                    <td>{readout_time(*at, clock.now().get_untracked(), &BrowserZone)}</td>
                                    <td class="numeric">{format_reading(location.lat, 6)}</td>
                                    <td class="numeric">{format_reading(location.lon, 6)}</td>
                                    <td class="numeric">{location.ele.map(|e| format_reading(e, 1)).unwrap_or_default()}</td>
                                    <td class="numeric">{value.map(|v| with_unit(&v.to_string(), &unit())).unwrap_or_default()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </div>
    }
}

/// The track as SVG polyline points in a 100 × 60 box (north up, aspect kept), oldest to
/// newest, and the newest point; `None` while every location is the same.
fn track_points(newest_first: &[Location]) -> Option<(String, (f64, f64))> {
    let lat_low = newest_first.iter().map(|l| l.lat).fold(f64::MAX, f64::min);
    let lat_high = newest_first.iter().map(|l| l.lat).fold(f64::MIN, f64::max);
    let lon_low = newest_first.iter().map(|l| l.lon).fold(f64::MAX, f64::min);
    let lon_high = newest_first.iter().map(|l| l.lon).fold(f64::MIN, f64::max);
    let (lat_span, lon_span) = (lat_high - lat_low, lon_high - lon_low);
    if lat_span <= 0.0 && lon_span <= 0.0 {
        return None;
    }
    // Longitude degrees shrink towards the poles.
    let squeeze = ((lat_low + lat_high) / 2.0).to_radians().cos().max(0.01);
    let scale =
        (92.0 / (lon_span * squeeze).max(f64::EPSILON)).min(52.0 / lat_span.max(f64::EPSILON));
    let place = |l: &Location| {
        (
            50.0 + ((l.lon - (lon_low + lon_high) / 2.0) * squeeze * scale),
            30.0 - ((l.lat - (lat_low + lat_high) / 2.0) * scale),
        )
    };
    let points: Vec<String> = newest_first
        .iter()
        .rev()
        .map(|l| {
            let (x, y) = place(l);
            format!("{x:.2},{y:.2}")
        })
        .collect();
    Some((points.join(" "), place(newest_first.first()?)))
}

//! A chart card: a legend with each feed's last value and CSV export, the time window, pause,
//! and the live chart.

use super::{card_signal, with_unit};
use crate::chart::window::TimeWindow;
use crate::feeds::export::{file_name, series_csv};
use crate::platform::download::save_text_file;
use crate::service::feed_ref::FeedRef;
use crate::ui::chart::ChartCanvas;
use crate::ui::feeds_handle::FeedsHandle;
use crate::ui::page_clock::PageClock;
use crate::ui::profiles_handle::ProfilesHandle;
use crate::ui::when::When;
use leptos::prelude::*;

/// Offers `feed`'s history as a CSV download; says what went wrong otherwise.
pub fn export_feed_csv(feeds: FeedsHandle, feed: &FeedRef, now_ms: f64) -> Result<(), String> {
    let csv = feeds
        .store()
        .with_untracked(|store| store.get(feed).map(series_csv))
        .ok_or_else(|| format!("{feed} has no data to export yet"))?;
    save_text_file(
        &file_name(&feed.to_string(), now_ms, "csv"),
        "text/csv",
        &csv,
    )
}

/// The chart card with id `id`.
#[component]
pub fn ChartCard(id: u32) -> impl IntoView {
    let feeds = expect_context::<FeedsHandle>();
    let profiles = expect_context::<ProfilesHandle>();
    let clock = expect_context::<PageClock>();
    let store = feeds.store();
    let card = card_signal(id);
    let shown = Signal::derive(move || {
        card.with(|c| c.as_ref().map(|c| c.feeds.clone()).unwrap_or_default())
    });
    let window =
        Signal::derive(move || card.with(|c| c.as_ref().map(|c| c.window).unwrap_or_default()));
    let unit = Signal::derive(move || {
        card.with(|c| c.as_ref().map(|c| c.unit.clone()).unwrap_or_default())
    });
    let paused_at = RwSignal::new(None::<f64>);
    let problem = RwSignal::new(None::<String>);
    let description = Signal::derive(move || {
        let names: Vec<String> = shown.with(|f| f.iter().map(FeedRef::short_name).collect());
        let state = if paused_at.get().is_some() {
            ", paused"
        } else {
            ""
        };
        format!(
            "Line chart of {} over the last {}{state}",
            names.join(", "),
            window.get().label()
        )
    });
    let legend = Memo::new(move |_| {
        shown.with(|shown| {
            store.with(|store| {
                shown
                    .iter()
                    .enumerate()
                    .map(|(colour, feed)| {
                        let last = store
                            .get(feed)
                            .and_then(|series| series.latest().map(|l| l.datum.value.to_string()));
                        (colour, feed.clone(), last)
                    })
                    .collect::<Vec<_>>()
            })
        })
    });
    let several = move || shown.with(|f| f.len() > 1);

    view! {
        <div class="chart-card">
            <ul class="legend" aria-label="Feeds on this chart">
                {move || legend.get().into_iter().map(|(colour, feed, last)| {
                    let name = feed.short_name();
                    let export_label = format!("Export {name} as CSV");
                    let remove_label = format!("Take {name} off this chart");
                    let to_export = feed.clone();
                    let to_remove = feed.clone();
                    view! {
                        <li data-feed=feed.id()>
                            <span class=format!("swatch series-{}", colour % 8) aria-hidden="true"></span>
                            <span class="legend-name" title=feed.to_string()>{name}</span>
                            <span class="legend-value">
                                {last.map(|value| with_unit(&value, &unit.get())).unwrap_or_else(|| "–".to_owned())}
                            </span>
                            <button type="button" class="link-button csv-button" aria-label=export_label
                                on:click=move |_| {
                                    let outcome = export_feed_csv(feeds, &to_export, clock.now().get_untracked());
                                    problem.set(outcome.err());
                                }>"CSV"</button>
                            <When when=several>
                                {
                                    let to_remove = to_remove.clone();
                                    view! {
                                        <button type="button" class="icon-button" aria-label=remove_label.clone()
                                            on:click=move |_| profiles.edit_dashboard(|board| board.remove_feed_from(id, &to_remove)).unwrap_or_default()>
                                            "×"
                                        </button>
                                    }
                                }
                            </When>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="chart-controls">
                <div class="segmented" role="group" aria-label="Time window">
                    {TimeWindow::ALL.iter().map(|(choice, choice_id, label)| {
                        let choice = *choice;
                        view! {
                            <button type="button" data-window=*choice_id
                                aria-pressed=move || (window.get() == choice).to_string()
                                on:click=move |_| { profiles.edit_dashboard(|board| board.edit(id, |card| card.window = choice)); }>
                                {*label}
                            </button>
                        }
                    }).collect_view()}
                </div>
                <button type="button" class="pause-button"
                    aria-pressed=move || paused_at.get().is_some().to_string()
                    on:click=move |_| paused_at.update(|paused| {
                        *paused = match paused {
                            Some(_) => None,
                            None => Some(clock.now().get_untracked()),
                        }
                    })>
                    {move || if paused_at.get().is_some() { "Resume" } else { "Pause" }}
                </button>
            </div>
            <ChartCanvas feeds=shown window=window paused_at=paused_at.into() unit=unit description=description />
            {move || problem.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        </div>
    }
}

//! Every feed seen, with its last value, update count, rate and age (and whether it went
//! silent); a feed without a card can get one, and any feed can be exported as CSV.

use super::cards::chart_card::export_feed_csv;
use super::cards::glance_of;
use super::feeds_handle::FeedsHandle;
use super::page_clock::PageClock;
use crate::chart::time_axis::age_text;
use crate::dashboard::card::CardKind;
use crate::feeds::payload_text::shorten;
use crate::feeds::store::FeedStore;
use crate::platform::local_zone::BrowserZone;
use crate::service::feed_ref::FeedRef;
use crate::ui::keyed_list::{keyed_list, KeyedRow};
use crate::ui::profiles_handle::ProfilesHandle;
use crate::ui::watch_handle::WatchHandle;
use crate::ui::when::When;
use leptos::prelude::*;

/// Longest value shown in the table.
const VALUE_CHARS: usize = 60;

/// Rows shown at first, and added by "Show more". A row per feed for thousands of topics would
/// cost every frame of a burst (each row follows the store) and help nobody read.
const ROWS_PER_PAGE: usize = 100;

/// The feeds table.
#[component]
pub fn FeedsPanel() -> impl IntoView {
    let feeds = expect_context::<FeedsHandle>();
    let store = feeds.store();
    let problem = RwSignal::new(None::<String>);
    let rows = RwSignal::new(ROWS_PER_PAGE);
    let listed = Memo::new(move |_| {
        let shown = rows.get();
        store.with(|s| {
            s.feeds()
                .take(shown)
                .map(|(feed, _)| feed.clone())
                .collect::<Vec<_>>()
        })
    });
    let totals = Memo::new(move |_| store.with(FeedStore::summary));

    view! {
        <section class="panel" aria-labelledby="feeds-heading">
            <div class="panel-title">
                <h2 id="feeds-heading">"Feeds"</h2>
                <span class="counter">
                    <span id="feed-count">{move || totals.get().feeds}</span>
                    " feeds · "
                    <span id="update-count">{move || totals.get().updates}</span>
                    " updates"
                    {move || totals.get().limit_note().map(|note| format!(" · {note}"))}
                </span>
            </div>
            <div class="table-scroll">
                <table id="feeds-table">
                    <thead>
                        <tr>
                            <th scope="col">"Feed"</th>
                            <th scope="col">"Last value"</th>
                            <th scope="col" class="numeric">"Updates"</th>
                            <th scope="col" class="numeric">"Rate"</th>
                            <th scope="col">"Updated"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {keyed_list(move || listed.get().into_iter().map(|feed| {
                            KeyedRow::new(feed.id(), move || view! { <FeedRow feed=feed problem=problem /> })
                        }).collect())}
                    </tbody>
                </table>
                <When when=move || listed.with(Vec::is_empty)>
                    <p class="empty">"No feeds yet."</p>
                </When>
                <When when=move || { listed.with(Vec::len) < totals.get().feeds }>
                    <p class="hint">
                        {move || format!("The first {} of {} feeds are listed. ", listed.with(Vec::len), totals.get().feeds)}
                        <button type="button" class="link-button" id="feeds-show-more"
                            on:click=move |_| rows.update(|n| *n += ROWS_PER_PAGE)>
                            {format!("Show {ROWS_PER_PAGE} more")}
                        </button>
                    </p>
                </When>
            </div>
            {move || problem.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        </section>
    }
}

#[component]
fn FeedRow(feed: FeedRef, problem: RwSignal<Option<String>>) -> impl IntoView {
    let feeds = expect_context::<FeedsHandle>();
    let profiles = expect_context::<ProfilesHandle>();
    let clock = expect_context::<PageClock>();
    let store = feeds.store();
    let dashboard = profiles.dashboard();
    let glance = glance_of(feeds, Signal::stored(Some(feed.clone())));
    let rate = {
        let feed = feed.clone();
        Memo::new(move |_| {
            let now = clock.now().get();
            store.with(|s| s.get(&feed).and_then(|series| series.rate_per_minute(now)))
        })
    };
    let on_card = {
        let feed = feed.clone();
        Memo::new(move |_| dashboard.with(|board| board.shows(&feed)))
    };
    let silence = {
        let feed = feed.clone();
        let marks = expect_context::<WatchHandle>().marks();
        Memo::new(move |_| marks.with(|m| m.silence(&feed)))
    };
    let name = feed.short_name();
    let add_label = format!("Add a card for {name}");
    let export_label = format!("Export {name} as CSV");
    let (to_add, to_export) = (feed.clone(), feed.clone());

    view! {
        <tr data-feed=feed.id() class:silent=move || silence.with(Option::is_some)>
            <td><code title=feed.to_string()>{feed.to_string()}</code></td>
            <td class="payload">{move || glance.with(|g| g.as_ref().map(|g| shorten(&g.value.to_string(), VALUE_CHARS)))}</td>
            <td class="numeric update-count">{move || glance.with(|g| g.as_ref().map_or(0, |g| g.count))}</td>
            <td class="numeric">{move || rate.get().map(|r| format!("{r:.0}/min")).unwrap_or_default()}</td>
            <td class="updated">
                {move || glance.with(|g| g.as_ref().map(|g| g.at_ms)).map(|at| age_text(clock.now().get() - at))}
                {move || silence.get().map(|s| view! { <span class="silent-mark">{s.describe(clock.now().get_untracked(), &BrowserZone)}</span> })}
            </td>
            <td class="row-actions">
                <When when=move || !on_card.get()>
                    {
                        let to_add = to_add.clone();
                        let add_label = add_label.clone();
                        view! {
                            <button type="button" class="link-button" aria-label=add_label
                                on:click=move |_| {
                                    let kind = store.with_untracked(|s| s.get(&to_add).map(CardKind::suited_to)).unwrap_or(CardKind::Chart);
                                    profiles.edit_dashboard(|board| board.add_card(kind, vec![to_add.clone()]));
                                }>"Add card"</button>
                        }
                    }
                </When>
                <button type="button" class="link-button" aria-label=export_label
                    on:click=move |_| problem.set(export_feed_csv(feeds, &to_export, clock.now().get_untracked()).err())>
                    "CSV"
                </button>
            </td>
        </tr>
    }
}

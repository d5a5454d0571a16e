//! The dashboard: the cards, in order, in a grid that reflows from phone to wide screen.

use super::cards::card_frame::DashboardCard;
use super::feeds_handle::FeedsHandle;
use leptos::prelude::*;

/// The dashboard region.
#[component]
pub fn DashboardView() -> impl IntoView {
    let feeds = expect_context::<FeedsHandle>();
    let dashboard = feeds.dashboard();
    let ids = Memo::new(move |_| {
        dashboard.with(|board| board.cards().iter().map(|c| c.id).collect::<Vec<_>>())
    });

    view! {
        <section class="dashboard" aria-labelledby="dashboard-heading">
            <div class="panel-title">
                <h2 id="dashboard-heading">"Dashboard"</h2>
                <span class="counter">{move || match ids.with(Vec::len) {
                    1 => "1 card".to_owned(),
                    n => format!("{n} cards"),
                }}</span>
            </div>
            <div class="card-grid">
                <For each=move || ids.get() key=|id| *id let:id>
                    <DashboardCard id=id />
                </For>
            </div>
            <Show when=move || ids.with(Vec::is_empty)>
                <p class="empty dashboard-empty">
                    "Cards appear here as feeds arrive: connect, then subscribe to a topic filter such as "
                    <code>"sensors/#"</code>
                    ". Every feed is also listed under Feeds, where you can give it a card."
                </p>
            </Show>
        </section>
    }
}

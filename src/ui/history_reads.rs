//! Asks the connection core for the history the dashboard shown needs: again whenever its
//! cards or the connection change (the core reads each feed's span once, so asking again
//! costs nothing).

use super::link_handle::LinkHandle;
use super::profiles_handle::ProfilesHandle;
use crate::history::target::wants;
use leptos::prelude::*;

/// Keeps the core told what the dashboard shown wants.
pub fn start_history_reads(profiles: ProfilesHandle, link: LinkHandle) {
    let board = profiles.dashboard();
    let wanted = Memo::new(move |_| board.with(wants));
    let status = link.status();
    Effect::new(move |_| {
        // A new connection (another account, another address) starts its reads afresh.
        status.track();
        wanted.with(|wanted| link.want_history(wanted));
    });
}

//! A profile's dashboards: the tabs, the one shown, and edits to it. A profile keeps at least
//! one dashboard.

use super::Profile;
use crate::dashboard::board::Dashboard;
use crate::dashboard::document::{export_dashboard, NamedDashboard};

impl Profile {
    /// The dashboard shown (an empty one if the profile somehow has none).
    pub fn shown_board(&self) -> Dashboard {
        self.dashboards
            .get(self.active_dashboard)
            .map(|d| d.board.clone())
            .unwrap_or_default()
    }

    /// Changes the dashboard shown.
    pub fn edit_shown<R>(&mut self, change: impl FnOnce(&mut Dashboard) -> R) -> Option<R> {
        let index = self.active_dashboard;
        self.dashboards.get_mut(index).map(|d| change(&mut d.board))
    }

    /// The dashboards' names and which one is shown.
    pub fn dashboard_names(&self) -> (Vec<String>, usize) {
        (
            self.dashboards.iter().map(|d| d.name.clone()).collect(),
            self.active_dashboard,
        )
    }

    /// Shows dashboard `index`; false if there is none.
    pub fn show_dashboard(&mut self, index: usize) -> bool {
        let exists = index < self.dashboards.len();
        if exists {
            self.active_dashboard = index;
        }
        exists
    }

    /// Adds `dashboard` (new or imported) and shows it.
    pub fn add_dashboard(&mut self, dashboard: NamedDashboard) {
        self.dashboards.push(dashboard);
        self.active_dashboard = self.dashboards.len() - 1;
    }

    /// Renames the dashboard shown; false for an empty name.
    pub fn rename_shown(&mut self, name: &str) -> bool {
        let name = name.trim();
        let index = self.active_dashboard;
        match self.dashboards.get_mut(index) {
            Some(shown) if !name.is_empty() => {
                shown.name = name.to_owned();
                true
            }
            _ => false,
        }
    }

    /// Removes the dashboard shown, unless it is the last; shows its neighbour.
    pub fn remove_shown(&mut self) -> bool {
        if self.dashboards.len() < 2 {
            return false;
        }
        self.dashboards.remove(self.active_dashboard);
        self.active_dashboard = self.active_dashboard.min(self.dashboards.len() - 1);
        true
    }

    /// The dashboard shown as an export file: (name, text). No credentials are in it.
    pub fn export_shown(&self) -> Option<(String, String)> {
        let shown = self.dashboards.get(self.active_dashboard)?;
        Some((shown.name.clone(), export_dashboard(shown)))
    }
}

#[cfg(test)]
mod tests {
    use crate::dashboard::card::CardKind;
    use crate::dashboard::document::NamedDashboard;
    use crate::profile::{Preset, Profile};
    use crate::service::feed_ref::FeedRef;

    #[test]
    fn tabs_are_added_renamed_switched_and_removed_but_never_the_last() {
        let mut profile = Profile::from_preset(Preset::Broker, "p");
        profile.edit_shown(|b| b.add_card(CardKind::Chart, vec![FeedRef::Topic("a".into())]));
        profile.add_dashboard(NamedDashboard {
            name: "Garden".into(),
            board: Default::default(),
        });
        assert_eq!(
            profile.dashboard_names(),
            (vec!["Main".into(), "Garden".into()], 1)
        );
        assert!(profile.shown_board().cards().is_empty());
        assert!(!profile.rename_shown("  "));
        assert!(profile.rename_shown("Greenhouse"));
        assert!(profile.show_dashboard(0));
        assert!(!profile.show_dashboard(5));
        assert_eq!(profile.shown_board().cards().len(), 1);
        assert!(profile.remove_shown());
        assert_eq!(profile.dashboard_names(), (vec!["Greenhouse".into()], 0));
        assert!(!profile.remove_shown(), "a profile keeps one dashboard");
        let (name, text) = profile.export_shown().expect("export");
        assert_eq!(name, "Greenhouse");
        let read = crate::dashboard::document::import_dashboard(&text).expect("reads back");
        assert_eq!(read.name, "Greenhouse");
    }
}

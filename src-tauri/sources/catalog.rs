//! What each platform needs from the owner, in plain words. Each
//! connector's module describes its own platform (`needs`, `fields`); the
//! feeds are described here.

use crate::model::{Platform, PlatformInfo, SettingField};

/// A platform's needs as its connector module states them.
pub struct Needs {
    pub needs_url: bool,
    pub url_label: Option<&'static str>,
    pub needs_secret: bool,
    /// The main secret may be left empty.
    pub secret_optional: bool,
    pub secret_label: Option<&'static str>,
    pub how_to: &'static str,
    /// Searches for the watches' terms.
    pub searches_watches: bool,
    pub cost_note: Option<&'static str>,
}

fn rss() -> Needs {
    Needs {
        needs_url: true,
        url_label: Some("Feed address"),
        needs_secret: false,
        secret_optional: false,
        secret_label: None,
        how_to: "Paste the address of an RSS or Atom feed (a blog, a news search, a Reddit or forum feed). Most sites link it as \"RSS\" or \"Feed\"; it often ends in /feed or .xml.",
        searches_watches: false,
        cost_note: None,
    }
}

fn google_alerts() -> Needs {
    Needs {
        needs_url: false,
        url_label: None,
        needs_secret: true,
        secret_optional: false,
        secret_label: Some("Alert feed address"),
        how_to: "In Google Alerts, create an alert for your business name, open \"Show options\", set \"Deliver to\" to \"RSS feed\", then copy the feed link (it starts with https://www.google.com/alerts/feeds/). Anyone with that link can read the alert, so Hearken keeps it in your keyring like a password.",
        searches_watches: false,
        cost_note: None,
    }
}

fn needs_and_fields(platform: Platform) -> (Needs, Vec<SettingField>) {
    use super::*;
    match platform {
        Platform::Rss => (rss(), Vec::new()),
        Platform::GoogleAlerts => (google_alerts(), Vec::new()),
        Platform::X => (x::needs(), x::fields()),
        Platform::Facebook => (meta::facebook_needs(), meta::facebook_fields()),
        Platform::Instagram => (meta::instagram_needs(), meta::instagram_fields()),
        Platform::Youtube => (youtube::needs(), youtube::fields()),
        Platform::Reddit => (reddit::needs(), reddit::fields()),
        Platform::Mastodon => (mastodon::needs(), mastodon::fields()),
        Platform::Bluesky => (bluesky::needs(), bluesky::fields()),
        Platform::HackerNews => (hacker_news::needs(), hacker_news::fields()),
        Platform::GoogleReviews => (google_reviews::needs(), google_reviews::fields()),
        Platform::Trustpilot => (trustpilot::needs(), trustpilot::fields()),
        Platform::Yelp => (yelp::needs(), yelp::fields()),
    }
}

/// A setting field, for connector modules' `fields()`.
pub fn field(key: &str, label: &str, help: &str, required: bool) -> SettingField {
    SettingField {
        key: key.to_string(),
        label: label.to_string(),
        help: help.to_string(),
        required,
        placeholder: None,
        secret: false,
    }
}

pub fn info(platform: Platform) -> PlatformInfo {
    let available = super::connector_for(platform).is_some();
    let (needs, fields) = needs_and_fields(platform);
    PlatformInfo {
        platform,
        name: platform.display_name().to_string(),
        available,
        needs_url: needs.needs_url,
        url_label: needs.url_label.map(str::to_string),
        needs_secret: needs.needs_secret,
        secret_optional: needs.secret_optional,
        secret_label: needs.secret_label.map(str::to_string),
        how_to: needs.how_to.to_string(),
        fields,
        searches_watches: needs.searches_watches,
        cost_note: needs.cost_note.map(str::to_string),
    }
}

pub fn all() -> Vec<PlatformInfo> {
    Platform::ALL.into_iter().map(info).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_platform_says_what_it_needs_and_secret_fields_are_marked() {
        for p in Platform::ALL {
            let i = info(p);
            assert!(!i.how_to.is_empty(), "{p:?}");
            assert_eq!(i.needs_url, i.url_label.is_some(), "{p:?}");
            assert_eq!(i.needs_secret, i.secret_label.is_some(), "{p:?}");
            let mut keys: Vec<_> = i.fields.iter().map(|f| f.key.as_str()).collect();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), i.fields.len(), "{p:?}: duplicate field keys");
            for f in &i.fields {
                let looks_secret = ["token", "secret", "password", "key"]
                    .iter()
                    .any(|w| f.key.contains(w));
                assert!(
                    !looks_secret || f.secret,
                    "{p:?}: field {} looks secret but would be stored in the database",
                    f.key
                );
            }
        }
    }
}

//! What each platform needs from the owner, in plain words.

use crate::model::{Platform, PlatformInfo};

pub fn info(platform: Platform) -> PlatformInfo {
    let available = super::connector_for(platform).is_some();
    let (needs_url, url_label, needs_secret, secret_label, how_to): (
        bool,
        Option<&str>,
        bool,
        Option<&str>,
        &str,
    ) = match platform {
        Platform::Rss => (
            true,
            Some("Feed address"),
            false,
            None,
            "Paste the address of an RSS or Atom feed (a blog, a news search, a Reddit or forum feed). Most sites link it as \"RSS\" or \"Feed\"; it often ends in /feed or .xml.",
        ),
        Platform::GoogleAlerts => (
            false,
            None,
            true,
            Some("Alert feed address"),
            "In Google Alerts, create an alert for your business name, open \"Show options\", set \"Deliver to\" to \"RSS feed\", then copy the feed link (it starts with https://www.google.com/alerts/feeds/). Anyone with that link can read the alert, so Hearken keeps it in your keyring like a password.",
        ),
        Platform::X => (false, None, true, Some("Bearer token"), "An app bearer token from the X developer portal. X charges per post read; you'll set a monthly spending cap."),
        Platform::Facebook => (false, None, true, Some("Page access token"), "A Page access token for your business page, from Meta's developer tools."),
        Platform::Instagram => (false, None, true, Some("Access token"), "An access token for your Instagram professional account, from Meta's developer tools."),
        Platform::Youtube => (false, None, true, Some("API key"), "An API key from the Google Cloud console with the YouTube Data API enabled."),
        Platform::Reddit => (false, None, true, Some("App secret"), "The client id and secret of your approved Reddit app."),
        Platform::Mastodon => (true, Some("Instance address"), true, Some("Access token"), "Your instance's address (like https://mastodon.social) and an access token from Preferences → Development."),
        Platform::Bluesky => (false, None, true, Some("App password"), "Your handle and an app password from Settings → Privacy and security → App passwords."),
        Platform::HackerNews => (false, None, false, None, "No account needed: Hearken searches Hacker News for your words."),
        Platform::GoogleReviews => (false, None, true, Some("Refresh token"), "Access to your Google Business Profile reviews (needs Google's approval for the API)."),
        Platform::Trustpilot => (false, None, true, Some("API key"), "An API key from your Trustpilot Business account."),
        Platform::Yelp => (false, None, true, Some("API key"), "An API key from Yelp Fusion."),
    };
    PlatformInfo {
        platform,
        name: platform.display_name().to_string(),
        available,
        needs_url,
        url_label: url_label.map(str::to_string),
        needs_secret,
        secret_label: secret_label.map(str::to_string),
        how_to: how_to.to_string(),
    }
}

pub fn all() -> Vec<PlatformInfo> {
    Platform::ALL.into_iter().map(info).collect()
}

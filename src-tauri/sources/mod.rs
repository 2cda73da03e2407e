//! Connectors: one per platform, each turning a platform's answer into
//! plain-text mentions. The poller calls them through `Connector`; each takes
//! its address from the source (so tests, the demo and self-hosted instances
//! work the same way) and its credential from the keyring.
//!
//! A connector's module also describes what the platform needs from the
//! owner (`fields`) and, where the platform bills or rations requests, how
//! usage is counted (`usage_policy`).

pub mod api;
pub mod bluesky;
pub mod catalog;
pub mod feed;
pub mod feed_walk;
pub mod google_reviews;
pub mod hacker_news;
pub mod http;
pub mod mastodon;
pub mod meta;
pub mod reddit;
pub mod text;
pub mod trustpilot;
pub mod x;
pub mod yelp;
pub mod youtube;

use std::collections::BTreeMap;

use futures_util::future::BoxFuture;
use serde::de::DeserializeOwned;

use crate::model::Platform;
use crate::store::mentions::NewMention;
use crate::store::sources::{PollState, SourceRow};
use api::{Meter, Sessions};
use http::{FetchError, HttpClient};

/// Everything a connector needs for one fetch.
pub struct FetchContext<'a> {
    pub source: &'a SourceRow,
    /// The main secret from the keyring, when the source has one.
    pub secret: Option<String>,
    /// Further secrets from the keyring, by field key (see `SettingField::secret`).
    pub extra_secrets: BTreeMap<String, String>,
    pub http: &'a HttpClient,
    /// What to listen for: the terms of the enabled watches (brand names,
    /// handles, hashtags). Searching connectors query these.
    pub terms: &'a [String],
    /// Session tokens obtained with the secret; memory only.
    pub sessions: &'a Sessions,
    /// The allowance left for platforms that bill or ration requests.
    pub meter: &'a Meter,
}

impl FetchContext<'_> {
    /// A setting's value, trimmed; None when missing or blank.
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.source
            .settings
            .get(key)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The main secret, trimmed; None when missing or blank.
    pub fn secret_text(&self) -> Option<String> {
        trimmed(self.secret.as_deref())
    }

    /// A further secret by field key, trimmed; None when missing or blank.
    pub fn extra_secret(&self, key: &str) -> Option<String> {
        trimmed(self.extra_secrets.get(key).map(String::as_str))
    }

    /// Where the last fetch left off, as the connector stored it. None
    /// stored, or a cursor this version can't read, starts afresh.
    pub fn stored_cursor<T: DeserializeOwned + Default>(&self) -> T {
        self.source
            .state
            .cursor
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or_default()
    }
}

fn trimmed(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// What one fetch found.
#[derive(Debug, Default)]
pub struct FetchOutcome {
    pub mentions: Vec<NewMention>,
    /// The state to store with the mentions (cursor, ETag, Last-Modified).
    pub state: PollState,
    /// The platform said nothing changed since the last fetch.
    pub not_modified: bool,
    /// The feed's or account's own name, for "Test".
    pub title: Option<String>,
    /// The platform said no calls remain until its limit resets: don't
    /// check again for this many seconds.
    pub wait_secs: Option<u64>,
    /// A long feed's entries after `mentions`, still on disk: the poller
    /// stores them chunk by chunk in the same transaction (issue #3).
    pub rest: Option<feed::FeedStream>,
    /// What this check couldn't read although the rest worked (an edge the
    /// token has no permission for), in plain words: shown on the source
    /// as its last problem, without counting the check as failed.
    pub partial: Option<String>,
}

pub trait Connector: Send + Sync {
    fn fetch<'a>(
        &'a self,
        ctx: &'a FetchContext<'a>,
    ) -> BoxFuture<'a, Result<FetchOutcome, FetchError>>;
}

/// How a rationed platform's usage is counted and described.
#[derive(Debug, Clone)]
pub struct UsagePolicy {
    pub period: UsagePeriod,
    /// The allowance per period in units (None: counted, not capped).
    pub limit: Option<i64>,
    /// What a unit is, e.g. "quota units".
    pub unit: &'static str,
    /// Plain words for `used` units against `limit`.
    pub describe: fn(used: i64, limit: Option<i64>) -> String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsagePeriod {
    /// Calendar month, UTC.
    Month,
    /// Calendar day. YouTube resets at midnight Pacific time; Hearken counts
    /// UTC days shifted by −8 hours, which errs on the safe side.
    DayPacific,
}

/// The connector for a platform, or `None` when this version has none yet.
pub fn connector_for(platform: Platform) -> Option<Box<dyn Connector>> {
    Some(match platform {
        Platform::Rss | Platform::GoogleAlerts => Box::new(feed::FeedConnector),
        Platform::X if x::AVAILABLE => Box::new(x::XConnector),
        Platform::Facebook if meta::AVAILABLE => Box::new(meta::FacebookConnector),
        Platform::Instagram if meta::AVAILABLE => Box::new(meta::InstagramConnector),
        Platform::Youtube if youtube::AVAILABLE => Box::new(youtube::YoutubeConnector),
        Platform::Reddit if reddit::AVAILABLE => Box::new(reddit::RedditConnector),
        Platform::Mastodon if mastodon::AVAILABLE => Box::new(mastodon::MastodonConnector),
        Platform::Bluesky if bluesky::AVAILABLE => Box::new(bluesky::BlueskyConnector),
        Platform::HackerNews if hacker_news::AVAILABLE => {
            Box::new(hacker_news::HackerNewsConnector)
        }
        Platform::GoogleReviews if google_reviews::AVAILABLE => {
            Box::new(google_reviews::GoogleReviewsConnector)
        }
        Platform::Trustpilot if trustpilot::AVAILABLE => Box::new(trustpilot::TrustpilotConnector),
        Platform::Yelp if yelp::AVAILABLE => Box::new(yelp::YelpConnector),
        _ => return None,
    })
}

/// Whether a source brings posts addressed to the business (mentions of
/// its account, comments on its page or videos, reviews, a feed the owner
/// chose), which are kept without a watch. A source that only searches
/// (for the watches' terms, hashtags or subreddits) has nothing it may keep
/// until a watch may listen, so it isn't polled until then.
pub fn keeps_direct_mentions(
    platform: Platform,
    settings: &BTreeMap<String, String>,
    has_secret: bool,
    extra_secrets: &BTreeMap<String, String>,
) -> bool {
    let set = |key: &str| settings.get(key).is_some_and(|v| !v.trim().is_empty());
    match platform {
        // The account's mention timeline.
        Platform::X => set("user_id"),
        // Comments on the channel's videos.
        Platform::Youtube => set("channel_id"),
        // The account's inbox of mentions, with the owner's refresh token.
        Platform::Reddit => extra_secrets
            .get(reddit::REFRESH_TOKEN_FIELD)
            .is_some_and(|v| !v.trim().is_empty()),
        // Mentions of the account, with an access token.
        Platform::Mastodon => has_secret,
        // Notifications of the account.
        Platform::Bluesky => true,
        Platform::HackerNews => false,
        Platform::Rss
        | Platform::GoogleAlerts
        | Platform::Facebook
        | Platform::Instagram
        | Platform::GoogleReviews
        | Platform::Trustpilot
        | Platform::Yelp => true,
    }
}

/// How usage is rationed on a source, from its platform and settings.
pub fn usage_policy(
    platform: Platform,
    settings: &BTreeMap<String, String>,
) -> Option<UsagePolicy> {
    match platform {
        Platform::X => x::usage_policy(settings),
        Platform::Youtube => youtube::usage_policy(settings),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_that_search_and_nothing_else_need_a_watch_to_keep_anything() {
        let none = BTreeMap::new();
        let with = |k: &str| BTreeMap::from([(k.to_string(), "v".to_string())]);
        for p in Platform::ALL {
            let searches = catalog::info(p).searches_watches;
            let bare = keeps_direct_mentions(p, &none, false, &none);
            // Every platform that never searches keeps what it brings.
            if !searches {
                assert!(bare, "{p:?}");
            }
        }
        assert!(!keeps_direct_mentions(
            Platform::HackerNews,
            &none,
            true,
            &none
        ));
        assert!(!keeps_direct_mentions(Platform::X, &none, true, &none));
        assert!(keeps_direct_mentions(
            Platform::X,
            &with("user_id"),
            true,
            &none
        ));
        assert!(!keeps_direct_mentions(
            Platform::Youtube,
            &none,
            true,
            &none
        ));
        assert!(keeps_direct_mentions(
            Platform::Youtube,
            &with("channel_id"),
            true,
            &none
        ));
        assert!(!keeps_direct_mentions(
            Platform::Reddit,
            &with("subreddits"),
            true,
            &none
        ));
        assert!(keeps_direct_mentions(
            Platform::Reddit,
            &none,
            true,
            &with(reddit::REFRESH_TOKEN_FIELD)
        ));
        assert!(!keeps_direct_mentions(
            Platform::Mastodon,
            &with("hashtags"),
            false,
            &none
        ));
        assert!(keeps_direct_mentions(
            Platform::Mastodon,
            &none,
            true,
            &none
        ));
        assert!(keeps_direct_mentions(Platform::Bluesky, &none, true, &none));
    }
}

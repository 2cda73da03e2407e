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
    /// What a unit is, e.g. "posts read".
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

//! Connectors: one per platform, each turning a platform's answer into
//! plain-text mentions. The poller calls them through `Connector`; each takes
//! its address from the source (so tests, the demo and self-hosted instances
//! work the same way) and its credential from the keyring.

pub mod catalog;
pub mod feed;
pub mod http;
pub mod text;

use futures_util::future::BoxFuture;

use crate::model::Platform;
use crate::store::mentions::NewMention;
use crate::store::sources::{PollState, SourceRow};
use http::{FetchError, HttpClient};

/// Everything a connector needs for one fetch.
pub struct FetchContext<'a> {
    pub source: &'a SourceRow,
    /// The secret from the keyring, when the source has one.
    pub secret: Option<String>,
    pub http: &'a HttpClient,
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
}

pub trait Connector: Send + Sync {
    fn fetch<'a>(
        &'a self,
        ctx: &'a FetchContext<'a>,
    ) -> BoxFuture<'a, Result<FetchOutcome, FetchError>>;
}

/// The connector for a platform, or `None` when this version has none yet.
pub fn connector_for(platform: Platform) -> Option<Box<dyn Connector>> {
    match platform {
        Platform::Rss | Platform::GoogleAlerts => Some(Box::new(feed::FeedConnector)),
        _ => None,
    }
}

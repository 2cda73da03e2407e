//! Hacker News via the Algolia search API. Not built yet: see issue #3.

use futures_util::future::BoxFuture;

use super::http::FetchError;
use super::{Connector, FetchContext, FetchOutcome};
use crate::model::SettingField;

/// Whether this connector is ready for owners to use.
pub const AVAILABLE: bool = false;

/// What this platform needs from the owner, in plain words.
pub fn needs() -> super::catalog::Needs {
    super::catalog::Needs {
        needs_url: false,
        url_label: None,
        needs_secret: false,
        secret_optional: false,
        secret_label: None,
        how_to: "No account needed: Hearken searches Hacker News for your words.",
        searches_watches: true,
        cost_note: None,
    }
}

/// What this platform needs besides its main secret.
pub fn fields() -> Vec<SettingField> {
    Vec::new()
}

pub struct HackerNewsConnector;

impl Connector for HackerNewsConnector {
    fn fetch<'a>(
        &'a self,
        _ctx: &'a FetchContext<'a>,
    ) -> BoxFuture<'a, Result<FetchOutcome, FetchError>> {
        Box::pin(async {
            Err(FetchError::Other {
                host: "-".into(),
                detail: "this connector isn't built yet".into(),
            })
        })
    }
}

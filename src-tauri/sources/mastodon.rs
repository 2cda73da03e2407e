//! Mastodon. Not built yet: see issue #3.

use futures_util::future::BoxFuture;

use super::http::FetchError;
use super::{Connector, FetchContext, FetchOutcome};
use crate::model::SettingField;

/// Whether this connector is ready for owners to use.
pub const AVAILABLE: bool = false;

/// What this platform needs from the owner, in plain words.
pub fn needs() -> super::catalog::Needs {
    super::catalog::Needs {
        needs_url: true,
        url_label: Some("Instance address"),
        needs_secret: true,
        secret_optional: true,
        secret_label: Some("Access token"),
        how_to: "Your instance's address (like https://mastodon.social) and an access token from Preferences → Development.",
        searches_watches: true,
        cost_note: None,
    }
}

/// What this platform needs besides its main secret.
pub fn fields() -> Vec<SettingField> {
    Vec::new()
}

pub struct MastodonConnector;

impl Connector for MastodonConnector {
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

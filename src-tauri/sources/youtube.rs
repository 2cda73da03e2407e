//! YouTube Data API v3. Not built yet: see issue #3.

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
        needs_secret: true,
        secret_optional: false,
        secret_label: Some("API key"),
        how_to: "An API key from the Google Cloud console with the YouTube Data API enabled.",
        searches_watches: true,
        cost_note: Some(
            "Free within Google's daily quota (10,000 units); a keyword search costs 100 units.",
        ),
    }
}

/// What this platform needs besides its main secret.
pub fn fields() -> Vec<SettingField> {
    Vec::new()
}

/// How this platform's usage is rationed for a source with these settings.
pub fn usage_policy(
    _settings: &std::collections::BTreeMap<String, String>,
) -> Option<super::UsagePolicy> {
    None
}

pub struct YoutubeConnector;

impl Connector for YoutubeConnector {
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

//! Trustpilot reviews. Not built yet: see issue #3.

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
        how_to: "An API key from your Trustpilot Business account.",
        searches_watches: false,
        cost_note: Some("Needs a paid Trustpilot Business plan with API access."),
    }
}

/// What this platform needs besides its main secret.
pub fn fields() -> Vec<SettingField> {
    Vec::new()
}

pub struct TrustpilotConnector;

impl Connector for TrustpilotConnector {
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

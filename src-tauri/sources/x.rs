//! X (API v2). Not built yet: see issue #3.

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
        secret_label: Some("Bearer token"),
        how_to: "An app bearer token from the X developer portal. X charges per post read; you'll set a monthly spending cap.",
        searches_watches: true,
        cost_note: Some("X charges about $0.005 per post read; set a monthly cap below."),
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

pub struct XConnector;

impl Connector for XConnector {
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

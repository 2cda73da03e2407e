//! Facebook Page and Instagram professional account (Graph API). Not built yet: see issue #3.

use futures_util::future::BoxFuture;

use super::http::FetchError;
use super::{Connector, FetchContext, FetchOutcome};
use crate::model::SettingField;

/// Whether this connector is ready for owners to use.
pub const AVAILABLE: bool = false;

/// What this platform needs from the owner, in plain words.
pub fn facebook_needs() -> super::catalog::Needs {
    super::catalog::Needs {
        needs_url: false,
        url_label: None,
        needs_secret: true,
        secret_optional: false,
        secret_label: Some("Page access token"),
        how_to: "A Page access token for your business page, from Meta's developer tools.",
        searches_watches: false,
        cost_note: None,
    }
}

/// What a Facebook Page source needs besides its token.
pub fn facebook_fields() -> Vec<SettingField> {
    Vec::new()
}

/// What this platform needs from the owner, in plain words.
pub fn instagram_needs() -> super::catalog::Needs {
    super::catalog::Needs {
        needs_url: false,
        url_label: None,
        needs_secret: true,
        secret_optional: false,
        secret_label: Some("Access token"),
        how_to:
            "An access token for your Instagram professional account, from Meta's developer tools.",
        searches_watches: false,
        cost_note: None,
    }
}

/// What an Instagram source needs besides its token.
pub fn instagram_fields() -> Vec<SettingField> {
    Vec::new()
}

pub struct FacebookConnector;

impl Connector for FacebookConnector {
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

pub struct InstagramConnector;

impl Connector for InstagramConnector {
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

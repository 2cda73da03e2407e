//! Google Business Profile reviews (My Business API v4) of one location the
//! owner manages.
//!
//! Quirks pinned by tests: the refresh token is exchanged for a short-lived
//! access token, kept in memory and renewed when it expires or on a 401;
//! `invalid_grant` means the owner must sign in again; reviews come newest
//! *update* first, so the `updateTime` watermark also catches edits; the
//! rating is a word (`TWO`); a review may have no comment; Google's machine
//! translation arrives wrapped as `(Translated by Google) … (Original) …`;
//! until Google approves the project every call is a 429.

use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use url::Url;

use super::api::{self, FoundMentions, Session, Watermark};
use super::http::{host_of, retry_after, FetchError, Fetched};
use super::{Connector, FetchContext, FetchOutcome};
use crate::clock;
use crate::model::{Platform, SettingField};
use crate::store::mentions::NewMention;
use crate::store::sources::PollState;

/// Whether this connector is ready for owners to use.
pub const AVAILABLE: bool = true;

const DEFAULT_API: &str = "https://mybusiness.googleapis.com";
const DEFAULT_TOKEN_URL: &str = "https://oauth2.googleapis.com/token";
/// A first check reads the latest reviews only (3 pages of 50).
const FIRST_POLL_PAGES: usize = 3;
/// Later checks page back to the watermark, but never further than this.
const MAX_PAGES: usize = 10;
const MAX_TEXT_CHARS: usize = 20_000;

/// What this platform needs from the owner, in plain words.
pub fn needs() -> super::catalog::Needs {
    super::catalog::Needs {
        needs_url: false,
        url_label: None,
        needs_secret: true,
        secret_optional: false,
        secret_label: Some("Refresh token"),
        how_to: "In the Google Cloud console, create a Desktop OAuth client for a project that Google has approved for the Business Profile API, sign in once with the Google account that manages your profile (scope business.manage, e.g. with Google's OAuth Playground), and paste the refresh token here with the client's id and secret below.",
        searches_watches: false,
        cost_note: Some("Free, but Google must approve your project for the Business Profile API first (until then every check is refused with \"slow down\")."),
    }
}

/// What this platform needs besides its main secret.
pub fn fields() -> Vec<SettingField> {
    let mut account = super::catalog::field(
        "account_id",
        "Account id",
        "The number after accounts/ for your Business Profile account. The Business Profile API's accounts list shows it (accounts/1234567890 → 1234567890).",
        true,
    );
    account.placeholder = Some("1234567890".into());
    let mut location = super::catalog::field(
        "location_id",
        "Location id",
        "The number after locations/ for your shop. The Business Profile API's locations list shows it; in your profile's settings it's the \"Business Profile ID\".",
        true,
    );
    location.placeholder = Some("9876543210987654321".into());
    let mut client = super::catalog::field(
        "client_id",
        "OAuth client id",
        "From the Google Cloud console → APIs & Services → Credentials: the client id of your Desktop OAuth client (it ends in .apps.googleusercontent.com).",
        true,
    );
    client.placeholder = Some("1234-abc.apps.googleusercontent.com".into());
    let mut secret = super::catalog::field(
        "client_secret",
        "OAuth client secret",
        "Shown next to the client id in the Google Cloud console. Hearken keeps it in your keyring.",
        true,
    );
    secret.secret = true;
    vec![account, location, client, secret]
}

pub struct GoogleReviewsConnector;

impl Connector for GoogleReviewsConnector {
    fn fetch<'a>(
        &'a self,
        ctx: &'a FetchContext<'a>,
    ) -> BoxFuture<'a, Result<FetchOutcome, FetchError>> {
        Box::pin(fetch(ctx))
    }
}

/// Where the last check left off.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Cursor {
    /// `accounts/{a}/locations/{l}`: the watermark belongs to one location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    location: Option<String>,
    /// Every review updated at or before this is stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    updated: Option<Watermark>,
    /// A check that stopped short of the watermark: where to carry on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    resume: Option<Resume>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Resume {
    page_token: String,
    pending: Option<Watermark>,
}

/// The API and token addresses. A source's own address (tests, a proxy)
/// serves both, the token at `<base>/token`.
fn endpoints(ctx: &FetchContext<'_>) -> Result<(String, Url), FetchError> {
    let bad = || FetchError::BadAddress("the Google API address isn't a web address.".into());
    match ctx.source.base_url.as_deref().map(str::trim) {
        Some(base) if !base.is_empty() => {
            let base = base.trim_end_matches('/');
            let url = Url::parse(base).map_err(|_| bad())?;
            if !matches!(url.scheme(), "https" | "http") {
                return Err(bad());
            }
            let token = Url::parse(&format!("{base}/token")).map_err(|_| bad())?;
            Ok((base.to_string(), token))
        }
        _ => Ok((
            DEFAULT_API.to_string(),
            Url::parse(DEFAULT_TOKEN_URL).map_err(|_| bad())?,
        )),
    }
}

/// `accounts/123` and `123` both mean account 123.
fn bare_id<'a>(value: &'a str, prefix: &str) -> &'a str {
    value.trim().trim_start_matches(prefix).trim_matches('/')
}

struct Credentials {
    refresh_token: String,
    client_id: String,
    client_secret: String,
}

async fn fetch(ctx: &FetchContext<'_>) -> Result<FetchOutcome, FetchError> {
    let (Some(account), Some(location), Some(client_id)) = (
        ctx.setting("account_id"),
        ctx.setting("location_id"),
        ctx.setting("client_id"),
    ) else {
        return Err(FetchError::NeedsSetup(
            "Google reviews needs your account id, location id and OAuth client id: fill them in this source's settings.".into(),
        ));
    };
    let credentials = Credentials {
        refresh_token: ctx.secret_text()
            .ok_or_else(|| {
                FetchError::NeedsSetup(
                    "This Google reviews source has no refresh token. Use \"Replace key\" to paste one.".into(),
                )
            })?,
        client_id: client_id.to_string(),
        client_secret: ctx.extra_secret("client_secret")
            .ok_or_else(|| {
                FetchError::NeedsSetup(
                    "This Google reviews source has no OAuth client secret. Add it in this source's settings.".into(),
                )
            })?,
    };
    let (api_base, token_url) = endpoints(ctx)?;
    let parent = format!(
        "accounts/{}/locations/{}",
        bare_id(account, "accounts/"),
        bare_id(location, "locations/")
    );
    let list_url = Url::parse(&format!("{api_base}/v4/{parent}/reviews"))
        .map_err(|_| FetchError::NeedsSetup(
            "The account id or location id has characters Google ids don't have. Check them in this source's settings.".into(),
        ))?;
    let host = host_of(&list_url);

    let mut cursor: Cursor = ctx.stored_cursor();
    if cursor.location.as_deref() != Some(parent.as_str()) {
        cursor = Cursor {
            location: Some(parent.clone()),
            ..Cursor::default()
        };
    }
    let floor = cursor.updated.clone();
    let (mut token, mut pending) = match &cursor.resume {
        Some(r) => (Some(r.page_token.clone()), r.pending.clone()),
        None => (None, floor.clone()),
    };
    let max_pages = if floor.is_none() {
        FIRST_POLL_PAGES
    } else {
        MAX_PAGES
    };

    let mut access = access_token(ctx, &credentials, &token_url, false).await?;
    let mut found = FoundMentions::default();
    let mut pages = 0;
    let mut done = false;
    while pages < max_pages {
        let mut url = list_url.clone();
        url.query_pairs_mut()
            .append_pair("pageSize", "50")
            .append_pair("orderBy", "updateTime desc");
        if let Some(t) = &token {
            url.query_pairs_mut().append_pair("pageToken", t);
        }
        let page = match list_page(ctx, &url, &host, &mut access, &credentials, &token_url).await {
            Ok(p) => p,
            Err(e) if pages == 0 => return Err(e),
            // Keep the pages already read; the next check carries on from here.
            Err(_) => break,
        };
        pages += 1;
        let mut reached_floor = false;
        for review in &page.reviews {
            let Some((mention, stamp)) = map_review(review) else {
                continue;
            };
            let new = floor
                .as_ref()
                .is_none_or(|f| f.is_new(&stamp, &mention.external_id));
            if !new {
                reached_floor = true;
                continue;
            }
            Watermark::advance(&mut pending, &stamp, &mention.external_id);
            found.keep(mention);
        }
        token = page.next_page_token.filter(|t| !t.is_empty());
        if reached_floor || token.is_none() {
            done = true;
            break;
        }
    }
    match (&token, floor.is_some(), done) {
        (Some(t), true, false) => {
            cursor.resume = Some(Resume {
                page_token: t.clone(),
                pending,
            });
        }
        _ => {
            cursor.updated = pending;
            cursor.resume = None;
        }
    }
    Ok(FetchOutcome {
        mentions: found.into_vec(),
        state: PollState::with_cursor(&cursor),
        not_modified: false,
        title: None,
        wait_secs: None,
        rest: None,
        partial: None,
    })
}

/// An access token: the cached one while it lasts, else a new one from the
/// refresh token. Returns the token and whether it was just made.
async fn access_token(
    ctx: &FetchContext<'_>,
    credentials: &Credentials,
    token_url: &Url,
    force_new: bool,
) -> Result<(String, bool), FetchError> {
    if !force_new {
        if let Some(s) = ctx.sessions.get(ctx.source.id) {
            if !s.expiring() && !s.access.is_empty() {
                return Ok((s.access, false));
            }
        }
    }
    let host = host_of(token_url);
    let fetched = ctx
        .http
        .post_form(
            token_url,
            &[("accept", "application/json".to_string())],
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", credentials.refresh_token.as_str()),
                ("client_id", credentials.client_id.as_str()),
                ("client_secret", credentials.client_secret.as_str()),
            ],
        )
        .await?;
    if !(200..300).contains(&fetched.status) {
        return Err(token_error(&fetched, &host));
    }
    let answer: TokenAnswer = api::json(&fetched, &host)?;
    let access = answer
        .access_token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| FetchError::Malformed {
            host: host.clone(),
            detail: "the sign-in answer had no access token".into(),
        })?;
    let expires_at = answer
        .expires_in
        .map(|secs| clock::now().unix_timestamp() + secs.max(0));
    ctx.sessions.put(
        ctx.source.id,
        Session {
            access: access.clone(),
            refresh: None,
            expires_at,
            extra: Default::default(),
        },
    );
    Ok((access, true))
}

#[derive(Debug, Deserialize)]
struct TokenAnswer {
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    expires_in: Option<i64>,
}

/// OAuth token errors: `{"error":"invalid_grant","error_description":"…"}`.
#[derive(Debug, Deserialize)]
struct TokenError {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
}

fn token_error(fetched: &Fetched, host: &str) -> FetchError {
    let body: Option<TokenError> = serde_json::from_slice(&fetched.body).ok();
    let code = body.as_ref().and_then(|b| b.error.as_deref()).unwrap_or("");
    match code {
        // The refresh token was revoked or expired, or the client is wrong:
        // the owner has to sign in again or fix the client id/secret.
        "invalid_grant" | "invalid_client" | "unauthorized_client" => FetchError::Unauthorized {
            host: host.to_string(),
            status: fetched.status,
            hint: Some(
                "Google no longer accepts Hearken's sign-in (the refresh token was revoked or expired, or the client id or secret is wrong). Get a new refresh token and save it with \"Replace key\".".to_string(),
            ),
        },
        _ => match (fetched.status, body.and_then(|b| b.error_description)) {
            (400..=499, Some(d)) if fetched.status != 429 => FetchError::Platform {
                host: host.to_string(),
                detail: plain_detail(&d, fetched.status),
            },
            _ => api::failed_status(fetched, host),
        },
    }
}

/// One page of reviews, renewing the access token once on a 401.
async fn list_page(
    ctx: &FetchContext<'_>,
    url: &Url,
    host: &str,
    access: &mut (String, bool),
    credentials: &Credentials,
    token_url: &Url,
) -> Result<ReviewPage, FetchError> {
    loop {
        let headers = [
            ("accept", "application/json".to_string()),
            ("authorization", format!("Bearer {}", access.0)),
        ];
        let fetched = ctx.http.get(url, &headers).await?;
        if fetched.status == 401 && !access.1 {
            // The cached token stopped working early: get a new one, once.
            ctx.sessions.forget(ctx.source.id);
            *access = access_token(ctx, credentials, token_url, true).await?;
            continue;
        }
        if !(200..300).contains(&fetched.status) {
            return Err(api_error(&fetched, host));
        }
        return api::json(&fetched, host);
    }
}

/// Google's error envelope:
/// `{"error":{"code","message","status","details":[{"reason"}]}}`.
#[derive(Debug, Deserialize)]
struct GoogleError {
    error: GoogleErrorBody,
}

#[derive(Debug, Deserialize)]
struct GoogleErrorBody {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    details: Vec<serde_json::Value>,
}

fn api_error(fetched: &Fetched, host: &str) -> FetchError {
    let status = fetched.status;
    let host = host.to_string();
    let envelope = serde_json::from_slice::<GoogleError>(&fetched.body)
        .ok()
        .map(|e| e.error);
    let google_status = envelope
        .as_ref()
        .and_then(|e| e.status.clone())
        .unwrap_or_default();
    let reasons: Vec<String> = envelope
        .as_ref()
        .map(|e| {
            e.details
                .iter()
                .filter_map(|d| d.get("reason").and_then(|r| r.as_str()).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if status == 429 || google_status == "RESOURCE_EXHAUSTED" {
        return FetchError::RateLimited {
            host,
            status,
            retry_after_secs: retry_after(fetched),
        };
    }
    if status == 401
        || google_status == "UNAUTHENTICATED"
        || reasons
            .iter()
            .any(|r| r == "ACCESS_TOKEN_SCOPE_INSUFFICIENT")
    {
        return FetchError::Unauthorized {
            host,
            status,
            hint: None,
        };
    }
    if status == 404 || google_status == "NOT_FOUND" {
        return FetchError::NeedsSetup(
            "Google can't find that location's reviews. Check the account id and location id in this source's settings.".into(),
        );
    }
    if status == 403 {
        let said = envelope
            .as_ref()
            .and_then(|e| e.message.as_deref())
            .map(|m| format!(" ({})", plain_detail(m, status)))
            .unwrap_or_default();
        return FetchError::Platform {
            host,
            detail: format!(
                "Google refused access to this location's reviews{said}. Check that the Google account you signed in with manages this Business Profile, that the account and location ids are right, and that Google has approved your project for the Business Profile API."
            ),
        };
    }
    if (400..500).contains(&status) {
        if let Some(m) = envelope.as_ref().and_then(|e| e.message.as_deref()) {
            return FetchError::Platform {
                host,
                detail: plain_detail(m, status),
            };
        }
    }
    api::failed_status(fetched, &host)
}

/// A platform's own message, made safe to show: one line, at most 200 characters.
fn plain_detail(message: &str, status: u16) -> String {
    let text = message.replace(['\n', '\r'], " ");
    format!("{} (HTTP {status})", api::short_message(&text))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReviewPage {
    #[serde(default)]
    reviews: Vec<Review>,
    #[serde(default)]
    next_page_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Review {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    review_id: Option<String>,
    #[serde(default)]
    reviewer: Option<Reviewer>,
    #[serde(default)]
    star_rating: Option<String>,
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    create_time: Option<String>,
    #[serde(default)]
    update_time: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reviewer {
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    is_anonymous: Option<bool>,
}

/// A review as a mention, with its watermark stamp (`updateTime`).
fn map_review(review: &Review) -> Option<(NewMention, String)> {
    let id = review.review_id.clone().or_else(|| {
        review
            .name
            .as_deref()
            .and_then(|n| n.rsplit('/').next())
            .map(str::to_string)
    })?;
    let created = review.create_time.as_deref().and_then(clock::normalise);
    let updated = review.update_time.as_deref().and_then(clock::normalise);
    let stamp = updated.clone().or_else(|| created.clone())?;
    let stars = review.star_rating.as_deref().and_then(stars_of);
    let comment = review
        .comment
        .as_deref()
        .map(original_text)
        .filter(|c| !c.is_empty());
    let text = review_text(stars, comment.as_deref());
    let reviewer = review.reviewer.as_ref();
    let anonymous = reviewer.and_then(|r| r.is_anonymous).unwrap_or(false);
    let mention = NewMention {
        platform: Platform::GoogleReviews,
        external_id: id,
        url: None,
        author_id: None,
        author_handle: None,
        author_name: reviewer
            .and_then(|r| r.display_name.as_deref())
            .map(str::trim)
            .filter(|n| !n.is_empty() && !anonymous)
            .map(str::to_string),
        text: text.chars().take(MAX_TEXT_CHARS).collect(),
        language: None,
        created_at: created.unwrap_or_else(|| stamp.clone()),
        from_search: false,
    };
    Some((mention, stamp))
}

/// `starRating` is a word: `ONE` … `FIVE`.
fn stars_of(word: &str) -> Option<u8> {
    match word {
        "ONE" => Some(1),
        "TWO" => Some(2),
        "THREE" => Some(3),
        "FOUR" => Some(4),
        "FIVE" => Some(5),
        _ => None,
    }
}

/// "★★☆☆☆ (2/5) comment", so the rating is part of what the owner reads
/// and what sentiment sees; a rating alone still says what happened.
fn review_text(stars: Option<u8>, comment: Option<&str>) -> String {
    let rating = stars.map(|n| {
        let n = n.clamp(1, 5) as usize;
        format!("{}{} ({n}/5)", "★".repeat(n), "☆".repeat(5 - n))
    });
    match (rating, comment) {
        (Some(r), Some(c)) => format!("{r} {c}"),
        (Some(r), None) => format!(
            "{r} Left a {}-star rating with no comment.",
            stars.unwrap_or(0)
        ),
        (None, Some(c)) => c.to_string(),
        (None, None) => "Left a review with no rating or comment.".to_string(),
    }
}

/// Keeps the reviewer's own words from Google's translation envelope:
/// `(Translated by Google) <translation>\n\n(Original)\n<original>`, or the
/// original first and `(Translated by Google)` after it.
fn original_text(comment: &str) -> String {
    let comment = comment.trim();
    if comment.starts_with("(Translated by Google)") {
        if let Some((_, original)) = comment.split_once("(Original)") {
            return original.trim().to_string();
        }
        return comment
            .trim_start_matches("(Translated by Google)")
            .trim()
            .to_string();
    }
    if let Some((original, _)) = comment.split_once("\n\n(Translated by Google)") {
        return original.trim().to_string();
    }
    comment.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_translation_envelope_keeps_the_reviewers_own_words() {
        assert_eq!(
            original_text(
                "(Translated by Google) Very good service\n\n(Original)\nMuy buen servicio 👍"
            ),
            "Muy buen servicio 👍"
        );
        assert_eq!(
            original_text("Sehr freundlich\n\n(Translated by Google)\nVery friendly"),
            "Sehr freundlich"
        );
        assert_eq!(original_text("  Plain words  "), "Plain words");
    }

    #[test]
    fn ratings_are_words_and_become_stars_in_the_text() {
        assert_eq!(stars_of("TWO"), Some(2));
        assert_eq!(stars_of("STAR_RATING_UNSPECIFIED"), None);
        assert_eq!(review_text(Some(2), Some("Slow")), "★★☆☆☆ (2/5) Slow");
        assert_eq!(
            review_text(Some(1), None),
            "★☆☆☆☆ (1/5) Left a 1-star rating with no comment."
        );
        assert_eq!(review_text(None, Some("Hi")), "Hi");
    }

    #[test]
    fn ids_may_be_given_with_or_without_their_prefix() {
        assert_eq!(bare_id("accounts/123", "accounts/"), "123");
        assert_eq!(bare_id(" 123 ", "accounts/"), "123");
        assert_eq!(bare_id("locations/456/", "locations/"), "456");
    }
}

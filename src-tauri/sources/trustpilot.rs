//! Trustpilot reviews of the owner's business unit (public Business Units API).
//!
//! Quirks pinned by tests: the business unit id isn't shown anywhere on
//! Trustpilot's site, so a domain can stand in for it (looked up with
//! `/business-units/find`); reviews come newest first by page number with
//! no "since" parameter, so Hearken stops at the watermark in the cursor;
//! the key goes in an `apikey` header; a 403 means the plan has no API
//! access, not a bad key; the permalink is built from the review id.

use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use url::Url;

use super::api::{self, FoundMentions, Watermark};
use super::http::{host_of, FetchError, Fetched};
use super::{Connector, FetchContext, FetchOutcome};
use crate::clock;
use crate::model::{Platform, SettingField};
use crate::store::mentions::NewMention;
use crate::store::sources::PollState;

/// Whether this connector is ready for owners to use.
pub const AVAILABLE: bool = true;

const DEFAULT_BASE: &str = "https://api.trustpilot.com";
const PER_PAGE: usize = 100;
/// A first check reads the latest reviews only (3 pages of 100).
const FIRST_POLL_PAGES: u32 = 3;
/// Later checks page back to the watermark, but never further than this.
const MAX_PAGES: u32 = 10;
const MAX_TEXT_CHARS: usize = 20_000;

/// What this platform needs from the owner, in plain words.
pub fn needs() -> super::catalog::Needs {
    super::catalog::Needs {
        needs_url: false,
        url_label: None,
        needs_secret: true,
        secret_optional: false,
        secret_label: Some("API key"),
        how_to: "In Trustpilot Business, open Integrations → Developers → APIs, create an application and paste its API key here (the key, not the secret).",
        searches_watches: false,
        cost_note: Some("Needs a paid Trustpilot Business plan with API access."),
    }
}

/// What this platform needs besides its main secret.
pub fn fields() -> Vec<SettingField> {
    let mut unit = super::catalog::field(
        "business_unit_id",
        "Business unit id",
        "Trustpilot's id for your business (24 letters and digits). It isn't shown on the site: leave this empty and fill in your website's domain below, and Hearken looks it up (Trustpilot's /v1/business-units/find?name=yourdomain.com gives it too).",
        false,
    );
    unit.placeholder = Some("46d6a890000064000500e0c3".into());
    let mut domain = super::catalog::field(
        "domain",
        "Your website's domain",
        "The domain your Trustpilot page is listed under, e.g. pedalandpine.co.uk. Used when the business unit id is empty.",
        false,
    );
    domain.placeholder = Some("example.com".into());
    vec![unit, domain]
}

pub struct TrustpilotConnector;

impl Connector for TrustpilotConnector {
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
    /// The business unit the watermark belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    unit: Option<String>,
    /// Every review created (or updated) at or before this is stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    seen: Option<Watermark>,
    /// A check that stopped short of the watermark: where to carry on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    resume: Option<Resume>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Resume {
    page: u32,
    pending: Option<Watermark>,
}

async fn fetch(ctx: &FetchContext<'_>) -> Result<FetchOutcome, FetchError> {
    let key = ctx.secret_text().ok_or_else(|| {
        FetchError::NeedsSetup(
            "This Trustpilot source has no API key. Use \"Replace key\" to paste one.".into(),
        )
    })?;
    let base = api::api_base(ctx, DEFAULT_BASE, "Trustpilot")?;
    let headers = [("accept", "application/json".to_string()), ("apikey", key)];
    let (unit, title) = match (ctx.setting("business_unit_id"), ctx.setting("domain")) {
        (Some(id), _) => (id.to_string(), None),
        (None, Some(domain)) => find_unit(ctx, &base, &headers, domain).await?,
        (None, None) => {
            return Err(FetchError::NeedsSetup(
                "Trustpilot needs your business unit id or your website's domain: fill one in this source's settings.".into(),
            ))
        }
    };
    let mut cursor: Cursor = ctx.stored_cursor();
    if cursor.unit.as_deref() != Some(unit.as_str()) {
        cursor = Cursor {
            unit: Some(unit.clone()),
            ..Cursor::default()
        };
    }
    let mut list_url = Url::parse(&format!("{base}/v1/business-units")).map_err(|_| {
        FetchError::BadAddress("the Trustpilot API address isn't a web address.".into())
    })?;
    list_url
        .path_segments_mut()
        .map_err(|_| {
            FetchError::BadAddress("the Trustpilot API address isn't a web address.".into())
        })?
        .push(&unit)
        .push("reviews");
    let host = host_of(&list_url);

    let floor = cursor.seen.clone();
    let (mut page_no, mut pending) = match &cursor.resume {
        Some(r) => (r.page.max(1), r.pending.clone()),
        None => (1, floor.clone()),
    };
    let max_pages = if floor.is_none() {
        FIRST_POLL_PAGES
    } else {
        MAX_PAGES
    };
    let mut found = FoundMentions::default();
    let mut pages = 0;
    let mut done = false;
    while pages < max_pages {
        let mut url = list_url.clone();
        url.query_pairs_mut()
            .append_pair("perPage", &PER_PAGE.to_string())
            .append_pair("page", &page_no.to_string())
            .append_pair("orderBy", "createdat.desc");
        let page = match get_page(ctx, &url, &host, &headers, &unit).await {
            Ok(p) => p,
            Err(e) if pages == 0 => return Err(e),
            // Keep the pages already read; the next check carries on from here.
            Err(_) => break,
        };
        pages += 1;
        let mut reached_floor = false;
        for review in &page.reviews {
            let Some((mention, stamp, created)) = map_review(review) else {
                continue;
            };
            if let Some(f) = &floor {
                reached_floor = created <= f.at;
            }
            if floor
                .as_ref()
                .is_none_or(|f| f.is_new(&stamp, &mention.external_id))
            {
                Watermark::advance(&mut pending, &stamp, &mention.external_id);
                found.keep(mention);
            }
        }
        if reached_floor || !page.has_next() {
            done = true;
            break;
        }
        page_no += 1;
    }
    if floor.is_some() && !done {
        cursor.resume = Some(Resume {
            page: page_no,
            pending,
        });
    } else {
        cursor.seen = pending;
        cursor.resume = None;
    }
    Ok(FetchOutcome {
        mentions: found.into_vec(),
        state: PollState::with_cursor(&cursor),
        not_modified: false,
        title,
        wait_secs: None,
        rest: None,
        partial: None,
    })
}

/// Looks up the business unit id for a domain; once per check.
async fn find_unit(
    ctx: &FetchContext<'_>,
    base: &str,
    headers: &[(&str, String)],
    domain: &str,
) -> Result<(String, Option<String>), FetchError> {
    let domain = domain
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.")
        .trim_end_matches('/');
    let mut url = Url::parse(&format!("{base}/v1/business-units/find")).map_err(|_| {
        FetchError::BadAddress("the Trustpilot API address isn't a web address.".into())
    })?;
    url.query_pairs_mut().append_pair("name", domain);
    let host = host_of(&url);
    let fetched = ctx.http.get(&url, headers).await?;
    if fetched.status == 404 {
        return Err(FetchError::NeedsSetup(format!(
            "Trustpilot has no business page for {domain}. Check the domain (as listed on Trustpilot), or fill in the business unit id instead."
        )));
    }
    if !(200..300).contains(&fetched.status) {
        return Err(read_error(&fetched, &host));
    }
    let unit: FoundUnit = api::json(&fetched, &host)?;
    let id = unit.id.filter(|i| !i.trim().is_empty()).ok_or_else(|| {
        FetchError::NeedsSetup(format!(
            "Trustpilot didn't return a business for {domain}. Check the domain, or fill in the business unit id instead."
        ))
    })?;
    Ok((id, unit.display_name))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FoundUnit {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
}

async fn get_page(
    ctx: &FetchContext<'_>,
    url: &Url,
    host: &str,
    headers: &[(&str, String)],
    unit: &str,
) -> Result<ReviewPage, FetchError> {
    let fetched = ctx.http.get(url, headers).await?;
    if fetched.status == 404 {
        return Err(FetchError::NeedsSetup(format!(
            "Trustpilot can't find the business unit \"{}\". Check the business unit id in this source's settings, or clear it and fill in your domain instead.",
            unit.chars().take(40).collect::<String>()
        )));
    }
    if !(200..300).contains(&fetched.status) {
        return Err(read_error(&fetched, host));
    }
    api::json(&fetched, host)
}

/// Trustpilot's error bodies aren't documented; these are the shapes seen
/// (`{"message"}`, `{"errorMessage"}`, Apigee's `{"fault":{"faultstring"}}`).
fn error_message(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let text = v
        .get("message")
        .or_else(|| v.get("errorMessage"))
        .or_else(|| v.get("details"))
        .or_else(|| v.pointer("/fault/faultstring"))
        .or_else(|| v.get("error"))?
        .as_str()?
        .replace(['\n', '\r'], " ");
    let text = text.trim();
    let short: String = text.chars().take(200).collect();
    (!short.is_empty()).then_some(short)
}

fn read_error(fetched: &Fetched, host: &str) -> FetchError {
    let status = fetched.status;
    let said = error_message(&fetched.body);
    match status {
        401 => FetchError::Unauthorized {
            host: host.to_string(),
            status, hint: None,
        },
        403 => FetchError::Platform {
            host: host.to_string(),
            detail: format!(
                "access refused (HTTP 403{}). Trustpilot only opens its API to Business plans that include it: check that your plan has API access (Integrations → Developers → APIs) and that the key belongs to this business.",
                said.map(|s| format!(": {s}")).unwrap_or_default()
            ),
        },
        429 => api::rate_limited(fetched, host, "retry-after", api::ResetForm::Seconds),
        400..=499 if said.is_some() => FetchError::Platform {
            host: host.to_string(),
            detail: format!("{} (HTTP {status})", said.unwrap_or_default()),
        },
        _ => api::failed_status(fetched, host),
    }
}

#[derive(Debug, Deserialize)]
struct ReviewPage {
    #[serde(default)]
    reviews: Vec<Review>,
    #[serde(default)]
    links: Vec<Link>,
}

impl ReviewPage {
    /// Trustpilot links the next page; without links, a full page may have more.
    fn has_next(&self) -> bool {
        if self.reviews.is_empty() {
            return false;
        }
        if self.links.is_empty() {
            return self.reviews.len() >= PER_PAGE;
        }
        self.links
            .iter()
            .any(|l| l.rel.as_deref() == Some("next-page"))
    }
}

#[derive(Debug, Deserialize)]
struct Link {
    #[serde(default)]
    rel: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Review {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    consumer: Option<Consumer>,
    #[serde(default)]
    stars: Option<u8>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    updated_at: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Consumer {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
}

/// A review as a mention, with its watermark stamp (the later of created
/// and updated, so an edit counts as new) and its created time.
fn map_review(review: &Review) -> Option<(NewMention, String, String)> {
    let id = review.id.clone().filter(|i| !i.trim().is_empty())?;
    let created = review.created_at.as_deref().and_then(clock::normalise)?;
    let stamp = review
        .updated_at
        .as_deref()
        .and_then(clock::normalise)
        .filter(|u| *u > created)
        .unwrap_or_else(|| created.clone());
    let title = review.title.as_deref().unwrap_or("").trim();
    let body = review.text.as_deref().unwrap_or("").trim();
    let words = match (title.is_empty(), body.is_empty()) {
        (false, false) => format!("{title}\n{body}"),
        (false, true) => title.to_string(),
        (true, false) => body.to_string(),
        (true, true) => String::new(),
    };
    let text = match review.stars.filter(|s| (1..=5).contains(s)) {
        Some(n) => {
            let n = n as usize;
            let rating = format!("{}{} ({n}/5)", "★".repeat(n), "☆".repeat(5 - n));
            if words.is_empty() {
                format!("{rating} Left a {n}-star rating with no comment.")
            } else {
                format!("{rating} {words}")
            }
        }
        None if words.is_empty() => return None,
        None => words,
    };
    let consumer = review.consumer.as_ref();
    let mention = NewMention {
        platform: Platform::Trustpilot,
        external_id: id.clone(),
        url: Some(format!("https://www.trustpilot.com/reviews/{id}")),
        author_id: consumer.and_then(|c| c.id.clone()),
        author_handle: None,
        author_name: consumer
            .and_then(|c| c.display_name.as_deref())
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string),
        text: text.chars().take(MAX_TEXT_CHARS).collect(),
        language: review.language.clone().filter(|l| !l.is_empty()),
        created_at: created.clone(),
        from_search: false,
    };
    Some((mention, stamp, created))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_in_each_seen_shape_are_read() {
        assert_eq!(
            error_message(br#"{"message":"Forbidden: plan"}"#).as_deref(),
            Some("Forbidden: plan")
        );
        assert_eq!(
            error_message(br#"{"fault":{"faultstring":"Invalid ApiKey","detail":{"errorcode":"oauth.v2.InvalidApiKey"}}}"#).as_deref(),
            Some("Invalid ApiKey")
        );
        assert_eq!(error_message(b"<html>no</html>"), None);
    }

    #[test]
    fn the_next_page_is_known_from_links_or_a_full_page() {
        let page: ReviewPage = serde_json::from_str(
            r#"{"reviews":[{"id":"a"}],"links":[{"href":"x","method":"GET","rel":"next-page"}]}"#,
        )
        .unwrap();
        assert!(page.has_next());
        let page: ReviewPage = serde_json::from_str(
            r#"{"reviews":[{"id":"a"}],"links":[{"href":"x","method":"GET","rel":"prev-page"}]}"#,
        )
        .unwrap();
        assert!(!page.has_next());
        let page: ReviewPage = serde_json::from_str(r#"{"reviews":[{"id":"a"}]}"#).unwrap();
        assert!(!page.has_next());
    }
}

//! Yelp reviews of the owner's business (Yelp Places / Fusion API).
//!
//! Quirks pinned by tests: Yelp returns only a few review *excerpts*
//! (about 160 characters, ending in "..."), newest first, with no paging
//! or "since" parameter, so the cursor remembers what was returned; the
//! excerpt is kept and marked as one; `time_created` has no time zone and
//! is read as Pacific time; `RateLimit-Remaining: 0` means wait until
//! `RateLimit-ResetTime`; a 429 is either "too many per second" (short
//! wait) or the daily allowance (wait for the reset); a business with no
//! reviews yet answers 403 `BUSINESS_UNAVAILABLE`, which is not an error.

use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::{Date, Duration, Month, PrimitiveDateTime, Time, Weekday};
use url::Url;

use super::api::{self, ResetForm};
use super::http::{host_of, retry_after, FetchError, Fetched};
use super::{Connector, FetchContext, FetchOutcome};
use crate::clock;
use crate::model::{Platform, SettingField};
use crate::store::mentions::NewMention;
use crate::store::sources::PollState;

/// Whether this connector is ready for owners to use.
pub const AVAILABLE: bool = true;

const DEFAULT_BASE: &str = "https://api.yelp.com";
/// How many reviews to ask for; most plans return three whatever is asked.
const LIMIT: &str = "20";
/// The wait after "too many requests per second" when Yelp doesn't say.
const PER_SECOND_WAIT_SECS: u64 = 30;
const MAX_TEXT_CHARS: usize = 20_000;

/// What this platform needs from the owner, in plain words.
pub fn needs() -> super::catalog::Needs {
    super::catalog::Needs {
        needs_url: false,
        url_label: None,
        needs_secret: true,
        secret_optional: false,
        secret_label: Some("API key"),
        how_to: "On Yelp for Developers (yelp.com/developers), create an app under \"Manage App\" and paste its API key here. Yelp only shares short excerpts of your newest reviews.",
        searches_watches: false,
        cost_note: Some("Yelp's API is paid (a trial allows 300 calls a day)."),
    }
}

/// What this platform needs besides its main secret.
pub fn fields() -> Vec<SettingField> {
    let mut business = super::catalog::field(
        "business_id",
        "Yelp business id",
        "The part of your Yelp page's address after /biz/, e.g. pedal-and-pine-ashby for yelp.com/biz/pedal-and-pine-ashby (Yelp's 22-character business id works too).",
        true,
    );
    business.placeholder = Some("pedal-and-pine-ashby".into());
    vec![business]
}

pub struct YelpConnector;

impl Connector for YelpConnector {
    fn fetch<'a>(
        &'a self,
        ctx: &'a FetchContext<'a>,
    ) -> BoxFuture<'a, Result<FetchOutcome, FetchError>> {
        Box::pin(fetch(ctx))
    }
}

/// What the last check returned: `<review id>:<hash of its text>`, so that
/// only new or edited reviews are returned again. Yelp's window is a few
/// reviews, so this stays small.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Cursor {
    #[serde(default)]
    seen: Vec<String>,
}

/// Accepts the id, the alias, or a pasted yelp.com/biz/… address.
fn business_id(raw: &str) -> &str {
    let raw = raw.trim();
    let after_biz = raw.rsplit_once("/biz/").map(|(_, a)| a).unwrap_or(raw);
    after_biz
        .split(['?', '#'])
        .next()
        .unwrap_or(after_biz)
        .trim_matches('/')
}

async fn fetch(ctx: &FetchContext<'_>) -> Result<FetchOutcome, FetchError> {
    let key = ctx.secret_text().ok_or_else(|| {
        FetchError::NeedsSetup(
            "This Yelp source has no API key. Use \"Replace key\" to paste one.".into(),
        )
    })?;
    let business = ctx
        .setting("business_id")
        .map(business_id)
        .filter(|b| !b.is_empty())
        .ok_or_else(|| {
            FetchError::NeedsSetup(
                "Yelp needs your business id: the part of your Yelp page's address after /biz/. Fill it in this source's settings.".into(),
            )
        })?;
    let base = api::api_base(ctx, DEFAULT_BASE, "Yelp")?;
    let bad = || FetchError::BadAddress("the Yelp API address isn't a web address.".into());
    let mut url = Url::parse(&format!("{base}/v3/businesses")).map_err(|_| bad())?;
    url.path_segments_mut()
        .map_err(|_| bad())?
        .push(business)
        .push("reviews");
    url.query_pairs_mut()
        .append_pair("limit", LIMIT)
        .append_pair("sort_by", "newest");
    let host = host_of(&url);
    let fetched = ctx
        .http
        .get(
            &url,
            &[
                ("accept", "application/json".to_string()),
                ("authorization", format!("Bearer {key}")),
            ],
        )
        .await?;
    let previous: Cursor = ctx.stored_cursor();
    if !(200..300).contains(&fetched.status) {
        return match read_error(&fetched, &host) {
            Answer::NoReviewsYet => Ok(FetchOutcome {
                state: ctx.source.state.clone(),
                ..FetchOutcome::default()
            }),
            Answer::Error(e) => Err(e),
        };
    }
    let page: ReviewPage = api::json(&fetched, &host)?;
    let wait_secs = api::wait_when_exhausted(
        &fetched,
        "ratelimit-remaining",
        "ratelimit-resettime",
        ResetForm::Iso,
    );
    let mut seen = Vec::new();
    let mut mentions: Vec<NewMention> = Vec::new();
    for review in &page.reviews {
        let Some(mention) = map_review(review) else {
            continue;
        };
        let mark = format!("{}:{}", mention.external_id, short_hash(&mention.text));
        if seen.contains(&mark) {
            continue;
        }
        if !previous.seen.contains(&mark) {
            mentions.push(mention);
        }
        seen.push(mark);
    }
    Ok(FetchOutcome {
        mentions,
        state: PollState::with_cursor(&Cursor { seen }),
        not_modified: false,
        title: None,
        wait_secs,
        rest: None,
        partial: None,
    })
}

fn short_hash(text: &str) -> String {
    hex::encode(&Sha256::digest(text.as_bytes())[..8])
}

enum Answer {
    /// 403 `BUSINESS_UNAVAILABLE`: Yelp's way of saying "no reviews yet".
    NoReviewsYet,
    Error(FetchError),
}

/// `{"error":{"code":"TOKEN_INVALID","description":"…"}}`.
#[derive(Debug, Deserialize)]
struct YelpError {
    error: YelpErrorBody,
}

#[derive(Debug, Deserialize)]
struct YelpErrorBody {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

fn read_error(fetched: &Fetched, host: &str) -> Answer {
    let status = fetched.status;
    let body = serde_json::from_slice::<YelpError>(&fetched.body)
        .ok()
        .map(|e| e.error);
    let code = body.as_ref().and_then(|b| b.code.as_deref()).unwrap_or("");
    let host_s = host.to_string();
    let err = match (status, code) {
        (403, "BUSINESS_UNAVAILABLE") => return Answer::NoReviewsYet,
        (_, "TOKEN_INVALID" | "UNAUTHORIZED_ACCESS_TOKEN" | "INVALID_AUTHORIZATION_METHOD")
        | (401, _) => FetchError::Unauthorized {
            host: host_s,
            status, hint: None,
        },
        (_, "BUSINESS_NOT_FOUND") | (404, _) => FetchError::NeedsSetup(
            "Yelp can't find that business. Check the business id in this source's settings: it's the part of your Yelp page's address after /biz/.".into(),
        ),
        (_, "ACCESS_LIMIT_REACHED") => FetchError::RateLimited {
            host: host_s,
            status,
            retry_after_secs: retry_after(fetched)
                .or_else(|| api::reset_secs(fetched, "ratelimit-resettime", ResetForm::Iso))
                .or_else(|| Some(secs_until_utc_midnight())),
        },
        (_, "TOO_MANY_REQUESTS_PER_SECOND") | (429, _) => FetchError::RateLimited {
            host: host_s,
            status,
            retry_after_secs: retry_after(fetched).or(Some(PER_SECOND_WAIT_SECS)),
        },
        (400..=499, _) if body.as_ref().is_some_and(|b| b.description.is_some()) => {
            let said = body
                .and_then(|b| b.description)
                .unwrap_or_default()
                .replace(['\n', '\r'], " ");
            FetchError::Platform {
                host: host_s,
                detail: format!(
                    "{} (HTTP {status})",
                    said.trim().chars().take(200).collect::<String>()
                ),
            }
        }
        _ => api::failed_status(fetched, host),
    };
    Answer::Error(err)
}

/// Yelp's trial allowance resets at midnight UTC.
fn secs_until_utc_midnight() -> u64 {
    let now = clock::now();
    let next = now
        .date()
        .next_day()
        .map(|d| d.midnight().assume_utc())
        .unwrap_or(now + Duration::days(1));
    (next - now).whole_seconds().max(60) as u64
}

#[derive(Debug, Deserialize)]
struct ReviewPage {
    #[serde(default)]
    reviews: Vec<Review>,
}

#[derive(Debug, Deserialize)]
struct Review {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    rating: Option<f64>,
    #[serde(default)]
    time_created: Option<String>,
    #[serde(default)]
    user: Option<User>,
}

#[derive(Debug, Deserialize)]
struct User {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

fn map_review(review: &Review) -> Option<NewMention> {
    let id = review.id.clone().filter(|i| !i.trim().is_empty())?;
    let excerpt = review.text.as_deref().unwrap_or("").trim();
    let stars = review
        .rating
        .filter(|r| r.is_finite())
        .map(|r| r.round().clamp(1.0, 5.0) as usize);
    let marked = if excerpt.ends_with("...") || excerpt.ends_with('…') {
        format!("{excerpt} (excerpt)")
    } else {
        excerpt.to_string()
    };
    let text = match (stars, marked.is_empty()) {
        (Some(n), false) => format!("{} ({n}/5) {marked}", star_row(n)),
        (Some(n), true) => format!("{} ({n}/5) Left a {n}-star rating.", star_row(n)),
        (None, false) => marked,
        (None, true) => return None,
    };
    let user = review.user.as_ref();
    Some(NewMention {
        platform: Platform::Yelp,
        external_id: id,
        url: review.url.as_deref().and_then(clean_url),
        author_id: user.and_then(|u| u.id.clone()),
        author_handle: None,
        author_name: user
            .and_then(|u| u.name.as_deref())
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string),
        text: text.chars().take(MAX_TEXT_CHARS).collect(),
        language: None,
        created_at: review
            .time_created
            .as_deref()
            .and_then(pacific_to_utc)
            .unwrap_or_else(clock::now_string),
        from_search: false,
    })
}

fn star_row(n: usize) -> String {
    format!("{}{}", "★".repeat(n), "☆".repeat(5 - n))
}

/// The review's link without Yelp's tracking parameters: the business page
/// with `hrid=<review id>`, which opens that review.
fn clean_url(raw: &str) -> Option<String> {
    let mut url = Url::parse(raw).ok()?;
    if !matches!(url.scheme(), "https" | "http") {
        return None;
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k == "hrid")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.set_query(None);
    if !kept.is_empty() {
        url.query_pairs_mut().extend_pairs(kept);
    }
    Some(url.to_string())
}

/// Reads `time_created`. Yelp sends `2016-08-10 07:56:44` with no zone;
/// Yelp's older documentation said Pacific time, and reviews posted in
/// the evening Pacific show the next day if read as UTC, so Hearken reads
/// it as America/Los_Angeles (US daylight-saving rules). A time that does
/// carry a zone is read as written.
fn pacific_to_utc(raw: &str) -> Option<String> {
    use time::macros::format_description;
    let raw = raw.trim();
    let naive = PrimitiveDateTime::parse(
        raw,
        format_description!("[year]-[month]-[day][first [ ][T]][hour]:[minute]:[second]"),
    );
    let Ok(local) = naive else {
        return clock::normalise(raw);
    };
    let offset_hours = if pacific_daylight_time(local) { 7 } else { 8 };
    Some(clock::format(
        local.assume_utc() + Duration::hours(offset_hours),
    ))
}

/// Whether a Pacific wall-clock time falls in daylight-saving time: from
/// 2:00 on the second Sunday of March to 2:00 on the first Sunday of
/// November (since 2007; before, first Sunday of April to last Sunday of
/// October). The repeated hour in November is read as daylight time.
fn pacific_daylight_time(local: PrimitiveDateTime) -> bool {
    let year = local.year();
    let two = Time::from_hms(2, 0, 0).unwrap_or(Time::MIDNIGHT);
    let (start, end) = if year >= 2007 {
        (
            nth_sunday(year, Month::March, 2),
            nth_sunday(year, Month::November, 1),
        )
    } else {
        (
            nth_sunday(year, Month::April, 1),
            last_sunday_of_october(year),
        )
    };
    match (start, end) {
        (Some(s), Some(e)) => {
            let start = PrimitiveDateTime::new(s, two);
            let end = PrimitiveDateTime::new(e, two);
            local >= start && local < end
        }
        _ => false,
    }
}

fn nth_sunday(year: i32, month: Month, n: u8) -> Option<Date> {
    let first = Date::from_calendar_date(year, month, 1).ok()?;
    let to_sunday = (7 - first.weekday().number_days_from_sunday()) % 7;
    Date::from_calendar_date(year, month, 1 + to_sunday + 7 * (n - 1)).ok()
}

fn last_sunday_of_october(year: i32) -> Option<Date> {
    let mut d = Date::from_calendar_date(year, Month::October, 31).ok()?;
    while d.weekday() != Weekday::Sunday {
        d = d.previous_day()?;
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoneless_times_are_pacific_with_daylight_saving() {
        // Summer: PDT, UTC−7.
        assert_eq!(
            pacific_to_utc("2016-08-10 07:56:44").as_deref(),
            Some("2016-08-10T14:56:44Z")
        );
        // Winter: PST, UTC−8; an evening review is the next day in UTC.
        assert_eq!(
            pacific_to_utc("2026-01-15 20:30:00").as_deref(),
            Some("2026-01-16T04:30:00Z")
        );
        // The switch days of 2026: 8 March and 1 November.
        assert_eq!(
            pacific_to_utc("2026-03-08 01:59:59").as_deref(),
            Some("2026-03-08T09:59:59Z")
        );
        assert_eq!(
            pacific_to_utc("2026-03-08 03:00:00").as_deref(),
            Some("2026-03-08T10:00:00Z")
        );
        assert_eq!(
            pacific_to_utc("2026-11-01 02:00:00").as_deref(),
            Some("2026-11-01T10:00:00Z")
        );
        // Before 2007 the summer began in April.
        assert_eq!(
            pacific_to_utc("2006-03-20 12:00:00").as_deref(),
            Some("2006-03-20T20:00:00Z")
        );
        // A time with a zone is read as written.
        assert_eq!(
            pacific_to_utc("2026-05-01T10:00:00Z").as_deref(),
            Some("2026-05-01T10:00:00Z")
        );
        assert_eq!(pacific_to_utc("yesterday"), None);
    }

    #[test]
    fn business_ids_can_be_pasted_as_addresses() {
        assert_eq!(
            business_id("https://www.yelp.com/biz/pedal-and-pine-ashby?osq=bikes"),
            "pedal-and-pine-ashby"
        );
        assert_eq!(
            business_id(" WavvLdfdP6g8aZTtbBQHTw "),
            "WavvLdfdP6g8aZTtbBQHTw"
        );
    }

    #[test]
    fn review_links_lose_their_tracking_but_keep_the_review() {
        assert_eq!(
            clean_url("https://www.yelp.com/biz/pedal-and-pine-ashby?adjust_creative=abc&hrid=SIoiwwVRH6R2s2ipFfs4Ww&utm_campaign=yelp_api_v3&utm_medium=api_v3_business_reviews").as_deref(),
            Some("https://www.yelp.com/biz/pedal-and-pine-ashby?hrid=SIoiwwVRH6R2s2ipFfs4Ww")
        );
        assert_eq!(clean_url("javascript:alert(1)"), None);
    }
}

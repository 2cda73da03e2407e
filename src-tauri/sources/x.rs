//! X (API v2): recent search for the watches' terms, and the mentions
//! timeline of the business's account when its user id is given.
//!
//! X bills every post it returns ($0.005 per post read) and, as far as its
//! documentation says, every author profile it sends along with them
//! ($0.010 per user read), so this connector is rationed: the owner sets a
//! monthly spending cap, `usage_policy` turns it into $0.005 units, and every
//! request asks for no more posts than the cap still allows if each one
//! came with an author not seen before.
//!
//! Quirks pinned by tests: `text` is entity-escaped (`&amp;`); long posts
//! carry their full text in `note_tweet`; an edited post comes back under a
//! new id with the original first in `edit_history_tweet_ids`; `data` is
//! absent when nothing matched; retweets repeat someone else's words;
//! `lang` is `und` when X can't tell; `x-rate-limit-reset` is epoch seconds;
//! errors are problem+json or `{"errors":[…]}` next to partial `data`; a
//! `since_id` older than X's seven-day window is refused.

use std::collections::{BTreeMap, HashMap};

use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use url::Url;

use super::api::{self, ResetForm};
use super::http::{host_of, FetchError, Fetched};
use super::{Connector, FetchContext, FetchOutcome, UsagePeriod, UsagePolicy};
use crate::clock;
use crate::model::{Platform, SettingField};
use crate::store::mentions::NewMention;
use crate::store::sources::PollState;

/// Whether this connector is ready for owners to use.
pub const AVAILABLE: bool = true;

const DEFAULT_BASE: &str = "https://api.x.com";
/// What X charges per post read, in thousandths of a dollar: the unit
/// spending is counted in.
const MILLIDOLLARS_PER_POST: i64 = 5;
/// What X charges per author profile it sends with the posts (a user read,
/// $0.010), in those units.
const UNITS_PER_USER: i64 = 2;
/// The most one post can cost: itself and an author not seen before.
const MOST_UNITS_PER_POST: i64 = 1 + UNITS_PER_USER;
/// X refuses search queries longer than this (self-serve access).
const MAX_QUERY_LEN: usize = 512;
/// X's largest page, and its smallest `max_results` for recent search.
const MAX_PAGE: i64 = 100;
const MIN_PAGE: i64 = 10;
/// Pages per timeline on the first poll: no deep (and costly) backfill.
const FIRST_POLL_PAGES: usize = 3;
/// Pages per timeline on later polls before stopping to continue next time.
const LATER_POLL_PAGES: usize = 10;
const MAX_TEXT_CHARS: usize = 20_000;
const MAX_DETAIL_CHARS: usize = 200;
const TWEET_FIELDS: &str = "created_at,lang,author_id,note_tweet,referenced_tweets";

/// What this platform needs from the owner, in plain words.
pub fn needs() -> super::catalog::Needs {
    super::catalog::Needs {
        needs_url: false,
        url_label: None,
        needs_secret: true,
        secret_optional: false,
        secret_label: Some("Bearer token"),
        how_to: "Sign in at console.x.com, create an app (X asks for a payment method or prepaid credits), open the app's \"Keys and tokens\" page and copy the Bearer token. X charges per post read, so you'll also set a monthly spending cap.",
        searches_watches: true,
        cost_note: Some("X charges about $0.005 per post read and $0.010 per author profile sent with them; Hearken counts both and stops reading before your monthly cap is passed."),
    }
}

/// What this platform needs besides its main secret.
pub fn fields() -> Vec<SettingField> {
    let mut cap = super::catalog::field(
        "monthly_cap_usd",
        "Monthly spending cap (US dollars)",
        "The most Hearken may spend on X each month, as a number like 5 or 12.50. X charges $0.005 per post read and $0.010 per author profile it sends with them, so $5 reads at least 333 posts and at most 1,000. Hearken counts both and never asks for more than the cap still allows. When the cap is reached, Hearken pauses X until next month.",
        true,
    );
    cap.placeholder = Some("5.00".into());
    let mut user = super::catalog::field(
        "user_id",
        "Your X account's user id (optional)",
        "To also collect posts that @mention your business, enter your account's numeric user id (not the @handle). In the X developer console, look up your account with \"users/by/username\", or use any free \"X user id lookup\" site. Leave empty to search your watches only.",
        false,
    );
    user.placeholder = Some("2244994945".into());
    vec![cap, user]
}

/// The monthly cap in $0.005 units (the price of a post read), or plain
/// words on what is wrong with it.
pub fn cap_units(settings: &BTreeMap<String, String>) -> Result<i64, String> {
    let raw = settings
        .get("monthly_cap_usd")
        .map(|v| v.trim())
        .unwrap_or("");
    if raw.is_empty() {
        return Err(
            "X needs a monthly spending cap: enter one in Sources → X, for example 5 (dollars)."
                .into(),
        );
    }
    let number = raw.trim_start_matches('$').trim();
    let valid_chars = !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit() || c == '.')
        && number.matches('.').count() <= 1;
    let dollars: f64 = if valid_chars {
        number.parse().unwrap_or(f64::NAN)
    } else {
        f64::NAN
    };
    if !dollars.is_finite() || dollars <= 0.0 || dollars > 1_000_000.0 {
        return Err("X's monthly spending cap must be a positive number of dollars, like 5 or 12.50. Change it in Sources → X.".into());
    }
    // Whole posts only; the small epsilon keeps 0.1 * 200 from becoming 19.
    let posts = (dollars * 1000.0 / MILLIDOLLARS_PER_POST as f64 + 1e-6).floor() as i64;
    if posts < 1 {
        return Err("X's monthly spending cap is less than the price of one post ($0.005). Raise it in Sources → X.".into());
    }
    Ok(posts)
}

/// How this platform's usage is rationed for a source with these settings.
/// A missing or invalid cap allows nothing: X is never read without a cap.
pub fn usage_policy(settings: &BTreeMap<String, String>) -> Option<UsagePolicy> {
    Some(UsagePolicy {
        period: UsagePeriod::Month,
        limit: Some(cap_units(settings).unwrap_or(0)),
        unit: "$0.005 units (a post read, or half an author profile)",
        describe,
    })
}

/// "$1.25 of your $5.00 cap spent this month, on posts and their authors' profiles".
fn describe(used: i64, limit: Option<i64>) -> String {
    match limit {
        Some(limit) => format!(
            "{} of your {} cap spent this month, on posts and their authors' profiles",
            dollars(used),
            dollars(limit)
        ),
        None => format!(
            "{} spent this month, on posts and their authors' profiles",
            dollars(used)
        ),
    }
}

/// The price of `units` ($0.005 each) in dollars, rounded up to the cent.
fn dollars(units: i64) -> String {
    let millis = units.max(0).saturating_mul(MILLIDOLLARS_PER_POST);
    let cents = (millis + 9) / 10;
    format!("${}.{:02}", cents / 100, cents % 100)
}

pub struct XConnector;

impl Connector for XConnector {
    fn fetch<'a>(
        &'a self,
        ctx: &'a FetchContext<'a>,
    ) -> BoxFuture<'a, Result<FetchOutcome, FetchError>> {
        Box::pin(fetch(ctx))
    }
}

/// Where each timeline stopped, kept as the source's cursor.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Cursor {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mentions: Option<Timeline>,
    /// By a short hash of the query, so that changed watches start afresh.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    search: BTreeMap<String, Timeline>,
}

/// One timeline's position. X pages go newest → oldest; when a poll stops
/// before reaching `since_id`, the next one continues below `until_id`
/// (an id, which unlike `next_token` never expires) and only then moves
/// `since_id` up to `newest`.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
struct Timeline {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    since_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    until_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    newest: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Search,
    Mentions,
}

/// What one poll has gathered so far across timelines.
struct Poll<'a> {
    ctx: &'a FetchContext<'a>,
    base: Url,
    token: String,
    mentions: Vec<NewMention>,
    /// external id → index in `mentions`, with the X id it came from.
    seen: HashMap<String, (usize, String)>,
    wait_secs: Option<u64>,
    error: Option<FetchError>,
    budget_reached: bool,
    /// Stop asking X for anything more in this poll.
    stop: bool,
}

async fn fetch(ctx: &FetchContext<'_>) -> Result<FetchOutcome, FetchError> {
    let token = ctx.secret_text().ok_or_else(|| {
        FetchError::NeedsSetup(
            "X needs its Bearer token: paste it in Sources → X (\"Replace key\").".into(),
        )
    })?;
    let cap = cap_units(&ctx.source.settings).map_err(FetchError::NeedsSetup)?;
    let user_id = match ctx.setting("user_id") {
        Some(id) if id.bytes().all(|b| b.is_ascii_digit()) && id.len() <= 20 => Some(id),
        Some(_) => {
            return Err(FetchError::NeedsSetup(
                "X's user id should be the number X gives your account (like 2244994945), not the @handle. Fix it in Sources → X, or leave it empty.".into(),
            ))
        }
        None => None,
    };
    let queries = build_queries(ctx.terms);
    if queries.is_empty() && user_id.is_none() {
        return Err(FetchError::NeedsSetup(
            "X has nothing to look for yet: add a watch in Sources → Watches with your business name, or enter your X user id in Sources → X.".into(),
        ));
    }
    let base_raw = ctx.source.base_url.as_deref().unwrap_or(DEFAULT_BASE);
    let base = Url::parse(base_raw)
        .map_err(|_| FetchError::BadAddress("the X API address isn't a web address.".into()))?;
    let mut cursor: Cursor = ctx.stored_cursor();
    let mut poll = Poll {
        ctx,
        base,
        token,
        mentions: Vec::new(),
        seen: HashMap::new(),
        wait_secs: None,
        error: None,
        budget_reached: false,
        stop: false,
    };
    // Posts addressed to the business first: they matter most when the cap is tight.
    if let Some(id) = user_id {
        let state = cursor.mentions.clone().unwrap_or_default();
        cursor.mentions = Some(poll.timeline(Kind::Mentions, id, state).await);
    }
    let mut search = BTreeMap::new();
    for query in &queries {
        let key = query_key(query);
        let state = cursor.search.get(&key).cloned().unwrap_or_default();
        let next = if poll.stop {
            state
        } else {
            poll.timeline(Kind::Search, query, state).await
        };
        search.insert(key, next);
    }
    cursor.search = search;

    if poll.mentions.is_empty() {
        if let Some(err) = poll.error {
            return Err(err);
        }
        if poll.budget_reached {
            return Err(FetchError::Budget(format!(
                "X: this month's spending cap ({}) is reached. Hearken will check again next month, or raise the cap in Sources.",
                dollars(cap)
            )));
        }
    }
    if let Some(FetchError::RateLimited {
        retry_after_secs, ..
    }) = &poll.error
    {
        poll.wait_secs = poll.wait_secs.max(Some(retry_after_secs.unwrap_or(900)));
    }
    Ok(FetchOutcome {
        mentions: poll.mentions,
        state: PollState::with_cursor(&cursor),
        not_modified: false,
        title: None,
        wait_secs: poll.wait_secs,
        rest: None,
        partial: None,
    })
}

impl Poll<'_> {
    /// Reads one timeline from where it stopped; returns its new position.
    /// Errors are kept in `self.error` and stop the poll.
    async fn timeline(&mut self, kind: Kind, what: &str, mut state: Timeline) -> Timeline {
        let mut retried_afresh = false;
        'afresh: loop {
            let first_poll = state.since_id.is_none();
            let max_pages = if first_poll {
                FIRST_POLL_PAGES
            } else {
                LATER_POLL_PAGES
            };
            let mut newest = state.newest.clone();
            let mut oldest: Option<String> = None;
            let mut page_token: Option<String> = None;
            let mut pages = 0;
            let complete = loop {
                if pages == max_pages || self.stop {
                    break false;
                }
                // Sized as if every post came with a new author, so the
                // page can never cost more than the cap still allows.
                let affordable = self
                    .ctx
                    .meter
                    .remaining()
                    .map_or(MAX_PAGE, |units| units / MOST_UNITS_PER_POST);
                if affordable < MIN_PAGE {
                    self.budget_reached = true;
                    self.stop = true;
                    break false;
                }
                let max_results = affordable.min(MAX_PAGE);
                let url = self.url(kind, what, &state, page_token.as_deref(), max_results);
                let host = host_of(&url);
                let fetched = match self
                    .ctx
                    .http
                    .get(&url, &[("authorization", format!("Bearer {}", self.token))])
                    .await
                {
                    Ok(f) => f,
                    Err(e) => {
                        self.fail(e);
                        break false;
                    }
                };
                if !(200..300).contains(&fetched.status) {
                    if pages == 0 && !retried_afresh && !first_poll && refuses_old_ids(&fetched) {
                        // The position is older than X's seven-day window:
                        // start again as on a first poll.
                        tracing::info!("X refused an old since_id; starting that timeline afresh");
                        retried_afresh = true;
                        state = Timeline::default();
                        continue 'afresh;
                    }
                    self.fail(error_for(&fetched, &host));
                    break false;
                }
                let page: Page = match api::parse_json(&fetched.body, &host) {
                    Ok(p) => p,
                    Err(e) => {
                        // X may have billed whatever it sent: count the most it could have.
                        self.ctx.meter.record(max_results * MOST_UNITS_PER_POST);
                        self.fail(e);
                        break false;
                    }
                };
                let data = page.data.unwrap_or_default();
                let users = page.includes.map(|i| i.users).unwrap_or_default();
                self.ctx
                    .meter
                    .record(data.len() as i64 + UNITS_PER_USER * users.len() as i64);
                pages += 1;
                if data.is_empty() && page.meta.is_none() {
                    if let Some(problem) = page.errors.as_ref().and_then(|e| e.first()) {
                        self.fail(FetchError::Platform {
                            host,
                            detail: problem.words(),
                        });
                        break false;
                    }
                }
                let meta = page.meta.unwrap_or_default();
                let page_newest = meta.newest_id.clone().or_else(|| {
                    data.iter()
                        .map(|t| t.id.clone())
                        .max_by(|a, b| cmp_ids(a, b))
                });
                let page_oldest = meta.oldest_id.clone().or_else(|| {
                    data.iter()
                        .map(|t| t.id.clone())
                        .min_by(|a, b| cmp_ids(a, b))
                });
                if newest.is_none() {
                    newest = page_newest;
                }
                if let Some(o) = page_oldest {
                    oldest = Some(match oldest {
                        Some(prev) if cmp_ids(&prev, &o).is_le() => prev,
                        _ => o,
                    });
                }
                for tweet in data.iter() {
                    self.keep(tweet, &users, kind == Kind::Search);
                }
                if let Some(wait) = api::wait_when_exhausted(
                    &fetched,
                    "x-rate-limit-remaining",
                    "x-rate-limit-reset",
                    ResetForm::Epoch,
                ) {
                    self.wait_secs = self.wait_secs.max(Some(wait));
                    self.stop = true;
                }
                match meta.next_token {
                    Some(next) if !data.is_empty() => page_token = Some(next),
                    _ => break true,
                }
            };
            return next_position(&state, complete, pages, newest, oldest);
        }
    }

    fn fail(&mut self, e: FetchError) {
        self.error = Some(e);
        self.stop = true;
    }

    fn url(
        &self,
        kind: Kind,
        what: &str,
        state: &Timeline,
        page_token: Option<&str>,
        max_results: i64,
    ) -> Url {
        let mut url = self.base.clone();
        let path = match kind {
            Kind::Search => "/2/tweets/search/recent".to_string(),
            Kind::Mentions => format!("/2/users/{what}/mentions"),
        };
        url.set_path(&format!("{}{}", url.path().trim_end_matches('/'), path));
        {
            let mut q = url.query_pairs_mut();
            if kind == Kind::Search {
                q.append_pair("query", what);
            }
            q.append_pair("max_results", &max_results.to_string());
            if let Some(id) = &state.since_id {
                q.append_pair("since_id", id);
            }
            if let Some(id) = &state.until_id {
                q.append_pair("until_id", id);
            }
            if let Some(t) = page_token {
                // Search pages with next_token; user timelines with pagination_token.
                let name = match kind {
                    Kind::Search => "next_token",
                    Kind::Mentions => "pagination_token",
                };
                q.append_pair(name, t);
            }
            q.append_pair("tweet.fields", TWEET_FIELDS);
            q.append_pair("expansions", "author_id");
            q.append_pair("user.fields", "username,name");
        }
        url
    }

    /// Adds a post once. A post seen twice keeps its newest version, and a
    /// post addressed to the business stays marked so even if a search
    /// also found it.
    fn keep(&mut self, tweet: &Tweet, users: &[User], from_search: bool) {
        if tweet
            .referenced_tweets
            .iter()
            .flatten()
            .any(|r| r.kind == "retweeted")
        {
            return;
        }
        let mention = to_mention(tweet, users, from_search);
        match self.seen.get(&mention.external_id) {
            Some((i, seen_id)) => {
                let i = *i;
                let from_search = self.mentions[i].from_search && from_search;
                if cmp_ids(&tweet.id, seen_id).is_gt() {
                    self.seen
                        .insert(mention.external_id.clone(), (i, tweet.id.clone()));
                    self.mentions[i] = mention;
                }
                self.mentions[i].from_search = from_search;
            }
            None => {
                self.seen.insert(
                    mention.external_id.clone(),
                    (self.mentions.len(), tweet.id.clone()),
                );
                self.mentions.push(mention);
            }
        }
    }
}

/// Where a timeline stands after a poll read `pages` pages of it.
fn next_position(
    before: &Timeline,
    complete: bool,
    pages: usize,
    newest: Option<String>,
    oldest: Option<String>,
) -> Timeline {
    if pages == 0 && !complete {
        return before.clone();
    }
    let newest_of = |a: Option<String>, b: Option<String>| match (a, b) {
        (Some(a), Some(b)) => Some(if cmp_ids(&a, &b).is_ge() { a } else { b }),
        (a, b) => a.or(b),
    };
    if complete || before.since_id.is_none() {
        // Done, or a first poll that stopped early: older posts are not
        // worth paying for, so carry on from the newest.
        return Timeline {
            since_id: newest_of(newest, before.since_id.clone()),
            until_id: None,
            newest: None,
        };
    }
    Timeline {
        since_id: before.since_id.clone(),
        until_id: oldest.or_else(|| before.until_id.clone()),
        newest: newest_of(newest, before.newest.clone()),
    }
}

/// Compares X's numeric string ids without parsing them (they may exceed
/// what a float holds exactly).
fn cmp_ids(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// X search queries for the terms: quoted phrases OR'd together, retweets
/// left out, split so that none is longer than X allows.
fn build_queries(terms: &[String]) -> Vec<String> {
    const SUFFIX: &str = " -is:retweet";
    let limit = MAX_QUERY_LEN - SUFFIX.len() - 2; // 2 for the parentheses
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut len = 0;
    for term in terms.iter().filter_map(|t| query_term(t)) {
        let extra = term.len() + 4; // " OR "
        match groups.last_mut() {
            Some(group) if len + extra <= limit => {
                group.push(term);
                len += extra;
            }
            _ => {
                len = term.len();
                groups.push(vec![term]);
            }
        }
    }
    groups
        .into_iter()
        .map(|g| {
            if g.len() == 1 {
                format!("{}{SUFFIX}", g[0])
            } else {
                format!("({}){SUFFIX}", g.join(" OR "))
            }
        })
        .collect()
}

/// One term as X's query language reads it: a bare @handle, #hashtag or
/// word, otherwise a quoted phrase (so `-`, `:` and spaces stay literal).
fn query_term(term: &str) -> Option<String> {
    let cleaned: String = term
        .chars()
        .filter(|c| *c != '"' && !c.is_control())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if cleaned.is_empty() {
        return None;
    }
    let body = cleaned
        .strip_prefix('@')
        .or_else(|| cleaned.strip_prefix('#'))
        .unwrap_or(&cleaned);
    let plain = !body.is_empty()
        && body.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !matches!(cleaned.as_str(), "OR" | "AND" | "NOT");
    let term = if plain {
        cleaned
    } else {
        format!("\"{cleaned}\"")
    };
    // A single term longer than a whole query can never be searched.
    (term.len() + 14 <= MAX_QUERY_LEN).then_some(term)
}

fn query_key(query: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(query.as_bytes())[..8])
}

fn to_mention(tweet: &Tweet, users: &[User], from_search: bool) -> NewMention {
    let author = tweet
        .author_id
        .as_deref()
        .and_then(|id| users.iter().find(|u| u.id == id));
    let handle = author
        .and_then(|u| u.username.clone())
        .filter(|h| !h.is_empty());
    let raw = tweet
        .note_tweet
        .as_ref()
        .and_then(|n| n.text.as_deref())
        .filter(|t| !t.trim().is_empty())
        .unwrap_or(&tweet.text);
    let text: String = html_escape::decode_html_entities(raw)
        .trim()
        .chars()
        .take(MAX_TEXT_CHARS)
        .collect();
    // An edited post has a new id; the first of its edit history names it for good.
    let external_id = tweet
        .edit_history_tweet_ids
        .as_ref()
        .and_then(|ids| ids.first())
        .filter(|id| !id.is_empty())
        .unwrap_or(&tweet.id)
        .clone();
    let url = match &handle {
        Some(h) => format!("https://x.com/{h}/status/{}", tweet.id),
        None => format!("https://x.com/i/web/status/{}", tweet.id),
    };
    NewMention {
        platform: Platform::X,
        external_id,
        url: Some(url),
        author_id: tweet.author_id.clone(),
        author_handle: handle,
        author_name: author
            .and_then(|u| u.name.clone())
            .filter(|n| !n.is_empty()),
        text,
        language: tweet
            .lang
            .clone()
            .filter(|l| !l.is_empty() && l != "und" && l != "zxx"),
        created_at: tweet
            .created_at
            .as_deref()
            .and_then(clock::normalise)
            .unwrap_or_else(clock::now_string),
        from_search,
    }
}

/// A failed answer in plain words: X's own words where it sent them.
fn error_for(fetched: &Fetched, host: &str) -> FetchError {
    let problem = api::parse_json::<Problem>(&fetched.body, host).ok();
    let problem_type = problem
        .as_ref()
        .and_then(|p| p.kind.as_deref())
        .unwrap_or("");
    match fetched.status {
        401 => FetchError::Unauthorized {
            host: host.into(),
            status: 401, hint: None,
        },
        429 if problem_type.ends_with("/usage-capped") => FetchError::Platform {
            host: host.into(),
            detail: format!(
                "{} Your X account's usage limit or prepaid credits are used up; check them in the X developer console.",
                problem.map(|p| p.words()).unwrap_or_default()
            )
            .trim()
            .to_string(),
        },
        429 => api::rate_limited(fetched, host, "x-rate-limit-reset", ResetForm::Epoch),
        status if status < 500 => match problem.filter(|p| p.has_words()) {
            // 403 is usually the app's access level (client-forbidden), not a bad token.
            Some(p) => FetchError::Platform {
                host: host.into(),
                detail: p.words(),
            },
            None => api::json::<serde_json::Value>(fetched, host)
                .err()
                .unwrap_or(FetchError::Status {
                    host: host.into(),
                    status,
                    status_text: String::new(),
                }),
        },
        _ => api::json::<serde_json::Value>(fetched, host)
            .err()
            .unwrap_or(FetchError::Status {
                host: host.into(),
                status: fetched.status,
                status_text: String::new(),
            }),
    }
}

/// A 400 saying `since_id` / `until_id` is too old for recent search.
fn refuses_old_ids(fetched: &Fetched) -> bool {
    if fetched.status != 400 {
        return false;
    }
    let Ok(problem) = api::parse_json::<Problem>(&fetched.body, "") else {
        return false;
    };
    let names_id = |s: &str| s.contains("since_id") || s.contains("until_id");
    problem.parameter.as_deref().is_some_and(names_id)
        || problem.errors.iter().flatten().any(|e| {
            e.parameters
                .as_ref()
                .is_some_and(|p| p.keys().any(|k| names_id(k)))
                || e.message.as_deref().is_some_and(names_id)
        })
}

#[derive(Debug, Deserialize)]
struct Page {
    data: Option<Vec<Tweet>>,
    includes: Option<Includes>,
    meta: Option<Meta>,
    errors: Option<Vec<Problem>>,
}

#[derive(Debug, Deserialize)]
struct Tweet {
    id: String,
    #[serde(default)]
    text: String,
    author_id: Option<String>,
    created_at: Option<String>,
    lang: Option<String>,
    edit_history_tweet_ids: Option<Vec<String>>,
    note_tweet: Option<NoteTweet>,
    referenced_tweets: Option<Vec<Reference>>,
}

#[derive(Debug, Deserialize)]
struct NoteTweet {
    text: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Reference {
    #[serde(rename = "type", default)]
    kind: String,
}

#[derive(Debug, Default, Deserialize)]
struct Includes {
    #[serde(default)]
    users: Vec<User>,
}

#[derive(Debug, Deserialize)]
struct User {
    id: String,
    username: Option<String>,
    name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Meta {
    newest_id: Option<String>,
    oldest_id: Option<String>,
    next_token: Option<String>,
}

/// X's problem+json, or one entry of its `errors` array.
#[derive(Debug, Default, Deserialize)]
struct Problem {
    title: Option<String>,
    detail: Option<String>,
    message: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    parameter: Option<String>,
    parameters: Option<serde_json::Map<String, serde_json::Value>>,
    errors: Option<Vec<Problem>>,
}

impl Problem {
    fn has_words(&self) -> bool {
        self.title.is_some() || self.detail.is_some() || self.message.is_some()
    }

    /// X's own words, tidied and kept short.
    fn words(&self) -> String {
        let inner = self
            .errors
            .iter()
            .flatten()
            .find_map(|e| e.detail.clone().or_else(|| e.message.clone()));
        let mut parts: Vec<String> = Vec::new();
        for part in [
            self.title.clone(),
            self.detail.clone().or(inner),
            self.message.clone(),
        ]
        .into_iter()
        .flatten()
        {
            let part = part.trim().to_string();
            if !part.is_empty() && !parts.iter().any(|p| p == &part) {
                parts.push(part);
            }
        }
        let joined = parts.join(": ");
        let clean: String = joined
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(MAX_DETAIL_CHARS)
            .collect();
        if clean.is_empty() {
            "X refused the request.".into()
        } else {
            clean
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(cap: &str) -> BTreeMap<String, String> {
        [("monthly_cap_usd".to_string(), cap.to_string())].into()
    }

    #[test]
    fn the_cap_in_dollars_becomes_posts_at_half_a_cent_each() {
        assert_eq!(cap_units(&settings("5")), Ok(1000));
        assert_eq!(cap_units(&settings("5.00")), Ok(1000));
        assert_eq!(cap_units(&settings(" $12.50 ")), Ok(2500));
        assert_eq!(cap_units(&settings("0.1")), Ok(20));
        for bad in [
            "", "0", "-5", "five", "5,00", "1.2.3", "NaN", "inf", "0.001",
        ] {
            assert!(cap_units(&settings(bad)).is_err(), "{bad}");
        }
        assert!(cap_units(&BTreeMap::new())
            .unwrap_err()
            .contains("monthly spending cap"));
    }

    #[test]
    fn without_a_valid_cap_nothing_may_be_read() {
        let p = usage_policy(&settings("nope")).unwrap();
        assert_eq!(p.limit, Some(0));
        let p = usage_policy(&settings("5")).unwrap();
        assert_eq!(
            (p.period, p.limit, p.unit),
            (
                UsagePeriod::Month,
                Some(1000),
                "$0.005 units (a post read, or half an author profile)"
            )
        );
    }

    #[test]
    fn usage_reads_as_dollars() {
        assert_eq!(
            describe(250, Some(1000)),
            "$1.25 of your $5.00 cap spent this month, on posts and their authors' profiles"
        );
        // Rounded up to the cent: never less than was spent.
        assert_eq!(
            describe(1, Some(1000)),
            "$0.01 of your $5.00 cap spent this month, on posts and their authors' profiles"
        );
        assert_eq!(
            describe(0, None),
            "$0.00 spent this month, on posts and their authors' profiles"
        );
    }

    #[test]
    fn terms_become_quoted_phrases_ored_without_retweets() {
        let terms = vec![
            "Pedal & Pine".to_string(),
            "@pedalpine".to_string(),
            "#PedalPine".to_string(),
            "bike-fix".to_string(),
            "say \"hi\"".to_string(),
        ];
        assert_eq!(
            build_queries(&terms),
            vec![
                "(\"Pedal & Pine\" OR @pedalpine OR #PedalPine OR \"bike-fix\" OR \"say hi\") -is:retweet"
            ]
        );
        assert_eq!(
            build_queries(&["café".to_string()]),
            vec!["café -is:retweet"]
        );
        assert!(build_queries(&["  ".to_string(), "\"\"".to_string()]).is_empty());
    }

    #[test]
    fn long_term_lists_split_into_queries_within_512_characters() {
        let terms: Vec<String> = (0..40)
            .map(|i| format!("Shop number {i:02} of the town"))
            .collect();
        let queries = build_queries(&terms);
        assert!(queries.len() > 1);
        for q in &queries {
            assert!(q.len() <= MAX_QUERY_LEN, "{} chars", q.len());
            assert!(q.ends_with(" -is:retweet"));
        }
        let all = queries.join(" ");
        for t in &terms {
            assert_eq!(all.matches(&format!("\"{t}\"")).count(), 1, "{t}");
        }
    }

    #[test]
    fn ids_compare_as_numbers_beyond_float_precision() {
        assert!(cmp_ids("1846987139428634858", "1846987139428634857").is_gt());
        assert!(cmp_ids("999", "1000").is_lt());
    }

    #[test]
    fn a_poll_stopped_early_continues_below_the_oldest_post_seen() {
        let before = Timeline {
            since_id: Some("100".into()),
            ..Timeline::default()
        };
        let next = next_position(&before, false, 2, Some("300".into()), Some("200".into()));
        assert_eq!(next.since_id.as_deref(), Some("100"));
        assert_eq!(next.until_id.as_deref(), Some("200"));
        assert_eq!(next.newest.as_deref(), Some("300"));
        let done = next_position(&next, true, 1, Some("300".into()), Some("150".into()));
        assert_eq!(
            done,
            Timeline {
                since_id: Some("300".into()),
                ..Timeline::default()
            }
        );
        let first = next_position(
            &Timeline::default(),
            false,
            3,
            Some("9".into()),
            Some("1".into()),
        );
        assert_eq!(
            first,
            Timeline {
                since_id: Some("9".into()),
                ..Timeline::default()
            }
        );
        assert_eq!(next_position(&before, false, 0, None, None), before);
    }
}

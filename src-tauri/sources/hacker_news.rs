//! Hacker News, through Algolia's public HN Search API (no account needed).
//!
//! Each watch term is its own `search_by_date` query (newest first, stories
//! and comments). Quirks pinned by tests: `objectID` is a string; text is HTML
//! as HN renders it (`&#x27;`, `<p>`, links), titles are entity-escaped too;
//! `created_at` comes with or without milliseconds; Algolia serves at most
//! 1 000 hits (10 pages of 100) per query, so a backlog deeper than that is
//! sliced by time rather than paged.
//!
//! Cursor: one entry per term, `{since, seen, gap}`. `since` is the newest
//! `created_at_i` returned; the next poll asks for `created_at_i>=since` (not
//! `>`: several items can share a second) and skips the `seen` ids that were
//! already returned at that second. When a poll stops at the page cap, the
//! older part it could not reach is remembered as `gap` and read next time.
//!
//! Edits: HN lets people edit for two hours after posting. Each term keeps a
//! fingerprint of the text of the items it returned that are still that
//! young (`recent`), and while it has any, its query reaches back to the
//! oldest of them (still one request): one whose text changed is returned
//! again with the new text, which the store records as an edit.

use std::collections::{BTreeMap, HashSet};

use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use url::Url;

use super::api::{self, FoundMentions};
use super::http::{host_of, FetchError, Fetched};
use super::text::{decode_entities, html_to_text};
use super::{Connector, FetchContext, FetchOutcome};
use crate::clock;
use crate::model::{Platform, SettingField};
use crate::store::mentions::NewMention;
use crate::store::sources::PollState;

/// Whether this connector is ready for owners to use.
pub const AVAILABLE: bool = true;

const DEFAULT_BASE: &str = "https://hn.algolia.com";
const HITS_PER_PAGE: u32 = 100;
/// A term seen for the first time: its newest few hundred items, no deep backfill.
const FIRST_POLL_PAGES: u32 = 3;
/// Later polls: Algolia stops at 1 000 hits per query anyway.
const LATER_POLL_PAGES: u32 = 10;
/// All terms together, so a long watch list can't hammer the API in one poll.
const MAX_REQUESTS_PER_POLL: u32 = 40;
const MAX_TEXT_CHARS: usize = 20_000;
/// How long after posting HN lets people edit, with a margin.
const EDIT_WINDOW_SECS: i64 = 2 * 3600 + 600;

/// What this platform needs from the owner, in plain words.
pub fn needs() -> super::catalog::Needs {
    super::catalog::Needs {
        needs_url: false,
        url_label: None,
        needs_secret: false,
        secret_optional: false,
        secret_label: None,
        how_to: "No account needed: Hearken searches Hacker News stories and comments for the words in your watches.",
        searches_watches: true,
        cost_note: Some("Free."),
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
        ctx: &'a FetchContext<'a>,
    ) -> BoxFuture<'a, Result<FetchOutcome, FetchError>> {
        Box::pin(fetch(ctx))
    }
}

/// Where one term's polling stands.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
struct TermCursor {
    /// Newest `created_at_i` returned so far.
    since: i64,
    /// Ids returned at exactly `since`, so `>=` doesn't return them twice.
    #[serde(default)]
    seen: Vec<String>,
    /// `[from, to]` seconds not read yet because a poll stopped at the page cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gap: Option<(i64, i64)>,
    /// Items returned that can still be edited: id → when posted and a
    /// fingerprint of the text returned.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    recent: BTreeMap<String, Recent>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Recent {
    at: i64,
    text: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Cursor {
    #[serde(default)]
    terms: BTreeMap<String, TermCursor>,
}

#[derive(Debug, Deserialize)]
struct SearchPage {
    #[serde(default)]
    hits: Vec<Hit>,
    #[serde(default, rename = "nbPages")]
    nb_pages: u32,
}

#[derive(Debug, Deserialize, Clone)]
struct Hit {
    #[serde(rename = "objectID")]
    object_id: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    story_text: Option<String>,
    #[serde(default)]
    comment_text: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    created_at_i: Option<i64>,
}

impl Hit {
    fn created_i(&self) -> i64 {
        self.created_at_i
            .or_else(|| {
                self.created_at
                    .as_deref()
                    .and_then(clock::parse_lenient)
                    .map(|t| t.unix_timestamp())
            })
            .unwrap_or(0)
    }
}

/// Algolia's error shape: `{"message": "...", "status": 400}`.
#[derive(Debug, Deserialize)]
struct AlgoliaError {
    message: String,
}

fn base(ctx: &FetchContext<'_>) -> Result<Url, FetchError> {
    let raw = ctx.source.base_url.as_deref().unwrap_or(DEFAULT_BASE);
    Url::parse(raw.trim()).map_err(|_| {
        FetchError::BadAddress("the Hacker News search address isn't a web address.".into())
    })
}

/// The query Algolia gets for a watch term: phrases quoted so their words stay together.
fn query_for(term: &str) -> String {
    let t = term.trim().replace('"', "");
    if t.contains(char::is_whitespace) {
        format!("\"{t}\"")
    } else {
        t
    }
}

fn search_url(base: &Url, term: &str, filter: Option<&str>, page: u32) -> Url {
    let mut url = base.clone();
    url.set_path(&format!(
        "{}/api/v1/search_by_date",
        base.path().trim_end_matches('/')
    ));
    {
        let mut q = url.query_pairs_mut();
        q.clear();
        q.append_pair("query", &query_for(term));
        q.append_pair("tags", "(story,comment)");
        if let Some(f) = filter {
            q.append_pair("numericFilters", f);
        }
        q.append_pair("hitsPerPage", &HITS_PER_PAGE.to_string());
        q.append_pair("page", &page.to_string());
    }
    url
}

/// Reads one answer: Algolia's own error message in plain words where it sent one.
fn read_page(fetched: &Fetched, host: &str) -> Result<SearchPage, FetchError> {
    if matches!(fetched.status, 400 | 404 | 422) {
        if let Ok(e) = api::parse_json::<AlgoliaError>(&fetched.body, host) {
            return Err(FetchError::Platform {
                host: host.to_string(),
                detail: api::short_message(&e.message),
            });
        }
    }
    api::json(fetched, host)
}

/// What reading one time window found: its hits, whether it was read to
/// its end, and the error that stopped it (hits before it are kept).
struct Pass {
    hits: Vec<Hit>,
    complete: bool,
    error: Option<FetchError>,
}

/// Pages through one time window, newest first, up to `max_pages`.
async fn read_window(
    ctx: &FetchContext<'_>,
    base: &Url,
    term: &str,
    filter: Option<&str>,
    max_pages: u32,
    budget: &mut u32,
) -> Pass {
    let host = host_of(base);
    let mut pass = Pass {
        hits: Vec::new(),
        complete: false,
        error: None,
    };
    for page in 0..max_pages {
        if *budget == 0 {
            return pass;
        }
        *budget -= 1;
        let url = search_url(base, term, filter, page);
        let result = match ctx.http.get(&url, &[]).await {
            Ok(f) => read_page(&f, &host),
            Err(e) => Err(e),
        };
        match result {
            Ok(p) => {
                let empty = p.hits.is_empty();
                pass.hits.extend(p.hits);
                if empty || page + 1 >= p.nb_pages {
                    pass.complete = true;
                    return pass;
                }
            }
            Err(e) => {
                pass.error = Some(e);
                return pass;
            }
        }
    }
    pass
}

async fn fetch(ctx: &FetchContext<'_>) -> Result<FetchOutcome, FetchError> {
    let terms: Vec<&str> = ctx
        .terms
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .collect();
    if terms.is_empty() {
        return Err(FetchError::NeedsSetup(
            "Hacker News has nothing to search for yet: add a watch in Sources → Watches with your business or product name.".into(),
        ));
    }
    let base = base(ctx)?;
    let old: Cursor = ctx.stored_cursor();
    let mut next = Cursor::default();
    let mut found = FoundMentions::default();
    let mut first_error = None;
    let mut budget = MAX_REQUESTS_PER_POLL;

    for term in terms {
        let key = term.to_lowercase();
        let before = old.terms.get(&key).cloned();
        if first_error.is_some() || budget == 0 {
            // Not read this time: keep where it stood.
            if let Some(c) = before {
                next.terms.insert(key, c);
            }
            continue;
        }
        let (cursor, hits, error) = poll_term(ctx, &base, term, before, &mut budget).await;
        for hit in hits {
            if let Some(m) = to_mention(&hit) {
                found.keep(m);
            }
        }
        if let Some(c) = cursor {
            next.terms.insert(key, c);
        }
        if error.is_some() {
            first_error = error;
        }
    }

    if let Some(err) = first_error {
        if found.is_empty() {
            return Err(err);
        }
    }
    Ok(FetchOutcome {
        mentions: found.into_vec(),
        state: PollState::with_cursor(&next),
        not_modified: false,
        title: Some("Hacker News search".into()),
        wait_secs: None,
        rest: None,
        partial: None,
    })
}

/// One term's poll: the newest items since the cursor, then any gap left
/// by an earlier poll. Returns the term's new cursor, its new hits and the
/// error that stopped it, if any.
async fn poll_term(
    ctx: &FetchContext<'_>,
    base: &Url,
    term: &str,
    before: Option<TermCursor>,
    budget: &mut u32,
) -> (Option<TermCursor>, Vec<Hit>, Option<FetchError>) {
    // Back to the oldest item that can still be edited, if that is earlier.
    let from = before.as_ref().map(|c| {
        c.recent
            .values()
            .map(|r| r.at)
            .chain([c.since])
            .min()
            .unwrap_or(c.since)
    });
    let (filter, pages) = match from {
        Some(f) => (Some(format!("created_at_i>={f}")), LATER_POLL_PAGES),
        None => (None, FIRST_POLL_PAGES),
    };
    let pass = read_window(ctx, base, term, filter.as_deref(), pages, budget).await;
    if pass.hits.is_empty() && pass.error.is_some() {
        return (before, Vec::new(), pass.error);
    }
    let seen_before: HashSet<&str> = before
        .as_ref()
        .map(|c| c.seen.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let prev_since = before.as_ref().map(|c| c.since);
    let read_before = |h: &Hit| {
        prev_since.is_some_and(|s| h.created_i() < s) || seen_before.contains(h.object_id.as_str())
    };
    let recent_before = before.as_ref().map(|c| &c.recent);
    let (mut hits, again): (Vec<Hit>, Vec<Hit>) =
        pass.hits.into_iter().partition(|h| !read_before(h));
    // Read before and back in the edit window: returned again if its text changed.
    let edited: Vec<Hit> = again
        .into_iter()
        .filter(|h| {
            let kept = recent_before.and_then(|r| r.get(&h.object_id));
            kept.is_some_and(|k| Some(&k.text) != text_print(h).as_ref())
        })
        .collect();
    let mut recent: BTreeMap<String, Recent> = recent_before.cloned().unwrap_or_default();

    // The new watermark: the newest second returned, and the ids at it.
    let newest = hits.iter().map(Hit::created_i).max();
    let mut cursor = match (newest, &before) {
        (Some(n), Some(b)) if n <= b.since => b.clone(),
        (Some(n), _) => TermCursor {
            since: n,
            seen: Vec::new(),
            gap: before.as_ref().and_then(|b| b.gap),
            recent: BTreeMap::new(),
        },
        (None, Some(b)) => b.clone(),
        (None, None) => TermCursor::default(),
    };
    // What can still be edited, with the text as returned now.
    let young = clock::now().unix_timestamp() - EDIT_WINDOW_SECS;
    for h in hits.iter().chain(&edited) {
        if let Some(text) = text_print(h) {
            recent.insert(
                h.object_id.clone(),
                Recent {
                    at: h.created_i(),
                    text,
                },
            );
        }
    }
    recent.retain(|_, r| r.at >= young);
    cursor.recent = recent;
    for h in &hits {
        if h.created_i() == cursor.since && !cursor.seen.contains(&h.object_id) {
            cursor.seen.push(h.object_id.clone());
        }
    }
    // Stopped before the window's end (page cap or a failed page): the
    // older part between the old watermark and the oldest hit read is a gap.
    // A first poll has no old watermark: older history isn't backfilled.
    if !pass.complete {
        if let (Some(from), Some(oldest)) = (prev_since, hits.iter().map(Hit::created_i).min()) {
            cursor.gap = Some(merge_gap(cursor.gap, (from, oldest)));
        }
    }
    hits.extend(edited);
    if pass.error.is_some() {
        return (Some(cursor), hits, pass.error);
    }

    // Read the gap an earlier poll left, oldest part last.
    if let Some((from, to)) = before.as_ref().and_then(|b| b.gap) {
        let filter = format!("created_at_i>={from},created_at_i<={to}");
        let gap_pass = read_window(ctx, base, term, Some(&filter), LATER_POLL_PAGES, budget).await;
        let oldest = gap_pass.hits.iter().map(Hit::created_i).min();
        hits.extend(gap_pass.hits);
        cursor.gap = match (gap_pass.complete, oldest) {
            (true, _) => cursor.gap.filter(|g| *g != (from, to)),
            (false, Some(o)) => Some(replace_gap(cursor.gap, (from, to), (from, o))),
            (false, None) => cursor.gap,
        };
        return (Some(cursor), hits, gap_pass.error);
    }
    (Some(cursor), hits, None)
}

/// A fingerprint of the text a hit becomes.
fn text_print(hit: &Hit) -> Option<String> {
    to_mention(hit).map(|m| api::fingerprint([m.text.as_str()]))
}

fn merge_gap(existing: Option<(i64, i64)>, new: (i64, i64)) -> (i64, i64) {
    match existing {
        Some((a, b)) => (a.min(new.0), b.max(new.1)),
        None => new,
    }
}

/// The gap after reading part of `old`: `left` stays, plus anything a newer
/// pass added to the cursor's gap in the meantime.
fn replace_gap(current: Option<(i64, i64)>, old: (i64, i64), left: (i64, i64)) -> (i64, i64) {
    match current {
        Some(g) if g != old => merge_gap(Some(g), left),
        _ => left,
    }
}

fn to_mention(hit: &Hit) -> Option<NewMention> {
    let title = hit
        .title
        .as_deref()
        .map(|t| decode_entities(t).trim().to_string())
        .filter(|t| !t.is_empty());
    let body = hit
        .comment_text
        .as_deref()
        .or(hit.story_text.as_deref())
        .map(html_to_text)
        .filter(|t| !t.is_empty());
    let text = match (title, body) {
        (Some(t), Some(b)) if hit.comment_text.is_none() => format!("{t}\n{b}"),
        (_, Some(b)) => b,
        (Some(t), None) => t,
        (None, None) => return None,
    };
    let created_at = hit
        .created_at
        .as_deref()
        .and_then(clock::normalise)
        .or_else(|| {
            hit.created_at_i
                .and_then(clock::from_unix)
                .map(clock::format)
        })
        .unwrap_or_else(clock::now_string);
    Some(NewMention {
        platform: Platform::HackerNews,
        external_id: hit.object_id.clone(),
        url: Some(format!(
            "https://news.ycombinator.com/item?id={}",
            hit.object_id
        )),
        author_id: None,
        author_handle: hit.author.clone(),
        author_name: None,
        text: text.chars().take(MAX_TEXT_CHARS).collect(),
        language: None,
        created_at,
        from_search: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(v: serde_json::Value) -> Hit {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn phrases_are_quoted_single_words_are_not() {
        assert_eq!(query_for("Pedal & Pine"), "\"Pedal & Pine\"");
        assert_eq!(query_for("pedalpine"), "pedalpine");
        assert_eq!(query_for("say \"hi\" there"), "\"say hi there\"");
    }

    #[test]
    fn a_story_is_its_title_and_text_a_comment_its_text() {
        let story = to_mention(&hit(serde_json::json!({
            "objectID": "41", "title": "Ask HN: Pedal &amp; Pine&#x27;s bikes?",
            "story_text": "<p>Anyone tried them?</p>", "author": "jo",
            "created_at": "2026-09-05T10:00:00Z", "created_at_i": 1788602400
        })))
        .unwrap();
        assert_eq!(
            story.text,
            "Ask HN: Pedal & Pine's bikes?\nAnyone tried them?"
        );
        let comment = to_mention(&hit(serde_json::json!({
            "objectID": "42", "comment_text": "I don&#x27;t like <i>them</i>",
            "story_title": "Other story", "author": "al", "created_at_i": 1788602400
        })))
        .unwrap();
        assert_eq!(comment.text, "I don't like them");
        assert_eq!(comment.created_at, "2026-09-05T10:00:00Z");
    }

    #[test]
    fn gaps_merge_and_shrink() {
        assert_eq!(merge_gap(None, (5, 9)), (5, 9));
        assert_eq!(merge_gap(Some((1, 3)), (5, 9)), (1, 9));
        assert_eq!(replace_gap(Some((5, 9)), (5, 9), (5, 7)), (5, 7));
        assert_eq!(replace_gap(Some((1, 20)), (5, 9), (5, 7)), (1, 20));
    }
}

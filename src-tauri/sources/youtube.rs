//! YouTube Data API v3: comments on the business's own channel, and new
//! videos that mention the watches' terms.
//!
//! Quirks pinned by tests: the API key travels in the `key=` query
//! parameter, so errors name the host only and never the address;
//! `commentThreads` has no "since" parameter, so Hearken reads newest first
//! and stops at the watermark kept in the cursor; replies come with their
//! thread (`part=replies`, the few YouTube includes; the channel's own
//! replies are not mentions), and a thread with more replies than YouTube
//! included has the rest read from `comments?parentId=` once per new
//! reply count (a thread a check has no room for, or can't read, is owed
//! to the next, wherever its page is by then); `textDisplay` is HTML
//! unless `textFormat=plainText` is asked for; search titles are
//! entity-escaped (`&#39;`); a 403 `quotaExceeded` is the daily quota, not
//! a bad key; every call spends quota units (a search 100), so searches run
//! at most hourly and leave room for the cheaper comment checks.

use std::collections::BTreeMap;

use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use url::Url;

use super::api::{self, FoundMentions, Watermark};
use super::http::{host_of, retry_after, FetchError, Fetched};
use super::text::{decode_entities, html_to_text};
use super::{Connector, FetchContext, FetchOutcome, UsagePeriod, UsagePolicy};
use crate::clock;
use crate::model::{Platform, SettingField};
use crate::store::mentions::NewMention;
use crate::store::sources::PollState;

/// Whether this connector is ready for owners to use.
pub const AVAILABLE: bool = true;

const DEFAULT_BASE: &str = "https://www.googleapis.com/youtube/v3";
const DEFAULT_DAILY_QUOTA: i64 = 10_000;
/// Quota units per call, from Google's quota calculator.
const COMMENT_PAGE_COST: i64 = 1;
const SEARCH_COST: i64 = 100;
/// A first check reads recent comments only, not the channel's whole history.
const FIRST_POLL_PAGES: usize = 3;
/// Later checks page back to the watermark, but never further than this.
const MAX_PAGES: usize = 10;
/// A search costs a hundred comment pages, so it runs at most this often.
const SEARCH_EVERY_SECS: i64 = 3600;
/// A search is skipped when it would leave fewer units than this for the
/// comment checks, which are what customers address to the business.
const COMMENT_RESERVE: i64 = 200;
/// YouTube rejects very long queries; terms beyond this are left out.
const MAX_QUERY_CHARS: usize = 500;
/// The first search looks back this far.
const FIRST_SEARCH_DAYS: i64 = 7;
const MAX_TEXT_CHARS: usize = 20_000;
/// A check reads the left-out replies of at most this many threads...
const MAX_REPLY_THREADS: usize = 20;
/// ...and at most this many pages (of 100) of each thread's replies.
const REPLY_PAGES: usize = 3;
/// Threads whose reply count the cursor remembers as read in full.
const REMEMBERED_THREADS: usize = 200;
/// At most this many threads are kept owed to later checks (oldest
/// dropped first); a check reads the replies of up to
/// [`MAX_REPLY_THREADS`] threads, those on its pages first.
const OWED_THREADS: usize = 500;

/// What this platform needs from the owner, in plain words.
pub fn needs() -> super::catalog::Needs {
    super::catalog::Needs {
        needs_url: false,
        url_label: None,
        needs_secret: true,
        secret_optional: false,
        secret_label: Some("API key"),
        how_to: "In the Google Cloud console (console.cloud.google.com), create a project, turn on \"YouTube Data API v3\" under APIs & Services → Library, then create an API key under APIs & Services → Credentials and paste it here.",
        searches_watches: true,
        cost_note: Some(
            "Free within Google's daily quota (10,000 units). Reading comments costs 1 unit a page; a keyword search costs 100, so Hearken searches at most once an hour.",
        ),
    }
}

/// What this platform needs besides its main secret.
pub fn fields() -> Vec<SettingField> {
    let mut channel = super::catalog::field(
        "channel_id",
        "Your channel id",
        "To see comments on your own videos. It starts with UC; find it in YouTube Studio → Settings → Channel → Advanced settings, or at youtube.com/account_advanced. Leave empty to only search YouTube for your watches.",
        false,
    );
    channel.placeholder = Some("UCxxxxxxxxxxxxxxxxxxxxxx".into());
    let mut search = super::catalog::field(
        "search",
        "Search for watches",
        "\"on\" (the default) searches new YouTube videos for your watches' words about once an hour; \"off\" only reads comments on your channel and saves quota.",
        false,
    );
    search.placeholder = Some("on".into());
    let mut quota = super::catalog::field(
        "daily_quota",
        "Daily quota (units)",
        "How many quota units Hearken may use each day (Google gives 10,000 unless you asked for more). Lower it if other apps share this key.",
        false,
    );
    quota.placeholder = Some("10000".into());
    vec![channel, search, quota]
}

/// YouTube rations quota units per day, reset at midnight Pacific time.
pub fn usage_policy(settings: &BTreeMap<String, String>) -> Option<UsagePolicy> {
    Some(UsagePolicy {
        period: UsagePeriod::DayPacific,
        limit: Some(daily_quota(settings)),
        unit: "quota units",
        describe: describe_usage,
    })
}

fn daily_quota(settings: &BTreeMap<String, String>) -> i64 {
    settings
        .get("daily_quota")
        .and_then(|v| v.trim().replace([',', '_', ' '], "").parse::<i64>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_DAILY_QUOTA)
}

fn describe_usage(used: i64, limit: Option<i64>) -> String {
    match limit {
        Some(l) => format!("{} of {} quota units used today", grouped(used), grouped(l)),
        None => format!("{} quota units used today", grouped(used)),
    }
}

/// 12345 → "12,345".
fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

pub struct YoutubeConnector;

impl Connector for YoutubeConnector {
    fn fetch<'a>(
        &'a self,
        ctx: &'a FetchContext<'a>,
    ) -> BoxFuture<'a, Result<FetchOutcome, FetchError>> {
        Box::pin(fetch(ctx))
    }
}

/// Where the last check left off. Times are stored UTC seconds
/// (`clock::format`), so they compare as text.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Cursor {
    /// The channel the comment watermark belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    channel: Option<String>,
    /// Every comment at or before this is stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    comments: Option<Watermark>,
    /// A comment check that stopped early (page cap, failure): where to
    /// carry on, and the watermark to take once it reaches `comments`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    comments_resume: Option<Resume>,
    /// Every video found by search at or before this is stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    search: Option<Watermark>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    searched_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    search_resume: Option<SearchResume>,
    /// Threads whose replies were all read, with the reply count then,
    /// latest last: read again only when the count changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    replies_read: Vec<(String, i64)>,
    /// Threads whose left-out replies are still to be read, oldest first:
    /// a check had no room for them, or reading them failed. Read on a
    /// later check even when it doesn't reach the page they are on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    replies_owed: Vec<Owed>,
}

/// A thread whose left-out replies are owed to a later check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Owed {
    thread: String,
    /// The video the thread is on, for the replies' links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    video: Option<String>,
    /// Its reply count when it was last listed.
    total: i64,
}

impl Owed {
    fn of(thread: &Thread, total: i64) -> Owed {
        Owed {
            thread: thread.id.clone(),
            video: thread.snippet.as_ref().and_then(|s| s.video_id.clone()),
            total,
        }
    }
}

/// How reading one thread's left-out replies ended.
#[derive(Debug, PartialEq, Eq)]
enum RepliesRead {
    /// All read: the count is remembered and nothing is owed.
    All,
    /// The thread is gone (deleted): nothing is owed.
    Gone,
    /// Reading failed: owed, and this check reads no more threads.
    Failed,
    /// The quota, the meter or a throttle stopped it: owed, and the check
    /// ends with what it found.
    Stopped,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Resume {
    page_token: String,
    pending: Option<Watermark>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SearchResume {
    page_token: String,
    query: String,
    published_after: String,
    pending: Option<Watermark>,
}

/// How one call failed, before it becomes a `FetchError`.
#[derive(Debug)]
enum CallError {
    /// 403 `quotaExceeded` / `dailyLimitExceeded`: nothing more until
    /// midnight Pacific time.
    QuotaUsedUp,
    /// YouTube no longer accepts a stored page token.
    BadPageToken,
    /// 404 `commentNotFound`: the comment (a thread asked for its replies)
    /// was deleted.
    CommentGone,
    Fetch(FetchError),
}

/// One check in progress: what was found so far, de-duplicated.
struct Poll<'a> {
    ctx: &'a FetchContext<'a>,
    base: String,
    key: String,
    found: FoundMentions,
    wait_secs: Option<u64>,
    /// Threads whose left-out replies this check has read so far.
    reply_threads: usize,
    /// Reading a thread's replies failed: the rest are owed to a later check.
    replies_failing: bool,
}

async fn fetch(ctx: &FetchContext<'_>) -> Result<FetchOutcome, FetchError> {
    let key = ctx.secret_text().ok_or_else(|| {
        FetchError::NeedsSetup(
            "This YouTube source has no API key. Use \"Replace key\" to paste one.".into(),
        )
    })?;
    let base = api_base(ctx)?;
    let channel = ctx.setting("channel_id").map(str::to_string);
    let search_on = !matches!(
        ctx.setting("search")
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("off" | "no" | "false" | "0")
    );
    let query = build_query(ctx.terms);
    let searching = search_on && !query.is_empty();
    if channel.is_none() && !searching {
        return Err(FetchError::NeedsSetup(
            "YouTube has nothing to check yet: add your channel id in this source's settings to see comments on your videos, or add a watch in Sources → Watches (with search on) to find videos that mention you.".into(),
        ));
    }
    let mut cursor: Cursor = ctx.stored_cursor();
    if cursor.channel != channel {
        // A different channel: its comments have their own watermark.
        cursor.channel = channel.clone();
        cursor.comments = None;
        cursor.comments_resume = None;
        cursor.replies_owed.clear();
    }
    let mut poll = Poll {
        ctx,
        base,
        key,
        found: FoundMentions::default(),
        wait_secs: None,
        reply_threads: 0,
        replies_failing: false,
    };
    if let Some(channel) = &channel {
        if poll.comments(channel, &mut cursor).await? == Pass::Halted
            || poll.read_owed_replies(channel, &mut cursor).await == Pass::Halted
        {
            return poll.finish(cursor);
        }
    }
    if searching {
        poll.search(&query, &mut cursor).await?;
    }
    poll.finish(cursor)
}

/// How a pass ended.
#[derive(Debug, PartialEq, Eq)]
enum Pass {
    Done,
    /// Stopped for the rest of this check (quota gone, a page failed after
    /// earlier pages were kept).
    Halted,
}

fn budget_error(ctx: &FetchContext<'_>) -> FetchError {
    let limit = daily_quota(&ctx.source.settings);
    FetchError::Budget(format!(
        "This YouTube source has used its {} quota units for today. Hearken will check again after midnight Pacific time.",
        grouped(limit)
    ))
}

fn api_base(ctx: &FetchContext<'_>) -> Result<String, FetchError> {
    let raw = ctx
        .source
        .base_url
        .as_deref()
        .unwrap_or(DEFAULT_BASE)
        .trim();
    let url = Url::parse(raw).map_err(|_| {
        FetchError::BadAddress("the YouTube API address isn't a web address.".into())
    })?;
    match url.scheme() {
        "https" | "http" if url.host_str().is_some() => {
            Ok(url.as_str().trim_end_matches('/').to_string())
        }
        _ => Err(FetchError::BadAddress(
            "the YouTube API address must start with https://.".into(),
        )),
    }
}

/// The watches' terms as one YouTube query: phrases quoted, joined with
/// `|` (YouTube's OR), cut to what YouTube accepts.
fn build_query(terms: &[String]) -> String {
    let mut q = String::new();
    for term in terms {
        let clean: String = term.replace('"', " ").trim().to_string();
        if clean.is_empty() {
            continue;
        }
        let part = if clean.contains(char::is_whitespace) {
            format!("\"{clean}\"")
        } else {
            clean
        };
        let extra = if q.is_empty() { 0 } else { 1 };
        if q.chars().count() + extra + part.chars().count() > MAX_QUERY_CHARS {
            break;
        }
        if !q.is_empty() {
            q.push('|');
        }
        q.push_str(&part);
    }
    q
}

impl Poll<'_> {
    fn finish(self, cursor: Cursor) -> Result<FetchOutcome, FetchError> {
        let state = PollState::with_cursor(&cursor);
        Ok(FetchOutcome {
            mentions: self.found.into_vec(),
            state,
            not_modified: false,
            title: None,
            wait_secs: self.wait_secs,
            rest: None,
            partial: None,
        })
    }

    /// GETs `path` with `params` and the key; reads YouTube's errors.
    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        params: &[(&str, &str)],
    ) -> Result<T, CallError> {
        let mut url = Url::parse(&format!("{}/{path}", self.base)).map_err(|_| {
            CallError::Fetch(FetchError::BadAddress(
                "the YouTube API address isn't a web address.".into(),
            ))
        })?;
        url.query_pairs_mut()
            .extend_pairs(params)
            .append_pair("key", &self.key);
        let host = host_of(&url);
        let fetched = self
            .ctx
            .http
            .get(&url, &[("accept", "application/json".to_string())])
            .await
            .map_err(CallError::Fetch)?;
        if !(200..300).contains(&fetched.status) {
            return Err(read_error(&fetched, &host, &self.key));
        }
        api::json(&fetched, &host).map_err(CallError::Fetch)
    }

    /// Comment threads on the channel and its videos, newest first, back to
    /// the watermark.
    async fn comments(&mut self, channel: &str, cursor: &mut Cursor) -> Result<Pass, FetchError> {
        let floor = cursor.comments.clone();
        let resuming = cursor.comments_resume.clone();
        let (mut token, mut pending) = match &resuming {
            Some(r) => (Some(r.page_token.clone()), r.pending.clone()),
            None => (None, floor.clone()),
        };
        let max_pages = if floor.is_none() {
            FIRST_POLL_PAGES
        } else {
            MAX_PAGES
        };
        let mut pages = 0;
        let mut halted = false;
        let mut done = false;
        while pages < max_pages {
            if !self.ctx.meter.try_spend(COMMENT_PAGE_COST) {
                if pages == 0 {
                    return Err(budget_error(self.ctx));
                }
                halted = true;
                break;
            }
            let mut params = vec![
                ("part", "snippet,replies"),
                ("allThreadsRelatedToChannelId", channel),
                ("order", "time"),
                ("textFormat", "plainText"),
                ("maxResults", "100"),
            ];
            if let Some(t) = &token {
                params.push(("pageToken", t.as_str()));
            }
            let page: ThreadPage = match self.call("commentThreads", &params).await {
                Ok(p) => p,
                Err(CallError::BadPageToken) if resuming.is_some() => {
                    // The stored page token expired: take the watermark the
                    // interrupted check had reached and read from the top next time.
                    token = None;
                    done = true;
                    break;
                }
                Err(e) => {
                    let first_call = pages == 0 && self.found.is_empty();
                    match e {
                        CallError::QuotaUsedUp if first_call => return Err(quota_error()),
                        CallError::Fetch(err) if first_call => return Err(err),
                        CallError::BadPageToken if first_call => {
                            return Err(FetchError::Platform {
                                host: host_of_base(&self.base),
                                detail: "YouTube didn't accept a page token it gave earlier."
                                    .into(),
                            })
                        }
                        e => self.wait_as_asked(&e),
                    }
                    halted = true;
                    break;
                }
            };
            pages += 1;
            let mut reached_floor = false;
            for thread in &page.items {
                if let (Some(f), Some(published)) = (&floor, published_of(thread)) {
                    reached_floor = published <= f.at;
                }
                // A new reply counts on an older thread too, as long as the
                // thread is on a page this check reads.
                let replies = thread
                    .replies
                    .iter()
                    .flat_map(|r| r.comments.iter())
                    .filter_map(|reply| map_reply(video_of(thread), reply, channel));
                for (mention, stamp) in map_comment(thread).into_iter().chain(replies) {
                    if floor
                        .as_ref()
                        .is_none_or(|f| f.is_new(&stamp, &mention.external_id))
                    {
                        Watermark::advance(&mut pending, &stamp, &mention.external_id);
                        self.found.keep(mention);
                    }
                }
            }
            let quota_gone = self
                .read_left_out_replies(&page, channel, cursor, &mut pending)
                .await;
            token = page.next_page_token.filter(|t| !t.is_empty());
            if quota_gone {
                halted = true;
                break;
            }
            if reached_floor || token.is_none() {
                done = true;
                break;
            }
        }
        match (&token, floor.is_some(), done) {
            // Stopped short of the watermark on a later check: carry on from here next time.
            (Some(t), true, false) => {
                cursor.comments = floor;
                cursor.comments_resume = Some(Resume {
                    page_token: t.clone(),
                    pending,
                });
            }
            // Reached the watermark, or a first check that doesn't backfill.
            _ => {
                cursor.comments = pending;
                cursor.comments_resume = None;
            }
        }
        Ok(if halted { Pass::Halted } else { Pass::Done })
    }

    /// After mentions were kept, a call refused for the daily quota or
    /// throttled ends the check with them: the next waits for the quota's
    /// reset at midnight Pacific time, or as long as YouTube asked.
    fn wait_as_asked(&mut self, e: &CallError) {
        match e {
            CallError::QuotaUsedUp => {
                self.wait_secs = Some(secs_until_pacific_midnight(clock::now()));
            }
            CallError::Fetch(FetchError::RateLimited {
                retry_after_secs: Some(secs),
                ..
            }) => self.wait_secs = self.wait_secs.max(Some(*secs)),
            _ => {}
        }
    }

    /// Reads the replies YouTube left out of the page's threads (it
    /// includes a few with each), for threads whose reply count is not the
    /// one last read in full. Every reply read is kept, old ones too: the
    /// store keeps each once, and one left out earlier may be older than
    /// the watermark. A thread this check has no room for, or whose replies
    /// can't be read now, is owed to a later check (`replies_owed`). True
    /// when the quota or the meter ran out, or YouTube asked to slow down
    /// (the check stops).
    async fn read_left_out_replies(
        &mut self,
        page: &ThreadPage,
        channel: &str,
        cursor: &mut Cursor,
        pending: &mut Option<Watermark>,
    ) -> bool {
        let mut stopped = false;
        for thread in &page.items {
            let Some(total) = replies_left_out(thread, &cursor.replies_read) else {
                continue;
            };
            let owed = Owed::of(thread, total);
            if stopped || self.replies_failing || self.reply_threads >= MAX_REPLY_THREADS {
                owe(&mut cursor.replies_owed, owed);
                continue;
            }
            stopped = self
                .read_replies(owed, channel, cursor, Some(pending))
                .await
                == RepliesRead::Stopped;
        }
        stopped
    }

    /// Reads the threads earlier checks owe, oldest first, as far as this
    /// check's room for threads allows. Halted when the quota, the meter or
    /// a throttle stopped it.
    async fn read_owed_replies(&mut self, channel: &str, cursor: &mut Cursor) -> Pass {
        for owed in cursor.replies_owed.clone() {
            if self.replies_failing || self.reply_threads >= MAX_REPLY_THREADS {
                break;
            }
            // Read already, from a page of this check.
            if !cursor.replies_owed.contains(&owed) {
                continue;
            }
            if self.read_replies(owed, channel, cursor, None).await == RepliesRead::Stopped {
                return Pass::Halted;
            }
        }
        Pass::Done
    }

    /// Reads one thread's left-out replies and keeps them; owes the thread
    /// to a later check unless all were read (or it is gone). Replies move
    /// `pending` on, when given, as comments on the page do.
    async fn read_replies(
        &mut self,
        owed: Owed,
        channel: &str,
        cursor: &mut Cursor,
        pending: Option<&mut Option<Watermark>>,
    ) -> RepliesRead {
        self.reply_threads += 1;
        let (replies, outcome) = match self.all_replies(&owed.thread).await {
            Ok((replies, true)) => (replies, RepliesRead::All),
            // The meter is spent: the rest wait for a later check.
            Ok((replies, false)) => (replies, RepliesRead::Stopped),
            Err(CallError::CommentGone) => (Vec::new(), RepliesRead::Gone),
            Err(
                e @ (CallError::QuotaUsedUp | CallError::Fetch(FetchError::RateLimited { .. })),
            ) => {
                self.wait_as_asked(&e);
                (Vec::new(), RepliesRead::Stopped)
            }
            Err(e) => {
                // Named by host only: the key is never in an error.
                if let CallError::Fetch(e) = &e {
                    tracing::warn!("YouTube: a thread's replies weren't read: {e}");
                }
                self.replies_failing = true;
                (Vec::new(), RepliesRead::Failed)
            }
        };
        let mut pending = pending;
        for reply in &replies {
            if let Some((mention, stamp)) = map_reply(owed.video.as_ref(), reply, channel) {
                if let Some(pending) = pending.as_deref_mut() {
                    Watermark::advance(pending, &stamp, &mention.external_id);
                }
                self.found.keep(mention);
            }
        }
        match outcome {
            RepliesRead::All => {
                cursor.replies_owed.retain(|o| o.thread != owed.thread);
                remember_replies(&mut cursor.replies_read, &owed.thread, owed.total);
            }
            RepliesRead::Gone => cursor.replies_owed.retain(|o| o.thread != owed.thread),
            RepliesRead::Failed | RepliesRead::Stopped => owe(&mut cursor.replies_owed, owed),
        }
        outcome
    }

    /// A thread's replies, up to [`REPLY_PAGES`] pages (at most 300
    /// replies are read), and whether they were read to the end of that:
    /// false when the meter ran out first.
    async fn all_replies(&mut self, thread_id: &str) -> Result<(Vec<Comment>, bool), CallError> {
        let mut all = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..REPLY_PAGES {
            if !self.ctx.meter.try_spend(COMMENT_PAGE_COST) {
                return Ok((all, false));
            }
            let mut params = vec![
                ("part", "snippet"),
                ("parentId", thread_id),
                ("textFormat", "plainText"),
                ("maxResults", "100"),
            ];
            if let Some(t) = &token {
                params.push(("pageToken", t.as_str()));
            }
            let replies: CommentPage = self.call("comments", &params).await?;
            all.extend(replies.items);
            token = replies.next_page_token.filter(|t| !t.is_empty());
            if token.is_none() {
                break;
            }
        }
        Ok((all, true))
    }

    /// One search for new videos that mention the watches' terms, at most
    /// hourly. The owner's own uploads are not mentions of them.
    async fn search(&mut self, query: &str, cursor: &mut Cursor) -> Result<(), FetchError> {
        let now = clock::now();
        let resume = cursor.search_resume.clone().filter(|r| r.query == query);
        let due = resume.is_some()
            || cursor
                .searched_at
                .as_deref()
                .and_then(clock::parse)
                .is_none_or(|at| (now - at).whole_seconds() >= SEARCH_EVERY_SECS);
        if !due {
            return Ok(());
        }
        let reserve = if cursor.channel.is_some() {
            COMMENT_RESERVE
        } else {
            0
        };
        let affordable = self
            .ctx
            .meter
            .remaining()
            .is_none_or(|left| left >= SEARCH_COST + reserve);
        if !affordable || !self.ctx.meter.try_spend(SEARCH_COST) {
            if cursor.channel.is_none() {
                return Err(budget_error(self.ctx));
            }
            // The comment check ran; the search waits for tomorrow's quota.
            return Ok(());
        }
        let previous = cursor.search.clone();
        let published_after = match (&resume, &previous) {
            (Some(r), _) => r.published_after.clone(),
            (None, Some(m)) => m.at.clone(),
            (None, None) => clock::format(now - Duration::days(FIRST_SEARCH_DAYS)),
        };
        let mut params = vec![
            ("part", "snippet"),
            ("q", query),
            ("type", "video"),
            ("order", "date"),
            ("publishedAfter", published_after.as_str()),
            ("maxResults", "50"),
        ];
        if let Some(r) = &resume {
            params.push(("pageToken", r.page_token.as_str()));
        }
        let page: SearchPage = match self.call("search", &params).await {
            Ok(p) => p,
            Err(e) => {
                let nothing_yet = self.found.is_empty();
                return match e {
                    CallError::QuotaUsedUp if nothing_yet => Err(quota_error()),
                    e @ CallError::QuotaUsedUp => {
                        self.wait_as_asked(&e);
                        Ok(())
                    }
                    CallError::BadPageToken => {
                        // Search afresh from the watermark next time.
                        cursor.search_resume = None;
                        Ok(())
                    }
                    CallError::Fetch(err) if nothing_yet => Err(err),
                    // Keep the comments found; the search is tried again next time.
                    CallError::Fetch(_) | CallError::CommentGone => Ok(()),
                };
            }
        };
        let mut pending = match &resume {
            Some(r) => r.pending.clone(),
            None => previous.clone(),
        };
        for result in &page.items {
            let Some((mention, stamp)) = map_video(result) else {
                continue;
            };
            if cursor.channel.is_some() && mention.author_id == cursor.channel {
                continue;
            }
            if previous
                .as_ref()
                .is_none_or(|m| m.is_new(&stamp, &mention.external_id))
            {
                Watermark::advance(&mut pending, &stamp, &mention.external_id);
                self.found.keep(mention);
            }
        }
        cursor.searched_at = Some(clock::format(now));
        match page.next_page_token.filter(|t| !t.is_empty()) {
            // More new videos than one page since the last search: read the
            // next page at the next check before moving the watermark.
            Some(t) if previous.is_some() => {
                cursor.search_resume = Some(SearchResume {
                    page_token: t,
                    query: query.to_string(),
                    published_after,
                    pending,
                });
            }
            _ => {
                cursor.search = pending;
                cursor.search_resume = None;
            }
        }
        Ok(())
    }
}

fn host_of_base(base: &str) -> String {
    Url::parse(base)
        .map(|u| host_of(&u))
        .unwrap_or_else(|_| "YouTube".into())
}

fn quota_error() -> FetchError {
    FetchError::Budget(
        "YouTube says the daily quota for this API key is used up (other apps using the same key count too). Hearken will check again after midnight Pacific time.".into(),
    )
}

/// Seconds until YouTube's quota resets. Hearken's day is UTC−8 all year
/// (see `UsagePeriod::DayPacific`), which in summer waits an hour longer
/// than needed rather than an hour too little.
fn secs_until_pacific_midnight(now: OffsetDateTime) -> u64 {
    let pacific = now - Duration::hours(8);
    let next = pacific
        .date()
        .next_day()
        .map(|d| d.midnight().assume_utc() + Duration::hours(8))
        .unwrap_or(now + Duration::days(1));
    (next - now).whole_seconds().max(60) as u64
}

/// Google's error envelope:
/// `{"error":{"code","message","errors":[{"reason","domain","message"}],"status"}}`.
#[derive(Debug, Deserialize)]
struct GoogleError {
    error: GoogleErrorBody,
}

#[derive(Debug, Deserialize)]
struct GoogleErrorBody {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    errors: Vec<GoogleReason>,
}

#[derive(Debug, Deserialize)]
struct GoogleReason {
    #[serde(default)]
    reason: Option<String>,
}

/// Turns a non-2xx answer into plain words. Google's `reason` decides:
/// a 403 can be a bad key, a used-up quota or a switched-off API.
fn read_error(fetched: &Fetched, host: &str, key: &str) -> CallError {
    let status = fetched.status;
    let envelope: Option<GoogleErrorBody> = serde_json::from_slice::<GoogleError>(&fetched.body)
        .ok()
        .map(|e| e.error);
    let reasons: Vec<String> = envelope
        .as_ref()
        .map(|e| e.errors.iter().filter_map(|r| r.reason.clone()).collect())
        .unwrap_or_default();
    let has = |names: &[&str]| reasons.iter().any(|r| names.contains(&r.as_str()));
    let host = host.to_string();
    if has(&["quotaExceeded", "dailyLimitExceeded"]) {
        return CallError::QuotaUsedUp;
    }
    if status == 429 || has(&["rateLimitExceeded", "userRateLimitExceeded"]) {
        return CallError::Fetch(FetchError::RateLimited {
            host,
            status,
            retry_after_secs: retry_after(fetched).or(Some(60)),
        });
    }
    if has(&["invalidPageToken"]) {
        return CallError::BadPageToken;
    }
    if has(&["commentNotFound"]) {
        return CallError::CommentGone;
    }
    if has(&["accessNotConfigured"]) {
        return CallError::Fetch(FetchError::Platform {
            host,
            detail: "the YouTube Data API isn't turned on for this key's Google Cloud project. Turn on \"YouTube Data API v3\" in the Google Cloud console under APIs & Services → Library.".into(),
        });
    }
    if status == 401 || has(&["keyInvalid", "keyExpired", "forbidden", "ipRefererBlocked"]) {
        return CallError::Fetch(FetchError::Unauthorized {
            host,
            status,
            hint: None,
        });
    }
    if status == 404 || has(&["channelNotFound"]) {
        return CallError::Fetch(FetchError::NeedsSetup(
            "YouTube can't find the channel id in this source's settings. Check it: it starts with UC and is shown in YouTube Studio → Settings → Channel → Advanced settings.".into(),
        ));
    }
    if has(&["commentsDisabled"]) {
        return CallError::Fetch(FetchError::Platform {
            host,
            detail: "comments are turned off on this channel's videos, so there are none to read."
                .into(),
        });
    }
    if status == 403 && envelope.is_none() {
        return CallError::Fetch(FetchError::Unauthorized {
            host,
            status,
            hint: None,
        });
    }
    if (400..500).contains(&status) {
        if let Some(message) = envelope.as_ref().and_then(|e| e.message.clone()) {
            return CallError::Fetch(FetchError::Platform {
                host,
                detail: plain_detail(&message, key, status),
            });
        }
    }
    CallError::Fetch(api::failed_status(fetched, &host))
}

/// A platform's own message, made safe to show: the key removed, one line,
/// at most 200 characters.
fn plain_detail(message: &str, key: &str, status: u16) -> String {
    let mut text = message.replace(['\n', '\r'], " ");
    if !key.is_empty() {
        text = text.replace(key, "…");
    }
    format!("{} (HTTP {status})", api::short_message(&text))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ThreadPage {
    #[serde(default)]
    items: Vec<Thread>,
    #[serde(default)]
    next_page_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Thread {
    id: String,
    #[serde(default)]
    snippet: Option<ThreadSnippet>,
    #[serde(default)]
    replies: Option<Replies>,
}

/// A page of `comments?parentId=`: a thread's replies.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CommentPage {
    #[serde(default)]
    items: Vec<Comment>,
    #[serde(default)]
    next_page_token: Option<String>,
}

/// The thread's reply count if YouTube left some of its replies out and
/// they weren't all read at that count already.
fn replies_left_out(thread: &Thread, read: &[(String, i64)]) -> Option<i64> {
    let total = thread.snippet.as_ref()?.total_reply_count?;
    let included = thread.replies.as_ref().map_or(0, |r| r.comments.len()) as i64;
    let known = read
        .iter()
        .find(|(id, _)| *id == thread.id)
        .map(|(_, n)| *n);
    (total > included && known != Some(total)).then_some(total)
}

/// Notes that `thread`'s replies were all read at `total`, keeping the
/// latest [`REMEMBERED_THREADS`].
fn remember_replies(read: &mut Vec<(String, i64)>, thread: &str, total: i64) {
    read.retain(|(id, _)| id != thread);
    read.push((thread.to_string(), total));
    let over = read.len().saturating_sub(REMEMBERED_THREADS);
    read.drain(..over);
}

/// Owes `thread`'s left-out replies to a later check (last in the queue),
/// keeping the latest [`OWED_THREADS`].
fn owe(owed: &mut Vec<Owed>, thread: Owed) {
    owed.retain(|o| o.thread != thread.thread);
    owed.push(thread);
    let over = owed.len().saturating_sub(OWED_THREADS);
    if over > 0 {
        tracing::warn!("YouTube: {over} threads' left-out replies won't be read (too many owed)");
        owed.drain(..over);
    }
}

/// The replies YouTube includes with a thread (a few, not always all).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Replies {
    #[serde(default)]
    comments: Vec<Comment>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ThreadSnippet {
    #[serde(default)]
    video_id: Option<String>,
    #[serde(default)]
    total_reply_count: Option<i64>,
    #[serde(default)]
    top_level_comment: Option<Comment>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Comment {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    snippet: Option<CommentSnippet>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CommentSnippet {
    #[serde(default)]
    text_display: Option<String>,
    #[serde(default)]
    text_original: Option<String>,
    #[serde(default)]
    author_display_name: Option<String>,
    #[serde(default)]
    author_channel_id: Option<AuthorChannel>,
    #[serde(default)]
    video_id: Option<String>,
    #[serde(default)]
    post_id: Option<String>,
    #[serde(default)]
    published_at: Option<String>,
    #[serde(default)]
    updated_at: Option<String>,
}

#[derive(Debug, Deserialize)]
struct AuthorChannel {
    #[serde(default)]
    value: Option<String>,
}

/// When a thread's top comment was published, in stored form. It decides
/// where the watermark is reached, even for comments that aren't kept.
fn published_of(thread: &Thread) -> Option<String> {
    thread
        .snippet
        .as_ref()?
        .top_level_comment
        .as_ref()?
        .snippet
        .as_ref()?
        .published_at
        .as_deref()
        .and_then(clock::normalise)
}

/// A comment thread's top comment as a mention, with its watermark stamp.
fn map_comment(thread: &Thread) -> Option<(NewMention, String)> {
    let snippet = thread.snippet.as_ref()?;
    let comment = snippet.top_level_comment.as_ref()?.snippet.as_ref()?;
    comment_mention(&thread.id, comment, snippet.video_id.as_ref())
}

/// The video a thread is on.
fn video_of(thread: &Thread) -> Option<&String> {
    thread.snippet.as_ref().and_then(|s| s.video_id.as_ref())
}

/// A reply in a thread on `video` as a mention, unless the channel wrote it
/// (the business answering is not a mention of it).
fn map_reply(
    video: Option<&String>,
    reply: &Comment,
    channel: &str,
) -> Option<(NewMention, String)> {
    let id = reply.id.as_deref()?;
    let comment = reply.snippet.as_ref()?;
    let author = comment
        .author_channel_id
        .as_ref()
        .and_then(|a| a.value.as_deref());
    if author == Some(channel) {
        return None;
    }
    comment_mention(id, comment, video)
}

/// A comment as a mention, with its watermark stamp: the later of
/// published and updated, so an edit counts as new.
fn comment_mention(
    id: &str,
    comment: &CommentSnippet,
    thread_video: Option<&String>,
) -> Option<(NewMention, String)> {
    let published = comment.published_at.as_deref().and_then(clock::normalise)?;
    let updated = comment.updated_at.as_deref().and_then(clock::normalise);
    let stamp = updated
        .filter(|u| *u > published)
        .unwrap_or_else(|| published.clone());
    let raw = comment
        .text_display
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .or(comment.text_original.as_deref())
        .unwrap_or("");
    let text = comment_text(raw);
    if text.is_empty() {
        return None;
    }
    let video = comment.video_id.as_ref().or(thread_video);
    let url = match (video, &comment.post_id) {
        (Some(v), _) => Some(format!("https://www.youtube.com/watch?v={v}&lc={id}")),
        (None, Some(p)) => Some(format!("https://www.youtube.com/post/{p}?lc={id}")),
        (None, None) => None,
    };
    let name = comment
        .author_display_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let mention = NewMention {
        platform: Platform::Youtube,
        external_id: id.to_string(),
        url,
        author_id: comment
            .author_channel_id
            .as_ref()
            .and_then(|a| a.value.clone()),
        author_handle: name.filter(|n| n.starts_with('@')).map(str::to_string),
        author_name: name.map(str::to_string),
        text,
        language: None,
        created_at: published,
        from_search: false,
    };
    Some((mention, stamp))
}

/// Comment text is plain when `textFormat=plainText` was honoured; if
/// YouTube sent its HTML form anyway (`<br>`, links, `&quot;`), read that.
fn comment_text(raw: &str) -> String {
    let looks_html = [
        "<br>", "<br/>", "<br />", "<a href=", "</a>", "&quot;", "&#39;", "&amp;",
    ]
    .iter()
    .any(|m| raw.contains(m));
    let text = if looks_html {
        html_to_text(raw)
    } else {
        raw.trim().to_string()
    };
    text.chars().take(MAX_TEXT_CHARS).collect()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SearchPage {
    #[serde(default)]
    items: Vec<SearchResult>,
    #[serde(default)]
    next_page_token: Option<String>,
}

#[derive(Debug, Deserialize)]
struct SearchResult {
    #[serde(default)]
    id: Option<SearchId>,
    #[serde(default)]
    snippet: Option<VideoSnippet>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SearchId {
    #[serde(default)]
    video_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct VideoSnippet {
    #[serde(default)]
    published_at: Option<String>,
    #[serde(default)]
    channel_id: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    channel_title: Option<String>,
}

/// A search result as a mention. Search snippets are entity-escaped plain
/// text (`Pedal &amp; Pine&#39;s`), so they are decoded, not stripped.
fn map_video(result: &SearchResult) -> Option<(NewMention, String)> {
    let id = result.id.as_ref()?.video_id.clone()?;
    let snippet = result.snippet.as_ref()?;
    let published = snippet.published_at.as_deref().and_then(clock::normalise)?;
    let title = decode_entities(snippet.title.as_deref().unwrap_or("").trim());
    let description = decode_entities(snippet.description.as_deref().unwrap_or("").trim());
    let text = match (title.is_empty(), description.is_empty()) {
        (true, true) => return None,
        (false, true) => title,
        (true, false) => description,
        (false, false) => format!("{title}\n{description}"),
    };
    let mention = NewMention {
        platform: Platform::Youtube,
        external_id: id.clone(),
        url: Some(format!("https://www.youtube.com/watch?v={id}")),
        author_id: snippet.channel_id.clone(),
        author_handle: None,
        author_name: snippet
            .channel_title
            .as_deref()
            .map(|t| decode_entities(t.trim()))
            .filter(|t| !t.is_empty()),
        text: text.chars().take(MAX_TEXT_CHARS).collect(),
        language: None,
        created_at: published.clone(),
        from_search: true,
    };
    Some((mention, published))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_remembers_the_latest_threads_read_in_full_and_no_more() {
        let mut read = Vec::new();
        for n in 0..REMEMBERED_THREADS + 5 {
            remember_replies(&mut read, &format!("T{n}"), 6);
        }
        assert_eq!(read.len(), REMEMBERED_THREADS);
        assert_eq!(read[0].0, "T5", "the oldest went first");
        // Read again at a new count: moved to the end, not repeated.
        remember_replies(&mut read, "T5", 7);
        assert_eq!(read.len(), REMEMBERED_THREADS);
        assert_eq!(read.last(), Some(&("T5".to_string(), 7)));
        assert_eq!(read.iter().filter(|(id, _)| id == "T5").count(), 1);
    }

    #[test]
    fn usage_reads_like_a_sentence_with_thousands_grouped() {
        assert_eq!(
            describe_usage(1240, Some(10_000)),
            "1,240 of 10,000 quota units used today"
        );
        assert_eq!(describe_usage(7, None), "7 quota units used today");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(grouped(999), "999");
    }

    #[test]
    fn the_daily_quota_setting_is_optional_and_forgiving() {
        let mut s = BTreeMap::new();
        assert_eq!(usage_policy(&s).unwrap().limit, Some(10_000));
        s.insert("daily_quota".to_string(), " 2,500 ".to_string());
        let p = usage_policy(&s).unwrap();
        assert_eq!(p.limit, Some(2_500));
        assert_eq!(p.period, UsagePeriod::DayPacific);
        s.insert("daily_quota".to_string(), "lots".to_string());
        assert_eq!(usage_policy(&s).unwrap().limit, Some(10_000));
    }

    #[test]
    fn terms_become_one_or_query_with_phrases_quoted() {
        let terms = vec![
            "Pedal & Pine".to_string(),
            "#pedalpine".to_string(),
            "say \"hi\"".to_string(),
        ];
        assert_eq!(
            build_query(&terms),
            "\"Pedal & Pine\"|#pedalpine|\"say  hi\""
        );
        let many: Vec<String> = (0..200).map(|i| format!("brandname{i}")).collect();
        assert!(build_query(&many).chars().count() <= MAX_QUERY_CHARS);
        assert!(build_query(&[]).is_empty());
    }

    #[test]
    fn the_quota_resets_at_eight_in_the_morning_utc() {
        let at = clock::parse("2026-03-10T07:59:00Z").unwrap();
        assert_eq!(secs_until_pacific_midnight(at), 60);
        let at = clock::parse("2026-03-10T08:00:00Z").unwrap();
        assert_eq!(secs_until_pacific_midnight(at), 24 * 3600);
    }

    #[test]
    fn html_comment_text_is_read_and_plain_text_is_kept_as_written() {
        assert_eq!(
            comment_text("Great fix!<br>Thanks &quot;Sam&quot; 🚲"),
            "Great fix!\nThanks \"Sam\" 🚲"
        );
        assert_eq!(comment_text("I <3 this & that"), "I <3 this & that");
    }

    #[test]
    fn platform_messages_never_carry_the_key() {
        let d = plain_detail(
            "Bad key AIzaSECRET in request\nsecond line",
            "AIzaSECRET",
            400,
        );
        assert!(!d.contains("AIzaSECRET"), "{d}");
        assert!(!d.contains('\n'));
        assert!(d.ends_with("(HTTP 400)"));
    }
}

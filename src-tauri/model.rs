//! The product's nouns as they cross the IPC boundary and the CLI's `--json`.
//! TypeScript bindings in `ui/src/lib/bindings/` are generated from these
//! types (`tests/bindings.rs` checks they are current).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A platform Hearken can listen on. Stored as its `as_str()` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Platform {
    Rss,
    GoogleAlerts,
    X,
    Facebook,
    Instagram,
    Youtube,
    Reddit,
    Mastodon,
    Bluesky,
    HackerNews,
    GoogleReviews,
    Trustpilot,
    Yelp,
}

impl Platform {
    pub const ALL: [Platform; 13] = [
        Platform::Rss,
        Platform::GoogleAlerts,
        Platform::X,
        Platform::Facebook,
        Platform::Instagram,
        Platform::Youtube,
        Platform::Reddit,
        Platform::Mastodon,
        Platform::Bluesky,
        Platform::HackerNews,
        Platform::GoogleReviews,
        Platform::Trustpilot,
        Platform::Yelp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Rss => "rss",
            Platform::GoogleAlerts => "google_alerts",
            Platform::X => "x",
            Platform::Facebook => "facebook",
            Platform::Instagram => "instagram",
            Platform::Youtube => "youtube",
            Platform::Reddit => "reddit",
            Platform::Mastodon => "mastodon",
            Platform::Bluesky => "bluesky",
            Platform::HackerNews => "hacker_news",
            Platform::GoogleReviews => "google_reviews",
            Platform::Trustpilot => "trustpilot",
            Platform::Yelp => "yelp",
        }
    }

    /// The name a shop owner knows the platform by.
    pub fn display_name(self) -> &'static str {
        match self {
            Platform::Rss => "RSS / Atom feed",
            Platform::GoogleAlerts => "Google Alerts",
            Platform::X => "X",
            Platform::Facebook => "Facebook",
            Platform::Instagram => "Instagram",
            Platform::Youtube => "YouTube",
            Platform::Reddit => "Reddit",
            Platform::Mastodon => "Mastodon",
            Platform::Bluesky => "Bluesky",
            Platform::HackerNews => "Hacker News",
            Platform::GoogleReviews => "Google reviews",
            Platform::Trustpilot => "Trustpilot",
            Platform::Yelp => "Yelp",
        }
    }

    pub fn parse(s: &str) -> Option<Platform> {
        let norm = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        let norm = match norm.as_str() {
            "atom" | "feed" => "rss",
            "twitter" => "x",
            "hn" => "hacker_news",
            other => other,
        }
        .to_string();
        Platform::ALL.into_iter().find(|p| p.as_str() == norm)
    }
}

/// Where a mention is in the owner's workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MentionStatus {
    New,
    NeedsReply,
    Contacted,
    Resolved,
    Ignored,
}

impl MentionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MentionStatus::New => "new",
            MentionStatus::NeedsReply => "needs_reply",
            MentionStatus::Contacted => "contacted",
            MentionStatus::Resolved => "resolved",
            MentionStatus::Ignored => "ignored",
        }
    }
    pub fn parse(s: &str) -> Option<MentionStatus> {
        [
            MentionStatus::New,
            MentionStatus::NeedsReply,
            MentionStatus::Contacted,
            MentionStatus::Resolved,
            MentionStatus::Ignored,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
    }
}

/// What triage made of a mention: a complaint, or merely negative, neutral or
/// positive. Stored as its `as_str()` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Label {
    Complaint,
    Negative,
    Neutral,
    Positive,
}

impl Label {
    pub const ALL: [Label; 4] = [
        Label::Complaint,
        Label::Negative,
        Label::Neutral,
        Label::Positive,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Complaint => "complaint",
            Label::Negative => "negative",
            Label::Neutral => "neutral",
            Label::Positive => "positive",
        }
    }
    pub fn parse(s: &str) -> Option<Label> {
        let norm = s.trim().to_ascii_lowercase();
        Label::ALL.into_iter().find(|l| l.as_str() == norm)
    }
    /// Complaints and negative mentions: the ones the owner is told about.
    pub fn is_unhappy(self) -> bool {
        matches!(self, Label::Complaint | Label::Negative)
    }
}

/// What kind of evidence a reason is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReasonKind {
    /// A complaint cue ("still", "never received", "no reply", "refund").
    Cue,
    /// A word or two-word phrase the complaint model weighs.
    Words,
    /// The overall sentiment of the text.
    Sentiment,
}

/// One reason a mention was flagged, shown to the owner ("cue: no reply").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Reason {
    pub kind: ReasonKind,
    /// The words as they appear in the text, or a short phrase for sentiment.
    pub text: String,
    /// How much it pushed towards "complaint" (positive) or away (negative).
    pub weight: f64,
}

/// A range of a mention's text that matched the search, in UTF-16 code units
/// (JavaScript string indices), so the UI can mark it without parsing HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

/// A stored public post that mentions the business. All text fields are
/// untrusted plain text: render them as text, never as HTML.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Mention {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number | null")]
    pub source_id: Option<i64>,
    pub platform: Platform,
    pub external_id: String,
    pub url: Option<String>,
    pub author_handle: Option<String>,
    pub author_name: Option<String>,
    pub text: String,
    pub language: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub fetched_at: String,
    /// VADER compound score, -1 (very negative) to 1 (very positive).
    pub sentiment: Option<f64>,
    /// The complaint model's probability, 0 to 1.
    pub complaint: Option<f64>,
    /// The label shown: the owner's correction if there is one, else triage's.
    pub label: Option<Label>,
    /// What triage said, kept when the owner corrects it.
    pub model_label: Option<Label>,
    /// The owner corrected the label.
    pub corrected: bool,
    /// How unhappy, 0 to 1: the Inbox's "most unhappy first" order.
    pub concern: Option<f64>,
    /// Why triage flagged it, strongest first.
    pub reasons: Vec<Reason>,
    pub status: MentionStatus,
    /// The owner has opened it (the tray's unread count counts the rest).
    pub seen: bool,
    /// Where the search words matched `text`; empty when not searching.
    pub highlights: Vec<Span>,
    /// The author asked not to be contacted (a do-not-contact entry matches).
    #[serde(default)]
    pub do_not_contact: bool,
}

/// One page of the Inbox, newest first. Pass `next` back as `before` for the next page.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MentionPage {
    pub mentions: Vec<Mention>,
    pub next: Option<MentionCursor>,
    /// How many mentions match (the whole query, not this page).
    #[ts(type = "number")]
    pub total: i64,
    /// `total` stopped counting at a cap (a very broad search): show "N+".
    #[serde(default)]
    pub total_capped: bool,
}

/// Counts for the sidebar badge, the tray and the Inbox's header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InboxCounts {
    /// Mentions the owner has not opened yet.
    #[ts(type = "number")]
    pub unread: i64,
    /// Of those, complaints and negative mentions.
    #[ts(type = "number")]
    pub unread_unhappy: i64,
    /// Status "needs reply".
    #[ts(type = "number")]
    pub needs_reply: i64,
    /// Complaints still new or needing a reply.
    #[ts(type = "number")]
    pub open_complaints: i64,
}

/// Keyset cursor: the sort key and id of the last mention on the previous page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MentionCursor {
    pub created_at: String,
    #[ts(type = "number")]
    pub id: i64,
    /// Set when the Inbox is sorted by how unhappy.
    #[serde(default)]
    #[ts(optional)]
    pub concern: Option<f64>,
}

/// The Inbox's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum InboxSort {
    #[default]
    Newest,
    /// Most unhappy first (by `concern`), newest first among equals.
    MostUnhappy,
}

/// What the Inbox shows: every field narrows; empty means "any".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct InboxQuery {
    /// Words to search for, as the owner typed them (not FTS syntax).
    pub search: String,
    pub platforms: Vec<Platform>,
    pub labels: Vec<Label>,
    pub statuses: Vec<MentionStatus>,
    #[ts(type = "number | null")]
    pub watch_id: Option<i64>,
    /// First day shown, `YYYY-MM-DD` (the owner's day), inclusive.
    pub from: Option<String>,
    /// Last day shown, `YYYY-MM-DD` (the owner's day), inclusive.
    pub to: Option<String>,
    pub sort: InboxSort,
    /// The owner's time zone, which cuts `from` and `to` into days: minutes
    /// east of UTC, as `-new Date().getTimezoneOffset()` gives it (0, UTC,
    /// when not given). Clamped to ±14 hours.
    pub utc_offset_minutes: i32,
}

/// The owner changed a mention's label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LabelCorrection {
    pub from: Option<Label>,
    pub to: Label,
    pub at: String,
}

/// A watch, by name, as a mention's detail lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WatchRef {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
}

/// Everything the mention detail pane shows.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MentionDetail {
    pub mention: Mention,
    pub watches: Vec<WatchRef>,
    pub corrections: Vec<LabelCorrection>,
    /// The source's label, if the source still exists.
    pub source_label: Option<String>,
    /// Outreach recorded from this mention, oldest first.
    pub outreach: Vec<Outreach>,
    /// Set when the author asked not to be contacted.
    pub do_not_contact: Option<DncEntry>,
}

/// The state of a source's credential. The secret itself never leaves the keyring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CredentialState {
    /// This source needs no credential.
    NotNeeded,
    /// A credential is stored in the OS keyring.
    Configured,
    /// The source needs a credential and none is stored.
    Missing,
    /// The platform refused the stored credential.
    Rejected,
}

/// A place Hearken listens: one platform account, feed or search.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Source {
    #[ts(type = "number")]
    pub id: i64,
    pub platform: Platform,
    pub label: String,
    /// Public address (feed URL, instance URL). None when the address is itself secret.
    pub base_url: Option<String>,
    pub settings: std::collections::BTreeMap<String, String>,
    pub credential: CredentialState,
    pub enabled: bool,
    /// True for the sources of the sample workspace: shown, never polled.
    pub sample: bool,
    #[ts(type = "number")]
    pub interval_secs: i64,
    pub last_ok_at: Option<String>,
    pub last_checked_at: Option<String>,
    pub last_error: Option<String>,
    #[ts(type = "number")]
    pub error_count: i64,
    pub next_check_at: Option<String>,
    #[ts(type = "number")]
    pub mention_count: i64,
    /// What this source has spent of a platform's allowance (X's paid post
    /// reads, YouTube's daily quota), when the platform rations it.
    pub usage: Option<SourceUsage>,
    /// True while Hearken is waiting for a platform's rate limit to reset.
    pub rate_limited_until: Option<String>,
}

/// Spending against a platform's allowance in the current period.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SourceUsage {
    /// "this month" or "today".
    pub period: String,
    #[ts(type = "number")]
    pub used: i64,
    #[ts(type = "number | null")]
    pub limit: Option<i64>,
    /// What a unit is: "$0.005 units (…)" for X, "quota units" for YouTube.
    pub unit: String,
    /// In plain words, e.g. "$1.25 of your $5.00 cap spent this month, on posts and their authors' profiles".
    pub summary: String,
}

/// What the owner fills in to add a source. `secret` goes straight to the keyring.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewSource {
    pub platform: Option<Platform>,
    pub label: String,
    pub url: Option<String>,
    #[serde(default)]
    pub settings: std::collections::BTreeMap<String, String>,
    pub secret: Option<String>,
    /// Further secrets some platforms need (keyed as in `PlatformInfo.fields`
    /// with `secret: true`); each goes to the keyring like `secret`.
    #[serde(default)]
    pub extra_secrets: std::collections::BTreeMap<String, String>,
}

/// One more thing a platform needs from the owner: an account id, a
/// handle, a spending cap, or (when `secret`) a second key for the keyring.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SettingField {
    pub key: String,
    pub label: String,
    /// Plain words on what it is and where to find it.
    pub help: String,
    pub required: bool,
    pub placeholder: Option<String>,
    /// Stored in the keyring, never in the database; shown as a password field.
    pub secret: bool,
}

/// What one platform needs, for the Sources screen's add form.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlatformInfo {
    pub platform: Platform,
    pub name: String,
    /// A connector exists in this version.
    pub available: bool,
    pub needs_url: bool,
    pub url_label: Option<String>,
    pub needs_secret: bool,
    /// The main secret may be left empty (e.g. Mastodon hashtags are public).
    pub secret_optional: bool,
    pub secret_label: Option<String>,
    /// Plain words on where to get the credential or address.
    pub how_to: String,
    /// Further settings this platform needs.
    pub fields: Vec<SettingField>,
    /// Uses the watches' terms to search (so it needs at least one watch).
    pub searches_watches: bool,
    /// What it costs or how it is rationed, when it is.
    pub cost_note: Option<String>,
}

/// The result of polling one source once.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PollReport {
    #[ts(type = "number")]
    pub source_id: i64,
    pub label: String,
    pub platform: Platform,
    pub ok: bool,
    /// Items the platform returned.
    #[ts(type = "number")]
    pub fetched: i64,
    /// Of those, mentions not seen before.
    #[ts(type = "number")]
    pub new_mentions: i64,
    /// The platform said nothing changed (HTTP 304).
    pub not_modified: bool,
    /// Stored mentions whose text the platform reported edited.
    #[ts(type = "number")]
    pub edited: i64,
    /// The request never got an answer because this computer seems offline.
    pub offline: bool,
    /// Plain-words error, when `ok` is false.
    pub error: Option<String>,
    /// What the check couldn't read although it worked (`ok`), in plain words.
    pub partial: Option<String>,
}

/// What "Test" found: what the platform answered, in plain words.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SourceTestReport {
    #[ts(type = "number")]
    pub source_id: i64,
    pub ok: bool,
    pub message: String,
    /// Title of the feed or account, when known.
    pub title: Option<String>,
    #[ts(type = "number")]
    pub items: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Theme {
    System,
    Light,
    Dark,
}

/// The owner's settings.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Settings {
    pub theme: Theme,
    pub business_name: String,
    /// How customers reach the business (phone, email, address), for the guide's handout.
    pub business_contact: String,
    /// A desktop notification when new complaints arrive.
    #[serde(default = "yes")]
    pub notify_complaints: bool,
    /// A desktop notification when new negative mentions arrive.
    #[serde(default = "yes")]
    pub notify_negative: bool,
    /// A desktop notification for every other new mention too (off unless
    /// the owner wants them: most mentions need no action).
    #[serde(default)]
    pub notify_new_mentions: bool,
    /// A tray icon showing how many mentions are unread, where the desktop has a tray.
    #[serde(default = "yes")]
    pub tray_unread: bool,
    /// A desktop notification when a follow-up the owner set on an outreach
    /// becomes due (the Outreach screen shows them either way).
    #[serde(default = "yes")]
    pub notify_follow_ups: bool,
}

/// What the shell needs at start-up.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub database_path: String,
    /// False when the OS keyring could not be reached; the message says why.
    pub keyring_available: bool,
    pub keyring_message: Option<String>,
    #[ts(type = "number")]
    pub mention_count: i64,
    #[ts(type = "number")]
    pub source_count: i64,
    #[ts(type = "number")]
    pub outreach_count: i64,
    pub sample_loaded: bool,
    pub settings: Settings,
    /// The desktop's interface font family, for the window's text (see
    /// `desktop_font`); None where the desktop sets none.
    pub ui_font: Option<String>,
}

/// What loading the sample workspace added.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DemoSummary {
    pub business_name: String,
    #[ts(type = "number")]
    pub sources: i64,
    #[ts(type = "number")]
    pub mentions: i64,
    #[ts(type = "number")]
    pub outreach: i64,
    /// False when the sample was already loaded (nothing was added twice).
    pub loaded_now: bool,
}

/// The payload of the `mentions-added` event.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MentionsAdded {
    #[ts(type = "number")]
    pub count: i64,
}

/// What Hearken listens for: a brand, product, handle or hashtag, with
/// terms that must also appear (include) or must not (exclude). Matching is
/// whole-word and ignores case and accents.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Watch {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    /// Any of these catches a mention ("Pedal & Pine", "@pedalpine", "#pedalandpine").
    pub terms: Vec<String>,
    /// When not empty, a mention must also contain one of these.
    pub include_terms: Vec<String>,
    /// A mention containing any of these is not caught.
    pub exclude_terms: Vec<String>,
    /// Why the business listens for this (shown in privacy exports).
    pub purpose: String,
    /// The legitimate-interests note: the business's interest in listening.
    pub legitimate_interests: Option<String>,
    /// Why listening is needed for that purpose (and nothing less would do).
    pub necessity: Option<String>,
    /// Why it does not override the people's own interests (public posts, service only…).
    pub balance: Option<String>,
    /// Purpose and the whole note are recorded; a watch catches nothing until they are.
    pub notes_complete: bool,
    pub enabled: bool,
    #[ts(type = "number")]
    pub mention_count: i64,
}

/// What the owner fills in to add or change a watch.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewWatch {
    pub name: String,
    pub terms: Vec<String>,
    #[serde(default)]
    pub include_terms: Vec<String>,
    #[serde(default)]
    pub exclude_terms: Vec<String>,
    pub purpose: String,
    pub legitimate_interests: Option<String>,
    #[serde(default)]
    pub necessity: Option<String>,
    #[serde(default)]
    pub balance: Option<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

/// Whether the scheduler is polling, and why not when it isn't.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PollingStatus {
    /// False when the last checks found no network; polling pauses quietly.
    pub online: bool,
    pub last_cycle_at: Option<String>,
    /// Plain words for the status bar.
    pub message: Option<String>,
}

/// How far back the Dashboard looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum DashboardRange {
    /// The last 30 days, today included, one bar a day.
    #[default]
    #[serde(rename = "30d")]
    Days30,
    /// The last 90 days, one bar a day.
    #[serde(rename = "90d")]
    Days90,
    /// The last 52 weeks, one bar a week.
    #[serde(rename = "1y")]
    Year,
    /// Since the first mention, one bar a week.
    #[serde(rename = "all")]
    All,
}

/// What the Dashboard shows. Days and weeks are the owner's: the UI passes
/// its offset from UTC, and a day runs from local midnight to midnight at
/// that offset (a daylight-saving change inside the range shifts the older
/// days' edges by the hour of the change; counts move by a handful at most).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct DashboardQuery {
    pub range: DashboardRange,
    /// Only this platform's mentions.
    pub platform: Option<Platform>,
    /// Only the mentions this watch caught.
    #[ts(type = "number | null")]
    pub watch_id: Option<i64>,
    /// Minutes east of UTC, as `-new Date().getTimezoneOffset()` gives it
    /// (60 in Paris in winter, -300 in New York). Clamped to ±14 hours.
    pub utc_offset_minutes: i32,
}

/// One bar of the chart: a day or a (Monday-first) week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BucketSize {
    Day,
    Week,
}

/// How many mentions carry each label. `unscored`: not yet scored by triage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LabelCounts {
    #[ts(type = "number")]
    pub complaint: i64,
    #[ts(type = "number")]
    pub negative: i64,
    #[ts(type = "number")]
    pub neutral: i64,
    #[ts(type = "number")]
    pub positive: i64,
    #[ts(type = "number")]
    pub unscored: i64,
}

impl LabelCounts {
    pub fn total(&self) -> i64 {
        self.complaint + self.negative + self.neutral + self.positive + self.unscored
    }
    /// Complaints and negative mentions.
    pub fn unhappy(&self) -> i64 {
        self.complaint + self.negative
    }
}

/// The mentions of one day or week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DashboardBucket {
    /// The bucket's first day, `YYYY-MM-DD`, in the owner's time zone.
    pub start: String,
    /// That day's local midnight, as seconds since 1970 (the chart's x).
    #[ts(type = "number")]
    pub start_unix: i64,
    #[ts(type = "number")]
    pub total: i64,
    pub labels: LabelCounts,
    /// Mean VADER compound (-1 to 1) of the scored mentions; None when none is scored.
    pub mean_sentiment: Option<f64>,
}

/// Mentions on one platform in the range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlatformCount {
    pub platform: Platform,
    #[ts(type = "number")]
    pub total: i64,
    /// Complaints and negative mentions.
    #[ts(type = "number")]
    pub unhappy: i64,
}

/// Mentions one watch caught in the range (a mention caught by two watches counts for both).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WatchCount {
    #[ts(type = "number")]
    pub watch_id: i64,
    pub name: String,
    #[ts(type = "number")]
    pub total: i64,
    #[ts(type = "number")]
    pub unhappy: i64,
}

/// Everything the Dashboard shows, for one range and filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Dashboard {
    pub range: DashboardRange,
    pub bucket: BucketSize,
    /// First and last day covered, `YYYY-MM-DD`, local.
    pub from: String,
    pub to: String,
    /// Every day or week from `from` to `to`, oldest first, empty ones included.
    pub buckets: Vec<DashboardBucket>,
    /// Mentions in the range (with the filters).
    #[ts(type = "number")]
    pub total: i64,
    pub labels: LabelCounts,
    /// Mean sentiment over the whole range; None when nothing is scored.
    pub mean_sentiment: Option<f64>,
    /// Most mentions first.
    pub by_platform: Vec<PlatformCount>,
    /// Most mentions first; watches that caught nothing in the range are
    /// left out. Narrowed by the platform, never by the watch chosen: this
    /// compares the watches.
    pub by_watch: Vec<WatchCount>,
    /// Complaints still new or needing a reply, whenever they were posted
    /// (an old complaint left open is still open), with the filters.
    #[ts(type = "number")]
    pub open_complaints: i64,
    /// Median time from a mention to the business's first contact about it
    /// (the earliest outbound outreach not merely planned, at or after the
    /// post), over the range's mentions that were contacted. None when none was.
    #[ts(type = "number | null")]
    pub median_first_contact_secs: Option<i64>,
    /// How many contacted mentions that median is over.
    #[ts(type = "number")]
    pub contacted: i64,
    /// False when the database holds no mention at all (the empty state).
    pub any_mentions: bool,
}

// ───────────────────────── Outreach and privacy (#5) ─────────────────────────
//
// Commands (thin, over Workspace methods of the same meaning):
//   outreach_check(draft: NewOutreach) -> OutreachCheck
//   outreach_draft(mention_id: number|null, platform, handle, template_id: number|null) -> OutreachDraft
//   outreach_log(draft: NewOutreach) -> Outreach            (refuses do-not-contact; refuses
//                                                            unacknowledged warnings with code "needs_confirmation")
//   outreach_update(id, change: OutreachChange) -> Outreach (adds revisions and an audit entry)
//   outreach_history(id) -> OutreachRevision[]
//   outreach_query(query: OutreachQuery) -> OutreachList
//   outreach_export(format: ExportFormat, dir: string|null) -> string   (the file written)
//   templates_list() -> OutreachTemplate[] ; template_save(t: NewTemplate) -> OutreachTemplate ; template_delete(id)
//   person_timeline(platform, handle) -> PersonTimeline
//   person_link(a: HandleRef, b: HandleRef) -> PersonTimeline ; person_unlink(h: HandleRef) -> PersonTimeline
//   dnc_add(entry: NewDnc) -> DncEntry ; dnc_list() -> DncEntry[] ; dnc_remove(id)
//   privacy_overview() -> PrivacyOverview
//   privacy_settings_save(p: PrivacySettings) -> PrivacySettings
//   purge_preview() -> PurgePlan ; purge_run() -> PurgeReport
//   requests_list() -> PrivacyRequest[] ; request_add(r: NewPrivacyRequest) -> PrivacyRequest
//   privacy_export(request_id, dir: string|null) -> AccessExport
//   privacy_erase(request_id) -> ErasureReport
//   audit_list(before: number|null, limit) -> AuditEntry[] ; audit_verify() -> AuditVerification
//   privacy_notes_export(dir: string|null) -> string         (the watches' legitimate-interests notes, HTML)
// Events: "outreach-changed" (after log/update), "follow-up-due" (payload: number of due follow-ups).

/// How the business reached (or will reach) the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Channel {
    PublicReply,
    DirectMessage,
    Email,
    Phone,
    InPerson,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::PublicReply,
        Channel::DirectMessage,
        Channel::Email,
        Channel::Phone,
        Channel::InPerson,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::PublicReply => "public_reply",
            Channel::DirectMessage => "direct_message",
            Channel::Email => "email",
            Channel::Phone => "phone",
            Channel::InPerson => "in_person",
        }
    }
    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }
    /// Direct messages and email are electronic mail to marketing law: service only.
    pub fn is_private_message(self) -> bool {
        matches!(self, Channel::DirectMessage | Channel::Email)
    }
}

/// Where an outreach stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OutreachStatus {
    Planned,
    Sent,
    Replied,
    Resolved,
    NoResponse,
    Declined,
}

impl OutreachStatus {
    pub const ALL: [OutreachStatus; 6] = [
        OutreachStatus::Planned,
        OutreachStatus::Sent,
        OutreachStatus::Replied,
        OutreachStatus::Resolved,
        OutreachStatus::NoResponse,
        OutreachStatus::Declined,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            OutreachStatus::Planned => "planned",
            OutreachStatus::Sent => "sent",
            OutreachStatus::Replied => "replied",
            OutreachStatus::Resolved => "resolved",
            OutreachStatus::NoResponse => "no_response",
            OutreachStatus::Declined => "declined",
        }
    }
    pub fn parse(s: &str) -> Option<OutreachStatus> {
        OutreachStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }
    /// Closed outreach falls under the closed-outreach retention period.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            OutreachStatus::Resolved | OutreachStatus::NoResponse | OutreachStatus::Declined
        )
    }
}

/// A person's handle on one platform.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HandleRef {
    pub platform: Platform,
    pub handle: String,
}

/// One recorded contact with a customer.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Outreach {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number | null")]
    pub mention_id: Option<i64>,
    pub platform: Platform,
    pub handle: String,
    pub channel: Channel,
    pub message: String,
    pub status: OutreachStatus,
    /// When it happened (or is planned for), RFC 3339.
    pub occurred_at: String,
    pub follow_up_at: Option<String>,
    pub outcome: Option<String>,
    pub notes: Option<String>,
    /// The transparency notice was given with this contact.
    pub notice_given: bool,
    /// This was the first contact with the person and it went without the notice.
    pub notice_missing: bool,
    /// Words that read as promotion, when the channel is a DM or email.
    pub promotional_words: Vec<String>,
    /// A follow-up date has passed and the outreach is not closed.
    pub follow_up_due: bool,
    /// Changes in its history (one per field changed); see `outreach_history`.
    #[ts(type = "number")]
    pub revisions: i64,
    pub created_at: String,
    pub updated_at: Option<String>,
}

/// A warning the owner must see, and acknowledge, before an outreach is logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OutreachWarning {
    /// First contact with this person, and the notice is not included.
    NoticeMissing,
    /// A DM or email reads as promotion (discounts, offers, "buy").
    Promotional,
}

/// What the owner fills in to record an outreach: from a mention, or a handle.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewOutreach {
    #[ts(type = "number | null")]
    pub mention_id: Option<i64>,
    /// Needed without a mention; taken from the mention otherwise.
    pub platform: Option<Platform>,
    pub handle: Option<String>,
    pub channel: Channel,
    pub message: String,
    pub status: OutreachStatus,
    /// Defaults to now. Not in the future unless the status is planned.
    /// RFC 3339 (any offset), or `YYYY-MM-DD` (today means now, another day noon UTC).
    pub occurred_at: Option<String>,
    /// Must not be in the past when given. RFC 3339, or `YYYY-MM-DD` (09:00 UTC that day; today is allowed).
    pub follow_up_at: Option<String>,
    pub outcome: Option<String>,
    pub notes: Option<String>,
    pub notice_given: bool,
    /// The warnings the owner saw and chose to go on with.
    #[serde(default)]
    pub acknowledged: Vec<OutreachWarning>,
}

/// What Hearken says about a draft before it is logged.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutreachCheck {
    /// Who it is to. When that can't be told yet (no handle, an unknown
    /// mention), `handle` is empty and `problems` says why.
    pub person: HandleRef,
    /// No earlier outreach to this person (or any handle linked to them).
    pub first_contact: bool,
    /// Set when the person asked not to be contacted: logging is refused.
    pub do_not_contact: Option<DncEntry>,
    pub warnings: Vec<OutreachWarning>,
    /// The promotional words found, for the Promotional warning.
    pub promotional_words: Vec<String>,
    /// Plain-words problems with the form (empty message, follow-up in the past…).
    pub problems: Vec<String>,
}

/// A message written from a template, with the notice for a first contact.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutreachDraft {
    pub message: String,
    /// The transparency notice filled in for this person and post.
    pub notice: String,
    pub first_contact: bool,
    pub do_not_contact: Option<DncEntry>,
}

/// A change to an outreach record; None leaves a field as it is.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutreachChange {
    pub status: Option<OutreachStatus>,
    pub channel: Option<Channel>,
    pub message: Option<String>,
    /// Some("") clears it.
    pub follow_up_at: Option<String>,
    pub outcome: Option<String>,
    pub notes: Option<String>,
    pub notice_given: Option<bool>,
    #[serde(default)]
    pub acknowledged: Vec<OutreachWarning>,
}

/// One field's change to an outreach record.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutreachRevision {
    pub changed_at: String,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutreachQuery {
    #[serde(default)]
    pub statuses: Vec<OutreachStatus>,
    #[serde(default)]
    pub channels: Vec<Channel>,
    /// Only those whose follow-up date has passed and that are not closed.
    #[serde(default)]
    pub due_only: bool,
    pub person: Option<HandleRef>,
    #[ts(type = "number | null")]
    pub limit: Option<i64>,
    #[ts(type = "number | null")]
    pub offset: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutreachList {
    /// Newest first.
    pub items: Vec<Outreach>,
    #[ts(type = "number")]
    pub total: i64,
    /// Follow-ups due now, whatever the filters.
    #[ts(type = "number")]
    pub due: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExportFormat {
    Csv,
    Json,
}

/// A message template. Placeholders: {name}, {handle}, {platform}, {business}, {link}.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutreachTemplate {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub body: String,
    pub builtin: bool,
    /// Words that would be flagged in a DM or email.
    pub promotional_words: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewTemplate {
    #[ts(type = "number | null")]
    pub id: Option<i64>,
    pub name: String,
    pub body: String,
}

/// One thing in a person's timeline.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum TimelineEntry {
    Mention { at: String, mention: Mention },
    Outreach { at: String, outreach: Outreach },
}

/// Every mention and outreach for one person, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PersonTimeline {
    /// The handle asked for first, then the handles linked to it.
    pub handles: Vec<HandleRef>,
    pub do_not_contact: Option<DncEntry>,
    pub entries: Vec<TimelineEntry>,
}

/// A do-not-contact entry. After erasure only the keyed hash is left, so
/// platform and handle are None and `erased` is true.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DncEntry {
    #[ts(type = "number")]
    pub id: i64,
    pub platform: Option<Platform>,
    pub handle: Option<String>,
    pub reason: String,
    pub since: String,
    pub erased: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewDnc {
    pub platform: Platform,
    pub handle: String,
    /// Defaults to "Asked us to stop".
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PurgeMode {
    Delete,
    Anonymise,
}

/// How long Hearken keeps what, and what the daily purge does.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PrivacySettings {
    /// Mentions nobody acted on (no outreach, not waiting for a reply). Default 90.
    pub mention_days: u32,
    /// Outreach closed (resolved, no response, declined) this long ago. Default 730.
    pub outreach_days: u32,
    pub mode: PurgeMode,
    /// The transparency notice. Placeholders: {platform}, {business}, {days}, {contact}.
    pub notice_template: String,
}

/// What a purge would remove (or anonymise) now.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PurgePlan {
    pub mode: PurgeMode,
    #[ts(type = "number")]
    pub mentions: i64,
    #[ts(type = "number")]
    pub outreach: i64,
    pub mentions_before: String,
    pub outreach_before: String,
    /// A few of the mentions that would go, for the preview (newest first).
    pub sample: Vec<Mention>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PurgeReport {
    pub mode: PurgeMode,
    #[ts(type = "number")]
    pub mentions: i64,
    #[ts(type = "number")]
    pub outreach: i64,
    pub ran_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RequestKind {
    Access,
    Erasure,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RequestState {
    Open,
    Done,
}

/// A person's request to see (access) or remove (erasure) their data.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PrivacyRequest {
    #[ts(type = "number")]
    pub id: i64,
    pub kind: RequestKind,
    pub platform: Platform,
    /// None once the person's data is erased.
    pub handle: Option<String>,
    /// `YYYY-MM-DD`.
    pub received_on: String,
    /// One calendar month after it was received, `YYYY-MM-DD`.
    pub due_on: String,
    pub state: RequestState,
    pub overdue: bool,
    pub completed_at: Option<String>,
    /// What was done, in words ("Exported 12 mentions and 2 outreach records").
    pub result: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewPrivacyRequest {
    pub kind: RequestKind,
    pub platform: Platform,
    pub handle: String,
    /// `YYYY-MM-DD`; defaults to today.
    pub received_on: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AccessExport {
    pub json_path: String,
    pub html_path: String,
    pub request: PrivacyRequest,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ErasureReport {
    #[ts(type = "number")]
    pub mentions: i64,
    #[ts(type = "number")]
    pub outreach: i64,
    #[ts(type = "number")]
    pub corrections: i64,
    /// Kept in minimal form (a keyed hash) so the objection keeps being honoured.
    pub do_not_contact_kept: bool,
    pub request: PrivacyRequest,
}

/// One link in the append-only, hash-chained audit trail.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub id: i64,
    pub at: String,
    pub actor: String,
    /// outreach_logged, outreach_changed, export, access_export, erasure, purge,
    /// dnc_added, dnc_removed, setting_changed, request_added…
    pub action: String,
    /// What it is about: an id or a keyed hash, never a handle or a message.
    pub subject: Option<String>,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditVerification {
    pub ok: bool,
    #[ts(type = "number")]
    pub entries: i64,
    /// The id of the first entry whose link is broken (edited, deleted or inserted).
    #[ts(type = "number | null")]
    pub first_broken: Option<i64>,
    pub message: String,
}

/// What the Privacy screen opens with.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PrivacyOverview {
    pub settings: PrivacySettings,
    pub do_not_contact: Vec<DncEntry>,
    pub requests: Vec<PrivacyRequest>,
    pub plan: PurgePlan,
    pub last_purge: Option<PurgeReport>,
    /// Watches that cannot poll until their note is complete.
    pub watches_missing_notes: Vec<WatchRef>,
    #[ts(type = "number")]
    pub audit_entries: i64,
}

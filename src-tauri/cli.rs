//! The command line: the same core as the window, for scripts and tests.
//! Results go to stdout (`--json` for machines), errors to stderr with a
//! non-zero exit code. Secrets come from stdin or a prompt, never from argv.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{NewSource, Platform};
use crate::workspace::Workspace;
use crate::{demo, paths, secrets};

/// Exit codes scripts can rely on.
pub mod exit {
    pub const OK: i32 = 0;
    pub const ERROR: i32 = 1;
    /// clap's own code for a malformed command line.
    pub const USAGE: i32 = 2;
    /// `poll` ran, but at least one source failed (the report says which).
    pub const SOME_SOURCES_FAILED: i32 = 3;
    /// `privacy verify` found the audit trail broken (the message names where).
    pub const AUDIT_BROKEN: i32 = 4;
}

#[derive(Debug, Parser)]
#[command(
    name = "hearken",
    version,
    about = "Hearken: listen for what customers say about your business, and follow up by the rules.",
    long_about = "Hearken: listen for what customers say about your business, and follow up by the rules.\n\nWith no command, opens the Hearken window."
)]
pub struct Cli {
    /// Folder for Hearken's data (default: the OS data folder; or set HEARKEN_DATA_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print results as JSON.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add, list, test and remove the places Hearken listens.
    #[command(subcommand)]
    Source(SourceCommand),
    /// Check sources for new mentions.
    Poll {
        /// Check every enabled source once, print what was found, and exit.
        #[arg(long)]
        once: bool,
    },
    /// Read stored mentions.
    #[command(subcommand)]
    Mentions(MentionsCommand),
    /// What Hearken listens for: names, products, handles, hashtags.
    #[command(subcommand)]
    Watch(WatchCommand),
    /// Load the sample workspace (a fictional bike shop) to explore Hearken.
    Demo,
    /// The customer privacy-settings guide.
    #[command(subcommand)]
    Guide(GuideCommand),
    /// Score text offline: sentiment, complaint, label, reasons.
    #[command(subcommand)]
    Triage(TriageCommand),
    /// Record contacts with customers, list them, export the log.
    #[command(subcommand)]
    Outreach(OutreachCommand),
    /// Privacy: do-not-contact, access and erasure requests, retention, the audit trail.
    #[command(subcommand)]
    Privacy(PrivacyCommand),
    /// Write everything Hearken holds (except credentials) to a JSON file.
    Export {
        /// File to write, or - for standard output.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum SourceCommand {
    /// Add a source. Its key, if it needs one, is read from stdin or a prompt.
    Add {
        /// rss, google_alerts, x, facebook, instagram, youtube, reddit, mastodon, bluesky, hacker_news, google_reviews, trustpilot or yelp.
        #[arg(long)]
        platform: String,
        /// A name you'll recognise.
        #[arg(long)]
        label: String,
        /// The feed or instance address, for platforms that need one.
        #[arg(long)]
        url: Option<String>,
        /// A platform setting, as name=value (repeatable).
        #[arg(long = "setting", value_name = "NAME=VALUE")]
        settings: Vec<String>,
        /// Read the key from standard input instead of prompting. The first
        /// line is the key; for platforms that need more keys, each further
        /// line is NAME=VALUE.
        #[arg(long)]
        secret_stdin: bool,
    },
    /// Save a new key for a source (after the platform refused the old one).
    /// Read from standard input like `source add --secret-stdin`, or prompted.
    Key {
        id: i64,
        #[arg(long)]
        secret_stdin: bool,
    },
    /// List sources with their health.
    List,
    /// Ask the platform and say in plain words what it answered; stores nothing.
    Test { id: i64 },
    /// Remove a source and its key. Its mentions are kept.
    Remove { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum WatchCommand {
    /// Add a watch.
    Add {
        /// A short name, like "Shop name".
        #[arg(long)]
        name: String,
        /// A word or phrase to listen for (repeatable): a name, @handle or #hashtag.
        #[arg(long = "term", required = true)]
        terms: Vec<String>,
        /// Only keep mentions that also contain one of these (repeatable).
        #[arg(long = "include")]
        include: Vec<String>,
        /// Never keep mentions that contain one of these (repeatable).
        #[arg(long = "exclude")]
        exclude: Vec<String>,
        /// Why you listen for this, in a sentence (kept for privacy records).
        #[arg(long)]
        purpose: String,
        /// Legitimate-interests note: the business's interest in listening.
        #[arg(long)]
        legitimate_interests: Option<String>,
        /// Why listening is necessary for that purpose.
        #[arg(long)]
        necessity: Option<String>,
        /// Why it does not override the people's own interests.
        #[arg(long)]
        balance: Option<String>,
    },
    /// Write or change a watch's purpose and legitimate-interests note
    /// (a watch listens only once the whole note is written).
    Note {
        id: i64,
        #[arg(long)]
        purpose: Option<String>,
        /// The business's interest in listening.
        #[arg(long)]
        legitimate_interests: Option<String>,
        /// Why listening is necessary for that purpose.
        #[arg(long)]
        necessity: Option<String>,
        /// Why it does not override the people's own interests.
        #[arg(long)]
        balance: Option<String>,
    },
    /// List watches with how many mentions each caught.
    List,
    /// Remove a watch. Mentions it caught are kept.
    Remove { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum PrivacyCommand {
    /// People who asked not to be contacted.
    #[command(subcommand)]
    Dnc(DncCommand),
    /// Record an access request for HANDLE and answer it: everything held
    /// about them, as JSON and as a readable page, in one folder.
    Export {
        /// The platform the handle is on, e.g. x, reddit, mastodon.
        #[arg(long)]
        platform: String,
        handle: String,
        /// Folder to write to (default: your Downloads folder).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// The day the request was received (default: today); it is due a calendar month later.
        #[arg(long, value_name = "YYYY-MM-DD")]
        received: Option<String>,
    },
    /// Record an erasure request for HANDLE and erase everything held about
    /// them, beyond recovery from the database file. A do-not-contact entry
    /// stays as a fingerprint, so it is still honoured.
    Erase {
        #[arg(long)]
        platform: String,
        handle: String,
        /// Confirm without being asked (needed when not at a terminal).
        #[arg(long)]
        yes: bool,
        /// The day the request was received (default: today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        received: Option<String>,
    },
    /// Purge the mentions and closed outreach past their retention periods.
    Purge {
        /// Only say what would go.
        #[arg(long)]
        dry_run: bool,
    },
    /// Check that the audit trail is intact; exit code 4 names the first broken entry.
    Verify,
    /// Access and erasure requests, newest first, with their due dates.
    Requests,
    /// Write every watch's purpose and legitimate-interests note as a web page.
    Notes {
        /// Folder to write to (default: your Downloads folder).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DncCommand {
    /// Add a person (their handle on a platform) to the do-not-contact list.
    Add {
        #[arg(long)]
        platform: String,
        handle: String,
        /// Why, in a few words (default: "Asked us to stop").
        #[arg(long)]
        reason: Option<String>,
    },
    /// The do-not-contact list, newest first.
    List,
    /// Take an entry off the list (the person asked to hear from you again).
    Remove { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum GuideCommand {
    /// List the guides with their steps.
    List,
    /// Write the printable checklist (a web page) for the chosen apps or goal.
    Handout {
        /// Comma-separated: facebook, instagram, x, youtube_google, tiktok, whatsapp, linkedin, reddit, google_maps.
        #[arg(long, value_delimiter = ',')]
        platforms: Vec<String>,
        /// lockdown, findability or posts.
        #[arg(long)]
        goal: Option<String>,
        /// File to write, or - for standard output.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutreachCommand {
    /// Record a contact with a customer, from a mention or a handle.
    /// Refused for anyone on the do-not-contact list, on every channel.
    Log {
        /// The mention this is about (see `hearken mentions list`); the
        /// person is its author.
        #[arg(long, value_name = "ID")]
        mention: Option<i64>,
        /// The person's platform, without --mention.
        #[arg(long)]
        platform: Option<String>,
        /// The person's handle, without --mention.
        #[arg(long)]
        handle: Option<String>,
        /// public_reply, direct_message, email, phone or in_person.
        #[arg(long)]
        channel: String,
        /// planned, sent, replied, resolved, no_response or declined.
        #[arg(long)]
        status: String,
        /// The message, as sent (or to send).
        #[arg(long, conflicts_with = "message_stdin")]
        message: Option<String>,
        /// Read the message from standard input.
        #[arg(long)]
        message_stdin: bool,
        /// When to check back: YYYY-MM-DD or an RFC 3339 time. Not in the past.
        #[arg(long, value_name = "DATE")]
        follow_up: Option<String>,
        /// When it happened (default: now): YYYY-MM-DD or an RFC 3339 time.
        #[arg(long, value_name = "DATE")]
        at: Option<String>,
        #[arg(long)]
        outcome: Option<String>,
        #[arg(long)]
        notes: Option<String>,
        /// The transparency notice was included (where the post was seen,
        /// what is kept, how to opt out).
        #[arg(long)]
        notice: bool,
        /// Record it even with warnings (a first contact without the notice,
        /// a DM or email that reads as promotion). The record keeps showing them.
        #[arg(long)]
        confirm_warnings: bool,
    },
    /// The outreach log, newest first. Every filter narrows; a repeated
    /// filter means any of its values.
    List {
        /// Only this status (repeatable).
        #[arg(long = "status", value_name = "STATUS")]
        statuses: Vec<String>,
        /// Only this channel (repeatable).
        #[arg(long = "channel", value_name = "CHANNEL")]
        channels: Vec<String>,
        /// Only follow-ups that are due (the date has passed, not closed).
        #[arg(long)]
        due: bool,
        /// Only this person (and the handles linked to them); needs --platform.
        #[arg(long, requires = "platform")]
        handle: Option<String>,
        #[arg(long, requires = "handle")]
        platform: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
    /// Write the whole log to outreach-YYYY-MM-DD.csv or .json.
    Export {
        /// csv or json.
        #[arg(long)]
        format: String,
        /// Folder to write into (default: Downloads, else the data folder).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TriageCommand {
    /// Read one text per line on stdin; write one JSON object per line
    /// (compound, pos, neu, neg, complaint, label, concern, reasons).
    /// Needs no data folder and stores nothing.
    Score,
}

#[derive(Debug, Subcommand)]
pub enum MentionsCommand {
    /// Newest first.
    List {
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Search and filter, as the Inbox does. Every filter narrows; a
    /// repeated filter means any of its values.
    Search {
        /// Words to find in the text or the author's name or handle (all of
        /// them; the last may be the start of a word).
        words: Vec<String>,
        /// Only this platform (repeatable), e.g. x, reddit, google_reviews.
        #[arg(long = "platform", value_name = "PLATFORM")]
        platforms: Vec<String>,
        /// Only this label (repeatable): complaint, negative, neutral or positive.
        #[arg(long = "label", value_name = "LABEL")]
        labels: Vec<String>,
        /// Only this status (repeatable): new, needs_reply, contacted, resolved or ignored.
        #[arg(long = "status", value_name = "STATUS")]
        statuses: Vec<String>,
        /// Only mentions this watch caught (see `hearken watch list`).
        #[arg(long, value_name = "ID")]
        watch: Option<i64>,
        /// First day, YYYY-MM-DD, included.
        #[arg(long, value_name = "DAY")]
        from: Option<String>,
        /// Last day, YYYY-MM-DD, included.
        #[arg(long, value_name = "DAY")]
        to: Option<String>,
        /// Your time zone, which cuts --from and --to into days: minutes east
        /// of UTC (60 for Paris in winter, -300 for New York). UTC if not given.
        #[arg(
            long,
            value_name = "MINUTES",
            default_value_t = 0,
            allow_hyphen_values = true
        )]
        utc_offset: i32,
        /// newest, or unhappy (most unhappy first).
        #[arg(long, default_value = "newest")]
        sort: String,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Move mentions along the workflow: new, needs_reply, contacted, resolved or ignored.
    Status {
        #[arg(required = true, value_name = "ID")]
        ids: Vec<i64>,
        #[arg(long, value_name = "STATUS")]
        set: String,
    },
    /// Correct a mention's label: complaint, negative, neutral or positive.
    /// What triage said is kept, and re-scoring never overwrites your label.
    Label {
        id: i64,
        #[arg(long, value_name = "LABEL")]
        set: String,
    },
}

fn parse_label(s: &str) -> Result<crate::model::Label> {
    crate::model::Label::parse(s).ok_or_else(|| {
        Error::invalid(format!(
            "\"{}\" isn't a label. Use complaint, negative, neutral or positive.",
            s.chars().take(40).collect::<String>()
        ))
    })
}

fn parse_status(s: &str) -> Result<crate::model::MentionStatus> {
    let norm = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    crate::model::MentionStatus::parse(&norm).ok_or_else(|| {
        Error::invalid(format!(
            "\"{}\" isn't a status. Use new, needs_reply, contacted, resolved or ignored.",
            s.chars().take(40).collect::<String>()
        ))
    })
}

fn parse_platform(s: &str) -> Result<Platform> {
    Platform::parse(s).ok_or_else(|| {
        Error::invalid(format!(
            "\"{}\" isn't a platform Hearken knows. Use one of: {}.",
            s.chars().take(40).collect::<String>(),
            Platform::ALL.map(|p| p.as_str()).join(", ")
        ))
    })
}

fn check_limit(limit: i64) -> Result<()> {
    if !(1..=crate::store::mentions::MAX_PAGE).contains(&limit) {
        return Err(Error::invalid(format!(
            "--limit must be between 1 and {}.",
            crate::store::mentions::MAX_PAGE
        )));
    }
    Ok(())
}

/// What a watch's legitimate-interests note still lacks.
fn missing_notes(w: &crate::model::Watch) -> Vec<&'static str> {
    let empty = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
    let mut out = Vec::new();
    if w.purpose.trim().is_empty() {
        out.push("purpose");
    }
    if empty(&w.legitimate_interests) {
        out.push("legitimate interests");
    }
    if empty(&w.necessity) {
        out.push("necessity");
    }
    if empty(&w.balance) {
        out.push("balance");
    }
    out
}

/// One mention as a line: id, time, platform, label, status, who, text.
fn mention_line(m: &crate::model::Mention) -> String {
    let who = m
        .author_name
        .as_deref()
        .or(m.author_handle.as_deref())
        .unwrap_or("someone");
    let who: String = who.chars().take(20).collect();
    let text: String = m
        .text
        .replace(['\n', '\r'], " ")
        .chars()
        .take(100)
        .collect();
    format!(
        "{:>7}  {}  {:<14} {:<9} {:<11} {:<20} {}",
        m.id,
        m.created_at,
        m.platform.display_name(),
        m.label.map(|l| l.as_str()).unwrap_or("-"),
        m.status.as_str(),
        who,
        text
    )
}

/// Runs a subcommand and returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    let json = cli.json;
    let Some(command) = cli.command else {
        return exit::USAGE;
    };
    // A pure text filter: no data folder, no log file.
    if let Command::Triage(TriageCommand::Score) = command {
        return run_triage_score();
    }
    let data_dir = paths::data_dir(cli.data_dir);
    let _log = crate::logging::init(&data_dir);
    match execute(command, &data_dir, json) {
        Ok(code) => code,
        Err(e) => {
            if json {
                let body = crate::error::CommandError::from(e);
                eprintln!("{}", serde_json::to_string(&body).unwrap_or_default());
            } else {
                eprintln!("hearken: {e}");
            }
            exit::ERROR
        }
    }
}

fn execute(command: Command, data_dir: &std::path::Path, json: bool) -> Result<i32> {
    let ws = Workspace::open(data_dir)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(Error::internal)?;
    match command {
        Command::Source(SourceCommand::Add {
            platform,
            label,
            url,
            settings,
            secret_stdin,
        }) => {
            secrets::init_os_keyring();
            let platform = Platform::parse(&platform).ok_or_else(|| {
                Error::invalid(format!(
                    "\"{platform}\" isn't a platform Hearken knows. Use one of: {}.",
                    Platform::ALL.map(|p| p.as_str()).join(", ")
                ))
            })?;
            let settings = parse_settings(&settings)?;
            let info = crate::sources::catalog::info(platform);
            let (secret, extra_secrets) = read_secrets(&info, secret_stdin)?;
            let source = ws.add_source(NewSource {
                extra_secrets,
                platform: Some(platform),
                label,
                url,
                settings,
                secret,
            })?;
            print_out(json, &source, || {
                format!(
                    "Added source {} \"{}\" ({}).",
                    source.id,
                    source.label,
                    platform.display_name()
                )
            });
            Ok(exit::OK)
        }
        Command::Source(SourceCommand::Key { id, secret_stdin }) => {
            secrets::init_os_keyring();
            let source = ws.source(id)?;
            let info = crate::sources::catalog::info(source.platform);
            let (secret, extra) = read_secrets(&info, secret_stdin)?;
            let source = ws.replace_secret(id, secret, extra)?;
            print_out(json, &source, || {
                format!(
                    "Saved the new key for \"{}\" in your keyring; it will be checked shortly.",
                    source.label
                )
            });
            Ok(exit::OK)
        }
        Command::Watch(WatchCommand::Add {
            name,
            terms,
            include,
            exclude,
            purpose,
            legitimate_interests,
            necessity,
            balance,
        }) => {
            let watch = ws.add_watch(crate::model::NewWatch {
                name,
                terms,
                include_terms: include,
                exclude_terms: exclude,
                purpose,
                legitimate_interests,
                necessity,
                balance,
                enabled: true,
            })?;
            print_out(json, &watch, || {
                let mut line = format!(
                    "Added watch {} \"{}\": listening for {}.",
                    watch.id,
                    watch.name,
                    watch.terms.join(", ")
                );
                if !watch.notes_complete {
                    line = format!(
                        "Added watch {} \"{}\", paused: it catches nothing until its legitimate-interests note is complete ({} missing). Complete it with: hearken watch note {} --legitimate-interests \"…\" --necessity \"…\" --balance \"…\"",
                        watch.id,
                        watch.name,
                        missing_notes(&watch).join(", "),
                        watch.id
                    );
                }
                line
            });
            Ok(exit::OK)
        }
        Command::Watch(WatchCommand::Note {
            id,
            purpose,
            legitimate_interests,
            necessity,
            balance,
        }) => {
            let w = ws
                .list_watches()?
                .into_iter()
                .find(|w| w.id == id)
                .ok_or_else(|| Error::NotFound(format!("Watch {id}")))?;
            let watch = ws.update_watch(
                id,
                crate::model::NewWatch {
                    name: w.name,
                    terms: w.terms,
                    include_terms: w.include_terms,
                    exclude_terms: w.exclude_terms,
                    purpose: purpose.unwrap_or(w.purpose),
                    legitimate_interests: legitimate_interests.or(w.legitimate_interests),
                    necessity: necessity.or(w.necessity),
                    balance: balance.or(w.balance),
                    enabled: w.enabled,
                },
            )?;
            print_out(json, &watch, || {
                if watch.notes_complete {
                    format!(
                        "Watch {} \"{}\" has its whole note and listens.",
                        watch.id, watch.name
                    )
                } else {
                    format!(
                        "Saved. Watch {} \"{}\" stays paused until its note is complete ({} missing).",
                        watch.id,
                        watch.name,
                        missing_notes(&watch).join(", ")
                    )
                }
            });
            Ok(exit::OK)
        }
        Command::Watch(WatchCommand::List) => {
            let watches = ws.list_watches()?;
            print_out(json, &watches, || {
                if watches.is_empty() {
                    return "No watches yet. Add one with: hearken watch add --name \"Shop name\" --term \"Your Shop\" --purpose \"To answer customers who talk about the shop\"".into();
                }
                watches
                    .iter()
                    .map(|w| {
                        let mut line = format!(
                            "{:>4}  {:<24} {:>5} mentions  {}",
                            w.id,
                            w.name,
                            w.mention_count,
                            w.terms.join(", ")
                        );
                        if !w.exclude_terms.is_empty() {
                            line.push_str(&format!(" (not: {})", w.exclude_terms.join(", ")));
                        }
                        if !w.notes_complete {
                            line.push_str(&format!(
                                "  [paused: note incomplete, {} missing]",
                                missing_notes(w).join(", ")
                            ));
                        } else if !w.enabled {
                            line.push_str("  [switched off]");
                        }
                        line
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            Ok(exit::OK)
        }
        Command::Watch(WatchCommand::Remove { id }) => {
            ws.remove_watch(id)?;
            print_out(json, &serde_json::json!({"removed": id}), || {
                format!("Removed watch {id}. The mentions it caught are kept.")
            });
            Ok(exit::OK)
        }
        Command::Source(SourceCommand::List) => {
            let sources = ws.list_sources()?;
            print_out(json, &sources, || {
                if sources.is_empty() {
                    return "No sources yet. Add one with: hearken source add --platform rss --label NAME --url FEED-ADDRESS".into();
                }
                sources
                    .iter()
                    .map(|s| {
                        let mut health = match (&s.last_error, &s.last_ok_at) {
                            (Some(e), _) => format!("last error: {e}"),
                            (None, Some(ok)) => format!("last checked {ok}"),
                            (None, None) if s.sample => "sample, not connected".into(),
                            (None, None) => "not checked yet".into(),
                        };
                        if s.credential == crate::model::CredentialState::Rejected {
                            health = format!("needs new credentials ({health})");
                        }
                        if let Some(u) = &s.usage {
                            health.push_str(&format!("; {}", u.summary));
                        }
                        format!(
                            "{:>4}  {:<16} {:<40} {:>5} mentions  {}",
                            s.id,
                            s.platform.display_name(),
                            s.label,
                            s.mention_count,
                            health
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            Ok(exit::OK)
        }
        Command::Source(SourceCommand::Test { id }) => {
            secrets::init_os_keyring();
            let report = runtime.block_on(ws.poller.test_source(id))?;
            print_out(json, &report, || report.message.clone());
            Ok(if report.ok {
                exit::OK
            } else {
                exit::SOME_SOURCES_FAILED
            })
        }
        Command::Source(SourceCommand::Remove { id }) => {
            secrets::init_os_keyring();
            let source = ws.source(id)?;
            ws.remove_source(id)?;
            print_out(json, &serde_json::json!({"removed": id}), || {
                format!(
                    "Removed source {id} \"{}\" and its key. Its mentions are kept.",
                    source.label
                )
            });
            Ok(exit::OK)
        }
        Command::Poll { once } => {
            secrets::init_os_keyring();
            if !once {
                return Err(Error::invalid(
                    "Use `hearken poll --once` to check every source now. Regular checks run while the Hearken window is open.",
                ));
            }
            let reports = runtime.block_on(ws.poller.poll_all())?;
            let failed = reports.iter().any(|r| !r.ok);
            print_out(json, &reports, || {
                if reports.is_empty() {
                    return "No sources to check. Add one with `hearken source add`.".into();
                }
                reports
                    .iter()
                    .map(|r| match (&r.error, r.not_modified) {
                        (Some(e), _) => format!("{:>4}  {}: failed — {e}", r.source_id, r.label),
                        (None, true) => {
                            format!("{:>4}  {}: nothing new (unchanged)", r.source_id, r.label)
                        }
                        (None, false) => format!(
                            "{:>4}  {}: {} new of {} fetched{}{}",
                            r.source_id,
                            r.label,
                            r.new_mentions,
                            r.fetched,
                            if r.edited > 0 {
                                format!(", {} edited", r.edited)
                            } else {
                                String::new()
                            },
                            r.partial
                                .as_ref()
                                .map(|p| format!(" — but: {p}"))
                                .unwrap_or_default()
                        ),
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            Ok(if failed {
                exit::SOME_SOURCES_FAILED
            } else {
                exit::OK
            })
        }
        Command::Mentions(MentionsCommand::Search {
            words,
            platforms,
            labels,
            statuses,
            watch,
            from,
            to,
            utc_offset,
            sort,
            limit,
        }) => {
            check_limit(limit)?;
            let sort = match sort
                .trim()
                .to_ascii_lowercase()
                .replace(['-', ' '], "_")
                .as_str()
            {
                "newest" => crate::model::InboxSort::Newest,
                "unhappy" | "most_unhappy" => crate::model::InboxSort::MostUnhappy,
                _ => {
                    return Err(Error::invalid(format!(
                        "\"{}\" isn't an order. Use --sort newest or --sort unhappy.",
                        sort.chars().take(40).collect::<String>()
                    )))
                }
            };
            let query = crate::model::InboxQuery {
                search: words.join(" "),
                platforms: platforms
                    .iter()
                    .map(|p| parse_platform(p))
                    .collect::<Result<_>>()?,
                labels: labels
                    .iter()
                    .map(|l| parse_label(l))
                    .collect::<Result<_>>()?,
                statuses: statuses
                    .iter()
                    .map(|s| parse_status(s))
                    .collect::<Result<_>>()?,
                watch_id: watch,
                from,
                to,
                sort,
                utc_offset_minutes: utc_offset,
            };
            let page = ws.inbox_page(&query, None, limit)?;
            print_out(json, &page, || {
                if page.mentions.is_empty() {
                    return "No mentions match.".into();
                }
                let mut lines: Vec<String> = page.mentions.iter().map(mention_line).collect();
                let total = if page.total_capped {
                    format!("more than {}", page.total)
                } else {
                    page.total.to_string()
                };
                lines.push(format!(
                    "{} shown of {total} matching.",
                    page.mentions.len()
                ));
                lines.join("\n")
            });
            Ok(exit::OK)
        }
        Command::Mentions(MentionsCommand::Status { ids, set }) => {
            let status = parse_status(&set)?;
            let changed = ws.set_mentions_status(&ids, status)?;
            let asked = ids.iter().collect::<std::collections::BTreeSet<_>>().len() as i64;
            print_out(
                json,
                &serde_json::json!({"changed": changed, "status": status}),
                || {
                    let already = asked - changed;
                    let mut line = format!(
                        "Set {changed} mention{} to {}.",
                        if changed == 1 { "" } else { "s" },
                        status.as_str()
                    );
                    if already > 0 {
                        line.push_str(&format!(" {already} already had that status."));
                    }
                    line
                },
            );
            Ok(exit::OK)
        }
        Command::Mentions(MentionsCommand::Label { id, set }) => {
            let label = parse_label(&set)?;
            let detail = ws.correct_label(id, label)?;
            print_out(json, &detail, || {
                let triage = detail
                    .mention
                    .model_label
                    .map(|l| format!("triage said {}", l.as_str()))
                    .unwrap_or_else(|| "not scored by triage yet".into());
                format!(
                    "Mention {id} is now labelled {} ({triage}).",
                    label.as_str()
                )
            });
            Ok(exit::OK)
        }
        Command::Mentions(MentionsCommand::List { limit }) => {
            check_limit(limit)?;
            let page = ws.mentions_page(None, limit)?;
            print_out(json, &page, || {
                if page.mentions.is_empty() {
                    return "No mentions yet. Add a source, or try `hearken demo`.".into();
                }
                page.mentions
                    .iter()
                    .map(|m| {
                        let who = m
                            .author_name
                            .as_deref()
                            .or(m.author_handle.as_deref())
                            .unwrap_or("someone");
                        let text: String = m.text.replace('\n', " ").chars().take(100).collect();
                        format!(
                            "{}  {:<14} {:<20} {}",
                            m.created_at,
                            m.platform.display_name(),
                            who,
                            text
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            Ok(exit::OK)
        }
        Command::Demo => {
            let summary = demo::load(&ws)?;
            print_out(json, &summary, || {
                if summary.loaded_now {
                    format!(
                        "Loaded the sample workspace for {}: {} sources, {} mentions, {} outreach records.",
                        summary.business_name, summary.sources, summary.mentions, summary.outreach
                    )
                } else {
                    "The sample workspace is already loaded; nothing was added twice.".into()
                }
            });
            Ok(exit::OK)
        }
        Command::Guide(GuideCommand::List) => {
            let guides = crate::guide::guides(&ws.store, crate::clock::now().date())?;
            print_out(json, &guides, || {
                guides
                    .iter()
                    .map(|g| {
                        let mut lines = vec![format!(
                            "{} ({}): {} steps{}",
                            g.guide.name,
                            g.guide.platform,
                            g.guide.steps.len(),
                            if g.guide.may_be_out_of_date {
                                " — may be out of date"
                            } else {
                                ""
                            }
                        )];
                        for s in &g.guide.steps {
                            let hidden = if g.hidden.contains(&s.id) {
                                " (hidden)"
                            } else {
                                ""
                            };
                            lines.push(format!("  - {}{hidden}", s.title));
                        }
                        lines.join("\n")
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            Ok(exit::OK)
        }
        Command::Guide(GuideCommand::Handout {
            platforms,
            goal,
            out,
        }) => {
            let goal = match goal.as_deref() {
                None => None,
                Some(g) => Some(crate::guide::Goal::parse(g).ok_or_else(|| {
                    Error::invalid(format!(
                        "\"{g}\" isn't a goal. Use lockdown, findability or posts."
                    ))
                })?),
            };
            let handout = ws.guide_blank_handout(&platforms, goal)?;
            let html = crate::guide::handout::render_html(&handout);
            if out.as_os_str() == "-" {
                print!("{html}");
            } else {
                crate::workspace::write_new_file(&out, html.as_bytes())?;
                print_out(
                    json,
                    &serde_json::json!({"path": out, "steps": handout.to_do.len()}),
                    || {
                        format!(
                            "Wrote a checklist of {} steps for {} to {}.",
                            handout.to_do.len(),
                            handout.platforms.join(", "),
                            out.display()
                        )
                    },
                );
            }
            Ok(exit::OK)
        }
        Command::Triage(TriageCommand::Score) => Ok(run_triage_score()),
        Command::Outreach(cmd) => run_outreach(&ws, cmd, json),
        Command::Privacy(command) => run_privacy(&ws, command, json),
        Command::Export { out } => {
            let export = ws.export()?;
            let body = serde_json::to_string_pretty(&export).map_err(Error::internal)?;
            if out.as_os_str() == "-" {
                println!("{body}");
            } else {
                crate::workspace::write_new_file(&out, body.as_bytes())?;
                if !json {
                    println!(
                        "Exported {} mentions, {} label corrections and {} sources to {}.",
                        export.mentions.len(),
                        export.label_corrections.len(),
                        export.sources.len(),
                        out.display()
                    );
                }
            }
            Ok(exit::OK)
        }
    }
}

fn parse_channel(s: &str) -> Result<crate::model::Channel> {
    use crate::model::Channel;
    let norm = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    let norm = match norm.as_str() {
        "dm" | "direct" | "message" => "direct_message",
        "reply" | "public" => "public_reply",
        "in_store" | "face_to_face" => "in_person",
        other => other,
    };
    Channel::parse(norm).ok_or_else(|| {
        Error::invalid(format!(
            "\"{}\" isn't a channel. Use public_reply, direct_message, email, phone or in_person.",
            s.chars().take(40).collect::<String>()
        ))
    })
}

fn parse_outreach_status(s: &str) -> Result<crate::model::OutreachStatus> {
    let norm = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    crate::model::OutreachStatus::parse(&norm).ok_or_else(|| {
        Error::invalid(format!(
            "\"{}\" isn't an outreach status. Use planned, sent, replied, resolved, no_response or declined.",
            s.chars().take(40).collect::<String>()
        ))
    })
}

/// One outreach record as a line: id, when, platform, who, channel, status, message.
fn outreach_line(o: &crate::model::Outreach) -> String {
    let who: String = o.handle.chars().take(24).collect();
    let message: String = o
        .message
        .replace(['\n', '\r'], " ")
        .chars()
        .take(80)
        .collect();
    let mut flags = Vec::new();
    if o.follow_up_due {
        flags.push("follow-up due");
    }
    if o.notice_missing {
        flags.push("no notice");
    }
    if !o.promotional_words.is_empty() {
        flags.push("reads as promotion");
    }
    let flags = if flags.is_empty() {
        String::new()
    } else {
        format!(" [{}]", flags.join(", "))
    };
    format!(
        "{:>5}  {}  {:<14} {:<24} {:<14} {:<11}{flags} {message}",
        o.id,
        o.occurred_at,
        o.platform.display_name(),
        who,
        o.channel.as_str(),
        o.status.as_str(),
    )
}

fn run_outreach(ws: &Workspace, cmd: OutreachCommand, json: bool) -> Result<i32> {
    use crate::model::{NewOutreach, OutreachQuery, OutreachWarning};
    match cmd {
        OutreachCommand::Log {
            mention,
            platform,
            handle,
            channel,
            status,
            message,
            message_stdin,
            follow_up,
            at,
            outcome,
            notes,
            notice,
            confirm_warnings,
        } => {
            let message = if message_stdin {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s).map_err(|_| {
                    Error::invalid("The message on standard input isn't readable text.")
                })?;
                s
            } else {
                message.unwrap_or_default()
            };
            let draft = NewOutreach {
                mention_id: mention,
                platform: platform.as_deref().map(parse_platform).transpose()?,
                handle,
                channel: parse_channel(&channel)?,
                message,
                status: parse_outreach_status(&status)?,
                occurred_at: at,
                follow_up_at: follow_up,
                outcome,
                notes,
                notice_given: notice,
                acknowledged: if confirm_warnings {
                    vec![OutreachWarning::NoticeMissing, OutreachWarning::Promotional]
                } else {
                    Vec::new()
                },
            };
            let o = ws.log_outreach(&draft).map_err(|e| match e {
                Error::NeedsConfirmation(m) => Error::NeedsConfirmation(format!(
                    "{m} (From the command line: run it again with --confirm-warnings.)"
                )),
                other => other,
            })?;
            print_out(json, &o, || {
                let mut line = format!(
                    "Logged outreach {}: {} to {} on {} ({}).",
                    o.id,
                    o.channel.as_str(),
                    o.handle,
                    o.platform.display_name(),
                    o.status.as_str()
                );
                if o.notice_missing {
                    line.push_str(" It is a first contact without the privacy notice.");
                }
                if !o.promotional_words.is_empty() {
                    line.push_str(&format!(
                        " It reads as promotion ({}).",
                        o.promotional_words.join(", ")
                    ));
                }
                line
            });
            Ok(exit::OK)
        }
        OutreachCommand::List {
            statuses,
            channels,
            due,
            handle,
            platform,
            limit,
        } => {
            if !(1..=1000).contains(&limit) {
                return Err(Error::invalid("--limit must be between 1 and 1000."));
            }
            let person = match (platform, handle) {
                (Some(p), Some(h)) => Some(crate::model::HandleRef {
                    platform: parse_platform(&p)?,
                    handle: h,
                }),
                _ => None,
            };
            let query = OutreachQuery {
                statuses: statuses
                    .iter()
                    .map(|s| parse_outreach_status(s))
                    .collect::<Result<_>>()?,
                channels: channels
                    .iter()
                    .map(|c| parse_channel(c))
                    .collect::<Result<_>>()?,
                due_only: due,
                person,
                limit: Some(limit),
                offset: None,
            };
            let list = ws.query_outreach(&query)?;
            print_out(json, &list, || {
                let mut lines: Vec<String> = list.items.iter().map(outreach_line).collect();
                if lines.is_empty() {
                    lines.push("No outreach matches.".into());
                } else {
                    lines.push(format!(
                        "{} shown of {} matching.",
                        list.items.len(),
                        list.total
                    ));
                }
                if list.due > 0 {
                    lines.push(format!(
                        "{} follow-up{} due.",
                        list.due,
                        if list.due == 1 { " is" } else { "s are" }
                    ));
                }
                lines.join("\n")
            });
            Ok(exit::OK)
        }
        OutreachCommand::Export { format, dir } => {
            let format = crate::model::ExportFormat::parse(&format).ok_or_else(|| {
                Error::invalid(format!(
                    "\"{}\" isn't an export format. Use --format csv or --format json.",
                    format.chars().take(40).collect::<String>()
                ))
            })?;
            let path = ws.export_outreach(format, dir)?;
            print_out(json, &serde_json::json!({ "path": path }), || {
                format!("Wrote the outreach log to {}.", path.display())
            });
            Ok(exit::OK)
        }
    }
}

fn count_of(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn request_line(r: &crate::model::PrivacyRequest) -> String {
    let kind = match r.kind {
        crate::model::RequestKind::Access => "access",
        crate::model::RequestKind::Erasure => "erasure",
    };
    let state = match (r.state, r.overdue) {
        (crate::model::RequestState::Done, _) => format!(
            "done {}",
            r.completed_at
                .as_deref()
                .map(|t| &t[..t.len().min(10)])
                .unwrap_or("")
        ),
        (_, true) => "OVERDUE".to_string(),
        (_, false) => "open".to_string(),
    };
    format!(
        "{:>4}  {:<8} {:<14} {:<24} received {}  due {}  {}{}",
        r.id,
        kind,
        r.platform.display_name(),
        r.handle.as_deref().unwrap_or("(erased)"),
        r.received_on,
        r.due_on,
        state,
        r.result
            .as_deref()
            .map(|t| format!(" — {t}"))
            .unwrap_or_default()
    )
}

/// Asks at a terminal before an erasure; refuses without one.
fn confirm_erasure(platform: Platform, handle: &str) -> Result<()> {
    use std::io::{BufRead, Write};
    if !std::io::stdin().is_terminal() {
        return Err(Error::invalid(
            "Erasing can't be undone, so Hearken asks first, and there is no terminal to ask at. Nothing was erased. Run it again with --yes to confirm.",
        ));
    }
    print!(
        "Erase everything Hearken holds about {handle} on {}? This can't be undone. Type yes to go on: ",
        platform.display_name()
    );
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(Error::internal)?;
    if answer.trim().eq_ignore_ascii_case("yes") {
        Ok(())
    } else {
        Err(Error::invalid("Nothing was erased."))
    }
}

fn run_privacy(ws: &Workspace, command: PrivacyCommand, json: bool) -> Result<i32> {
    match command {
        PrivacyCommand::Dnc(DncCommand::Add {
            platform,
            handle,
            reason,
        }) => {
            let platform = parse_platform(&platform)?;
            let before = ws.dnc_find(platform, &handle)?;
            let entry = ws.dnc_add(crate::model::NewDnc {
                platform,
                handle: handle.clone(),
                reason,
            })?;
            print_out(json, &entry, || {
                match before {
                Some(e) => format!(
                    "{} on {} is already on the do-not-contact list (entry {}, since {}).",
                    e.handle.as_deref().unwrap_or(handle.trim()),
                    platform.display_name(),
                    e.id,
                    e.since
                ),
                None => format!(
                    "Added {} on {} to the do-not-contact list (entry {}): {}. Outreach to them will be refused.",
                    entry.handle.as_deref().unwrap_or(handle.trim()),
                    platform.display_name(),
                    entry.id,
                    entry.reason
                ),
            }
            });
            Ok(exit::OK)
        }
        PrivacyCommand::Dnc(DncCommand::List) => {
            let list = ws.dnc_list()?;
            print_out(json, &list, || {
                if list.is_empty() {
                    return "Nobody is on the do-not-contact list.".into();
                }
                list.iter()
                    .map(|e| {
                        format!(
                            "{:>4}  {:<14} {:<24} since {}  {}",
                            e.id,
                            e.platform.map(|p| p.display_name()).unwrap_or("-"),
                            e.handle
                                .as_deref()
                                .unwrap_or("(erased: kept as a fingerprint)"),
                            e.since,
                            e.reason
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            Ok(exit::OK)
        }
        PrivacyCommand::Dnc(DncCommand::Remove { id }) => {
            let removed = ws.dnc_remove(id)?;
            print_out(json, &removed, || {
                format!(
                    "Removed entry {id} from the do-not-contact list{}.",
                    removed
                        .handle
                        .as_deref()
                        .map(|h| format!(" ({h})"))
                        .unwrap_or_default()
                )
            });
            Ok(exit::OK)
        }
        PrivacyCommand::Export {
            platform,
            handle,
            dir,
            received,
        } => {
            let platform = parse_platform(&platform)?;
            let export = ws.export_for_handle(platform, &handle, received, dir)?;
            print_out(json, &export, || {
                format!(
                    "{}\nWrote:\n  {}\n  {}\nRequest {} (access), received {}, due {}: done.",
                    export.request.result.as_deref().unwrap_or(""),
                    export.json_path,
                    export.html_path,
                    export.request.id,
                    export.request.received_on,
                    export.request.due_on
                )
            });
            Ok(exit::OK)
        }
        PrivacyCommand::Erase {
            platform,
            handle,
            yes,
            received,
        } => {
            let platform = parse_platform(&platform)?;
            let shown = crate::store::privacy::requests::tidy_handle(&handle)?;
            if !yes {
                confirm_erasure(platform, &shown)?;
            }
            let report = ws.erase_for_handle(platform, &handle, received)?;
            let nothing = report.mentions == 0 && report.outreach == 0 && report.corrections == 0;
            print_out(json, &report, || {
                let first = if nothing {
                    format!(
                        "Nothing is held about {shown} on {}.",
                        platform.display_name()
                    )
                } else {
                    format!(
                        "Erased {}, {} and {} about {shown} on {}; the database file was cleared of them.",
                        count_of(report.mentions, "mention", "mentions"),
                        count_of(report.corrections, "label correction", "label corrections"),
                        count_of(report.outreach, "outreach record", "outreach records"),
                        platform.display_name()
                    )
                };
                let dnc = if report.do_not_contact_kept {
                    " Their do-not-contact entry stays, as a fingerprint only."
                } else {
                    ""
                };
                format!(
                    "{first}{dnc}\nRequest {} (erasure), received {}, due {}: done.",
                    report.request.id, report.request.received_on, report.request.due_on
                )
            });
            Ok(exit::OK)
        }
        PrivacyCommand::Purge { dry_run } => {
            let settings = ws.privacy_settings()?;
            let verb = match settings.mode {
                crate::model::PurgeMode::Delete => "delete",
                crate::model::PurgeMode::Anonymise => "anonymise",
            };
            let periods = format!(
                "mentions nobody acted on: {} days; closed outreach: {} days",
                settings.mention_days, settings.outreach_days
            );
            if dry_run {
                let plan = ws.purge_preview()?;
                print_out(json, &plan, || {
                    if plan.mentions == 0 && plan.outreach == 0 {
                        format!(
                            "Nothing to purge: nothing is past its retention period ({periods})."
                        )
                    } else {
                        format!(
                            "A purge now would {verb} {} posted before {} and {} closed before {} ({periods}). Nothing was changed.",
                            count_of(plan.mentions, "mention", "mentions"),
                            plan.mentions_before,
                            count_of(plan.outreach, "outreach record", "outreach records"),
                            plan.outreach_before
                        )
                    }
                });
            } else {
                let report = ws.purge_run()?;
                print_out(json, &report, || {
                    if report.mentions == 0 && report.outreach == 0 {
                        format!("Nothing to purge: nothing is past its retention period ({periods}). The purge is recorded.")
                    } else {
                        format!(
                            "Purged: {} {} and {} ({periods}).",
                            if verb == "delete" {
                                "deleted"
                            } else {
                                "anonymised"
                            },
                            count_of(report.mentions, "mention", "mentions"),
                            count_of(report.outreach, "outreach record", "outreach records")
                        )
                    }
                });
            }
            Ok(exit::OK)
        }
        PrivacyCommand::Verify => {
            let v = ws.audit_verify()?;
            if json {
                print_out(true, &v, String::new);
            } else if v.ok {
                println!("{}", v.message);
            }
            if v.ok {
                Ok(exit::OK)
            } else {
                eprintln!("hearken: {}", v.message);
                Ok(exit::AUDIT_BROKEN)
            }
        }
        PrivacyCommand::Requests => {
            let list = ws.requests_list()?;
            print_out(json, &list, || {
                if list.is_empty() {
                    return "No access or erasure requests yet.".into();
                }
                list.iter().map(request_line).collect::<Vec<_>>().join("\n")
            });
            Ok(exit::OK)
        }
        PrivacyCommand::Notes { dir } => {
            let path = ws.privacy_notes_export(dir)?;
            print_out(json, &serde_json::json!({ "path": path }), || {
                format!(
                    "Wrote the watches' purposes and legitimate-interests notes to {}.",
                    path.display()
                )
            });
            Ok(exit::OK)
        }
    }
}

/// The main key and any further keys a platform needs: from standard input
/// (first line the key, then NAME=VALUE lines) or, at a terminal, prompted
/// with hidden typing. Never from the command line.
fn read_secrets(
    info: &crate::model::PlatformInfo,
    from_stdin: bool,
) -> Result<(Option<String>, BTreeMap<String, String>)> {
    let mut extra = BTreeMap::new();
    if from_stdin {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|_| Error::invalid("The key on standard input isn't readable text."))?;
        let has_extra = info.fields.iter().any(|f| f.secret);
        if !has_extra {
            return Ok((Some(s), extra));
        }
        let mut lines = s.lines();
        let main = lines
            .next()
            .map(str::to_string)
            .filter(|l| !l.trim().is_empty());
        for line in lines.filter(|l| !l.trim().is_empty()) {
            let (k, v) = line.split_once('=').ok_or_else(|| {
                Error::invalid(
                    "After the first line (the key), each line on standard input should be NAME=VALUE.",
                )
            })?;
            extra.insert(k.trim().to_string(), v.to_string());
        }
        return Ok((main, extra));
    }
    if !std::io::stdin().is_terminal() {
        return Ok((None, extra));
    }
    let mut main = None;
    if info.needs_secret {
        let prompt = format!(
            "{} for {}{} (typing is hidden): ",
            info.secret_label.as_deref().unwrap_or("Key"),
            info.name,
            if info.secret_optional {
                ", or Enter for none"
            } else {
                ""
            }
        );
        main = Some(rpassword::prompt_password(prompt).map_err(Error::internal)?)
            .filter(|s| !s.trim().is_empty());
    }
    for f in info.fields.iter().filter(|f| f.secret) {
        let prompt = format!(
            "{}{} (typing is hidden): ",
            f.label,
            if f.required { "" } else { ", or Enter to skip" }
        );
        let v = rpassword::prompt_password(prompt).map_err(Error::internal)?;
        if !v.trim().is_empty() {
            extra.insert(f.key.clone(), v);
        }
    }
    Ok((main, extra))
}

fn run_triage_score() -> i32 {
    match triage_score(std::io::stdin().lock(), std::io::stdout().lock()) {
        Ok(_) => exit::OK,
        Err(e) => {
            eprintln!("hearken: {e}");
            exit::ERROR
        }
    }
}

/// `triage score`: one text per line in (a CR before the line end is
/// dropped), one JSON object per line out, in order. Returns how many lines
/// were scored. Stops at the first line that is not UTF-8, naming it; the
/// lines before it have been written.
pub fn triage_score(
    mut input: impl std::io::BufRead,
    output: impl std::io::Write,
) -> Result<usize> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(output);
    let mut line = Vec::new();
    let mut n = 0;
    let write_failed =
        |e: std::io::Error| Error::invalid(format!("Couldn't write the scores ({e})."));
    loop {
        line.clear();
        let read = input.read_until(b'\n', &mut line).map_err(|e| {
            Error::invalid(format!("Couldn't read line {} of the input ({e}).", n + 1))
        })?;
        if read == 0 {
            break;
        }
        n += 1;
        if line.last() == Some(&b'\n') {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        }
        let text = std::str::from_utf8(&line).map_err(|_| {
            Error::invalid(format!(
                "Line {n} is not UTF-8 text, so it wasn't scored (the {} lines before it were). \
                 Convert the input to UTF-8 (for example with iconv) and try again.",
                n - 1
            ))
        })?;
        // Plain numbers, strings and enums: serialising cannot fail.
        let mut json =
            serde_json::to_string(&crate::triage::score(text)).map_err(Error::internal)?;
        json.push('\n');
        match out.write_all(json.as_bytes()) {
            // The reader went away (`| head`): nothing more to say.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(n),
            other => other.map_err(write_failed)?,
        }
    }
    match out.flush() {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(n),
        other => other.map(|_| n).map_err(write_failed),
    }
}

fn parse_settings(raw: &[String]) -> Result<BTreeMap<String, String>> {
    raw.iter()
        .map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.to_string()))
                .ok_or_else(|| {
                    Error::invalid(format!(
                        "--setting needs the form name=value (got \"{}\").",
                        kv.chars().take(40).collect::<String>()
                    ))
                })
        })
        .collect()
}

fn print_out<T: Serialize>(json: bool, value: &T, human: impl FnOnce() -> String) {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(value).unwrap_or_default()
        );
    } else {
        println!("{}", human());
    }
}

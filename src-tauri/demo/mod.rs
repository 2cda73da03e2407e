//! "Explore with sample data": loads the sample workspace through the same
//! store code that real polling uses, once.

mod content;

use crate::clock;
use crate::error::{Error, Result};
use crate::model::{DemoSummary, HandleRef, Platform};
use crate::store::{self, mentions::NewMention, outreach::OutreachRecord, SqlResult};
use crate::workspace::Workspace;

pub use content::{sample_workspace, SampleKind, SampleWorkspace};

/// The sample shop's watches: name, terms, exclude terms, purpose.
const SAMPLE_WATCHES: [(&str, &[&str], &[&str], &str); 2] = [
    (
        "Shop name",
        &["Pedal & Pine", "Pedal and Pine", "pedalandpine"],
        &[],
        "To answer customers' questions, complaints and thanks about the shop.",
    ),
    (
        "Ashby Market",
        &["#AshbyMarket", "Ashby Market"],
        &["parking fine"],
        "To hear from market-day customers about our stall.",
    ),
];

const SAMPLE_LI: &str = "Customer care: answering people who talk about the shop in public, and putting right what went wrong.";
const SAMPLE_NECESSITY: &str = "We only read public posts that name the shop or its products, and keep them 90 days unless we follow up; there is no other way to see these complaints.";
const SAMPLE_BALANCE: &str = "People posting in public about a shop expect the shop to see it; we only offer help, never sell, and never contact anyone who asked us not to.";

pub fn load(ws: &Workspace) -> Result<DemoSummary> {
    load_at(ws, clock::now())
}

pub fn load_at(ws: &Workspace, now: time::OffsetDateTime) -> Result<DemoSummary> {
    let sample = sample_workspace(now);
    let already = ws
        .store
        .read(|c| store::settings::get_value(c, store::settings::SAMPLE_LOADED))?
        .is_some();
    if already {
        return Ok(DemoSummary {
            business_name: sample.business_name,
            sources: 0,
            mentions: 0,
            outreach: 0,
            loaded_now: false,
        });
    }
    let now_s = clock::format(now);
    let key = ws.privacy_key()?;
    ws.store.write(|tx| {
        let mut source_ids = Vec::new();
        for (i, s) in sample.sources.iter().enumerate() {
            let platform = Platform::parse(s.platform)
                .ok_or_else(|| Error::internal(format!("sample platform {}", s.platform)))?;
            let insert = store::sources::SourceInsert {
                platform,
                label: format!("{} (sample)", s.label),
                base_url: s.base_url.clone(),
                settings: Default::default(),
                needs_secret: false,
                enabled: false,
                sample: true,
                interval_secs: 900,
            };
            // Sample labels could clash with a real source's: number them then.
            let id = match store::sources::insert(tx, &insert, &now_s) {
                Err(Error::DuplicateLabel(_)) => {
                    let mut again = insert.clone();
                    again.label = format!("{} (sample {})", s.label, i + 1);
                    store::sources::insert(tx, &again, &now_s)?
                }
                other => other?,
            };
            source_ids.push(id);
        }
        // What the sample shop listens for, with its reasons: the same
        // matching decides which sample mentions each watch caught.
        let mut watches = Vec::new();
        for (name, terms, exclude, purpose) in SAMPLE_WATCHES {
            let w = crate::model::NewWatch {
                name: name.to_string(),
                terms: terms.iter().map(|t| t.to_string()).collect(),
                include_terms: Vec::new(),
                exclude_terms: exclude.iter().map(|t| t.to_string()).collect(),
                purpose: purpose.to_string(),
                legitimate_interests: Some(SAMPLE_LI.to_string()),
                necessity: Some(SAMPLE_NECESSITY.to_string()),
                balance: Some(SAMPLE_BALANCE.to_string()),
                enabled: true,
            };
            // An owner's own watch of the same name wins; the sample's is skipped.
            let exists = store::watches::list(tx)?
                .iter()
                .any(|x| x.name.eq_ignore_ascii_case(name));
            if !exists {
                let id = store::watches::insert(tx, &w, &now_s)?;
                watches.push(store::watches::get(tx, id)?);
            }
        }
        let matcher = crate::watch::Matcher::new(&watches);
        let mut mentions = 0;
        for m in &sample.mentions {
            let platform = Platform::parse(m.platform)
                .ok_or_else(|| Error::internal(format!("sample platform {}", m.platform)))?;
            let new = NewMention {
                platform,
                external_id: m.external_id.clone(),
                url: m.url.clone(),
                author_id: None,
                author_handle: m.author_handle.clone(),
                author_name: m.author_name.clone(),
                text: m.text.clone(),
                language: m.language.clone(),
                created_at: clock::format(m.created_at),
                from_search: false,
            };
            let caught = matcher.matches(&new.text);
            mentions += store::mentions::store_batch(
                tx,
                source_ids.get(m.source).copied(),
                &[(&new, caught.as_slice())],
                &now_s,
            )?
            .added;
        }
        let mut outreach = 0;
        for o in &sample.outreach {
            let m = &sample.mentions[o.mention];
            let record = OutreachRecord {
                mention_id: store::mentions::id_of(tx, m.platform, &m.external_id)?,
                platform: m.platform.to_string(),
                author_handle: m
                    .author_handle
                    .clone()
                    .or_else(|| m.author_name.clone())
                    .unwrap_or_default(),
                channel: o.channel.to_string(),
                message: o.message.clone(),
                status: o.status.to_string(),
                occurred_at: clock::format(o.occurred_at),
                follow_up_at: o.follow_up_at.map(clock::format),
                outcome: o.outcome.clone(),
                notice_given: o.notice_given,
                notes: o.notes.clone(),
            };
            store::outreach::insert(tx, &record, &now_s)?;
            outreach += 1;
        }
        // The shop knows some customers on several platforms.
        for handles in &sample.people {
            for pair in handles.windows(2) {
                let as_ref = |(platform, handle): &(&str, String)| -> Result<HandleRef> {
                    Ok(HandleRef {
                        platform: Platform::parse(platform).ok_or_else(|| {
                            Error::internal(format!("sample platform {platform}"))
                        })?,
                        handle: handle.clone(),
                    })
                };
                store::people::link(tx, &as_ref(&pair[0])?, &as_ref(&pair[1])?)?;
            }
        }
        // Dave asked, under his Google review, not to be contacted again:
        // he is on the do-not-contact list on both platforms he posts on.
        for (platform, handle) in [
            (Platform::GoogleReviews, "Dave K"),
            (Platform::Reddit, "kettle_dave"),
        ] {
            let (_, new) = store::dnc::add(
                tx,
                &key,
                platform,
                handle,
                Some("Asked under his Google review not to be contacted again"),
                &now_s,
            )?;
            if new {
                store::audit::append(
                    tx,
                    store::audit::OWNER,
                    "dnc_added",
                    Some(&store::dnc::fingerprint(&key, platform, handle)),
                    Some(&format!("on {}", platform.as_str())),
                    &now_s,
                )?;
            }
        }
        // A lived-in Inbox: what the shop followed up is contacted or
        // resolved, spam was ignored, and what is older than two days has
        // been read; the last two days' posts are still unread.
        tx.execute_batch(
            "UPDATE mentions SET status = CASE
                 WHEN EXISTS (SELECT 1 FROM outreach o WHERE o.mention_id = mentions.id
                              AND o.status = 'resolved') THEN 'resolved'
                 ELSE 'contacted' END,
                 status_changed_at = fetched_at
             WHERE id IN (SELECT mention_id FROM outreach WHERE mention_id IS NOT NULL)",
        )
        .db()?;
        let two_days_ago = clock::format(now - time::Duration::days(2));
        for m in &sample.mentions {
            if m.kind == SampleKind::Spam && m.created_at < now - time::Duration::days(2) {
                tx.execute(
                    "UPDATE mentions SET status = 'ignored', status_changed_at = ?3
                     WHERE platform = ?1 AND external_id = ?2 AND status = 'new'",
                    rusqlite::params![m.platform, m.external_id, now_s],
                )
                .db()?;
            }
        }
        tx.execute(
            "UPDATE mentions SET seen_at = ?2 WHERE created_at < ?1 AND seen_at IS NULL",
            rusqlite::params![two_days_ago, now_s],
        )
        .db()?;
        let business = store::settings::get_value(tx, "business_name")?;
        if business.as_deref().unwrap_or("").is_empty() {
            store::settings::set_value(tx, "business_name", &sample.business_name)?;
        }
        store::settings::set_value(tx, store::settings::SAMPLE_LOADED, &now_s)?;
        Ok(DemoSummary {
            business_name: sample.business_name.clone(),
            sources: source_ids.len() as i64,
            mentions,
            outreach,
            loaded_now: true,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_watches_catch_the_sample_mentions_that_name_the_shop() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap();
        load(&ws).unwrap();
        let watches = ws.list_watches().unwrap();
        let shop = watches.iter().find(|w| w.name == "Shop name").unwrap();
        let market = watches.iter().find(|w| w.name == "Ashby Market").unwrap();
        // Counted by a plain search over the sample text, independently of the matcher.
        let naming_shop = sample_workspace(clock::now())
            .mentions
            .iter()
            .filter(|m| {
                let t = m.text.to_lowercase();
                t.contains("pedal & pine")
                    || t.contains("pedal and pine")
                    || t.contains("pedalandpine")
            })
            .count() as i64;
        assert!(naming_shop > 50, "{naming_shop}");
        assert_eq!(shop.mention_count, naming_shop);
        assert!(market.mention_count > 0);
        assert!(shop.legitimate_interests.is_some());
        // Loading twice adds no second set.
        load(&ws).unwrap();
        assert_eq!(ws.list_watches().unwrap().len(), 2);
    }

    #[test]
    fn the_sample_outreach_follows_the_rules_and_has_a_follow_up_due() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap();
        load(&ws).unwrap();
        let log = ws
            .query_outreach(&crate::model::OutreachQuery {
                limit: Some(1000),
                ..Default::default()
            })
            .unwrap();
        assert!(log.total >= 12);
        // Every first contact (across a person's linked handles) gave the notice.
        let missing: Vec<_> = log.items.iter().filter(|o| o.notice_missing).collect();
        assert!(missing.is_empty(), "{missing:#?}");
        assert!(
            log.items.iter().any(|o| !o.notice_given),
            "later contacts may go without"
        );
        assert!(log.due >= 1, "a follow-up is due");
        // No DM or email in the sample reads as promotion.
        assert!(log.items.iter().all(|o| o.promotional_words.is_empty()));
        // Hannah is known on three platforms: one timeline.
        let t = ws
            .person_timeline(&HandleRef {
                platform: Platform::Instagram,
                handle: "@hannah.okafor.rides".into(),
            })
            .unwrap();
        assert_eq!(t.handles.len(), 3, "{:?}", t.handles);
        let platforms: std::collections::HashSet<Platform> = t
            .entries
            .iter()
            .map(|e| match e {
                crate::model::TimelineEntry::Mention { mention, .. } => mention.platform,
                crate::model::TimelineEntry::Outreach { outreach, .. } => outreach.platform,
            })
            .collect();
        assert_eq!(platforms.len(), 3);
        // Dave asked not to be contacted: listed on both platforms, his posts
        // carry the badge, and nothing new can be logged to him.
        let dnc = ws.dnc_list().unwrap();
        assert_eq!(dnc.len(), 2, "{dnc:?}");
        let dave = ws
            .person_timeline(&HandleRef {
                platform: Platform::Reddit,
                handle: "kettle_dave".into(),
            })
            .unwrap();
        assert!(dave.do_not_contact.is_some());
        assert!(dave.entries.iter().any(|e| matches!(e,
            crate::model::TimelineEntry::Mention { mention, .. } if mention.do_not_contact)));
        let refused = ws.log_outreach(&crate::model::NewOutreach {
            mention_id: None,
            platform: Some(Platform::Reddit),
            handle: Some("kettle_dave".into()),
            channel: crate::model::Channel::DirectMessage,
            message: "Hi Dave".into(),
            status: crate::model::OutreachStatus::Sent,
            occurred_at: None,
            follow_up_at: None,
            outcome: None,
            notes: None,
            notice_given: true,
            acknowledged: vec![],
        });
        assert_eq!(refused.unwrap_err().code(), "do_not_contact");
        assert!(ws.store.read(store::audit::verify).unwrap().ok);
    }

    #[test]
    fn the_sample_inbox_is_lived_in_followed_up_posts_are_contacted_and_old_ones_read() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap();
        let now = clock::now();
        load_at(&ws, now).unwrap();
        let q = |sql: &str| -> i64 {
            ws.store
                .read(|c| c.query_row(sql, [], |r| r.get(0)).db())
                .unwrap()
        };
        // Every mention the shop followed up has left "new".
        assert_eq!(
            q("SELECT count(*) FROM mentions WHERE status = 'new'
               AND id IN (SELECT mention_id FROM outreach)"),
            0
        );
        assert!(q("SELECT count(*) FROM mentions WHERE status = 'resolved'") > 0);
        assert!(q("SELECT count(*) FROM mentions WHERE status = 'ignored'") > 0);
        // Unread: exactly the last two days' posts.
        let two_days_ago = clock::format(now - time::Duration::days(2));
        let recent: i64 = ws
            .store
            .read(|c| {
                c.query_row(
                    "SELECT count(*) FROM mentions WHERE created_at >= ?1",
                    [&two_days_ago],
                    |r| r.get(0),
                )
                .db()
            })
            .unwrap();
        assert!(recent > 0);
        assert_eq!(
            q("SELECT count(*) FROM mentions WHERE seen_at IS NULL"),
            recent
        );
    }
}

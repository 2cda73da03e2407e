//! Privacy by design, end to end on real data folders: do-not-contact,
//! retention and the purge, access and erasure requests (erasure checked in
//! the bytes of the database file and its WAL), the tamper-evident audit
//! trail, minimal capture, and the `hearken privacy …` commands.

mod support;

use std::path::Path;

use hearken_lib::model::{
    InboxQuery, NewDnc, NewPrivacyRequest, Platform, PrivacySettings, PurgeMode, RequestKind,
    RequestState,
};
use hearken_lib::store::mentions::{store_batch, NewMention};
use hearken_lib::store::outreach::{insert as insert_outreach, OutreachRecord};
use hearken_lib::store::{self, DB_FILE};
use hearken_lib::workspace::Workspace;
use support::hearken;

fn workspace() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).unwrap();
    (dir, ws)
}

fn mention(id: &str, handle: &str, text: &str, at: &str) -> NewMention {
    NewMention {
        platform: Platform::Reddit,
        external_id: id.into(),
        url: Some(format!("https://www.reddit.com/r/ashby/comments/{id}")),
        author_id: Some(format!("id-{id}")),
        author_handle: Some(handle.into()),
        author_name: Some(format!("Name of {handle}")),
        text: text.into(),
        language: Some("en".into()),
        created_at: at.into(),
        from_search: false,
    }
}

fn store_mentions(ws: &Workspace, batch: &[NewMention]) {
    let pairs: Vec<(&NewMention, &[i64])> = batch.iter().map(|m| (m, &[][..])).collect();
    ws.store
        .write(|tx| store_batch(tx, None, &pairs, "2026-11-01T00:00:00Z"))
        .unwrap();
}

fn sql(ws: &Workspace, batch: &str) {
    rusqlite::Connection::open(ws.store.path())
        .unwrap()
        .execute_batch(batch)
        .unwrap();
}

fn count(ws: &Workspace, query: &str) -> i64 {
    rusqlite::Connection::open(ws.store.path())
        .unwrap()
        .query_row(query, [], |r| r.get(0))
        .unwrap()
}

fn outreach(mention_id: Option<i64>, handle: &str, message: &str, status: &str) -> OutreachRecord {
    OutreachRecord {
        mention_id,
        platform: "reddit".into(),
        author_handle: handle.into(),
        channel: "direct_message".into(),
        message: message.into(),
        status: status.into(),
        occurred_at: "2026-11-02T10:00:00Z".into(),
        follow_up_at: None,
        outcome: Some(format!("{message} (outcome)")),
        notice_given: true,
        notes: Some(format!("{message} (notes)")),
    }
}

/// Where `needle` (compared without case) occurs in a file's bytes.
fn found_in(path: &Path, needle: &str) -> bool {
    let bytes: Vec<u8> = std::fs::read(path)
        .unwrap_or_default()
        .iter()
        .map(u8::to_ascii_lowercase)
        .collect();
    let needle = needle.to_ascii_lowercase();
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// A few hundred strangers' mentions, so the tables span many pages.
fn crowd(ws: &Workspace, n: usize) {
    let batch: Vec<NewMention> = (0..n)
        .map(|i| {
            mention(
                &format!("c{i}"),
                &format!("stranger{i}"),
                &format!(
                    "Great repair on my bike, thanks number {i}. The chain runs smoothly now."
                ),
                &format!("2026-11-{:02}T{:02}:00:00Z", 1 + i % 28, i % 24),
            )
        })
        .collect();
    store_mentions(ws, &batch);
}

const WORD: &str = "quorblefax";
const HANDLE: &str = "Zyx_Unique_Handle";

/// The person: three mentions with a word nobody else uses, a correction,
/// outreach with a revision, and a link to their handle elsewhere.
fn plant_person(ws: &Workspace) -> Vec<i64> {
    crowd(ws, 150);
    store_mentions(
        ws,
        &[
            mention(
                "p1",
                HANDLE,
                &format!("My {WORD} broke again"),
                "2026-11-03T10:00:00Z",
            ),
            mention(
                "p2",
                &format!("@{}", HANDLE.to_uppercase()),
                &format!("Still no {WORD} refund"),
                "2026-11-04T10:00:00Z",
            ),
            mention(
                "p3",
                &HANDLE.to_lowercase(),
                &format!("{WORD} {WORD}"),
                "2026-11-05T10:00:00Z",
            ),
        ],
    );
    crowd_more(ws);
    let ids: Vec<i64> = ["p1", "p2", "p3"]
        .iter()
        .map(|e| {
            ws.store
                .read(|c| store::mentions::id_of(c, "reddit", e))
                .unwrap()
                .unwrap()
        })
        .collect();
    ws.correct_label(ids[0], hearken_lib::model::Label::Positive)
        .unwrap();
    let o = ws
        .store
        .write(|tx| {
            insert_outreach(
                tx,
                &outreach(
                    Some(ids[1]),
                    HANDLE,
                    &format!("Sorry about the {WORD}"),
                    "sent",
                ),
                "2026-11-04T11:00:00Z",
            )
        })
        .unwrap();
    sql(
        ws,
        &format!(
            "INSERT INTO outreach_revisions (outreach_id, changed_at, field, old_value, new_value)
               VALUES ({o}, 't', 'message', 'Sorry {WORD} first draft', 'Sorry about the {WORD}');
             INSERT INTO person_handles VALUES ('reddit', '{HANDLE}', 7), ('x', 'zyx_on_x', 7);"
        ),
    );
    ids
}

/// More strangers after the person, so their rows sit between others.
fn crowd_more(ws: &Workspace) {
    let batch: Vec<NewMention> = (0..150)
        .map(|i| {
            mention(
                &format!("d{i}"),
                &format!("later{i}"),
                &format!("Lovely saddle fitted today, visit {i}."),
                "2026-11-20T10:00:00Z",
            )
        })
        .collect();
    store_mentions(ws, &batch);
}

fn erasure(ws: &Workspace, handle: &str) -> hearken_lib::model::ErasureReport {
    let r = ws
        .request_add(NewPrivacyRequest {
            kind: RequestKind::Erasure,
            platform: Platform::Reddit,
            handle: handle.into(),
            received_on: None,
        })
        .unwrap();
    ws.privacy_erase(r.id).unwrap()
}

#[test]
fn erasing_a_handle_leaves_neither_its_words_nor_the_handle_in_the_database_or_its_wal() {
    let (dir, ws) = workspace();
    let ids = plant_person(&ws);
    let db = dir.path().join(DB_FILE);
    let wal = dir.path().join(format!("{DB_FILE}-wal"));
    // Some of it already folded into the database file, some still only in the WAL.
    sql(&ws, "PRAGMA wal_checkpoint(TRUNCATE);");
    ws.set_mentions_status(&ids, hearken_lib::model::MentionStatus::NeedsReply)
        .unwrap();
    for (file, what) in [(&db, "database"), (&wal, "WAL")] {
        assert!(
            found_in(file, WORD),
            "the word should be in the {what} before"
        );
        assert!(
            found_in(file, HANDLE),
            "the handle should be in the {what} before"
        );
    }

    let report = erasure(&ws, &format!("@{HANDLE}"));
    assert_eq!(
        (report.mentions, report.outreach, report.corrections),
        (3, 1, 1)
    );
    assert!(!report.do_not_contact_kept);
    assert_eq!(report.request.state, RequestState::Done);
    assert_eq!(report.request.handle, None);

    for (file, what) in [(&db, "database"), (&wal, "WAL")] {
        assert!(!found_in(file, WORD), "the word is still in the {what}");
        assert!(!found_in(file, HANDLE), "the handle is still in the {what}");
        assert!(
            !found_in(file, "zyx_on_x"),
            "the linked handle is still in the {what}"
        );
    }
    // Everyone else is still there and still searchable.
    assert_eq!(count(&ws, "SELECT count(*) FROM mentions"), 300);
    let page = ws
        .inbox_page(
            &InboxQuery {
                search: "saddle".into(),
                ..Default::default()
            },
            None,
            10,
        )
        .unwrap();
    assert_eq!(page.total, 150);
    let page = ws
        .inbox_page(
            &InboxQuery {
                search: WORD.into(),
                ..Default::default()
            },
            None,
            10,
        )
        .unwrap();
    assert_eq!(page.total, 0);
    assert_eq!(count(&ws, "SELECT count(*) FROM label_corrections"), 0);
    assert_eq!(count(&ws, "SELECT count(*) FROM outreach_revisions"), 0);
    assert_eq!(count(&ws, "SELECT count(*) FROM person_handles"), 0);
}

#[test]
fn plain_deletes_leave_the_words_in_the_file_which_is_why_erasure_scrubs() {
    // The control for the test above: the scan finds what a plain delete leaves.
    let (dir, ws) = workspace();
    plant_person(&ws);
    ws.store
        .write(|tx| {
            tx.execute(
                "DELETE FROM mentions WHERE lower(author_handle) LIKE '%zyx_unique_handle'",
                [],
            )
            .map_err(|e| hearken_lib::error::Error::Database(e.to_string()))
        })
        .unwrap();
    sql(&ws, "PRAGMA wal_checkpoint(TRUNCATE);");
    assert_eq!(count(&ws, "SELECT count(*) FROM mentions"), 300);
    assert!(found_in(&dir.path().join(DB_FILE), WORD));
}

#[test]
fn erasure_keeps_the_do_not_contact_entry_and_it_still_matches_new_mentions() {
    let (_dir, ws) = workspace();
    plant_person(&ws);
    ws.dnc_add(NewDnc {
        platform: Platform::Reddit,
        handle: HANDLE.into(),
        reason: Some(format!("{HANDLE} asked us to stop")),
    })
    .unwrap();
    let before = ws
        .inbox_page(
            &InboxQuery {
                search: WORD.into(),
                ..Default::default()
            },
            None,
            10,
        )
        .unwrap();
    assert_eq!(before.mentions.len(), 3);
    assert!(before.mentions.iter().all(|m| m.do_not_contact));

    // They had also asked for a copy, not yet answered.
    let access = ws
        .request_add(NewPrivacyRequest {
            kind: RequestKind::Access,
            platform: Platform::Reddit,
            handle: HANDLE.into(),
            received_on: None,
        })
        .unwrap();
    let report = erasure(&ws, &HANDLE.to_lowercase());
    assert!(report.do_not_contact_kept);
    let access = ws
        .requests_list()
        .unwrap()
        .into_iter()
        .find(|r| r.id == access.id)
        .unwrap();
    assert_eq!((access.state, access.handle), (RequestState::Done, None));
    assert!(access.result.unwrap().contains("erased"));
    let list = ws.dnc_list().unwrap();
    assert_eq!(list.len(), 1);
    assert!(list[0].erased);
    assert_eq!((list[0].platform, list[0].handle.as_deref()), (None, None));
    assert!(
        !list[0].reason.contains(HANDLE),
        "the reason could name them"
    );

    // They post again: the objection is still honoured, in any spelling.
    store_mentions(
        &ws,
        &[mention(
            "again",
            &format!("@{}", HANDLE.to_uppercase()),
            "Back again",
            "2026-11-25T10:00:00Z",
        )],
    );
    let page = ws.mentions_page(None, 500).unwrap();
    let theirs: Vec<_> = page
        .mentions
        .iter()
        .filter(|m| m.do_not_contact)
        .map(|m| m.external_id.as_str())
        .collect();
    assert_eq!(theirs, ["again"]);
    let id = page
        .mentions
        .iter()
        .find(|m| m.external_id == "again")
        .unwrap()
        .id;
    let detail = ws.mention_detail(id).unwrap();
    assert!(detail.mention.do_not_contact);
    assert!(detail.do_not_contact.unwrap().erased);
    assert!(ws.dnc_find(Platform::Reddit, HANDLE).unwrap().is_some());
    assert!(ws.dnc_find(Platform::X, HANDLE).unwrap().is_none());
}

#[test]
fn erasing_someone_with_no_data_says_so_and_still_closes_the_request() {
    let (_dir, ws) = workspace();
    crowd(&ws, 10);
    let report = erasure(&ws, "nobody_we_know");
    assert_eq!(
        (report.mentions, report.outreach, report.corrections),
        (0, 0, 0)
    );
    assert_eq!(report.request.state, RequestState::Done);
    assert_eq!(report.request.handle, None);
    let result = report.request.result.unwrap();
    assert!(result.starts_with("Nothing is held about"), "{result}");
    assert_eq!(count(&ws, "SELECT count(*) FROM mentions"), 10);
    // Erasing again only clears the file again.
    let again = ws.privacy_erase(report.request.id).unwrap();
    assert_eq!(again.mentions, 0);
    // An access request can't be erased, nor an erasure exported.
    let access = ws
        .request_add(NewPrivacyRequest {
            kind: RequestKind::Access,
            platform: Platform::Reddit,
            handle: "someone".into(),
            received_on: None,
        })
        .unwrap();
    assert!(ws
        .privacy_erase(access.id)
        .unwrap_err()
        .to_string()
        .contains("copy, not erasure"));
    let err = ws.privacy_export(report.request.id, None).unwrap_err();
    assert!(err.to_string().contains("erasure"), "{err}");
    assert_eq!(ws.privacy_erase(999).unwrap_err().code(), "not_found");
}

#[test]
fn an_access_export_holds_everything_about_the_handle_in_json_and_a_readable_page() {
    let (_dir, ws) = workspace();
    let ids = plant_person(&ws);
    store_mentions(
        &ws,
        &[mention(
            "hostile",
            HANDLE,
            "<script>alert('x')</script> & <img src=x onerror=alert(1)>",
            "2026-11-06T10:00:00Z",
        )],
    );
    ws.dnc_add(NewDnc {
        platform: Platform::Reddit,
        handle: HANDLE.into(),
        reason: None,
    })
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let request = ws
        .request_add(NewPrivacyRequest {
            kind: RequestKind::Access,
            platform: Platform::Reddit,
            handle: format!(" @{} ", HANDLE.to_lowercase()),
            received_on: Some("2026-10-31".into()),
        })
        .unwrap();
    assert_eq!(request.due_on, "2026-11-30");
    let export = ws
        .privacy_export(request.id, Some(out.path().to_path_buf()))
        .unwrap();
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&export.json_path).unwrap()).unwrap();
    let mentions = json["mentions"].as_array().unwrap();
    assert_eq!(mentions.len(), 4, "every spelling of the handle");
    let mentioned: Vec<i64> = mentions
        .iter()
        .map(|m| m["mention"]["id"].as_i64().unwrap())
        .collect();
    for id in &ids {
        assert!(mentioned.contains(id));
    }
    assert_eq!(json["received_on"], "2026-10-31");
    assert_eq!(json["due_on"], "2026-11-30");
    assert_eq!(
        mentions[0]["label_corrections"].as_array().unwrap().len(),
        1
    );
    let outreach = json["outreach"].as_array().unwrap();
    assert_eq!(outreach.len(), 1);
    assert_eq!(outreach[0]["revisions"].as_array().unwrap().len(), 1);
    assert_eq!(json["linked_handles"].as_array().unwrap().len(), 2);
    assert_eq!(json["do_not_contact"]["handle"], HANDLE);
    assert!(mentions
        .iter()
        .all(|m| m["mention"]["do_not_contact"] == true));

    let html = std::fs::read_to_string(&export.html_path).unwrap();
    assert!(html.contains("2026-10-31") && html.contains("2026-11-30"));
    assert!(html.contains(WORD));
    assert!(
        !html.contains("<script>alert"),
        "untrusted text must be escaped"
    );
    assert!(!html.contains("<img"));
    assert!(html.contains("&lt;script&gt;"));

    assert_eq!(export.request.state, RequestState::Done);
    let result = export.request.result.unwrap();
    assert!(
        result.contains("4 mentions") && result.contains("1 outreach record"),
        "{result}"
    );
    assert!(!result.to_lowercase().contains(&HANDLE.to_lowercase()));
    let trail = ws.audit_list(None, 10).unwrap();
    assert_eq!(trail[0].action, "access_export");
    assert_eq!(trail[0].subject.as_deref().map(str::len), Some(64));

    // Nothing held about a stranger: the answer says so.
    let r = ws
        .request_add(NewPrivacyRequest {
            kind: RequestKind::Access,
            platform: Platform::Reddit,
            handle: "never_posted".into(),
            received_on: None,
        })
        .unwrap();
    let export = ws
        .privacy_export(r.id, Some(out.path().to_path_buf()))
        .unwrap();
    let html = std::fs::read_to_string(&export.html_path).unwrap();
    assert!(
        html.contains("Nothing is held about never_posted"),
        "{html}"
    );
    assert!(export
        .request
        .result
        .unwrap()
        .starts_with("Nothing is held"));
}

#[test]
fn an_export_to_a_folder_that_cannot_be_written_leaves_nothing_and_the_request_open() {
    let (_dir, ws) = workspace();
    plant_person(&ws);
    let request = ws
        .request_add(NewPrivacyRequest {
            kind: RequestKind::Access,
            platform: Platform::Reddit,
            handle: HANDLE.into(),
            received_on: None,
        })
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    // Not a folder at all.
    let file = out.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let err = ws
        .privacy_export(request.id, Some(file.join("sub")))
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert!(err.to_string().contains("Nothing was saved"), "{err}");
    // A folder where the page can't be put (something already sits at its
    // name): the JSON written first must not stay behind either.
    let today = hearken_lib::clock::now().date();
    std::fs::create_dir(out.path().join(format!(
        "hearken-access-request-{}-{today}.html",
        request.id
    )))
    .unwrap();
    let err = ws
        .privacy_export(request.id, Some(out.path().to_path_buf()))
        .unwrap_err();
    assert!(err.to_string().contains("Nothing was saved"), "{err}");
    let mut left: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        vec![
            "a-file".to_string(),
            format!("hearken-access-request-{}-{today}.html", request.id)
        ]
    );
    let still = ws.requests_list().unwrap();
    assert_eq!(still[0].state, RequestState::Open);
    assert!(ws
        .audit_list(None, 10)
        .unwrap()
        .iter()
        .all(|e| e.action != "access_export"));
}

/// Three mentions older than the default 90 days (one needing a reply) and a recent one.
fn old_and_new(ws: &Workspace) {
    let ago = |days: i64| {
        hearken_lib::clock::format(hearken_lib::clock::now() - time::Duration::days(days))
    };
    store_mentions(
        ws,
        &[
            mention("old1", "amy", "Old complaint nobody answered", &ago(200)),
            mention("old2", "ben", "Old praise", &ago(120)),
            mention("old3", "cat", "Old but needs a reply", &ago(119)),
            mention("new1", "dan", "Recent post", &ago(5)),
        ],
    );
    let id = |e: &str| {
        ws.store
            .read(|c| store::mentions::id_of(c, "reddit", e))
            .unwrap()
            .unwrap()
    };
    ws.set_mentions_status(&[id("old3")], hearken_lib::model::MentionStatus::NeedsReply)
        .unwrap();
}

#[test]
fn the_purge_removes_what_the_preview_showed_and_the_dashboard_counts_what_is_left() {
    let (_dir, ws) = workspace();
    old_and_new(&ws);
    let q = hearken_lib::model::DashboardQuery {
        range: hearken_lib::model::DashboardRange::All,
        ..Default::default()
    };
    assert_eq!(ws.dashboard(&q).unwrap().total, 4);
    let plan = ws.purge_preview().unwrap();
    assert_eq!((plan.mentions, plan.outreach), (2, 0));
    let mut shown: Vec<&str> = plan.sample.iter().map(|m| m.external_id.as_str()).collect();
    shown.sort();
    assert_eq!(shown, ["old1", "old2"]);
    let report = ws.purge_run().unwrap();
    assert_eq!((report.mentions, report.outreach), (2, 0));
    assert_eq!(ws.dashboard(&q).unwrap().total, 2);
    assert_eq!(count(&ws, "SELECT count(*) FROM mentions"), 2);
    let overview = ws.privacy_overview().unwrap();
    assert_eq!(overview.last_purge.unwrap().mentions, 2);
    assert_eq!(overview.plan.mentions, 0);
}

#[test]
fn anonymising_keeps_the_dashboard_counts_and_drops_the_text() {
    let (_dir, ws) = workspace();
    old_and_new(&ws);
    let mut p = ws.privacy_settings().unwrap();
    p.mode = PurgeMode::Anonymise;
    ws.privacy_settings_save(p).unwrap();
    let q = hearken_lib::model::DashboardQuery {
        range: hearken_lib::model::DashboardRange::All,
        ..Default::default()
    };
    let before = ws.dashboard(&q).unwrap();
    let report = ws.purge_run().unwrap();
    assert_eq!((report.mode, report.mentions), (PurgeMode::Anonymise, 2));
    let after = ws.dashboard(&q).unwrap();
    assert_eq!((after.total, after.labels), (before.total, before.labels));
    assert_eq!(
        count(&ws, "SELECT count(*) FROM mentions WHERE text = '' AND author_handle IS NULL AND url IS NULL"),
        2
    );
    assert_eq!(ws.purge_run().unwrap().mentions, 0, "not anonymised twice");
}

#[test]
fn a_purge_with_nothing_to_do_reports_zero_and_is_still_recorded() {
    let (_dir, ws) = workspace();
    let report = ws.purge_run().unwrap();
    assert_eq!((report.mentions, report.outreach), (0, 0));
    let trail = ws.audit_list(None, 5).unwrap();
    assert_eq!(trail[0].action, "purge");
    assert!(trail[0].detail.as_deref().unwrap().contains("0 mentions"));
    assert!(ws.privacy_overview().unwrap().last_purge.is_some());
    // The daily purge runs at start-up, then only once a day has passed.
    assert!(ws.purge_if_due(true).unwrap().is_some());
    assert!(ws.purge_if_due(false).unwrap().is_none());
    assert_eq!(ws.audit_list(None, 5).unwrap()[0].actor, "hearken");
}

#[test]
fn retention_settings_are_checked_before_they_are_saved() {
    let (_dir, ws) = workspace();
    let good = ws.privacy_settings().unwrap();
    for (days, outreach, notice) in [(0, 730, "x"), (90, 3651, "x"), (90, 730, "  ")] {
        let err = ws
            .privacy_settings_save(PrivacySettings {
                mention_days: days,
                outreach_days: outreach,
                mode: PurgeMode::Delete,
                notice_template: notice.into(),
            })
            .unwrap_err();
        assert_eq!(err.code(), "invalid_input");
    }
    assert_eq!(
        ws.privacy_settings().unwrap().mention_days,
        good.mention_days
    );
    let saved = ws
        .privacy_settings_save(PrivacySettings {
            mention_days: 30,
            outreach_days: 365,
            mode: PurgeMode::Anonymise,
            notice_template: "We saw your {platform} post. {business}, {contact}, {days} days."
                .into(),
        })
        .unwrap();
    assert_eq!((saved.mention_days, saved.outreach_days), (30, 365));
    // The outreach log reads the notice from the same setting.
    let stored = ws
        .store
        .read(|c| store::settings::get_value(c, "notice_template"))
        .unwrap();
    assert_eq!(stored.as_deref(), Some(saved.notice_template.as_str()));
}

#[test]
fn the_audit_trail_never_holds_a_handle_or_a_message() {
    let (dir, ws) = workspace();
    plant_person(&ws);
    let entry = ws
        .dnc_add(NewDnc {
            platform: Platform::Reddit,
            handle: "stranger3".into(),
            reason: Some("stranger3 said stop".into()),
        })
        .unwrap();
    ws.dnc_remove(entry.id).unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = ws
        .request_add(NewPrivacyRequest {
            kind: RequestKind::Access,
            platform: Platform::Reddit,
            handle: HANDLE.into(),
            received_on: None,
        })
        .unwrap();
    ws.privacy_export(r.id, Some(out.path().to_path_buf()))
        .unwrap();
    erasure(&ws, HANDLE);
    ws.purge_run().unwrap();
    let mut settings = ws.app_info().unwrap().settings;
    settings.business_name = "Secret Business Name".into();
    ws.save_settings(&settings).unwrap();
    ws.export().unwrap();
    let trail = ws.audit_list(None, 100).unwrap();
    let actions: Vec<&str> = trail.iter().rev().map(|e| e.action.as_str()).collect();
    for a in [
        "dnc_added",
        "dnc_removed",
        "request_added",
        "access_export",
        "erasure",
        "purge",
        "setting_changed",
        "export",
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    let text = rusqlite::Connection::open(dir.path().join(DB_FILE))
        .unwrap()
        .query_row(
            "SELECT group_concat(coalesce(subject, '') || ' ' || coalesce(detail, '') || ' ' || actor, ' | ') FROM audit",
            [],
            |r| r.get::<_, String>(0),
        )
        .unwrap()
        .to_lowercase();
    for secret in [
        HANDLE.to_lowercase().as_str(),
        "stranger3",
        WORD,
        "sorry",
        "secret business name",
    ] {
        assert!(
            !text.contains(secret),
            "the audit holds \"{secret}\": {text}"
        );
    }
    assert!(
        text.contains("business_name"),
        "which setting changed is kept"
    );
    assert!(ws.audit_verify().unwrap().ok);
}

#[test]
fn mentions_and_outreach_have_no_columns_beyond_minimal_capture() {
    let (dir, _ws) = workspace();
    let conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    let columns = |table: &str| -> Vec<String> {
        let mut stmt = conn
            .prepare(&format!("PRAGMA table_info({table})"))
            .unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(1)).unwrap();
        let mut v: Vec<String> = rows.map(|r| r.unwrap()).collect();
        v.sort();
        v
    };
    // Text, link, handle, time; and what the business itself did with it.
    // A new column here needs a reason in DESIGN.md's "Minimal capture".
    let mut mentions = vec![
        "id",
        "source_id",
        "platform",
        "external_id",
        "url",
        "author_id",
        "author_handle",
        "author_name",
        "text",
        "language",
        "created_at",
        "fetched_at",
        "edited_at",
        "sentiment",
        "complaint",
        "label",
        "model_label",
        "corrected_at",
        "concern",
        "reasons",
        "scored_with",
        "seen_at",
        "status",
        "status_changed_at",
    ];
    mentions.sort();
    assert_eq!(columns("mentions"), mentions);
    let mut outreach = vec![
        "id",
        "mention_id",
        "platform",
        "author_handle",
        "channel",
        "direction",
        "message",
        "status",
        "occurred_at",
        "follow_up_at",
        "outcome",
        "notice_given",
        "notes",
        "created_at",
        "updated_at",
        "reminded_at",
    ];
    outreach.sort();
    assert_eq!(columns("outreach"), outreach);
    // No table anywhere has room for profiles, audiences or inferred traits.
    let mut stmt = conn
        .prepare("SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'")
        .unwrap();
    let all: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    for (table, column) in all {
        let c = column.to_lowercase();
        for banned in [
            "follower",
            "following",
            "profile",
            "bio",
            "avatar",
            "age",
            "gender",
            "birth",
            "location",
            "income",
            "health",
            "religio",
            "politic",
            "ethnic",
            "sexual",
            "email",
            "phone",
            "address",
        ] {
            let hit = c.split('_').any(|part| part.starts_with(banned));
            assert!(
                !hit,
                "{table}.{column} looks like more than minimal capture"
            );
        }
    }
}

#[test]
fn watches_without_their_note_are_listed_and_the_notes_page_escapes_them() {
    let (_dir, ws) = workspace();
    // As an older version stored it: no necessity, no balance.
    sql(
        &ws,
        "INSERT INTO watches (name, terms, purpose, legitimate_interests, created_at)
         VALUES ('<b>Old</b> watch', '[\"pine\"]', 'To answer customers.', 'Customer care.', 't')",
    );
    let overview = ws.privacy_overview().unwrap();
    assert_eq!(overview.watches_missing_notes.len(), 1);
    assert_eq!(overview.watches_missing_notes[0].name, "<b>Old</b> watch");
    let out = tempfile::tempdir().unwrap();
    let path = ws
        .privacy_notes_export(Some(out.path().to_path_buf()))
        .unwrap();
    let html = std::fs::read_to_string(path).unwrap();
    assert!(html.contains("&lt;b&gt;Old&lt;&#x2F;b&gt; watch"), "{html}");
    assert!(html.contains("Customer care."));
    assert!(html.contains("Paused"));
    assert!(!html.contains("<b>Old"));
}

// ── The command line ──────────────────────────────────────────────────────

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    hearken(dir, args, None, &[])
}

fn ok_json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let (code, out, err) = run(dir, &all);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

#[test]
fn the_cli_adds_lists_and_removes_do_not_contact_entries() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, out, err) = run(
        d,
        &[
            "privacy",
            "dnc",
            "add",
            "--platform",
            "x",
            "@Jo_Bakes",
            "--reason",
            "Asked by DM",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Added Jo_Bakes on X"), "{out}");
    let (_, out, _) = run(
        d,
        &["privacy", "dnc", "add", "--platform", "twitter", "jo_bakes"],
    );
    assert!(out.contains("already on the do-not-contact list"), "{out}");
    let list = ok_json(d, &["privacy", "dnc", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["reason"], "Asked by DM");
    let id = list[0]["id"].as_i64().unwrap().to_string();
    for (args, words) in [
        (
            vec!["privacy", "dnc", "add", "--platform", "myspace", "jo"],
            "isn't a platform",
        ),
        (
            vec!["privacy", "dnc", "add", "--platform", "x", " @ "],
            "handle",
        ),
        (vec!["privacy", "dnc", "remove", "999"], "not found"),
    ] {
        let (code, out, err) = run(d, &args);
        assert_eq!(code, 1, "{args:?}");
        assert!(out.is_empty());
        assert!(err.contains(words), "{args:?}: {err}");
    }
    let (code, out, _) = run(d, &["privacy", "dnc", "remove", &id]);
    assert_eq!(code, 0);
    assert!(out.contains("Removed entry"), "{out}");
    let (_, out, _) = run(d, &["privacy", "dnc", "list"]);
    assert!(
        out.contains("Nobody is on the do-not-contact list"),
        "{out}"
    );
}

#[test]
fn the_cli_exports_and_erases_a_handle_and_asks_before_erasing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, _, err) = run(d, &["demo"]);
    assert_eq!(code, 0, "{err}");
    let out = tempfile::tempdir().unwrap();
    let outs = out.path().to_str().unwrap();
    let export = ok_json(
        d,
        &[
            "privacy",
            "export",
            "--platform",
            "x",
            "JOE_WHEELZ",
            "--dir",
            outs,
            "--received",
            "2026-01-31",
        ],
    );
    assert_eq!(export["request"]["due_on"], "2026-02-28");
    assert_eq!(export["request"]["state"], "done");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(export["json_path"].as_str().unwrap()).unwrap())
            .unwrap();
    assert!(!json["mentions"].as_array().unwrap().is_empty());
    assert!(Path::new(export["html_path"].as_str().unwrap()).exists());

    // Not at a terminal and no --yes: refused, nothing erased.
    let (code, out_s, err) = run(d, &["privacy", "erase", "--platform", "x", "joe_wheelz"]);
    assert_eq!(code, 1);
    assert!(out_s.is_empty());
    assert!(err.contains("--yes"), "{err}");
    assert!(err.contains("Nothing was erased"), "{err}");
    let requests = ok_json(d, &["privacy", "requests"]);
    assert_eq!(requests.as_array().unwrap().len(), 1, "no request recorded");

    let (code, out_s, err) = run(
        d,
        &[
            "privacy",
            "erase",
            "--platform",
            "x",
            "@joe_wheelz",
            "--yes",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out_s.contains("Erased 4 mentions"), "{out_s}");
    let (code, out_s, _) = run(
        d,
        &[
            "privacy",
            "erase",
            "--platform",
            "x",
            "nobody_here",
            "--yes",
        ],
    );
    assert_eq!(code, 0);
    assert!(
        out_s.contains("Nothing is held about nobody_here on X"),
        "{out_s}"
    );
    let page = ok_json(
        d,
        &["mentions", "search", "--platform", "x", "--limit", "500"],
    );
    assert!(page["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["author_handle"].as_str().unwrap_or("").to_lowercase() != "@joe_wheelz"));
    let (_, listed, _) = run(d, &["privacy", "requests"]);
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 3, "{listed}");
    assert!(
        lines
            .iter()
            .all(|l| !l.to_lowercase().contains("joe_wheelz")),
        "{listed}"
    );
    assert!(listed.contains("(erased)"));
}

#[test]
fn an_export_to_a_folder_that_cannot_be_written_records_no_request() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let blocker = d.join("not-a-folder");
    std::fs::write(&blocker, b"x").unwrap();
    let (code, out, err) = run(
        d,
        &[
            "privacy",
            "export",
            "--platform",
            "x",
            "jo",
            "--dir",
            blocker.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("Nothing was saved"), "{err}");
    assert!(ok_json(d, &["privacy", "requests"])
        .as_array()
        .unwrap()
        .is_empty());
    let (code, _, err) = run(
        d,
        &[
            "privacy",
            "export",
            "--platform",
            "x",
            "jo",
            "--received",
            "31/01/2026",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("YYYY-MM-DD"), "{err}");
}

#[test]
fn privacy_purge_dry_run_changes_nothing_and_nothing_to_do_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, out, _) = run(d, &["privacy", "purge", "--dry-run"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("Nothing to purge"), "{out}");
    let (code, out, _) = run(d, &["privacy", "purge"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("Nothing to purge") && out.contains("recorded"),
        "{out}"
    );
    {
        let ws = Workspace::open(d).unwrap();
        old_and_new(&ws);
    }
    let plan = ok_json(d, &["privacy", "purge", "--dry-run"]);
    assert_eq!(plan["mentions"], 2);
    let (_, out, _) = run(d, &["privacy", "purge", "--dry-run"]);
    assert!(out.contains("would delete 2 mentions"), "{out}");
    assert!(out.contains("Nothing was changed"));
    let report = ok_json(d, &["privacy", "purge"]);
    assert_eq!(report["mentions"], 2);
    let trail = ok_json(d, &["privacy", "verify"]);
    assert_eq!(trail["ok"], true);
    assert_eq!(
        trail["entries"], 2,
        "two purges; the dry runs change nothing"
    );
}

/// Three audited changes, then the file is changed the way someone with it would.
fn audited(d: &Path) {
    for h in ["one", "two", "three"] {
        let (code, _, err) = run(d, &["privacy", "dnc", "add", "--platform", "x", h]);
        assert_eq!(code, 0, "{err}");
    }
    let (code, out, _) = run(d, &["privacy", "verify"]);
    assert_eq!(code, 0);
    assert!(out.contains("intact"), "{out}");
}

fn tamper(d: &Path, change: &str) {
    let conn = rusqlite::Connection::open(d.join(DB_FILE)).unwrap();
    conn.execute_batch(&format!(
        "DROP TRIGGER audit_is_append_only_update;
         DROP TRIGGER audit_is_append_only_delete;
         {change}"
    ))
    .unwrap();
}

#[test]
fn privacy_verify_exits_non_zero_naming_the_entry_edited_or_deleted_in_the_file() {
    for (change, first) in [
        (
            "UPDATE audit SET detail = 'on reddit' WHERE id = 2",
            "entry 2",
        ),
        ("DELETE FROM audit WHERE id = 2", "entry 2"),
        ("DELETE FROM audit WHERE id = 3", "entry 3"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        audited(dir.path());
        tamper(dir.path(), change);
        let (code, out, err) = run(dir.path(), &["privacy", "verify"]);
        assert_eq!(code, 4, "{change}: {out} {err}");
        assert!(err.contains(first), "{change}: {err}");
        assert!(err.contains("tampered"), "{err}");
        let (code, out, _) = run(dir.path(), &["--json", "privacy", "verify"]);
        assert_eq!(code, 4);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["ok"], false);
        assert_eq!(
            v["first_broken"].as_i64(),
            first.trim_start_matches("entry ").parse::<i64>().ok()
        );
    }
}

#[test]
fn watch_list_shows_paused_watches_and_watch_note_completes_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, out, err) = run(
        d,
        &[
            "watch",
            "add",
            "--name",
            "Shop",
            "--term",
            "Pedal & Pine",
            "--purpose",
            "To answer customers who talk about the shop.",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("paused"), "{out}");
    assert!(out.contains("necessity"), "{out}");
    let (_, out, _) = run(d, &["watch", "list"]);
    assert!(
        out.contains("[paused: note incomplete, legitimate interests, necessity, balance missing]"),
        "{out}"
    );
    let (code, out, err) = run(
        d,
        &[
            "watch",
            "note",
            "1",
            "--legitimate-interests",
            "Looking after our customers is our business.",
            "--necessity",
            "Customers post about us in public instead of writing to us.",
            "--balance",
            "Public posts only, answered in service, never marketing.",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("listens"), "{out}");
    let (_, out, _) = run(d, &["watch", "list"]);
    assert!(!out.contains("paused"), "{out}");
    let (code, _, err) = run(
        d,
        &[
            "watch",
            "note",
            "9",
            "--balance",
            "Public posts only, service.",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("not found"), "{err}");
}

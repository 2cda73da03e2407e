//! The outreach log and its guardrails (#5), on a real data folder: through
//! the workspace the window's commands call, and through the `hearken`
//! binary as a script would. Do-not-contact always wins, first contacts
//! carry the notice, DMs stay service messages, edits keep their history,
//! and the audit trail verifies and names nobody.

mod support;

use std::path::Path;

use hearken_lib::clock;
use hearken_lib::model::{
    Channel, ExportFormat, HandleRef, MentionStatus, NewOutreach, NewTemplate, OutreachChange,
    OutreachQuery, OutreachStatus, OutreachWarning, Platform, TimelineEntry,
};
use hearken_lib::store::{self, mentions::NewMention};
use hearken_lib::workspace::Workspace;
use support::hearken;

fn workspace() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).unwrap();
    (dir, ws)
}

/// Stores one public post and returns its id.
fn mention(
    ws: &Workspace,
    platform: Platform,
    handle: Option<&str>,
    name: Option<&str>,
    text: &str,
) -> i64 {
    let external_id = format!("{}-{}", handle.or(name).unwrap_or("anon"), text.len());
    let m = NewMention {
        platform,
        external_id: external_id.clone(),
        url: Some(format!("https://example.com/{external_id}")),
        author_id: None,
        author_handle: handle.map(str::to_string),
        author_name: name.map(str::to_string),
        text: text.into(),
        language: Some("en".into()),
        created_at: clock::in_secs(-3 * 86_400),
        from_search: false,
    };
    ws.store
        .write(|tx| store::mentions::insert_new(tx, None, &[m], &clock::now_string()))
        .unwrap();
    ws.store
        .read(|c| store::mentions::id_of(c, platform.as_str(), &external_id))
        .unwrap()
        .unwrap()
}

const KIND: &str = "Hi Jo, I'm sorry to read this. Could you send us your order number so I can look into it today? (We saw your post because we read public posts that mention the shop; reply stop and we won't contact you again.)";

fn from_mention(id: i64) -> NewOutreach {
    NewOutreach {
        mention_id: Some(id),
        platform: None,
        handle: None,
        channel: Channel::PublicReply,
        message: KIND.into(),
        status: OutreachStatus::Sent,
        occurred_at: None,
        follow_up_at: None,
        outcome: None,
        notes: None,
        notice_given: true,
        acknowledged: Vec::new(),
    }
}

fn to(platform: Platform, handle: &str) -> NewOutreach {
    NewOutreach {
        mention_id: None,
        platform: Some(platform),
        handle: Some(handle.into()),
        ..from_mention(0)
    }
}

fn handle(platform: Platform, h: &str) -> HandleRef {
    HandleRef {
        platform,
        handle: h.into(),
    }
}

fn add_dnc(ws: &Workspace, platform: Platform, h: &str) {
    let key = ws.privacy_key().unwrap();
    ws.store
        .write(|tx| store::dnc::add(tx, &key, platform, h, None, "2026-11-02T10:00:00Z"))
        .unwrap();
}

fn outreach_count(ws: &Workspace) -> i64 {
    ws.store.read(store::outreach::count).unwrap()
}

fn audit(ws: &Workspace) -> Vec<hearken_lib::model::AuditEntry> {
    let mut rows = ws
        .store
        .read(|c| store::audit::list(c, None, 1000))
        .unwrap();
    rows.reverse();
    rows
}

/// Runs one SQL statement, as time passing or another version would leave the file.
fn exec(ws: &Workspace, sql: &str, params: impl rusqlite::Params) {
    ws.store
        .write(|tx| {
            tx.execute(sql, params)
                .map_err(|e| hearken_lib::error::Error::Database(e.to_string()))
        })
        .unwrap();
}

fn in_days(days: i64) -> String {
    clock::in_secs(days * 86_400)
}

/// The audit trail links up, and no entry carries any of these texts.
fn audit_verifies_and_names_nobody(ws: &Workspace, private: &[&str]) {
    let v = ws.store.read(store::audit::verify).unwrap();
    assert!(v.ok, "{}", v.message);
    for e in audit(ws) {
        let row = format!("{} {} {:?} {:?}", e.actor, e.action, e.subject, e.detail).to_lowercase();
        for p in private {
            assert!(
                !row.contains(&p.to_lowercase()),
                "audit entry {} carries {p:?}: {row}",
                e.id
            );
        }
    }
}

#[test]
fn logging_from_a_mention_records_it_moves_the_mention_and_audits_without_personal_data() {
    let (_d, ws) = workspace();
    let m = mention(
        &ws,
        Platform::X,
        Some("@Jo_Bakes"),
        Some("Jo"),
        "Still no refund for my order",
    );
    let planned = mention(&ws, Platform::X, Some("@Al"), None, "Where is my bike?");
    let fixed = mention(
        &ws,
        Platform::Reddit,
        Some("sam_r"),
        None,
        "Wrong chain again",
    );

    let o = ws.log_outreach(&from_mention(m)).unwrap();
    assert_eq!((o.platform, o.handle.as_str()), (Platform::X, "@Jo_Bakes"));
    assert_eq!(o.mention_id, Some(m));
    assert!(o.notice_given && !o.notice_missing);
    assert!(o.promotional_words.is_empty() && !o.follow_up_due);
    assert_eq!(
        ws.mention_detail(m).unwrap().mention.status,
        MentionStatus::Contacted
    );
    let detail = ws.mention_detail(m).unwrap();
    assert_eq!(detail.outreach.len(), 1);
    assert_eq!(detail.outreach[0].id, o.id);

    // A plan leaves the mention where it was; a resolution resolves it.
    let mut plan = from_mention(planned);
    plan.status = OutreachStatus::Planned;
    plan.occurred_at = Some(in_days(2));
    plan.follow_up_at = Some(in_days(3)[..10].to_string());
    let p = ws.log_outreach(&plan).unwrap();
    assert_eq!(
        ws.mention_detail(planned).unwrap().mention.status,
        MentionStatus::New
    );
    assert_eq!(
        p.follow_up_at.as_deref(),
        Some(format!("{}T09:00:00Z", &in_days(3)[..10]).as_str())
    );
    let mut done = from_mention(fixed);
    done.status = OutreachStatus::Resolved;
    done.outcome = Some("  Sent the right chain.  ".into());
    let r = ws.log_outreach(&done).unwrap();
    assert_eq!(r.outcome.as_deref(), Some("Sent the right chain."));
    assert_eq!(
        ws.mention_detail(fixed).unwrap().mention.status,
        MentionStatus::Resolved
    );

    let entries = audit(&ws);
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0].action, "outreach_logged");
    assert_eq!(
        entries[0].subject.as_deref(),
        Some(format!("outreach:{}", o.id).as_str())
    );
    assert_eq!(
        entries[0].detail.as_deref(),
        Some("channel=public_reply, status=sent, notice=yes")
    );
    assert_eq!(
        entries[1].detail.as_deref(),
        Some("channel=public_reply, status=planned, notice=yes")
    );
    audit_verifies_and_names_nobody(&ws, &["jo_bakes", "@al", "sam_r", KIND, "refund", "chain"]);
}

#[test]
fn bad_input_is_refused_with_plain_words_and_nothing_is_recorded() {
    let (_d, ws) = workspace();
    let m = mention(&ws, Platform::X, Some("@jo"), None, "No reply to my emails");
    let anon = mention(
        &ws,
        Platform::GoogleAlerts,
        None,
        None,
        "An article about the shop",
    );
    let cases: Vec<(NewOutreach, &str)> = vec![
        (
            NewOutreach {
                message: "   \n ".into(),
                ..from_mention(m)
            },
            "can't be empty",
        ),
        (
            NewOutreach {
                message: "a".repeat(5_001),
                ..from_mention(m)
            },
            "5000 or fewer",
        ),
        (
            NewOutreach {
                follow_up_at: Some(in_days(-2)),
                ..from_mention(m)
            },
            "in the past",
        ),
        (
            NewOutreach {
                follow_up_at: Some(in_days(-2)[..10].into()),
                ..from_mention(m)
            },
            "in the past",
        ),
        (
            NewOutreach {
                follow_up_at: Some("next tuesday".into()),
                ..from_mention(m)
            },
            "isn't a date",
        ),
        (
            NewOutreach {
                occurred_at: Some(in_days(3)),
                ..from_mention(m)
            },
            "in the future",
        ),
        (
            NewOutreach {
                occurred_at: Some("yesterday-ish".into()),
                ..from_mention(m)
            },
            "isn't a date",
        ),
        (
            NewOutreach {
                notes: Some("n".repeat(5_001)),
                ..from_mention(m)
            },
            "note is 5001",
        ),
        (from_mention(987_654), "no mention 987654"),
        (from_mention(anon), "doesn't say who wrote it"),
        (
            NewOutreach {
                handle: None,
                ..to(Platform::X, "")
            },
            "Type the person's handle",
        ),
        (
            NewOutreach {
                handle: Some(" @ ".into()),
                ..to(Platform::X, "")
            },
            "Type the person's handle",
        ),
        (
            NewOutreach {
                platform: None,
                ..to(Platform::X, "jo")
            },
            "Choose the platform",
        ),
        (to(Platform::X, &"h".repeat(201)), "longer than 200"),
    ];
    for (draft, words) in cases {
        let check = ws.check_outreach(&draft).unwrap();
        assert!(
            check.problems.iter().any(|p| p.contains(words)),
            "{words}: {:?}",
            check.problems
        );
        let err = ws.log_outreach(&draft).unwrap_err();
        assert_eq!(err.code(), "invalid_input", "{words}: {err}");
        assert!(err.to_string().contains(words), "{words}: {err}");
    }
    // A planned contact may be dated ahead; an unknown handle is fine to
    // contact (a customer who phoned), given the platform.
    let ok = NewOutreach {
        status: OutreachStatus::Planned,
        occurred_at: Some(in_days(3)),
        ..to(Platform::Facebook, "Someone New")
    };
    assert!(ws.check_outreach(&ok).unwrap().problems.is_empty());
    assert_eq!(outreach_count(&ws), 0);
    assert!(audit(&ws).is_empty());
    assert_eq!(
        ws.mention_detail(m).unwrap().mention.status,
        MentionStatus::New
    );
}

#[test]
fn do_not_contact_refuses_every_channel_and_every_linked_handle() {
    let (_d, ws) = workspace();
    let on_x = mention(
        &ws,
        Platform::X,
        Some("@Jo_Bakes"),
        Some("Jo"),
        "Never again",
    );
    let on_reddit = mention(
        &ws,
        Platform::Reddit,
        Some("jobakes_uk"),
        None,
        "Avoid this shop",
    );
    let other = mention(&ws, Platform::X, Some("@someone_else"), None, "Nice shop");
    ws.link_handles(
        &handle(Platform::Reddit, "jobakes_uk"),
        &handle(Platform::X, "jo_bakes"),
    )
    .unwrap();
    add_dnc(&ws, Platform::X, "jo_bakes");

    for channel in Channel::ALL {
        for status in [
            OutreachStatus::Sent,
            OutreachStatus::Planned,
            OutreachStatus::Resolved,
        ] {
            for draft in [
                from_mention(on_x),
                from_mention(on_reddit),
                to(Platform::X, " @JO_BAKES "),
                to(Platform::Reddit, "@jobakes_uk"),
            ] {
                let draft = NewOutreach {
                    channel,
                    status,
                    occurred_at: None,
                    ..draft
                };
                let err = ws.log_outreach(&draft).unwrap_err();
                assert_eq!(err.code(), "do_not_contact", "{channel:?}: {err}");
                let text = err.to_string();
                assert!(text.contains("asked not to be contacted") && text.contains("2026-11-02"));
                assert!(!text.to_lowercase().contains("jo"), "names someone: {text}");
                let check = ws.check_outreach(&draft).unwrap();
                assert!(check.do_not_contact.is_some());
            }
        }
    }
    // Do-not-contact wins even over a form with problems.
    let err = ws
        .log_outreach(&NewOutreach {
            message: String::new(),
            ..from_mention(on_reddit)
        })
        .unwrap_err();
    assert_eq!(err.code(), "do_not_contact");
    let draft = ws
        .draft_outreach(Some(on_reddit), None, None, None)
        .unwrap();
    assert!(draft.do_not_contact.is_some());
    assert_eq!(outreach_count(&ws), 0);
    // Someone else is not affected.
    ws.log_outreach(&from_mention(other)).unwrap();
    assert_eq!(outreach_count(&ws), 1);
    // The timeline shows the entry, and the badge on each of their mentions.
    let t = ws
        .person_timeline(&handle(Platform::Reddit, "JOBAKES_UK"))
        .unwrap();
    assert!(t.do_not_contact.is_some());
    assert_eq!(t.entries.len(), 2);
    assert!(t
        .entries
        .iter()
        .all(|e| matches!(e, TimelineEntry::Mention { mention, .. } if mention.do_not_contact)));
}

#[test]
fn without_a_readable_privacy_key_nothing_is_recorded() {
    let (dir, ws) = workspace();
    let m = mention(&ws, Platform::X, Some("@jo"), None, "Still waiting");
    let key = dir.path().join(store::dnc::KEY_FILE);
    ws.privacy_key().unwrap();
    // Damaged: refused, and says so. (A running workspace keeps the key it
    // read; the damage shows when Hearken next starts.)
    std::fs::write(&key, "not a key").unwrap();
    let ws = Workspace::open(dir.path()).unwrap();
    let err = ws.log_outreach(&from_mention(m)).unwrap_err();
    assert!(err.to_string().contains("do-not-contact"), "{err}");
    assert!(err.to_string().contains("Nothing was recorded"), "{err}");
    assert!(ws.check_outreach(&from_mention(m)).is_err());
    // Unreadable (a folder where the file should be; root reads any file).
    std::fs::remove_file(&key).unwrap();
    std::fs::create_dir(&key).unwrap();
    let ws = Workspace::open(dir.path()).unwrap();
    let err = ws.log_outreach(&from_mention(m)).unwrap_err();
    assert!(
        err.to_string().contains("can't read its privacy key"),
        "{err}"
    );
    assert_eq!(outreach_count(&ws), 0);
    assert_eq!(
        ws.mention_detail(m).unwrap().mention.status,
        MentionStatus::New
    );
}

#[test]
fn a_first_contact_without_the_notice_and_a_promotional_dm_need_confirmation() {
    let (_d, ws) = workspace();
    let m = mention(&ws, Platform::X, Some("@jo"), None, "Broken bell");
    mention(
        &ws,
        Platform::Mastodon,
        Some("@jo@toot.example"),
        None,
        "Bell still broken",
    );
    ws.link_handles(
        &handle(Platform::X, "jo"),
        &handle(Platform::Mastodon, "jo@toot.example"),
    )
    .unwrap();

    // A plan made first is not a contact: the first one sent still needs the notice.
    let plan = NewOutreach {
        status: OutreachStatus::Planned,
        notice_given: false,
        acknowledged: vec![OutreachWarning::NoticeMissing],
        ..from_mention(m)
    };
    assert!(ws.log_outreach(&plan).unwrap().notice_missing);

    let bare = NewOutreach {
        notice_given: false,
        ..from_mention(m)
    };
    let check = ws.check_outreach(&bare).unwrap();
    assert!(check.first_contact);
    assert_eq!(check.warnings, vec![OutreachWarning::NoticeMissing]);
    let err = ws.log_outreach(&bare).unwrap_err();
    assert_eq!(err.code(), "needs_confirmation");
    assert!(err.to_string().contains("privacy notice"), "{err}");
    assert!(err.to_string().contains("Nothing was recorded"), "{err}");
    assert_eq!(outreach_count(&ws), 1);
    let logged = ws
        .log_outreach(&NewOutreach {
            acknowledged: vec![OutreachWarning::NoticeMissing],
            ..bare.clone()
        })
        .unwrap();
    assert!(logged.notice_missing, "the record keeps showing it");
    let last = audit(&ws).pop().unwrap();
    assert_eq!(
        last.detail.as_deref(),
        Some("channel=public_reply, status=sent, notice=no, confirmed=notice_missing")
    );

    // Later contacts, on the same or a linked handle, are not first contacts.
    let dm = NewOutreach {
        channel: Channel::DirectMessage,
        message: "Sorry again! Here's a discount CODE for 20% off: buy anything.".into(),
        ..to(Platform::Mastodon, "@JO@toot.example")
    };
    let check = ws.check_outreach(&dm).unwrap();
    assert!(!check.first_contact);
    assert_eq!(check.warnings, vec![OutreachWarning::Promotional]);
    assert_eq!(check.promotional_words, vec!["discount", "% off", "buy"]);
    let err = ws.log_outreach(&dm).unwrap_err();
    assert_eq!(err.code(), "needs_confirmation");
    assert!(
        err.to_string().contains("\"discount\", \"% off\", \"buy\""),
        "{err}"
    );
    // Acknowledging a different warning is not acknowledging this one.
    let err = ws
        .log_outreach(&NewOutreach {
            acknowledged: vec![OutreachWarning::NoticeMissing],
            ..dm.clone()
        })
        .unwrap_err();
    assert_eq!(err.code(), "needs_confirmation");
    let sent = ws
        .log_outreach(&NewOutreach {
            acknowledged: vec![OutreachWarning::Promotional],
            ..dm.clone()
        })
        .unwrap();
    assert_eq!(sent.promotional_words, vec!["discount", "% off", "buy"]);
    assert!(!sent.notice_missing);
    // The same words in a public reply or on the phone are not a DM.
    for channel in [Channel::PublicReply, Channel::Phone, Channel::InPerson] {
        let check = ws
            .check_outreach(&NewOutreach {
                channel,
                ..dm.clone()
            })
            .unwrap();
        assert!(check.warnings.is_empty() && check.promotional_words.is_empty());
    }
    assert_eq!(
        ws.check_outreach(&NewOutreach {
            channel: Channel::Email,
            ..dm
        })
        .unwrap()
        .warnings,
        vec![OutreachWarning::Promotional]
    );
}

#[test]
fn edits_keep_every_old_value_and_are_audited_by_field_name_only() {
    let (_d, ws) = workspace();
    let m = mention(&ws, Platform::X, Some("@jo"), None, "Late delivery");
    let o = ws
        .log_outreach(&NewOutreach {
            follow_up_at: Some(in_days(7)),
            ..from_mention(m)
        })
        .unwrap();
    // Nothing changed: nothing written.
    let same = ws
        .update_outreach(
            o.id,
            &OutreachChange {
                status: Some(OutreachStatus::Sent),
                message: Some(format!(" {KIND} ")),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!((same.revisions, same.updated_at.clone()), (0, None));

    let changed = ws
        .update_outreach(
            o.id,
            &OutreachChange {
                status: Some(OutreachStatus::Replied),
                outcome: Some("She sent the order number.".into()),
                follow_up_at: Some(String::new()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(changed.status, OutreachStatus::Replied);
    assert_eq!(changed.follow_up_at, None);
    assert_eq!(changed.revisions, 3);
    assert!(changed.updated_at.is_some());
    let history = ws.outreach_history(o.id).unwrap();
    let fields: Vec<&str> = history.iter().map(|r| r.field.as_str()).collect();
    assert_eq!(fields, vec!["status", "follow_up_at", "outcome"]);
    assert_eq!(history[0].old_value.as_deref(), Some("sent"));
    assert_eq!(history[0].new_value.as_deref(), Some("replied"));
    assert_eq!(history[1].old_value, o.follow_up_at);
    assert_eq!(history[1].new_value, None);
    assert_eq!(
        history[2].new_value.as_deref(),
        Some("She sent the order number.")
    );
    let last = audit(&ws).pop().unwrap();
    assert_eq!(last.action, "outreach_changed");
    assert_eq!(
        last.subject.as_deref(),
        Some(format!("outreach:{}", o.id).as_str())
    );
    assert_eq!(
        last.detail.as_deref(),
        Some("status, follow_up_at, outcome")
    );

    // A message turned promotional in a DM needs confirming, like a new one.
    let promo = OutreachChange {
        channel: Some(Channel::Email),
        message: Some("Sorry! Subscribe to our newsletter for a voucher.".into()),
        ..Default::default()
    };
    assert_eq!(
        ws.update_outreach(o.id, &promo).unwrap_err().code(),
        "needs_confirmation"
    );
    assert_eq!(
        ws.outreach_history(o.id).unwrap().len(),
        3,
        "nothing half-changed"
    );
    let promo = OutreachChange {
        acknowledged: vec![OutreachWarning::Promotional],
        ..promo
    };
    let edited = ws.update_outreach(o.id, &promo).unwrap();
    assert_eq!(
        edited.promotional_words,
        vec!["subscribe", "newsletter", "voucher"]
    );
    let history = ws.outreach_history(o.id).unwrap();
    assert_eq!(history[3].old_value.as_deref(), Some("public_reply"));
    assert_eq!(
        history[4].old_value.as_deref(),
        Some(KIND),
        "the old message is kept"
    );

    // Bad edits are refused whole.
    for (change, code) in [
        (
            OutreachChange {
                message: Some(" ".into()),
                ..Default::default()
            },
            "invalid_input",
        ),
        (
            OutreachChange {
                follow_up_at: Some(in_days(-1)),
                ..Default::default()
            },
            "invalid_input",
        ),
        (
            OutreachChange {
                notes: Some("x".repeat(5_001)),
                ..Default::default()
            },
            "invalid_input",
        ),
    ] {
        assert_eq!(ws.update_outreach(o.id, &change).unwrap_err().code(), code);
    }
    assert_eq!(
        ws.update_outreach(9_999, &OutreachChange::default())
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(ws.outreach_history(9_999).unwrap_err().code(), "not_found");
    assert_eq!(ws.outreach_history(o.id).unwrap().len(), 5);

    // Do-not-contact: closing and notes still work; sending again does not.
    add_dnc(&ws, Platform::X, "@jo");
    let closed = ws
        .update_outreach(
            o.id,
            &OutreachChange {
                status: Some(OutreachStatus::Resolved),
                notes: Some("Asked us to stop.".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(closed.status, OutreachStatus::Resolved);
    assert_eq!(
        ws.mention_detail(m).unwrap().mention.status,
        MentionStatus::Resolved
    );
    for status in [OutreachStatus::Sent, OutreachStatus::Planned] {
        let err = ws
            .update_outreach(
                o.id,
                &OutreachChange {
                    status: Some(status),
                    ..Default::default()
                },
            )
            .unwrap_err();
        assert_eq!(err.code(), "do_not_contact", "{err}");
    }
    assert_eq!(ws.outreach(o.id).unwrap().status, OutreachStatus::Resolved);
    audit_verifies_and_names_nobody(
        &ws,
        &["@jo", "newsletter", "order number", "Asked us to stop"],
    );
}

#[test]
fn a_planned_contact_made_later_takes_the_time_it_was_made() {
    let (_d, ws) = workspace();
    let plan = ws
        .log_outreach(&NewOutreach {
            status: OutreachStatus::Planned,
            occurred_at: Some(in_days(2)),
            ..to(Platform::Bluesky, "kim.bsky.social")
        })
        .unwrap();
    let sent = ws
        .update_outreach(
            plan.id,
            &OutreachChange {
                status: Some(OutreachStatus::Sent),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(
        sent.occurred_at <= clock::now_string(),
        "{}",
        sent.occurred_at
    );
    let fields: Vec<String> = ws
        .outreach_history(plan.id)
        .unwrap()
        .into_iter()
        .map(|r| r.field)
        .collect();
    assert_eq!(fields, vec!["status", "occurred_at"]);

    // A plan written without the notice is a first contact without it once sent.
    let bare = ws
        .log_outreach(&NewOutreach {
            status: OutreachStatus::Planned,
            notice_given: false,
            acknowledged: vec![OutreachWarning::NoticeMissing],
            ..to(Platform::Bluesky, "lee.bsky.social")
        })
        .unwrap();
    let send = OutreachChange {
        status: Some(OutreachStatus::Sent),
        ..Default::default()
    };
    let err = ws.update_outreach(bare.id, &send).unwrap_err();
    assert_eq!(err.code(), "needs_confirmation");
    assert_eq!(
        ws.outreach(bare.id).unwrap().status,
        OutreachStatus::Planned
    );
    let sent = ws
        .update_outreach(
            bare.id,
            &OutreachChange {
                acknowledged: vec![OutreachWarning::NoticeMissing],
                ..send
            },
        )
        .unwrap();
    assert!(sent.notice_missing && sent.status == OutreachStatus::Sent);
}

#[test]
fn templates_are_seeded_once_and_fill_in_the_person_and_the_notice() {
    let (_d, ws) = workspace();
    let m = mention(
        &ws,
        Platform::Mastodon,
        Some("@gethin@toot.wales"),
        Some("Gethin Morgan"),
        "Open on Sunday?",
    );
    let list = ws.templates().unwrap();
    assert_eq!(list.len(), 4);
    assert!(list
        .iter()
        .all(|t| t.builtin && t.promotional_words.is_empty()));
    ws.delete_template(list[3].id).unwrap();
    assert_eq!(
        ws.templates().unwrap().len(),
        3,
        "a deleted built-in stays deleted"
    );
    assert_eq!(
        ws.delete_template(list[3].id).unwrap_err().code(),
        "not_found"
    );

    let mine = ws
        .save_template(&NewTemplate {
            id: None,
            name: "  Sunday   hours ".into(),
            body:
                "Hi {name} ({handle} on {platform}), yes, open 10-4. – {business} {link} {unknown"
                    .into(),
        })
        .unwrap();
    assert_eq!(mine.name, "Sunday hours");
    assert!(!mine.builtin);
    for (t, words) in [
        (
            NewTemplate {
                id: None,
                name: "x".into(),
                body: "Hi {firstname}".into(),
            },
            "{firstname}",
        ),
        (
            NewTemplate {
                id: None,
                name: " ".into(),
                body: "Hi".into(),
            },
            "short name",
        ),
        (
            NewTemplate {
                id: None,
                name: "Empty".into(),
                body: "  ".into(),
            },
            "can't be empty",
        ),
        (
            NewTemplate {
                id: None,
                name: "SUNDAY HOURS".into(),
                body: "Hi".into(),
            },
            "already have",
        ),
    ] {
        let err = ws.save_template(&t).unwrap_err();
        assert!(err.to_string().contains(words), "{words}: {err}");
    }
    let promo = ws
        .save_template(&NewTemplate {
            id: Some(mine.id),
            name: "Sunday hours".into(),
            body: "Sale on Sunday! {name}".into(),
        })
        .unwrap();
    assert_eq!(
        (promo.id, promo.promotional_words.clone()),
        (mine.id, vec!["sale".to_string()])
    );
    ws.save_template(&NewTemplate {
        id: Some(mine.id),
        name: "Sunday hours".into(),
        body: "Hi {name} ({handle} on {platform}), yes. – {business} {link}".into(),
    })
    .unwrap();

    let mut settings = ws.store.read(store::settings::load).unwrap();
    settings.business_name = "Pedal & Pine".into();
    settings.business_contact = "hello@pedalandpine.example".into();
    ws.save_settings(&settings).unwrap();
    let d = ws
        .draft_outreach(Some(m), None, None, Some(mine.id))
        .unwrap();
    assert_eq!(
        d.message,
        "Hi Gethin Morgan (@gethin@toot.wales on Mastodon), yes. – Pedal & Pine https://example.com/@gethin@toot.wales-15"
    );
    assert!(d.first_contact && d.do_not_contact.is_none());
    assert!(
        d.notice.contains("on Mastodon") && d.notice.contains("Pedal & Pine"),
        "{}",
        d.notice
    );
    assert!(
        d.notice.contains("90 days") && d.notice.contains("hello@pedalandpine.example"),
        "{}",
        d.notice
    );
    // The owner's own notice and retention, once the Privacy settings hold them.
    ws.store
        .write(|tx| {
            store::settings::set_value(
                tx,
                "notice_template",
                "Seen on {platform}; kept {days} days; {contact}; {business}",
            )?;
            store::settings::set_value(tx, "retention_mention_days", "30")
        })
        .unwrap();
    let d = ws
        .draft_outreach(None, Some(Platform::X), Some("@kim".into()), None)
        .unwrap();
    assert_eq!(d.message, "");
    assert_eq!(
        d.notice,
        "Seen on X; kept 30 days; hello@pedalandpine.example; Pedal & Pine"
    );
    assert_eq!(
        ws.draft_outreach(Some(4_242), None, None, None)
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(
        ws.draft_outreach(Some(m), None, None, Some(4_242))
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(
        ws.draft_outreach(None, Some(Platform::X), None, None)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
}

#[test]
fn a_timeline_reaches_across_linked_handles_oldest_first() {
    let (_d, ws) = workspace();
    let a = mention(
        &ws,
        Platform::X,
        Some("@Priya_R"),
        Some("Priya"),
        "Helmet still not here",
    );
    let b = mention(
        &ws,
        Platform::GoogleReviews,
        None,
        Some("Priya R."),
        "Replacement came the same day",
    );
    mention(
        &ws,
        Platform::X,
        Some("@priya_r2"),
        None,
        "A different person",
    );
    let first = ws.log_outreach(&from_mention(a)).unwrap();
    exec(
        &ws,
        "UPDATE mentions SET created_at = ?1 WHERE id = ?2",
        rusqlite::params![clock::in_secs(-86_400), b],
    );

    // Before linking: one platform only.
    let t = ws.person_timeline(&handle(Platform::X, "priya_r")).unwrap();
    assert_eq!(t.entries.len(), 2);
    assert_eq!(t.handles, vec![handle(Platform::X, "priya_r")]);

    let err = ws
        .link_handles(
            &handle(Platform::X, "@PRIYA_R"),
            &handle(Platform::X, "priya_r"),
        )
        .unwrap_err();
    assert!(err.to_string().contains("itself"), "{err}");
    let err = ws
        .link_handles(
            &handle(Platform::X, "priya_r"),
            &handle(Platform::Reddit, "nobody_here"),
        )
        .unwrap_err();
    assert!(err.to_string().contains("nothing to link"), "{err}");
    let t = ws
        .link_handles(
            &handle(Platform::X, "@Priya_R"),
            &handle(Platform::GoogleReviews, "priya r."),
        )
        .unwrap();
    assert_eq!(t.handles.len(), 2);
    let kinds: Vec<(String, &str)> = t
        .entries
        .iter()
        .map(|e| match e {
            TimelineEntry::Mention { at, mention } => {
                (at.clone(), if mention.id == a { "post" } else { "review" })
            }
            TimelineEntry::Outreach { at, .. } => (at.clone(), "outreach"),
        })
        .collect();
    assert_eq!(
        kinds.iter().map(|k| k.1).collect::<Vec<_>>(),
        vec!["post", "review", "outreach"]
    );
    assert!(kinds.windows(2).all(|w| w[0].0 <= w[1].0), "oldest first");
    // The review's author now has had a first contact, via the link.
    let later = ws
        .check_outreach(&NewOutreach {
            notice_given: false,
            ..from_mention(b)
        })
        .unwrap();
    assert!(!later.first_contact && later.warnings.is_empty());
    // The person filter of the log reaches the linked handle too.
    let list = ws
        .query_outreach(&OutreachQuery {
            person: Some(handle(Platform::GoogleReviews, "Priya R.")),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        list.items.iter().map(|o| o.id).collect::<Vec<_>>(),
        vec![first.id]
    );

    let t = ws
        .unlink_handle(&handle(Platform::GoogleReviews, "PRIYA R."))
        .unwrap();
    assert_eq!(t.handles.len(), 1);
    assert_eq!(t.entries.len(), 1, "the review alone");
    assert!(ws
        .unlink_handle(&handle(Platform::X, "priya_r"))
        .unwrap_err()
        .to_string()
        .contains("isn't linked"));
    let err = ws
        .person_timeline(&handle(Platform::Youtube, "@never_seen"))
        .unwrap_err();
    assert!(
        err.to_string().contains("holds no mentions or outreach"),
        "{err}"
    );
    // Names beyond ASCII compare in any case too.
    let e = ws
        .log_outreach(&to(Platform::Facebook, "ÉLODIE Martin"))
        .unwrap();
    let list = ws
        .query_outreach(&OutreachQuery {
            person: Some(handle(Platform::Facebook, "élodie martin")),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        list.items.iter().map(|o| o.id).collect::<Vec<_>>(),
        vec![e.id]
    );
    let t = ws
        .person_timeline(&handle(Platform::Facebook, "Élodie MARTIN"))
        .unwrap();
    assert_eq!(t.entries.len(), 1);
    assert_eq!(
        ws.person_timeline(&handle(Platform::X, "  "))
            .unwrap_err()
            .code(),
        "invalid_input"
    );
}

#[test]
fn the_log_filters_counts_due_follow_ups_and_reminds_of_each_once() {
    let (_d, ws) = workspace();
    let log = |platform, h: &str, channel, status, follow: Option<i64>| {
        ws.log_outreach(&NewOutreach {
            channel,
            status,
            follow_up_at: follow.map(in_days),
            ..to(platform, h)
        })
        .unwrap()
    };
    let a = log(
        Platform::X,
        "a",
        Channel::Email,
        OutreachStatus::Sent,
        Some(2),
    );
    let b = log(
        Platform::X,
        "b",
        Channel::Phone,
        OutreachStatus::Replied,
        Some(3),
    );
    let c = log(
        Platform::Reddit,
        "c",
        Channel::Email,
        OutreachStatus::Resolved,
        Some(1),
    );
    let d = log(
        Platform::Reddit,
        "d",
        Channel::PublicReply,
        OutreachStatus::Sent,
        None,
    );
    // Time passes: every follow-up date is behind us.
    exec(
        &ws,
        "UPDATE outreach SET follow_up_at = ?1 WHERE follow_up_at IS NOT NULL",
        [clock::in_secs(-60)],
    );

    let all = ws.query_outreach(&OutreachQuery::default()).unwrap();
    assert_eq!(all.total, 4);
    assert_eq!(all.due, 2, "closed outreach is never due");
    assert_eq!(
        all.items.iter().map(|o| o.id).collect::<Vec<_>>(),
        vec![d.id, c.id, b.id, a.id],
        "newest first"
    );
    let due = ws
        .query_outreach(&OutreachQuery {
            due_only: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        due.items.iter().map(|o| o.id).collect::<Vec<_>>(),
        vec![b.id, a.id]
    );
    assert!(due.items.iter().all(|o| o.follow_up_due));
    let emails = ws
        .query_outreach(&OutreachQuery {
            channels: vec![Channel::Email],
            statuses: vec![OutreachStatus::Sent, OutreachStatus::Resolved],
            ..Default::default()
        })
        .unwrap();
    assert_eq!((emails.total, emails.due), (2, 2));
    let page = ws
        .query_outreach(&OutreachQuery {
            limit: Some(1),
            offset: Some(1),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        (page.items.len(), page.items[0].id, page.total),
        (1, c.id, 4)
    );
    let none = ws
        .query_outreach(&OutreachQuery {
            person: Some(handle(Platform::X, "@nobody")),
            ..Default::default()
        })
        .unwrap();
    assert_eq!((none.total, none.items.len()), (0, 0));

    let first = ws.remind_follow_ups().unwrap();
    assert_eq!((first.newly_due, first.due), (2, 2));
    let again = ws.remind_follow_ups().unwrap();
    assert_eq!(
        (again.newly_due, again.due),
        (0, 2),
        "each is reminded of once"
    );
    // A new date is a new reminder.
    ws.update_outreach(
        a.id,
        &OutreachChange {
            follow_up_at: Some(in_days(1)),
            ..Default::default()
        },
    )
    .unwrap();
    exec(
        &ws,
        "UPDATE outreach SET follow_up_at = ?1 WHERE id = ?2",
        rusqlite::params![clock::in_secs(-1), a.id],
    );
    assert_eq!(ws.remind_follow_ups().unwrap().newly_due, 1);
}

#[test]
fn exports_are_whole_files_audited_and_an_unwritable_folder_leaves_nothing() {
    let (_d, ws) = workspace();
    let m = mention(&ws, Platform::X, Some("@eve"), None, "=cmd|' /C calc'!A0");
    ws.log_outreach(&NewOutreach {
        message: "=HYPERLINK(\"https://evil.example\",\"click\"), and \"quotes\"\nover two lines"
            .into(),
        notes: Some("+44 1234 567890".into()),
        ..from_mention(m)
    })
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let csv = ws
        .export_outreach(ExportFormat::Csv, Some(out.path().to_path_buf()))
        .unwrap();
    assert_eq!(
        csv.file_name().unwrap().to_string_lossy(),
        format!("outreach-{}.csv", &clock::now_string()[..10])
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.contains("\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"click\"\"), and \"\"quotes\"\"\nover two lines\""), "{text}");
    assert!(text.contains(",'@eve,"), "{text}");
    assert!(text.contains(",'+44 1234 567890,"), "{text}");
    let json = ws
        .export_outreach(ExportFormat::Json, Some(out.path().to_path_buf()))
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(v["count"], 1);
    assert_eq!(v["outreach"][0]["handle"], "@eve");
    // A second export the same day gets a name of its own.
    let again = ws
        .export_outreach(ExportFormat::Csv, Some(out.path().to_path_buf()))
        .unwrap();
    assert_ne!(again, csv);
    let exports = audit(&ws)
        .into_iter()
        .filter(|e| e.action == "export")
        .count();
    assert_eq!(exports, 3);

    // Folders that can't be written: missing, a file, and /proc (even root can't).
    let missing = out.path().join("not-here");
    let file = out.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let mut bad = vec![missing.clone(), file.clone()];
    if cfg!(target_os = "linux") {
        bad.push("/proc".into());
    }
    for dir in bad {
        let err = ws
            .export_outreach(ExportFormat::Csv, Some(dir.clone()))
            .unwrap_err();
        assert_eq!(err.code(), "invalid_input", "{}: {err}", dir.display());
        assert!(
            err.to_string().contains("wasn't saved")
                || err.to_string().contains("Nothing was saved"),
            "{err}"
        );
    }
    assert!(!missing.exists());
    let names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(names.iter().all(|n| !n.ends_with(".part")));
    assert_eq!(
        audit(&ws)
            .into_iter()
            .filter(|e| e.action == "export")
            .count(),
        3
    );
    audit_verifies_and_names_nobody(&ws, &["@eve", "hyperlink", "evil", "1234"]);
}

// ── The command line ────────────────────────────────────────────────────────

fn cli(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> (i32, String, String) {
    hearken(dir, args, stdin, &[])
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

#[test]
fn the_cli_logs_lists_and_exports_and_refuses_like_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    {
        let ws = Workspace::open(&data).unwrap();
        mention(
            &ws,
            Platform::Reddit,
            Some("kettle_dave"),
            None,
            "Brushed off at the counter",
        );
        add_dnc(&ws, Platform::Reddit, "kettle_dave");
    }
    let message = "Hi, sorry about the wait. Could you DM us the order number? (We read public posts that mention us; say stop and we won't contact you again.)\n";
    let (code, out, err) = cli(
        &data,
        &[
            "--json",
            "outreach",
            "log",
            "--platform",
            "x",
            "--handle",
            "@kim",
            "--channel",
            "public-reply",
            "--status",
            "sent",
            "--message-stdin",
            "--notice",
            "--follow-up",
            &in_days(5)[..10],
        ],
        Some(message.as_bytes()),
    );
    assert_eq!(code, 0, "{err}");
    let o = json(&out);
    assert_eq!(o["message"], message.trim());
    assert_eq!(o["channel"], "public_reply");
    assert_eq!(o["notice_given"], true);

    // Do-not-contact, by a mention or a handle, on every channel.
    for channel in [
        "public_reply",
        "direct_message",
        "email",
        "phone",
        "in_person",
    ] {
        for who in [
            &["--mention", "1"][..],
            &["--platform", "reddit", "--handle", "@Kettle_Dave"][..],
        ] {
            let mut args = vec![
                "outreach",
                "log",
                "--channel",
                channel,
                "--status",
                "sent",
                "--message",
                "Hello",
                "--notice",
                "--confirm-warnings",
            ];
            args.extend_from_slice(who);
            let (code, out, err) = cli(&data, &args, None);
            assert_eq!(code, 1, "{channel} {who:?}: {out}");
            assert!(
                err.starts_with("hearken: This person asked not to be contacted"),
                "{err}"
            );
            assert!(!err.to_lowercase().contains("dave"), "{err}");
            let mut args = vec!["--json"];
            args.extend(args_with(channel, who));
            let (code, _, err) = cli(&data, &args, None);
            assert_eq!(code, 1);
            assert_eq!(json(&err)["code"], "do_not_contact");
        }
    }

    // Warnings need --confirm-warnings.
    let promo = [
        "outreach",
        "log",
        "--platform",
        "x",
        "--handle",
        "@kim",
        "--channel",
        "dm",
        "--status",
        "sent",
        "--message",
        "Free gift with every purchase - subscribe now",
    ];
    let (code, _, err) = cli(&data, &promo, None);
    assert_eq!(code, 1);
    assert!(
        err.contains("reads as promotion") && err.contains("--confirm-warnings"),
        "{err}"
    );
    let mut confirmed = promo.to_vec();
    confirmed.push("--confirm-warnings");
    let (code, out, err) = cli(&data, &confirmed, None);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("reads as promotion (free gift, subscribe)"),
        "{out}"
    );

    // Bad input: a past follow-up, an empty message, unknown names, an unknown mention.
    for (args, words) in [
        (
            vec![
                "outreach",
                "log",
                "--platform",
                "x",
                "--handle",
                "kim",
                "--channel",
                "email",
                "--status",
                "sent",
                "--message",
                "Hi",
                "--follow-up",
                "2020-01-01",
            ],
            "in the past",
        ),
        (
            vec![
                "outreach",
                "log",
                "--platform",
                "x",
                "--handle",
                "kim",
                "--channel",
                "email",
                "--status",
                "sent",
                "--message",
                "  ",
            ],
            "can't be empty",
        ),
        (
            vec![
                "outreach",
                "log",
                "--platform",
                "x",
                "--handle",
                "kim",
                "--channel",
                "fax",
                "--status",
                "sent",
                "--message",
                "Hi",
            ],
            "isn't a channel",
        ),
        (
            vec![
                "outreach",
                "log",
                "--platform",
                "x",
                "--handle",
                "kim",
                "--channel",
                "email",
                "--status",
                "done",
                "--message",
                "Hi",
            ],
            "isn't an outreach status",
        ),
        (
            vec![
                "outreach",
                "log",
                "--mention",
                "77",
                "--channel",
                "email",
                "--status",
                "sent",
                "--message",
                "Hi",
            ],
            "no mention 77",
        ),
        (
            vec![
                "outreach",
                "log",
                "--channel",
                "email",
                "--status",
                "sent",
                "--message",
                "Hi",
            ],
            "Choose the platform",
        ),
        (
            vec!["outreach", "export", "--format", "xlsx"],
            "isn't an export format",
        ),
        (
            vec!["outreach", "list", "--status", "closed"],
            "isn't an outreach status",
        ),
    ] {
        let (code, _, err) = cli(&data, &args, None);
        assert_eq!(code, 1, "{args:?}");
        assert!(err.contains(words), "{words}: {err}");
    }

    let (code, out, _) = cli(&data, &["--json", "outreach", "list"], None);
    assert_eq!(code, 0);
    let list = json(&out);
    assert_eq!(list["total"], 2);
    let (_, out, _) = cli(
        &data,
        &["--json", "outreach", "list", "--channel", "direct_message"],
        None,
    );
    assert_eq!(
        json(&out)["items"][0]["promotional_words"],
        serde_json::json!(["free gift", "subscribe"])
    );
    let (_, out, _) = cli(
        &data,
        &[
            "--json",
            "outreach",
            "list",
            "--handle",
            "KIM",
            "--platform",
            "x",
            "--status",
            "sent",
            "--due",
        ],
        None,
    );
    assert_eq!(json(&out)["total"], 0, "nothing is due yet");
    let (code, out, _) = cli(
        &data,
        &[
            "outreach",
            "list",
            "--handle",
            "@kim",
            "--platform",
            "twitter",
        ],
        None,
    );
    assert_eq!(code, 0);
    assert!(out.contains("2 shown of 2 matching."), "{out}");

    let exports = dir.path().join("exports");
    std::fs::create_dir(&exports).unwrap();
    let (code, out, err) = cli(
        &data,
        &[
            "--json",
            "outreach",
            "export",
            "--format",
            "csv",
            "--dir",
            exports.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let path = json(&out)["path"].as_str().unwrap().to_string();
    let csv = std::fs::read_to_string(&path).unwrap();
    assert_eq!(csv.matches("\r\n").count(), 3, "a header and two records");
    let (code, _, err) = cli(
        &data,
        &[
            "outreach",
            "export",
            "--format",
            "json",
            "--dir",
            dir.path().join("nope").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 1);
    assert!(err.contains("no folder"), "{err}");

    let ws = Workspace::open(&data).unwrap();
    audit_verifies_and_names_nobody(&ws, &["kim", "kettle_dave", "subscribe", "order number"]);
    let actions: Vec<String> = audit(&ws).into_iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        vec!["outreach_logged", "outreach_logged", "export"]
    );
}

fn args_with<'a>(channel: &'a str, who: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "outreach",
        "log",
        "--channel",
        channel,
        "--status",
        "sent",
        "--message",
        "Hello",
        "--notice",
    ];
    args.extend_from_slice(who);
    args
}

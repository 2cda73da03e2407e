//! The customer privacy-settings guide: the shipped guides plus the owner's
//! own steps, guided sessions resumable by a short anonymous code, and the
//! printable handout. No customer name or contact detail is asked for or kept.

pub mod content;
pub mod handout;

use std::collections::{BTreeMap, HashSet};

use rand::Rng;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use time::Date;
use ts_rs::TS;

use crate::clock;
use crate::error::{Error, Result};
use crate::store::{SqlResult, Store};
pub use content::{Goal, Guide, GuideStep, Strength};

/// A session not touched for this long is forgotten.
pub const SESSION_DAYS: i64 = 30;
/// The handout suggests checking again after about this long.
pub const RECHECK_DAYS: i64 = 90;

/// What the customer did with a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StepStatus {
    Done,
    Skipped,
    NotApplicable,
}

/// A walk through the guide, as the UI shows it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GuideSession {
    /// Short anonymous code to resume later, like `K7QM-3PXA`.
    pub code: String,
    pub goal: Option<Goal>,
    pub platforms: Vec<String>,
    pub steps: Vec<GuideStep>,
    /// One per step: what the customer chose, if anything yet.
    pub statuses: Vec<Option<StepStatus>>,
    /// The step on screen; equal to `steps.len()` when the walk is finished.
    #[ts(type = "number")]
    pub position: i64,
    /// Names of platforms whose guide is past its review period.
    pub out_of_date: Vec<String>,
    pub updated_at: String,
}

/// A step the owner writes for their own customers.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewGuideStep {
    pub platform: String,
    pub title: String,
    pub where_app: String,
    pub where_web: String,
    pub why: String,
    pub what_changes: String,
    pub strength: Option<Strength>,
    pub goals: Vec<Goal>,
}

/// Every guide as the owner sees it: shipped steps, their own steps, and
/// which ones they have hidden.
pub fn guides(store: &Store, today: Date) -> Result<Vec<GuideWithHidden>> {
    store.read(|c| {
        let hidden = hidden_ids(c)?;
        let custom = custom_steps(c)?;
        Ok(content::shipped(today)
            .into_iter()
            .map(|mut g| {
                if let Some(extra) = custom.get(&g.platform) {
                    g.steps.extend(extra.iter().cloned());
                }
                let hidden_steps = g
                    .steps
                    .iter()
                    .filter(|s| hidden.contains(&s.id))
                    .map(|s| s.id.clone())
                    .collect();
                GuideWithHidden {
                    guide: g,
                    hidden: hidden_steps,
                }
            })
            .collect())
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GuideWithHidden {
    pub guide: Guide,
    /// Ids of steps the owner chose to leave out of sessions.
    pub hidden: Vec<String>,
}

fn hidden_ids(c: &Connection) -> Result<HashSet<String>> {
    let mut stmt = c.prepare("SELECT step_id FROM guide_hidden_steps").db()?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0)).db()?;
    rows.collect::<rusqlite::Result<HashSet<_>>>().db()
}

fn custom_steps(c: &Connection) -> Result<BTreeMap<String, Vec<GuideStep>>> {
    let mut stmt = c
        .prepare(
            "SELECT id, platform, title, where_app, where_web, why, what_changes, strength, goals, created_at
             FROM guide_custom_steps ORDER BY created_at, id",
        )
        .db()?;
    let rows = stmt
        .query_map([], |r| {
            let strength: String = r.get(7)?;
            let goals: String = r.get(8)?;
            let created: String = r.get(9)?;
            Ok(GuideStep {
                id: r.get(0)?,
                platform: r.get(1)?,
                title: r.get(2)?,
                where_app: r.get(3)?,
                where_web: r.get(4)?,
                why: r.get(5)?,
                what_changes: r.get(6)?,
                strength: if strength == "strong" {
                    Strength::Strong
                } else {
                    Strength::Basic
                },
                goals: serde_json::from_str(&goals).unwrap_or_else(|_| vec![Goal::Lockdown]),
                last_checked: created.chars().take(10).collect(),
                reference: None,
                custom: true,
            })
        })
        .db()?;
    let mut out: BTreeMap<String, Vec<GuideStep>> = BTreeMap::new();
    for step in rows {
        let step = step.db()?;
        out.entry(step.platform.clone()).or_default().push(step);
    }
    Ok(out)
}

/// Adds the owner's own step to a platform's guide.
pub fn add_custom_step(store: &Store, input: NewGuideStep) -> Result<GuideStep> {
    if !content::platform_ids().any(|p| p == input.platform) {
        return Err(Error::invalid(
            "Choose which platform's guide this step belongs to.",
        ));
    }
    let required = [
        ("what the setting is", &input.title, 70),
        ("where to find it in the phone app", &input.where_app, 400),
        ("why it matters", &input.why, 600),
        ("what changes once it is set", &input.what_changes, 600),
    ];
    for (what, value, max) in required {
        let n = value.trim().chars().count();
        if n == 0 {
            return Err(Error::invalid(format!("Fill in {what}.")));
        }
        if n > max {
            return Err(Error::invalid(format!(
                "Keep {what} under {max} characters (it is {n})."
            )));
        }
    }
    let where_web = if input.where_web.trim().is_empty() {
        "Same as the app".to_string()
    } else {
        input.where_web.trim().to_string()
    };
    let mut goals: Vec<Goal> = input.goals.clone();
    if !goals.contains(&Goal::Lockdown) {
        goals.insert(0, Goal::Lockdown);
    }
    if goals.len() == 1 {
        return Err(Error::invalid(
            "Choose whether this step helps stop strangers finding the customer, or controls who sees their posts (or both).",
        ));
    }
    let strength = input.strength.unwrap_or(Strength::Basic);
    let now = clock::now_string();
    let id = format!("custom-{}", new_code().to_lowercase().replace('-', ""));
    store.write(|tx| {
        tx.execute(
            "INSERT INTO guide_custom_steps (id, platform, title, where_app, where_web, why, what_changes, strength, goals, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                id,
                input.platform,
                input.title.trim(),
                input.where_app.trim(),
                where_web,
                input.why.trim(),
                input.what_changes.trim(),
                if strength == Strength::Strong { "strong" } else { "basic" },
                serde_json::to_string(&goals).map_err(Error::internal)?,
                now
            ],
        )
        .db()?;
        Ok(())
    })?;
    Ok(GuideStep {
        id,
        platform: input.platform,
        title: input.title.trim().into(),
        where_app: input.where_app.trim().into(),
        where_web,
        why: input.why.trim().into(),
        what_changes: input.what_changes.trim().into(),
        strength,
        goals,
        last_checked: now.chars().take(10).collect(),
        reference: None,
        custom: true,
    })
}

/// Removes one of the owner's own steps.
pub fn delete_custom_step(store: &Store, id: &str) -> Result<()> {
    let n = store.write(|tx| {
        tx.execute("DELETE FROM guide_custom_steps WHERE id = ?1", [id])
            .db()
    })?;
    if n == 0 {
        return Err(Error::NotFound("That step".into()));
    }
    Ok(())
}

/// Hides a step that does not apply to this business's customers, or shows it again.
pub fn set_hidden(store: &Store, step_id: &str, hidden: bool) -> Result<()> {
    let known = guides(store, clock::now().date())?
        .iter()
        .any(|g| g.guide.steps.iter().any(|s| s.id == step_id));
    if !known {
        return Err(Error::NotFound("That step".into()));
    }
    let now = clock::now_string();
    store.write(|tx| {
        if hidden {
            tx.execute(
                "INSERT OR IGNORE INTO guide_hidden_steps (step_id, hidden_at) VALUES (?1, ?2)",
                params![step_id, now],
            )
            .db()?;
        } else {
            tx.execute(
                "DELETE FROM guide_hidden_steps WHERE step_id = ?1",
                [step_id],
            )
            .db()?;
        }
        Ok(())
    })
}

/// The steps a walk covers: chosen platforms (all, if none), filtered by goal, hidden ones left out.
fn select_steps(
    guides: &[GuideWithHidden],
    platforms: &[String],
    goal: Option<Goal>,
) -> Vec<GuideStep> {
    guides
        .iter()
        .filter(|g| platforms.is_empty() || platforms.contains(&g.guide.platform))
        .flat_map(|g| {
            g.guide
                .steps
                .iter()
                .filter(|s| !g.hidden.contains(&s.id))
                .filter(|s| goal.is_none_or(|goal| s.goals.contains(&goal)))
                .cloned()
        })
        .collect()
}

fn check_platforms(platforms: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for p in platforms {
        let p = p.trim().to_lowercase();
        if p.is_empty() {
            continue;
        }
        if !content::platform_ids().any(|known| known == p) {
            return Err(Error::invalid(format!(
                "There is no guide for \"{p}\". Choose from: {}.",
                content::platform_ids().collect::<Vec<_>>().join(", ")
            )));
        }
        if !out.contains(&p) {
            out.push(p);
        }
    }
    Ok(out)
}

/// The steps for a choice of apps and goal, checked: unknown apps, no choice
/// at all, or a choice that leaves no step are refused with advice.
pub fn choose_steps(
    store: &Store,
    platforms: &[String],
    goal: Option<Goal>,
) -> Result<(Vec<String>, Vec<GuideStep>)> {
    let platforms = check_platforms(platforms)?;
    if platforms.is_empty() && goal.is_none() {
        return Err(Error::invalid(
            "Choose the apps the customer uses, or what they want to achieve.",
        ));
    }
    let all = guides(store, clock::now().date())?;
    let steps = select_steps(&all, &platforms, goal);
    if steps.is_empty() {
        return Err(Error::invalid(
            "No steps match that choice (some may be hidden in \"Customise the guides\"). Choose more apps or another goal.",
        ));
    }
    Ok((platforms, steps))
}

/// Starts a walk. With no platforms, a goal picks steps from every guide.
pub fn start(store: &Store, platforms: &[String], goal: Option<Goal>) -> Result<GuideSession> {
    let (platforms, steps) = choose_steps(store, platforms, goal)?;
    let now = clock::now_string();
    let ids: Vec<&str> = steps.iter().map(|s| s.id.as_str()).collect();
    let ids_json = serde_json::to_string(&ids).map_err(Error::internal)?;
    let platforms_json = serde_json::to_string(&platforms).map_err(Error::internal)?;
    let goal_str = goal.map(goal_name);
    let forget_before = clock::format(clock::now() - time::Duration::days(SESSION_DAYS));
    let code = store.write(|tx| {
        tx.execute(
            "DELETE FROM guide_sessions WHERE updated_at < ?1",
            [&forget_before],
        )
        .db()?;
        for _ in 0..10 {
            let code = new_code();
            let inserted = tx
                .execute(
                    "INSERT OR IGNORE INTO guide_sessions (code, platforms, progress, goal, step_ids, position, created_at, updated_at)
                     VALUES (?1, ?2, '{}', ?3, ?4, 0, ?5, ?5)",
                    params![code.replace('-', ""), platforms_json, goal_str, ids_json, now],
                )
                .db()?;
            if inserted == 1 {
                return Ok(code);
            }
        }
        Err(Error::internal("no free session code"))
    })?;
    load(store, &code)
}

fn goal_name(g: Goal) -> &'static str {
    match g {
        Goal::Lockdown => "lockdown",
        Goal::Findability => "findability",
        Goal::Posts => "posts",
    }
}

/// Code alphabet without look-alikes (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

fn new_code() -> String {
    let mut rng = rand::rng();
    let c: String = (0..8)
        .map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char)
        .collect();
    format!("{}-{}", &c[..4], &c[4..])
}

/// Accepts a code as typed: any case, with or without the dash or spaces.
fn normalise_code(raw: &str) -> Result<String> {
    let c: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if c.len() != 8 || !c.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
        return Err(Error::invalid(
            "That code doesn't look right: it is eight letters and numbers, like K7QM-3PXA.",
        ));
    }
    Ok(c)
}

fn display_code(stored: &str) -> String {
    format!(
        "{}-{}",
        &stored[..4.min(stored.len())],
        &stored[4.min(stored.len())..]
    )
}

struct Row {
    code: String,
    platforms: Vec<String>,
    goal: Option<Goal>,
    step_ids: Vec<String>,
    progress: BTreeMap<String, StepStatus>,
    position: i64,
    updated_at: String,
}

fn read_row(c: &Connection, code: &str) -> Result<Row> {
    c.query_row(
        "SELECT code, platforms, goal, step_ids, progress, position, updated_at FROM guide_sessions WHERE code = ?1",
        [code],
        |r| {
            let platforms: String = r.get(1)?;
            let goal: Option<String> = r.get(2)?;
            let ids: String = r.get(3)?;
            let progress: String = r.get(4)?;
            Ok(Row {
                code: r.get(0)?,
                platforms: serde_json::from_str(&platforms).unwrap_or_default(),
                goal: goal.as_deref().and_then(Goal::parse),
                step_ids: serde_json::from_str(&ids).unwrap_or_default(),
                progress: serde_json::from_str(&progress).unwrap_or_default(),
                position: r.get(5)?,
                updated_at: r.get(6)?,
            })
        },
    )
    .optional()
    .db()?
    .ok_or_else(|| {
        Error::invalid(format!(
            "No checklist has the code {}. Codes are kept for {SESSION_DAYS} days after the last change; start a new one if it has gone.",
            display_code(code)
        ))
    })
}

/// Resumes a walk by its code.
pub fn load(store: &Store, code: &str) -> Result<GuideSession> {
    let code = normalise_code(code)?;
    let row = store.read(|c| read_row(c, &code))?;
    let all = guides(store, clock::now().date())?;
    let by_id: BTreeMap<&str, &GuideStep> = all
        .iter()
        .flat_map(|g| g.guide.steps.iter().map(|s| (s.id.as_str(), s)))
        .collect();
    // Steps removed from the guides since the walk began are dropped.
    let steps: Vec<GuideStep> = row
        .step_ids
        .iter()
        .filter_map(|id| by_id.get(id.as_str()).map(|s| (*s).clone()))
        .collect();
    let statuses = steps
        .iter()
        .map(|s| row.progress.get(&s.id).copied())
        .collect();
    let covered: HashSet<&str> = steps.iter().map(|s| s.platform.as_str()).collect();
    let out_of_date = all
        .iter()
        .filter(|g| g.guide.may_be_out_of_date && covered.contains(g.guide.platform.as_str()))
        .map(|g| g.guide.name.clone())
        .collect();
    Ok(GuideSession {
        code: display_code(&row.code),
        goal: row.goal,
        platforms: row.platforms,
        position: row.position.clamp(0, steps.len() as i64),
        steps,
        statuses,
        out_of_date,
        updated_at: row.updated_at,
    })
}

/// Records what the customer did with the step at `position` and moves on.
pub fn answer(
    store: &Store,
    code: &str,
    step_id: &str,
    status: StepStatus,
) -> Result<GuideSession> {
    let session = load(store, code)?;
    let Some(index) = session.steps.iter().position(|s| s.id == step_id) else {
        return Err(Error::NotFound("That step".into()));
    };
    let stored = normalise_code(code)?;
    store.write(|tx| {
        let mut row = read_row(tx, &stored)?;
        row.progress.insert(step_id.to_string(), status);
        tx.execute(
            "UPDATE guide_sessions SET progress = ?2, position = ?3, updated_at = ?4 WHERE code = ?1",
            params![
                stored,
                serde_json::to_string(&row.progress).map_err(Error::internal)?,
                (index + 1) as i64,
                clock::now_string()
            ],
        )
        .db()?;
        Ok(())
    })?;
    load(store, code)
}

/// Moves to a step (back and forward); the end is `steps.len()`.
pub fn go_to(store: &Store, code: &str, position: i64) -> Result<GuideSession> {
    let session = load(store, code)?;
    let position = position.clamp(0, session.steps.len() as i64);
    let stored = normalise_code(code)?;
    store.write(|tx| {
        tx.execute(
            "UPDATE guide_sessions SET position = ?2, updated_at = ?3 WHERE code = ?1",
            params![stored, position, clock::now_string()],
        )
        .db()?;
        Ok(())
    })?;
    load(store, code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        (dir, store)
    }

    #[test]
    fn a_walk_goes_forward_back_and_resumes_by_its_code() {
        let (_d, store) = store();
        let s = start(&store, &["facebook".into(), "instagram".into()], None).unwrap();
        assert!(s.steps.len() >= 12);
        assert!(s
            .steps
            .iter()
            .all(|st| st.platform == "facebook" || st.platform == "instagram"));
        assert_eq!(s.position, 0);
        let first = s.steps[0].id.clone();
        let s = answer(&store, &s.code, &first, StepStatus::Done).unwrap();
        assert_eq!(s.position, 1);
        let second = s.steps[1].id.clone();
        let s = answer(&store, &s.code, &second, StepStatus::Skipped).unwrap();
        let s = go_to(&store, &s.code, 1).unwrap();
        assert_eq!(s.position, 1);
        // Resumed later, typed in lower case without the dash.
        let typed = s.code.to_lowercase().replace('-', "");
        let resumed = load(&store, &typed).unwrap();
        assert_eq!(resumed.position, 1);
        assert_eq!(resumed.statuses[0], Some(StepStatus::Done));
        assert_eq!(resumed.statuses[1], Some(StepStatus::Skipped));
        assert_eq!(resumed.statuses[2], None);
        // Changing one's mind replaces the answer.
        let s = answer(&store, &typed, &second, StepStatus::Done).unwrap();
        assert_eq!(s.statuses[1], Some(StepStatus::Done));
        let s = go_to(&store, &s.code, 999).unwrap();
        assert_eq!(s.position as usize, s.steps.len());
    }

    #[test]
    fn a_goal_selects_its_steps_from_every_guide() {
        let (_d, store) = store();
        let s = start(&store, &[], Some(Goal::Findability)).unwrap();
        assert!(s
            .steps
            .iter()
            .all(|st| st.goals.contains(&Goal::Findability)));
        let platforms: HashSet<&str> = s.steps.iter().map(|st| st.platform.as_str()).collect();
        assert_eq!(platforms.len(), 9);
        let all = start(&store, &[], Some(Goal::Lockdown)).unwrap();
        assert!(all.steps.len() > s.steps.len());
    }

    #[test]
    fn hidden_and_custom_steps_shape_new_walks_and_survive_in_the_database() {
        let (_d, store) = store();
        let before = start(&store, &["x".into()], None).unwrap();
        let hide = before.steps[0].id.clone();
        set_hidden(&store, &hide, true).unwrap();
        let custom = add_custom_step(
            &store,
            NewGuideStep {
                platform: "x".into(),
                title: "Turn off read receipts".into(),
                where_app: "Settings → Messages → Read receipts".into(),
                where_web: String::new(),
                why: "Strangers can't tell when you've read their message.".into(),
                what_changes: "Nobody sees when you read messages.".into(),
                strength: None,
                goals: vec![Goal::Posts],
            },
        )
        .unwrap();
        assert_eq!(custom.where_web, "Same as the app");
        assert_eq!(custom.goals, vec![Goal::Lockdown, Goal::Posts]);
        let after = start(&store, &["x".into()], None).unwrap();
        assert!(!after.steps.iter().any(|s| s.id == hide));
        assert_eq!(after.steps.last().unwrap().id, custom.id);
        assert!(after.steps.last().unwrap().custom);
        set_hidden(&store, &hide, false).unwrap();
        let again = start(&store, &["x".into()], None).unwrap();
        assert!(again.steps.iter().any(|s| s.id == hide));
        delete_custom_step(&store, &custom.id).unwrap();
        assert!(delete_custom_step(&store, &custom.id).is_err());
    }

    #[test]
    fn bad_choices_and_codes_get_plain_advice() {
        let (_d, store) = store();
        assert!(start(&store, &[], None)
            .unwrap_err()
            .to_string()
            .contains("Choose the apps"));
        assert!(start(&store, &["myspace".into()], None)
            .unwrap_err()
            .to_string()
            .contains("no guide for \"myspace\""));
        assert!(load(&store, "hello")
            .unwrap_err()
            .to_string()
            .contains("eight letters"));
        assert!(load(&store, "ABCD-EFGH")
            .unwrap_err()
            .to_string()
            .contains("No checklist has the code ABCD-EFGH"));
        let empty = add_custom_step(
            &store,
            NewGuideStep {
                platform: "x".into(),
                ..Default::default()
            },
        );
        assert!(empty.unwrap_err().to_string().contains("Fill in"));
    }

    #[test]
    fn a_session_keeps_no_customer_identity() {
        let (_d, store) = store();
        start(&store, &["whatsapp".into()], None).unwrap();
        let columns: Vec<String> = store
            .read(|c| {
                let mut stmt = c
                    .prepare("SELECT name FROM pragma_table_info('guide_sessions')")
                    .db()?;
                let rows = stmt.query_map([], |r| r.get(0)).db()?;
                rows.collect::<rusqlite::Result<Vec<String>>>().db()
            })
            .unwrap();
        assert_eq!(
            columns,
            [
                "code",
                "platforms",
                "progress",
                "created_at",
                "updated_at",
                "goal",
                "step_ids",
                "position"
            ]
        );
    }
}

//! The shipped privacy-settings guides: one TOML file per platform in
//! `src-tauri/guides/`, built into the binary so the guide works offline.
//! `validate` is the schema: every rule a guide file must meet.

use serde::{Deserialize, Serialize};
use time::Date;
use ts_rs::TS;

/// The shipped guide files, in the order the picker shows them.
const FILES: [(&str, &str); 9] = [
    ("facebook", include_str!("../guides/facebook.toml")),
    ("instagram", include_str!("../guides/instagram.toml")),
    ("x", include_str!("../guides/x.toml")),
    (
        "youtube_google",
        include_str!("../guides/youtube_google.toml"),
    ),
    ("tiktok", include_str!("../guides/tiktok.toml")),
    ("whatsapp", include_str!("../guides/whatsapp.toml")),
    ("linkedin", include_str!("../guides/linkedin.toml")),
    ("reddit", include_str!("../guides/reddit.toml")),
    ("google_maps", include_str!("../guides/google_maps.toml")),
];

/// What the customer wants; each selects the steps tagged with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Goal {
    /// "Lock everything down": every step.
    Lockdown,
    /// "Stop strangers finding me".
    Findability,
    /// "Control who sees my posts and reviews".
    Posts,
}

impl Goal {
    pub fn parse(s: &str) -> Option<Goal> {
        match s.trim() {
            "lockdown" => Some(Goal::Lockdown),
            "findability" => Some(Goal::Findability),
            "posts" => Some(Goal::Posts),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Strength {
    Basic,
    Strong,
}

/// One setting, as the owner and customer read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GuideStep {
    pub id: String,
    pub platform: String,
    pub title: String,
    pub where_app: String,
    pub where_web: String,
    pub why: String,
    pub what_changes: String,
    pub strength: Strength,
    pub goals: Vec<Goal>,
    /// YYYY-MM-DD.
    pub last_checked: String,
    /// The platform help page the path was checked against, when there is one.
    pub reference: Option<String>,
    /// Written by the owner, not shipped with Hearken.
    pub custom: bool,
}

/// A platform's guide, with the owner's own steps added (see `GuideWithHidden` for which are hidden).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Guide {
    pub platform: String,
    pub name: String,
    pub summary: String,
    #[ts(type = "number")]
    pub review_period_days: i64,
    pub last_reviewed: String,
    /// Past its review period: menus may have moved since.
    pub may_be_out_of_date: bool,
    pub steps: Vec<GuideStep>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GuideFile {
    platform: String,
    name: String,
    summary: String,
    review_period_days: i64,
    last_reviewed: toml::value::Datetime,
    steps: Vec<StepFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepFile {
    id: String,
    title: String,
    where_app: String,
    where_web: String,
    why: String,
    what_changes: String,
    strength: Strength,
    goals: Vec<Goal>,
    last_checked: toml::value::Datetime,
    reference: Option<String>,
}

/// Parses one guide file and checks it against every rule. Returns the guide
/// or the list of problems found, each naming the step.
pub fn parse_file(expected_platform: &str, text: &str) -> Result<Guide, Vec<String>> {
    let file: GuideFile =
        toml::from_str(text).map_err(|e| vec![format!("{expected_platform}: {e}")])?;
    let mut problems = Vec::new();
    let mut p = |msg: String| problems.push(format!("{expected_platform}: {msg}"));
    if file.platform != expected_platform {
        p(format!(
            "platform is \"{}\", file says {expected_platform}",
            file.platform
        ));
    }
    let last_reviewed = date_of(&file.last_reviewed);
    if last_reviewed.is_none() {
        p("last_reviewed must be a date like 2026-11-30".into());
    }
    if !(30..=730).contains(&file.review_period_days) {
        p("review_period_days must be between 30 and 730".into());
    }
    if file.name.trim().is_empty() || file.summary.trim().is_empty() {
        p("name and summary must not be empty".into());
    }
    if file.steps.len() < 6 {
        p(format!(
            "has {} steps; every guide needs at least six",
            file.steps.len()
        ));
    }
    let prefix = format!("{}-", expected_platform.replace('_', "-"));
    let mut steps = Vec::new();
    for s in &file.steps {
        let mut q = |msg: &str| p(format!("step {}: {msg}", s.id));
        if !s.id.starts_with(&prefix)
            || !s
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            q(&format!(
                "id must start with \"{prefix}\" and use only a-z, 0-9 and -"
            ));
        }
        for (field, value, max) in [
            ("title", &s.title, 70),
            ("where_app", &s.where_app, 400),
            ("where_web", &s.where_web, 400),
            ("why", &s.why, 600),
            ("what_changes", &s.what_changes, 600),
        ] {
            let n = value.trim().chars().count();
            if n == 0 {
                q(&format!("{field} is empty"));
            } else if n > max {
                q(&format!("{field} is {n} characters; at most {max}"));
            }
        }
        if s.where_web != "Same as the app"
            && !s.where_web.contains('→')
            && !s.where_web.starts_with("Not available on the website")
        {
            q("where_web must be a menu path with →, \"Same as the app\", or say it is not available on the website");
        }
        if !s.where_app.contains('→') {
            q("where_app must be a menu path with →");
        }
        if !s.goals.contains(&Goal::Lockdown) {
            q("goals must include lockdown");
        }
        if !s.goals.iter().any(|g| *g != Goal::Lockdown) {
            q("goals must include findability or posts");
        }
        if let Some(r) = &s.reference {
            if !r.starts_with("https://") {
                q("reference must be an https address");
            }
        }
        let checked = date_of(&s.last_checked);
        if checked.is_none() {
            q("last_checked must be a date like 2026-11-30");
        }
        steps.push(GuideStep {
            id: s.id.clone(),
            platform: expected_platform.to_string(),
            title: s.title.trim().to_string(),
            where_app: s.where_app.trim().to_string(),
            where_web: s.where_web.trim().to_string(),
            why: s.why.trim().to_string(),
            what_changes: s.what_changes.trim().to_string(),
            strength: s.strength,
            goals: s.goals.clone(),
            last_checked: checked.map(|d| d.to_string()).unwrap_or_default(),
            reference: s.reference.clone(),
            custom: false,
        });
    }
    for goal in [Goal::Findability, Goal::Posts] {
        if steps.iter().filter(|s| s.goals.contains(&goal)).count() < 2 {
            p(format!("needs at least two steps for {goal:?}"));
        }
    }
    let mut ids: Vec<&str> = steps.iter().map(|s| s.id.as_str()).collect();
    ids.sort_unstable();
    if ids.windows(2).any(|w| w[0] == w[1]) {
        p("step ids must be unique".into());
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Guide {
        platform: file.platform,
        name: file.name,
        summary: file.summary.trim().to_string(),
        review_period_days: file.review_period_days,
        last_reviewed: last_reviewed.map(|d| d.to_string()).unwrap_or_default(),
        may_be_out_of_date: false,
        steps,
    })
}

fn date_of(d: &toml::value::Datetime) -> Option<Date> {
    if d.time.is_some() || d.offset.is_some() {
        return None;
    }
    let date = d.date?;
    Date::from_calendar_date(
        date.year as i32,
        time::Month::try_from(date.month).ok()?,
        date.day,
    )
    .ok()
}

/// Every shipped guide, checked. A broken file is a bug in the build, caught
/// by the tests; at run time it is skipped with a log line rather than crash.
pub fn shipped(today: Date) -> Vec<Guide> {
    // The files are built in: parse them once, date them on every call.
    static PARSED: std::sync::OnceLock<Vec<Guide>> = std::sync::OnceLock::new();
    PARSED
        .get_or_init(|| {
            FILES
                .iter()
                .filter_map(|(platform, text)| match parse_file(platform, text) {
                    Ok(g) => Some(g),
                    Err(problems) => {
                        tracing::error!("guide {platform} skipped: {}", problems.join("; "));
                        None
                    }
                })
                .collect()
        })
        .iter()
        .cloned()
        .map(|mut g| {
            g.may_be_out_of_date = out_of_date(&g, today);
            g
        })
        .collect()
}

pub fn platform_ids() -> impl Iterator<Item = &'static str> {
    FILES.iter().map(|(p, _)| *p)
}

fn out_of_date(g: &Guide, today: Date) -> bool {
    Date::parse(
        &g.last_reviewed,
        &time::format_description::well_known::Iso8601::DATE,
    )
    .map(|d| (today - d).whole_days() > g.review_period_days)
    .unwrap_or(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn every_shipped_guide_and_every_step_meets_the_schema() {
        let mut all_ids = Vec::new();
        for (platform, text) in FILES {
            let guide = parse_file(platform, text)
                .unwrap_or_else(|problems| panic!("{platform}.toml:\n  {}", problems.join("\n  ")));
            assert!(guide.steps.len() >= 6, "{platform}");
            all_ids.extend(guide.steps.into_iter().map(|s| s.id));
        }
        let n = all_ids.len();
        all_ids.sort();
        all_ids.dedup();
        assert_eq!(all_ids.len(), n, "step ids must be unique across guides");
    }

    #[test]
    fn the_issue_names_nine_platforms_and_all_ship() {
        let guides = shipped(date!(2026 - 12 - 01));
        let names: Vec<&str> = guides.iter().map(|g| g.platform.as_str()).collect();
        assert_eq!(
            names,
            [
                "facebook",
                "instagram",
                "x",
                "youtube_google",
                "tiktok",
                "whatsapp",
                "linkedin",
                "reddit",
                "google_maps"
            ]
        );
    }

    #[test]
    fn a_guide_past_its_review_period_is_marked_out_of_date() {
        let fresh = shipped(date!(2026 - 12 - 01));
        assert!(fresh.iter().all(|g| !g.may_be_out_of_date));
        let later = shipped(date!(2028 - 01 - 01));
        assert!(later.iter().all(|g| g.may_be_out_of_date));
    }

    #[test]
    fn a_broken_guide_file_names_each_problem() {
        let text = r#"
            platform = "facebook"
            name = "Facebook"
            summary = "s"
            review_period_days = 180
            last_reviewed = 2026-11-30
            [[steps]]
            id = "Facebook step"
            title = "t"
            where_app = "no arrows"
            where_web = "Same as the app"
            why = "w"
            what_changes = ""
            strength = "basic"
            goals = ["posts"]
            last_checked = 2026-11-30
        "#;
        let problems = parse_file("facebook", text).unwrap_err().join("\n");
        for expected in [
            "at least six",
            "id must start with \"facebook-\"",
            "what_changes is empty",
            "where_app must be a menu path",
            "goals must include lockdown",
        ] {
            assert!(
                problems.contains(expected),
                "missing {expected:?} in\n{problems}"
            );
        }
    }

    #[test]
    fn unknown_fields_are_refused() {
        let text = "platform = \"x\"\nname = \"X\"\nsummary = \"s\"\nreview_period_days = 90\nlast_reviewed = 2026-11-30\ncolour = \"blue\"\nsteps = []\n";
        let problems = parse_file("x", text).unwrap_err().join("\n");
        assert!(problems.contains("colour"), "{problems}");
    }
}

//! The printable handout at the end of a walk: what was done, what is left
//! and where to find it, the business's name and contact, and a date to
//! check again. It carries no customer identity.

use html_escape::encode_text as esc;
use serde::{Deserialize, Serialize};
use time::Date;
use ts_rs::TS;

use super::{GuideSession, GuideStep, StepStatus, Strength, RECHECK_DAYS};

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HandoutStep {
    pub platform: String,
    pub title: String,
    pub where_app: String,
    pub where_web: String,
    pub strength: Strength,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Handout {
    pub business_name: String,
    pub business_contact: String,
    /// "30 November 2026".
    pub made_on: String,
    pub recheck_on: String,
    /// The walk's code, so the owner can pick it up again; not a customer identity.
    pub code: Option<String>,
    pub platforms: Vec<String>,
    pub done: Vec<HandoutStep>,
    pub to_do: Vec<HandoutStep>,
    #[ts(type = "number")]
    pub not_applicable: i64,
}

pub fn long_date(d: Date) -> String {
    format!("{} {} {}", d.day(), d.month(), d.year())
}

fn step(s: &GuideStep, names: &dyn Fn(&str) -> String) -> HandoutStep {
    HandoutStep {
        platform: names(&s.platform),
        title: s.title.clone(),
        where_app: s.where_app.clone(),
        where_web: s.where_web.clone(),
        strength: s.strength,
    }
}

/// The handout for a walk: answered-done steps are done; skipped and
/// unanswered steps are left to do; "doesn't apply" steps are only counted.
pub fn for_session(
    session: &GuideSession,
    business_name: &str,
    business_contact: &str,
    today: Date,
    names: &dyn Fn(&str) -> String,
) -> Handout {
    let mut done = Vec::new();
    let mut to_do = Vec::new();
    let mut not_applicable = 0;
    for (s, status) in session.steps.iter().zip(&session.statuses) {
        match status {
            Some(StepStatus::Done) => done.push(step(s, names)),
            Some(StepStatus::NotApplicable) => not_applicable += 1,
            Some(StepStatus::Skipped) | None => to_do.push(step(s, names)),
        }
    }
    let mut platforms: Vec<String> = Vec::new();
    for s in &session.steps {
        let n = names(&s.platform);
        if !platforms.contains(&n) {
            platforms.push(n);
        }
    }
    Handout {
        business_name: business_name.trim().to_string(),
        business_contact: business_contact.trim().to_string(),
        made_on: long_date(today),
        recheck_on: long_date(today + time::Duration::days(RECHECK_DAYS)),
        code: Some(session.code.clone()),
        platforms,
        done,
        to_do,
        not_applicable,
    }
}

/// A blank checklist (nothing done yet) for the chosen steps, as the CLI prints it.
pub fn for_steps(
    steps: &[GuideStep],
    business_name: &str,
    business_contact: &str,
    today: Date,
    names: &dyn Fn(&str) -> String,
) -> Handout {
    let session = GuideSession {
        code: String::new(),
        goal: None,
        platforms: Vec::new(),
        steps: steps.to_vec(),
        statuses: vec![None; steps.len()],
        position: 0,
        out_of_date: Vec::new(),
        updated_at: String::new(),
    };
    let mut h = for_session(&session, business_name, business_contact, today, names);
    h.code = None;
    h
}

/// A self-contained page (inline styles, no scripts, every value escaped)
/// that prints well on A4 and opens in any browser.
pub fn render_html(h: &Handout) -> String {
    let mut out = String::with_capacity(8192);
    let title = if h.business_name.is_empty() {
        "Your privacy settings checklist".to_string()
    } else {
        format!("Your privacy settings checklist — from {}", h.business_name)
    };
    out.push_str("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    out.push_str(&format!("<title>{}</title>\n", esc(&title)));
    out.push_str(STYLE);
    out.push_str("</head>\n<body>\n<main>\n");
    out.push_str(&format!("<h1>{}</h1>\n", esc(&title)));
    out.push_str(&format!(
        "<p class=\"lead\">Made on {}. Apps covered: {}.</p>\n",
        esc(&h.made_on),
        esc(&h.platforms.join(", "))
    ));
    out.push_str(&format!(
        "<p class=\"recheck\"><strong>Check these settings again around {}.</strong> Apps change their menus and sometimes reset choices after updates.</p>\n",
        esc(&h.recheck_on)
    ));
    section(
        &mut out,
        "Done",
        "You have already set these.",
        &h.done,
        false,
    );
    section(
        &mut out,
        "Still to do",
        "When you have a moment, these are worth setting. Here is where to find each one.",
        &h.to_do,
        true,
    );
    if h.not_applicable > 0 {
        out.push_str(&format!(
            "<p class=\"muted\">{} step{} did not apply to you and {} left out.</p>\n",
            h.not_applicable,
            if h.not_applicable == 1 { "" } else { "s" },
            if h.not_applicable == 1 { "is" } else { "are" }
        ));
    }
    out.push_str("<footer>\n");
    if !h.business_name.is_empty() || !h.business_contact.is_empty() {
        out.push_str(&format!(
            "<p>Questions? Ask us: <strong>{}</strong>{}</p>\n",
            esc(&h.business_name),
            if h.business_contact.is_empty() {
                String::new()
            } else {
                format!(" — {}", esc(&h.business_contact))
            }
        ));
    }
    if let Some(code) = &h.code {
        out.push_str(&format!(
            "<p class=\"muted\">Checklist code {}: show it to us within 30 days to carry on where you left off. It is not linked to your name.</p>\n",
            esc(code)
        ));
    }
    out.push_str("<p class=\"muted\">We did not keep your name or contact details for this checklist.</p>\n</footer>\n</main>\n</body>\n</html>\n");
    out
}

fn section(out: &mut String, heading: &str, intro: &str, steps: &[HandoutStep], with_paths: bool) {
    out.push_str(&format!(
        "<section>\n<h2>{} ({})</h2>\n",
        esc(heading),
        steps.len()
    ));
    if steps.is_empty() {
        out.push_str("<p class=\"muted\">Nothing here.</p>\n</section>\n");
        return;
    }
    out.push_str(&format!("<p class=\"muted\">{}</p>\n<ol>\n", esc(intro)));
    for s in steps {
        out.push_str(&format!(
            "<li><span class=\"box\">{}</span> <strong>{}</strong>: {}{}",
            if with_paths { "☐" } else { "☑" },
            esc(&s.platform),
            esc(&s.title),
            if s.strength == Strength::Strong {
                " <span class=\"tag\">stronger</span>"
            } else {
                ""
            }
        ));
        if with_paths {
            out.push_str(&format!(
                "<div class=\"path\"><span>In the app:</span> {}</div>",
                esc(&s.where_app)
            ));
            if s.where_web != "Same as the app" {
                out.push_str(&format!(
                    "<div class=\"path\"><span>On the website:</span> {}</div>",
                    esc(&s.where_web)
                ));
            }
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n</section>\n");
}

const STYLE: &str = "<style>
body { font-family: 'Noto Sans', 'DejaVu Sans', Arial, sans-serif; color: #1d2522; margin: 0; background: #fff; }
main { max-width: 46rem; margin: 0 auto; padding: 2rem 1.5rem; line-height: 1.5; font-size: 12pt; }
h1 { font-size: 1.6rem; margin: 0 0 0.5rem; color: #2f6f5e; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 0.3rem; border-bottom: 2px solid #2f6f5e; padding-bottom: 0.2rem; }
ol { padding-left: 1.2rem; }
li { margin: 0.55rem 0; break-inside: avoid; }
.box { font-size: 1.1em; }
.path { margin-left: 1.4rem; font-size: 0.95em; }
.path span { color: #55615c; }
.tag { font-size: 0.8em; border: 1px solid #2f6f5e; border-radius: 4px; padding: 0 0.3em; color: #2f6f5e; }
.muted { color: #55615c; font-size: 0.95em; }
.recheck { background: #eef5f2; padding: 0.6rem 0.8rem; border-radius: 6px; }
footer { margin-top: 2rem; border-top: 1px solid #ccd5d1; padding-top: 0.8rem; }
@page { size: A4; margin: 18mm; }
@media print { main { padding: 0; } .recheck { border: 1px solid #2f6f5e; } }
</style>
";

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn s(id: &str, title: &str) -> GuideStep {
        GuideStep {
            id: id.into(),
            platform: "facebook".into(),
            title: title.into(),
            where_app: "Menu → Settings".into(),
            where_web: "Same as the app".into(),
            why: "w".into(),
            what_changes: "c".into(),
            strength: Strength::Basic,
            goals: vec![],
            last_checked: "2026-11-30".into(),
            reference: None,
            custom: false,
        }
    }

    #[test]
    fn the_handout_splits_done_from_left_to_do_and_dates_a_recheck() {
        let session = GuideSession {
            code: "K7QM-3PXA".into(),
            goal: None,
            platforms: vec![],
            steps: vec![
                s("a", "One"),
                s("b", "Two"),
                s("c", "Three"),
                s("d", "Four"),
            ],
            statuses: vec![
                Some(StepStatus::Done),
                Some(StepStatus::Skipped),
                Some(StepStatus::NotApplicable),
                None,
            ],
            position: 4,
            out_of_date: vec![],
            updated_at: String::new(),
        };
        let h = for_session(
            &session,
            "Pedal & Pine",
            "01234 567890",
            date!(2026 - 11 - 30),
            &|_| "Facebook".into(),
        );
        assert_eq!(h.done.len(), 1);
        assert_eq!(
            h.to_do.iter().map(|x| x.title.as_str()).collect::<Vec<_>>(),
            ["Two", "Four"]
        );
        assert_eq!(h.not_applicable, 1);
        assert_eq!(h.recheck_on, "28 February 2027");
        let html = render_html(&h);
        assert!(html.contains("Pedal &amp; Pine"));
        assert!(html.contains("Check these settings again around 28 February 2027"));
        assert!(html.contains("Still to do (2)"));
        assert!(html.contains("In the app:</span> Menu → Settings"));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn owner_text_in_the_handout_is_escaped() {
        let mut bad = s("x", "<img src=x onerror=alert(1)>");
        bad.where_app = "</li><script>alert(1)</script>".into();
        let h = for_steps(&[bad], "<b>Shop</b>", "a&b", date!(2026 - 11 - 30), &|_| {
            "X".into()
        });
        let html = render_html(&h);
        assert!(!html.contains("<img src=x"));
        assert!(!html.contains("<script>alert"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("&lt;b&gt;Shop&lt;/b&gt;"));
    }
}

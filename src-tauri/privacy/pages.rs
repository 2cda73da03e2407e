//! Readable web pages: what is held about one person (an access request's
//! answer) and why the business listens (the watches' legitimate-interests
//! notes). Every piece of text is escaped, wherever it came from; the pages
//! load nothing and run nothing (their Content-Security-Policy says so).

use html_escape::encode_safe as esc;

use crate::model::{Platform, PrivacyRequest, PrivacySettings, PurgeMode, Watch};
use crate::store::privacy::person::Held;

const STYLE: &str = "<style>
body { font-family: 'Noto Sans', 'DejaVu Sans', Arial, sans-serif; color: #1d2522; margin: 0; background: #fff; }
main { max-width: 48rem; margin: 0 auto; padding: 2rem 1.5rem; line-height: 1.5; font-size: 12pt; }
h1 { font-size: 1.6rem; margin: 0 0 0.5rem; color: #2f6f5e; }
h2 { font-size: 1.2rem; margin: 1.6rem 0 0.4rem; border-bottom: 2px solid #2f6f5e; padding-bottom: 0.2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 0.2rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0.4rem 0; }
dt { color: #55615c; }
dd { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.item { border: 1px solid #d5dfdb; border-radius: 6px; padding: 0.6rem 0.8rem; margin: 0.6rem 0; break-inside: avoid; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0.3rem 0; }
.muted { color: #55615c; font-size: 0.95em; }
.dates { background: #eef5f2; padding: 0.6rem 0.8rem; border-radius: 6px; }
.paused { color: #8a3b12; }
</style>
";

fn head(out: &mut String, title: &str) {
    out.push_str("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    out.push_str(&format!("<title>{}</title>\n", esc(title)));
    out.push_str(STYLE);
    out.push_str("</head>\n<body>\n<main>\n");
    out.push_str(&format!("<h1>{}</h1>\n", esc(title)));
}

fn tail(out: &mut String) {
    out.push_str("</main>\n</body>\n</html>\n");
}

fn row(out: &mut String, label: &str, value: &str) {
    out.push_str(&format!("<dt>{}</dt><dd>{}</dd>\n", esc(label), esc(value)));
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What the access page needs besides the data.
pub struct AccessContext<'a> {
    pub business_name: &'a str,
    pub business_contact: &'a str,
    pub platform: Platform,
    pub handle: &'a str,
    pub request: &'a PrivacyRequest,
    pub exported_on: &'a str,
    pub retention: &'a PrivacySettings,
}

/// Everything held about one person, as a page they can read.
pub fn access_page(ctx: &AccessContext<'_>, held: &Held) -> String {
    let mut out = String::with_capacity(8192);
    let who = if ctx.business_name.trim().is_empty() {
        "This business".to_string()
    } else {
        ctx.business_name.trim().to_string()
    };
    head(
        &mut out,
        &format!(
            "What {who} holds about {} on {}",
            ctx.handle,
            ctx.platform.display_name()
        ),
    );
    out.push_str(&format!(
        "<p class=\"dates\">Request received on <strong>{}</strong>, due by <strong>{}</strong> (one calendar month later). This copy was made on {}.</p>\n",
        esc(&ctx.request.received_on),
        esc(&ctx.request.due_on),
        esc(ctx.exported_on)
    ));
    if held.is_empty() {
        out.push_str(&format!(
            "<p><strong>Nothing is held about {} on {}.</strong> No post, message, note or other record about this username is kept.</p>\n",
            esc(ctx.handle),
            esc(ctx.platform.display_name())
        ));
    } else {
        out.push_str(&format!(
            "<p>Held: {}, {} and {}.</p>\n",
            esc(&plural(held.mentions.len(), "public post", "public posts")),
            esc(&plural(
                held.corrections(),
                "label correction",
                "label corrections"
            )),
            esc(&plural(
                held.outreach.len(),
                "contact record",
                "contact records"
            ))
        ));
    }

    out.push_str("<h2>Do not contact</h2>\n");
    match &held.do_not_contact {
        Some(d) => out.push_str(&format!(
            "<p>You asked not to be contacted, on {} (reason noted: {}). We will not contact you. If your data is erased, only a coded fingerprint of your username stays, so this keeps being honoured.</p>\n",
            esc(&d.since),
            esc(&d.reason)
        )),
        None => out.push_str("<p class=\"muted\">You are not on the do-not-contact list.</p>\n"),
    }

    out.push_str(&format!(
        "<h2>Public posts ({})</h2>\n",
        held.mentions.len()
    ));
    if held.mentions.is_empty() {
        out.push_str("<p class=\"muted\">None.</p>\n");
    }
    for h in &held.mentions {
        let m = &h.mention;
        out.push_str("<div class=\"item\">\n<dl>\n");
        row(&mut out, "Posted", &m.created_at);
        row(&mut out, "Seen by us", &m.fetched_at);
        row(&mut out, "Platform", m.platform.display_name());
        if let Some(name) = &m.author_name {
            row(&mut out, "Name shown", name);
        }
        if let Some(handle) = &m.author_handle {
            row(&mut out, "Username", handle);
        }
        if let Some(url) = &m.url {
            row(&mut out, "Link", url);
        }
        if let Some(label) = m.label {
            row(&mut out, "Our label", label.as_str());
        }
        row(&mut out, "Status", m.status.as_str());
        if !h.watches.is_empty() {
            row(&mut out, "Found by", &h.watches.join(", "));
        }
        out.push_str("</dl>\n");
        out.push_str(&format!("<p class=\"text\">{}</p>\n", esc(&m.text)));
        for c in &h.label_corrections {
            out.push_str(&format!(
                "<p class=\"muted\">Label changed by us on {} from {} to {}.</p>\n",
                esc(&c.at),
                esc(c.from.map(|l| l.as_str()).unwrap_or("none")),
                esc(c.to.as_str())
            ));
        }
        out.push_str("</div>\n");
    }

    out.push_str(&format!(
        "<h2>Contact records ({})</h2>\n",
        held.outreach.len()
    ));
    if held.outreach.is_empty() {
        out.push_str("<p class=\"muted\">None.</p>\n");
    }
    for o in &held.outreach {
        out.push_str("<div class=\"item\">\n<dl>\n");
        row(&mut out, "When", &o.occurred_at);
        row(&mut out, "How", &o.channel.replace('_', " "));
        row(&mut out, "Status", &o.status.replace('_', " "));
        row(&mut out, "Username", &o.handle);
        row(
            &mut out,
            "Privacy notice given",
            if o.notice_given { "yes" } else { "no" },
        );
        if let Some(f) = &o.follow_up_at {
            row(&mut out, "Follow up on", f);
        }
        if let Some(v) = &o.outcome {
            row(&mut out, "Outcome", v);
        }
        if let Some(v) = &o.notes {
            row(&mut out, "Notes", v);
        }
        out.push_str("</dl>\n");
        out.push_str(&format!("<p class=\"text\">{}</p>\n", esc(&o.message)));
        for r in &o.revisions {
            out.push_str(&format!(
                "<p class=\"muted\">Changed on {}: {} was “{}”, became “{}”.</p>\n",
                esc(&r.changed_at),
                esc(&r.field),
                esc(r.old_value.as_deref().unwrap_or("")),
                esc(r.new_value.as_deref().unwrap_or(""))
            ));
        }
        out.push_str("</div>\n");
    }

    if !held.linked_handles.is_empty() {
        out.push_str("<h2>Usernames we linked as one person</h2>\n<ul>\n");
        for h in &held.linked_handles {
            out.push_str(&format!(
                "<li>{} on {}</li>\n",
                esc(&h.handle),
                esc(h.platform.display_name())
            ));
        }
        out.push_str("</ul>\n");
    }

    out.push_str("<h2>How long we keep it</h2>\n");
    out.push_str(&format!(
        "<p>Public posts nobody acted on are {} after {} days; closed contact records after {} days. We never collect follower counts, profiles or anything inferred about you.</p>\n",
        match ctx.retention.mode {
            PurgeMode::Delete => "deleted",
            PurgeMode::Anonymise => "anonymised",
        },
        ctx.retention.mention_days,
        ctx.retention.outreach_days
    ));
    if !ctx.business_contact.trim().is_empty() {
        out.push_str(&format!(
            "<p>Questions, or want it erased? Contact {}: {}</p>\n",
            esc(&who),
            esc(ctx.business_contact.trim())
        ));
    }
    tail(&mut out);
    out
}

/// Every watch's purpose and legitimate-interests note, for the owner's records.
pub fn notes_page(watches: &[Watch], business_name: &str, made_on: &str) -> String {
    let mut out = String::with_capacity(4096);
    let title = if business_name.trim().is_empty() {
        "Why we listen: purposes and legitimate-interests notes".to_string()
    } else {
        format!(
            "Why {} listens: purposes and legitimate-interests notes",
            business_name.trim()
        )
    };
    head(&mut out, &title);
    out.push_str(&format!(
        "<p class=\"dates\">Made on {}. Each watch is something we listen for in public posts; a watch only listens once its purpose and its whole legitimate-interests note (interest, necessity, balance) are written down.</p>\n",
        esc(made_on)
    ));
    if watches.is_empty() {
        out.push_str("<p class=\"muted\">No watches yet: nothing is listened for.</p>\n");
    }
    for w in watches {
        out.push_str(&format!("<h2>{}</h2>\n<dl>\n", esc(&w.name)));
        row(&mut out, "Listens for", &w.terms.join(", "));
        if !w.include_terms.is_empty() {
            row(&mut out, "Only with", &w.include_terms.join(", "));
        }
        if !w.exclude_terms.is_empty() {
            row(&mut out, "Never with", &w.exclude_terms.join(", "));
        }
        row(&mut out, "Purpose", &w.purpose);
        let missing = "(not written yet)";
        row(
            &mut out,
            "Legitimate interest",
            w.legitimate_interests.as_deref().unwrap_or(missing),
        );
        row(
            &mut out,
            "Necessity",
            w.necessity.as_deref().unwrap_or(missing),
        );
        row(&mut out, "Balance", w.balance.as_deref().unwrap_or(missing));
        out.push_str("</dl>\n");
        if !w.notes_complete {
            out.push_str("<p class=\"paused\">Paused: this watch catches nothing until its note is complete.</p>\n");
        } else if !w.enabled {
            out.push_str("<p class=\"muted\">Switched off by the owner.</p>\n");
        }
    }
    tail(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notes_page_escapes_every_text_and_marks_paused_watches() {
        let w = Watch {
            id: 1,
            name: "<script>alert(1)</script>".into(),
            terms: vec![
                "Pedal & Pine".into(),
                "\"><img src=x onerror=alert(1)>".into(),
            ],
            include_terms: vec![],
            exclude_terms: vec![],
            purpose: "To answer <b>customers</b>".into(),
            legitimate_interests: Some("Care & service".into()),
            necessity: None,
            balance: None,
            notes_complete: false,
            enabled: true,
            mention_count: 0,
        };
        let page = notes_page(&[w], "Bikes <& Co>", "2026-11-30");
        assert!(!page.contains("<script>alert"), "{page}");
        assert!(!page.contains("<img"));
        assert!(!page.contains("<b>customers"));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"));
        assert!(page.contains("Pedal &amp; Pine"));
        assert!(page.contains("Bikes &lt;&amp; Co&gt;"));
        assert!(page.contains("Paused"));
        assert!(page.contains("(not written yet)"));
    }
}

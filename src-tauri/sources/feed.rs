//! RSS / Atom feeds, and Google Alerts (which delivers alerts as Atom).
//!
//! Quirks pinned by tests below: conditional GET with ETag and
//! Last-Modified; an HTML page where a feed was expected; Google Alerts' ids
//! (`tag:google.com,2013:googlealerts/feed:<n>`), its entity-escaped `<b>`
//! highlighting and its `google.com/url?url=` redirect links; entries
//! without ids or dates.

use futures_util::future::BoxFuture;
use url::Url;

use super::http::{host_of, status_error, FetchError};
use super::text::html_to_text;
use super::{Connector, FetchContext, FetchOutcome};
use crate::clock;
use crate::model::Platform;
use crate::store::mentions::NewMention;
use crate::store::sources::PollState;

/// Longest mention text kept from one entry; feeds sometimes carry whole articles.
const MAX_TEXT_CHARS: usize = 20_000;

pub struct FeedConnector;

impl Connector for FeedConnector {
    fn fetch<'a>(
        &'a self,
        ctx: &'a FetchContext<'a>,
    ) -> BoxFuture<'a, Result<FetchOutcome, FetchError>> {
        Box::pin(fetch(ctx))
    }
}

/// The address to fetch: the public URL, or for Google Alerts the secret feed link.
fn feed_url(ctx: &FetchContext<'_>) -> Result<Url, FetchError> {
    let raw = match ctx.source.platform {
        Platform::GoogleAlerts => ctx.secret.clone().unwrap_or_default(),
        _ => ctx.source.base_url.clone().unwrap_or_default(),
    };
    parse_feed_address(&raw)
}

/// Checks an address typed by the owner. The message never repeats it.
pub fn parse_feed_address(raw: &str) -> Result<Url, FetchError> {
    let url = Url::parse(raw.trim()).map_err(|_| {
        FetchError::BadAddress(
            "it isn't a web address. It should start with https:// (or http://).".into(),
        )
    })?;
    match url.scheme() {
        "https" | "http" if url.host_str().is_some() => Ok(url),
        _ => Err(FetchError::BadAddress(
            "only web addresses starting with https:// or http:// can be used.".into(),
        )),
    }
}

async fn fetch(ctx: &FetchContext<'_>) -> Result<FetchOutcome, FetchError> {
    let url = feed_url(ctx)?;
    let host = host_of(&url);
    let state = &ctx.source.state;
    let mut headers = vec![(
        "accept",
        "application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
            .to_string(),
    )];
    if let Some(etag) = &state.etag {
        headers.push(("if-none-match", etag.clone()));
    }
    if let Some(lm) = &state.last_modified {
        headers.push(("if-modified-since", lm.clone()));
    }
    let response = ctx.http.get(&url, &headers).await?;
    if response.status == 304 {
        return Ok(FetchOutcome {
            state: state.clone(),
            not_modified: true,
            ..FetchOutcome::default()
        });
    }
    if let Some(err) = status_error(&response, &host) {
        return Err(err);
    }
    let new_state = PollState {
        cursor: None,
        etag: response.header("etag").map(str::to_string),
        last_modified: response.header("last-modified").map(str::to_string),
    };
    let (title, mentions) = parse(&response.body, ctx.source.platform, &host)?;
    Ok(FetchOutcome {
        mentions,
        state: new_state,
        not_modified: false,
        title,
        wait_secs: None,
    })
}

/// Parses a feed body into mentions. Public for the connector's tests and benchmarks.
pub fn parse(
    body: &[u8],
    platform: Platform,
    host: &str,
) -> Result<(Option<String>, Vec<NewMention>), FetchError> {
    if looks_like_html_page(body) {
        return Err(FetchError::NotAFeed { host: host.into() });
    }
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FetchError::Malformed {
            host: host.into(),
            detail: "the answer was empty".into(),
        });
    }
    let feed = feed_rs::parser::parse(body).map_err(|e| match e {
        feed_rs::parser::ParseFeedError::ParseError(_) => FetchError::Malformed {
            host: host.into(),
            detail: "it isn't a valid RSS or Atom feed".into(),
        },
        other => FetchError::Malformed {
            host: host.into(),
            detail: format!("it isn't a readable feed: {other}"),
        },
    })?;
    let now = clock::now_string();
    let feed_language = feed.language.clone();
    let title = feed.title.as_ref().map(text_of);
    let mentions = feed
        .entries
        .into_iter()
        .filter_map(|entry| {
            let title = entry.title.as_ref().map(text_of).unwrap_or_default();
            let body = entry
                .content
                .as_ref()
                .and_then(|c| {
                    let html = c.content_type.to_string().contains("html");
                    c.body.as_ref().map(|b| {
                        if html {
                            html_to_text(b)
                        } else {
                            b.trim().to_string()
                        }
                    })
                })
                .or_else(|| entry.summary.as_ref().map(text_of))
                .unwrap_or_default();
            let body = strip_reddit_trailer(&body);
            let text = match (title.is_empty(), body.is_empty() || body == title) {
                (true, true) => return None,
                (false, true) => title,
                (true, false) => body,
                (false, false) => format!("{title}\n{body}"),
            };
            let text: String = text.chars().take(MAX_TEXT_CHARS).collect();
            let link = entry
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .map(|l| l.href.clone());
            let url = link.and_then(|href| clean_link(&href, platform));
            let author = entry
                .authors
                .first()
                .and_then(|a| a.name.as_deref().map(|n| n.trim().to_string()))
                .filter(|n| !n.is_empty());
            let created = entry
                .published
                .or(entry.updated)
                .and_then(|d| clock::from_unix(d.timestamp()))
                .map(clock::format)
                .unwrap_or_else(|| now.clone());
            Some(NewMention {
                platform,
                external_id: external_id(&entry.id, platform),
                url,
                author_id: None,
                // Reddit's feeds name authors "/u/name".
                author_handle: author
                    .as_deref()
                    .and_then(|n| n.strip_prefix("/u/"))
                    .map(str::to_string),
                author_name: author,
                text,
                language: entry.language.clone().or_else(|| feed_language.clone()),
                created_at: created,
                from_search: false,
            })
        })
        .collect();
    Ok((title, mentions))
}

/// Reddit's Atom feeds end each entry with "submitted by /u/name [link]
/// [comments]": page furniture, not what the person wrote.
fn strip_reddit_trailer(body: &str) -> String {
    match body.rfind("submitted by") {
        Some(at) if body[at..].contains("[link]") && body[at..].contains("[comments]") => {
            body[..at].trim_end().to_string()
        }
        _ => body.to_string(),
    }
}

fn text_of(t: &feed_rs::model::Text) -> String {
    if t.content_type.to_string().contains("html") {
        html_to_text(&t.content)
    } else {
        t.content.trim().to_string()
    }
}

/// Google Alerts ids are `tag:google.com,2013:googlealerts/feed:<number>`: keep the number.
fn external_id(id: &str, platform: Platform) -> String {
    if platform == Platform::GoogleAlerts {
        if let Some((_, n)) = id.rsplit_once("feed:") {
            return n.to_string();
        }
    }
    id.to_string()
}

/// Keeps only web links, and unwraps Google's `/url?url=` redirect.
fn clean_link(href: &str, platform: Platform) -> Option<String> {
    let url = Url::parse(href).ok()?;
    if platform == Platform::GoogleAlerts
        && url.host_str().is_some_and(|h| h.ends_with("google.com"))
        && url.path() == "/url"
    {
        let target = url
            .query_pairs()
            .find(|(k, _)| k == "url" || k == "q")
            .map(|(_, v)| v.into_owned())?;
        return clean_link(&target, Platform::Rss);
    }
    match url.scheme() {
        "https" | "http" => Some(url.to_string()),
        _ => None,
    }
}

fn looks_like_html_page(body: &[u8]) -> bool {
    let start: Vec<u8> = body
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(body)
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(64)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    start.starts_with(b"<!doctype html") || start.starts_with(b"<html")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALERTS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing">
  <id>tag:google.com,2005:reader/user/0123/state/com.google/alerts/456</id>
  <title>Google Alert - &quot;Pedal &amp; Pine&quot;</title>
  <updated>2026-08-31T16:42:38Z</updated>
  <entry>
    <id>tag:google.com,2013:googlealerts/feed:17440847249129969091</id>
    <title type="html">Why &lt;b&gt;Pedal &amp;amp; Pine&lt;/b&gt; fixed my bike - Ashby Gazette</title>
    <link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://ashby.example/news/pedal-pine&amp;ct=ga&amp;cd=x&amp;usg=y"/>
    <published>2026-08-31T16:42:38Z</published>
    <updated>2026-08-31T16:42:38Z</updated>
    <content type="html">The &lt;b&gt;Pedal&lt;/b&gt; workshop is busy&amp;nbsp;...</content>
    <author><name/></author>
  </entry>
</feed>"#;

    #[test]
    fn google_alerts_entries_become_plain_text_with_the_real_link_and_numeric_id() {
        let (title, mentions) = parse(ALERTS.as_bytes(), Platform::GoogleAlerts, "h").unwrap();
        assert_eq!(title.as_deref(), Some("Google Alert - \"Pedal & Pine\""));
        assert_eq!(mentions.len(), 1);
        let m = &mentions[0];
        assert_eq!(m.external_id, "17440847249129969091");
        assert_eq!(
            m.text,
            "Why Pedal & Pine fixed my bike - Ashby Gazette\nThe Pedal workshop is busy ..."
        );
        assert_eq!(
            m.url.as_deref(),
            Some("https://ashby.example/news/pedal-pine")
        );
        assert_eq!(m.author_name, None);
        assert_eq!(m.created_at, "2026-08-31T16:42:38Z");
    }

    #[test]
    fn rss_items_keep_emoji_and_rfc822_dates() {
        let rss = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Ashby cycling</title>
            <link>https://ashby.example</link><description>d</description><language>en-gb</language>
            <item><guid isPermaLink="false">post-1</guid><title>Great service 🚲</title>
              <description>&lt;p&gt;Loved &lt;i&gt;Pedal &amp;amp; Pine&lt;/i&gt;&lt;/p&gt;</description>
              <link>https://ashby.example/post-1</link><pubDate>Sun, 06 Sep 2026 16:20:00 +0000</pubDate>
              <author>jo@example.com (Jo Bloggs)</author></item>
            </channel></rss>"#;
        let (_, mentions) = parse(rss.as_bytes(), Platform::Rss, "h").unwrap();
        let m = &mentions[0];
        assert_eq!(m.external_id, "post-1");
        assert_eq!(m.text, "Great service 🚲\nLoved Pedal & Pine");
        assert_eq!(m.created_at, "2026-09-06T16:20:00Z");
        assert_eq!(m.language.as_deref(), Some("en-gb"));
    }

    #[test]
    fn reddit_atom_feeds_lose_their_page_furniture_and_name_the_author() {
        let atom = r#"<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">
<category term="bikes" label="r/bikes"/><updated>2026-11-29T10:00:00+00:00</updated><id>/r/bikes/search.rss?q=pedal</id>
<link rel="self" href="https://www.reddit.com/r/bikes/search.rss?q=pedal" type="application/atom+xml" />
<title>pedal : search results</title>
<entry><author><name>/u/jo_rides</name><uri>https://www.reddit.com/user/jo_rides</uri></author>
<category term="bikes" label="r/bikes"/>
<content type="html">&lt;!-- SC_OFF --&gt;&lt;div class=&quot;md&quot;&gt;&lt;p&gt;Pedal &amp;amp; Pine never replied to my emails 😞&lt;/p&gt;&lt;/div&gt;&lt;!-- SC_ON --&gt; &amp;#32; submitted by &amp;#32; &lt;a href=&quot;https://www.reddit.com/user/jo_rides&quot;&gt; /u/jo_rides &lt;/a&gt; &lt;br/&gt; &lt;span&gt;&lt;a href=&quot;https://www.reddit.com/r/bikes/comments/1abc/x/&quot;&gt;[link]&lt;/a&gt;&lt;/span&gt; &amp;#32; &lt;span&gt;&lt;a href=&quot;https://www.reddit.com/r/bikes/comments/1abc/x/&quot;&gt;[comments]&lt;/a&gt;&lt;/span&gt;</content>
<id>t3_1abc</id><link href="https://www.reddit.com/r/bikes/comments/1abc/still_waiting/" />
<updated>2026-11-29T09:00:00+00:00</updated><published>2026-11-29T09:00:00+00:00</published>
<title>Still waiting on my refund</title></entry></feed>"#;
        let (_, mentions) = parse(atom.as_bytes(), Platform::Rss, "h").unwrap();
        let m = &mentions[0];
        assert_eq!(m.external_id, "t3_1abc");
        assert_eq!(
            m.text,
            "Still waiting on my refund\nPedal & Pine never replied to my emails 😞"
        );
        assert_eq!(m.author_handle.as_deref(), Some("jo_rides"));
        assert_eq!(m.author_name.as_deref(), Some("/u/jo_rides"));
        assert_eq!(
            m.url.as_deref(),
            Some("https://www.reddit.com/r/bikes/comments/1abc/still_waiting/")
        );
        assert_eq!(m.created_at, "2026-11-29T09:00:00Z");
    }

    #[test]
    fn plain_text_titles_that_look_like_markup_stay_as_written() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><id>f</id><title>t</title>
            <entry><id>e1</id><title type="text">&lt;script&gt;alert(1)&lt;/script&gt; is my name</title>
            <updated>2026-01-01T00:00:00Z</updated></entry></feed>"#;
        let (_, mentions) = parse(atom.as_bytes(), Platform::Rss, "h").unwrap();
        assert_eq!(mentions[0].text, "<script>alert(1)</script> is my name");
    }

    #[test]
    fn a_web_page_is_not_a_feed() {
        let err = parse(
            b"\n<!DOCTYPE html><html><body>Welcome</body></html>",
            Platform::Rss,
            "shop.example",
        )
        .unwrap_err();
        assert_eq!(err.code(), "not_a_feed");
        assert!(err.to_string().contains("RSS or Atom link"));
    }

    #[test]
    fn garbage_and_truncated_xml_are_malformed_not_a_crash() {
        for body in [
            &b"{\"json\": true}"[..],
            b"<rss><channel><item><title>cut",
            b"\xff\xfe\x00",
        ] {
            let err = parse(body, Platform::Rss, "h").unwrap_err();
            assert_eq!(err.code(), "malformed", "{body:?}");
        }
    }

    #[test]
    fn links_that_are_not_web_links_are_dropped() {
        assert_eq!(clean_link("javascript:alert(1)", Platform::Rss), None);
        assert_eq!(clean_link("data:text/html,hi", Platform::Rss), None);
        assert_eq!(
            clean_link("https://example.com/a", Platform::Rss).as_deref(),
            Some("https://example.com/a")
        );
    }

    #[test]
    fn feed_addresses_must_be_web_addresses() {
        assert!(parse_feed_address("https://example.com/feed").is_ok());
        assert_eq!(
            parse_feed_address("example.com").unwrap_err().code(),
            "bad_address"
        );
        assert_eq!(
            parse_feed_address("file:///etc/passwd").unwrap_err().code(),
            "bad_address"
        );
    }
}

//! RSS / Atom feeds, and Google Alerts (which delivers alerts as Atom).
//!
//! Quirks pinned by tests below: conditional GET with ETag and
//! Last-Modified; an HTML page where a feed was expected; Google Alerts' ids
//! (`tag:google.com,2013:googlealerts/feed:<n>`), its entity-escaped `<b>`
//! highlighting and its `google.com/url?url=` redirect links; entries
//! without ids or dates.

use std::io::Cursor;

use futures_util::future::BoxFuture;
use url::Url;

use super::feed_walk::{FeedSource, FeedWalk, Piece};
use super::http::{host_of, status_error, Answer, FetchError};
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
    let spooled = match ctx.http.get_spooled(&url, &headers).await? {
        Answer::OnDisk(spooled) => spooled,
        Answer::InMemory(response) => {
            if response.status == 304 {
                return Ok(FetchOutcome {
                    state: state.clone(),
                    not_modified: true,
                    ..FetchOutcome::default()
                });
            }
            return Err(
                status_error(&response, &host).unwrap_or_else(|| FetchError::Other {
                    host: host.clone(),
                    detail: format!("an unexpected answer (HTTP {})", response.status),
                }),
            );
        }
    };
    let new_state = PollState {
        cursor: None,
        etag: spooled.header("etag").map(str::to_string),
        last_modified: spooled.header("last-modified").map(str::to_string),
    };
    let mut stream = FeedStream::open(Box::new(spooled.body), ctx.source.platform, &host)?;
    // An ordinary answer is read here whole; a long one's rest is left on
    // disk for the poller to store chunk by chunk.
    let mentions = stream.next_chunk(CHUNK)?;
    Ok(FetchOutcome {
        mentions,
        title: stream.title().map(str::to_string),
        rest: (!stream.is_done()).then_some(stream),
        state: new_state,
        not_modified: false,
        wait_secs: None,
        partial: None,
    })
}

/// Mentions read from a feed at a time: what the connector reads before
/// handing a long feed's rest to the poller, and what the poller stores at
/// a time. Memory for a poll grows with this, not with the feed.
pub const CHUNK: usize = 500;

/// A feed being read entry by entry, turning entries into mentions.
#[derive(Debug)]
pub struct FeedStream {
    walk: FeedWalk,
    platform: Platform,
    title: Option<String>,
    language: Option<String>,
    /// When entries without a date are said to be from.
    now: String,
    done: bool,
}

impl FeedStream {
    /// Starts reading `body` (from its start). A web page or an empty
    /// answer fails here; other problems show when reading on.
    pub fn open(
        body: Box<dyn FeedSource>,
        platform: Platform,
        host: &str,
    ) -> Result<FeedStream, FetchError> {
        Ok(FeedStream {
            walk: FeedWalk::open(body, host)?,
            platform,
            title: None,
            language: None,
            now: clock::now_string(),
            done: false,
        })
    }

    /// The feed's own name, once the part before the first entry was read.
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// Whether every entry has been read.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Up to `max` more mentions (entries with no text are skipped); fewer
    /// only at the end. An error means the feed is unreadable from there on:
    /// nothing of it should be kept.
    pub fn next_chunk(&mut self, max: usize) -> Result<Vec<NewMention>, FetchError> {
        let mut out = Vec::new();
        while out.len() < max && !self.done {
            let feed = match self.walk.next_piece()? {
                None => {
                    self.done = true;
                    break;
                }
                Some(Piece::Entry(feed)) => feed,
                Some(Piece::Header(feed) | Piece::Whole(feed)) => {
                    self.title = feed.title.as_ref().map(text_of);
                    self.language = feed.language.clone();
                    feed
                }
            };
            out.extend(
                feed.entries.into_iter().filter_map(|e| {
                    mention_of(e, self.platform, self.language.as_deref(), &self.now)
                }),
            );
        }
        Ok(out)
    }

    /// How many mentions are left, reading to the end (for "Test").
    pub fn count_rest(&mut self) -> Result<usize, FetchError> {
        let mut n = 0;
        while !self.done {
            n += self.next_chunk(CHUNK)?.len();
        }
        Ok(n)
    }
}

/// Parses a whole feed body into mentions, through the same walk a poll
/// uses. Public for the connector's tests and benchmarks.
pub fn parse(
    body: &[u8],
    platform: Platform,
    host: &str,
) -> Result<(Option<String>, Vec<NewMention>), FetchError> {
    let mut stream = FeedStream::open(Box::new(Cursor::new(body.to_vec())), platform, host)?;
    let mut mentions = Vec::new();
    while !stream.is_done() {
        mentions.extend(stream.next_chunk(CHUNK)?);
    }
    Ok((stream.title, mentions))
}

/// One entry as a mention; None when it has no text at all.
fn mention_of(
    entry: feed_rs::model::Entry,
    platform: Platform,
    feed_language: Option<&str>,
    now: &str,
) -> Option<NewMention> {
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
        .unwrap_or_else(|| now.to_string());
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
        language: entry.language.or_else(|| feed_language.map(str::to_string)),
        created_at: created,
        from_search: false,
    })
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

    /// What feed-rs makes of the whole document, as the connector read
    /// feeds before it walked them entry by entry.
    fn parse_whole(
        body: &[u8],
        platform: Platform,
        now: &str,
    ) -> (Option<String>, Vec<NewMention>) {
        let feed = feed_rs::parser::parse(body).unwrap();
        let language = feed.language.clone();
        let title = feed.title.as_ref().map(text_of);
        let mentions = feed
            .entries
            .into_iter()
            .filter_map(|e| mention_of(e, platform, language.as_deref(), now))
            .collect();
        (title, mentions)
    }

    /// The walk reads every entry as feed-rs reads the whole document. Both
    /// date undated entries with the walk's own "now", so a second ticking
    /// over between the two reads can't tell them apart.
    fn assert_same_as_whole(body: &[u8]) -> Vec<NewMention> {
        let mut stream =
            FeedStream::open(Box::new(Cursor::new(body.to_vec())), Platform::Rss, "h").unwrap();
        let mut mentions = Vec::new();
        while !stream.is_done() {
            mentions.extend(stream.next_chunk(CHUNK).unwrap());
        }
        let walked = (stream.title.clone(), mentions);
        let whole = parse_whole(body, Platform::Rss, &stream.now);
        assert_eq!(walked.0, whole.0);
        assert_eq!(format!("{:?}", walked.1), format!("{:?}", whole.1));
        walked.1
    }

    const RSS_NAMESPACED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Ashby &amp; district</title><link>https://ashby.example</link><description>d</description><language>en-GB</language>
<item><title>Refund still missing</title><guid>a-1</guid><link>https://ashby.example/a-1</link>
  <dc:creator>Jo Bloggs</dc:creator><pubDate>Mon, 30 Nov 2026 08:00:00 GMT</pubDate>
  <description>short teaser</description>
  <content:encoded><![CDATA[<p>Three weeks and <b>no reply</b> from Pedal &amp; Pine.</p>]]></content:encoded>
  <media:thumbnail url="https://ashby.example/t.jpg"/></item>
<item><title>Quick fix</title><guid>a-2</guid><dc:creator>Sam</dc:creator>
  <description>&lt;p&gt;Wheel trued in ten minutes&lt;/p&gt;</description></item>
</channel></rss>"#;

    #[test]
    fn rss_namespaced_content_and_creator_are_read_per_item() {
        let mentions = assert_same_as_whole(RSS_NAMESPACED.as_bytes());
        let (title, _) = parse(RSS_NAMESPACED.as_bytes(), Platform::Rss, "h").unwrap();
        assert_eq!(title.as_deref(), Some("Ashby & district"));
        assert_eq!(mentions.len(), 2);
        assert_eq!(
            mentions[0].text,
            "Refund still missing\nThree weeks and no reply from Pedal & Pine."
        );
        assert_eq!(mentions[0].author_name.as_deref(), Some("Jo Bloggs"));
        assert_eq!(mentions[0].created_at, "2026-11-30T08:00:00Z");
        assert_eq!(mentions[0].language.as_deref(), Some("en-gb"));
        assert_eq!(mentions[1].text, "Quick fix\nWheel trued in ten minutes");
        assert_eq!(mentions[1].author_name.as_deref(), Some("Sam"));
    }

    #[test]
    fn rss_1_rdf_items_beside_the_channel_are_read() {
        let rdf = r#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://ashby.example/"><title>Ashby RDF</title><link>https://ashby.example/</link><description>d</description>
  <dc:language>fr</dc:language>
  <items><rdf:Seq><rdf:li resource="https://ashby.example/1"/><rdf:li resource="https://ashby.example/2"/></rdf:Seq></items></channel>
<item rdf:about="https://ashby.example/1"><title>Vélo réparé</title><link>https://ashby.example/1</link>
  <description>Merci Pedal &amp; Pine</description><dc:creator>Chloé</dc:creator><dc:date>2026-11-28T10:00:00Z</dc:date></item>
<item rdf:about="https://ashby.example/2"><title>Second</title><link>https://ashby.example/2</link><dc:date>2026-11-29T10:00:00Z</dc:date></item>
</rdf:RDF>"#;
        let mentions = assert_same_as_whole(rdf.as_bytes());
        let (title, _) = parse(rdf.as_bytes(), Platform::Rss, "h").unwrap();
        assert_eq!(title.as_deref(), Some("Ashby RDF"));
        assert_eq!(mentions.len(), 2);
        assert_eq!(mentions[0].text, "Vélo réparé\nMerci Pedal & Pine");
        assert_eq!(mentions[0].author_name.as_deref(), Some("Chloé"));
        assert_eq!(mentions[0].created_at, "2026-11-28T10:00:00Z");
        assert_eq!(mentions[0].language.as_deref(), Some("fr"));
        assert_eq!(mentions[1].url.as_deref(), Some("https://ashby.example/2"));
    }

    #[test]
    fn atom_xml_lang_on_the_root_is_each_entry_language() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de"><id>f</id><title>Rad</title>
            <entry><id>e1</id><title>Schnelle Reparatur</title><updated>2026-01-01T00:00:00Z</updated></entry>
            <entry><id>e2</id><title>Quick repair</title><updated>2026-01-02T00:00:00Z</updated></entry></feed>"#;
        let mentions = assert_same_as_whole(atom.as_bytes());
        assert_eq!(mentions[0].language.as_deref(), Some("de"));
        assert_eq!(mentions[1].language.as_deref(), Some("de"));
    }

    #[test]
    fn an_iso_8859_1_feed_is_decoded_by_its_declaration() {
        for declaration in [
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>",
            // Longer than the decoder's first look (64 bytes): must not panic.
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" standalone=\"yes\"          ?>",
        ] {
            let mut body = declaration.as_bytes().to_vec();
            body.extend_from_slice(b"<rss version=\"2.0\"><channel><title>Caf\xe9 Noir</title><description>d</description>");
            body.extend_from_slice(b"<item><guid>c-1</guid><title>Cr\xe8me br\xfbl\xe9e \xe0 la p\xe9dale</title></item>");
            body.extend_from_slice(b"</channel></rss>");
            let (title, mentions) = parse(&body, Platform::Rss, "h").unwrap();
            assert_eq!(title.as_deref(), Some("Café Noir"));
            assert_eq!(mentions[0].text, "Crème brûlée à la pédale");
        }
    }

    #[test]
    fn cdata_and_escaped_closing_tags_stay_inside_their_item() {
        let rss = r#"<rss version="2.0"><channel><title>t</title><description>d</description>
            <item><guid>x-1</guid><title><![CDATA[Why does </item> appear & <b>here</b>?]]></title></item>
            <item><guid>x-2</guid><title>Escaped &lt;/item&gt;&lt;item&gt; is just text</title></item>
            <item><guid>x-3</guid><description><![CDATA[<p>Third]]>&amp;<![CDATA[ last</p>]]></description></item>
            </channel></rss>"#;
        let mentions = assert_same_as_whole(rss.as_bytes());
        let ids: Vec<&str> = mentions.iter().map(|m| m.external_id.as_str()).collect();
        assert_eq!(ids, ["x-1", "x-2", "x-3"]);
        assert_eq!(mentions[0].text, "Why does </item> appear & <b>here</b>?");
        assert_eq!(mentions[1].text, "Escaped </item><item> is just text");
        assert_eq!(mentions[2].text, "Third& last");
    }

    #[test]
    fn a_feed_cut_off_after_complete_entries_is_malformed() {
        let mut atom = String::from(
            r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><id>f</id><title>t</title>"#,
        );
        for i in 0..5 {
            atom.push_str(&format!(
                "<entry><id>e{i}</id><title>entry {i}</title></entry>"
            ));
        }
        let complete = format!("{atom}</feed>");
        assert_eq!(
            parse(complete.as_bytes(), Platform::Rss, "h")
                .unwrap()
                .1
                .len(),
            5
        );
        // Cut between entries, inside one, inside a tag.
        for body in [
            atom.clone(),
            format!("{atom}<entry><id>e5</id><title>half"),
            format!("{atom}<entry><id>e5</id></ent"),
        ] {
            let err = parse(body.as_bytes(), Platform::Rss, "h").unwrap_err();
            assert_eq!(err.code(), "malformed", "{body}");
        }
        // Mismatched tags part-way through, after good entries.
        let bad = complete.replace("<title>entry 3</title>", "<title>entry 3</titel>");
        assert_eq!(
            parse(bad.as_bytes(), Platform::Rss, "h")
                .unwrap_err()
                .code(),
            "malformed"
        );
    }

    #[test]
    fn a_long_feed_comes_in_chunks_with_its_title_after_the_first() {
        let mut rss = String::from(
            r#"<rss version="2.0"><channel><title>Many</title><description>d</description>"#,
        );
        for i in 0..7 {
            rss.push_str(&format!(
                "<item><guid>g{i}</guid><title>item {i}</title></item>"
            ));
            // An item without any text is skipped, not counted.
            rss.push_str("<item><guid>empty</guid></item>");
        }
        rss.push_str("</channel></rss>");
        let mut stream =
            FeedStream::open(Box::new(Cursor::new(rss.into_bytes())), Platform::Rss, "h").unwrap();
        let first = stream.next_chunk(3).unwrap();
        assert_eq!(stream.title(), Some("Many"));
        assert!(!stream.is_done());
        assert_eq!(
            first
                .iter()
                .map(|m| m.external_id.as_str())
                .collect::<Vec<_>>(),
            ["g0", "g1", "g2"]
        );
        assert_eq!(stream.next_chunk(3).unwrap().len(), 3);
        assert_eq!(stream.count_rest().unwrap(), 1);
        assert!(stream.is_done());
        assert!(stream.next_chunk(3).unwrap().is_empty());
    }

    #[test]
    fn the_existing_test_feeds_read_the_same_walked_as_whole() {
        assert_same_as_whole(ALERTS.as_bytes());
        assert_same_as_whole(RSS_NAMESPACED.as_bytes());
        // A JSON Feed still goes to feed-rs whole.
        let json = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "J",
            "items": [{"id": "j1", "content_text": "Great bike shop"}]}"#;
        let (title, mentions) = parse(json.as_bytes(), Platform::Rss, "h").unwrap();
        assert_eq!(title.as_deref(), Some("J"));
        assert_eq!(mentions[0].text, "Great bike shop");
    }
}

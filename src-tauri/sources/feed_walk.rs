//! Walks a feed document entry by entry, so that a long answer never sits
//! in memory whole (issue #3). Each `<entry>` (Atom) or `<item>` (RSS 2.0,
//! 0.9x, 1.0/RDF) is cut out as written and read by feed-rs on its own, in a
//! small document that repeats the start tags of its ancestors as written
//! (namespace declarations, `xml:lang`, `xml:base`, the RSS version): feed-rs
//! keeps deciding what dates, content types and links mean. What comes
//! before the first entry (the feed's title, language) is read by feed-rs
//! the same way.
//!
//! The document is decoded to UTF-8 once, as feed-rs itself does (its
//! `DecodingReader`, the encoding from the BOM or the XML declaration), so
//! the small documents are UTF-8 whatever the feed was written in.
//!
//! Anything that isn't an XML feed (JSON Feed, garbage, an unknown root) is
//! handed to feed-rs whole, as before; the answer is capped in size.

use std::io::{BufReader, Read, Seek, SeekFrom};

use feed_rs::model::Feed;
use quick_xml::encoding::DecodingReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::http::FetchError;

/// A feed body: a spooled file, or bytes in memory for tests.
pub trait FeedSource: Read + Seek + Send {}
impl<T: Read + Seek + Send> FeedSource for T {}

type Source = Box<dyn FeedSource>;

/// What the walk found next.
pub enum Piece {
    /// Everything before the first entry, read as a feed of its own (for a
    /// feed without entries: the whole document).
    Header(Feed),
    /// One cut-out entry, read as a feed (usually with one entry; none if
    /// feed-rs doesn't take the element for an entry).
    Entry(Feed),
    /// A document read whole (not an XML feed this walk knows).
    Whole(Feed),
}

/// Where entries are in the document.
#[derive(Debug, Clone, Copy)]
struct EntryRule {
    /// The entry's local name.
    name: &'static str,
    /// Its parent's local name, when that isn't the root.
    parent: Option<&'static str>,
    /// How many elements are open around it.
    depth: usize,
}

pub struct FeedWalk {
    host: String,
    state: State,
}

enum State {
    Streaming(Box<Stream>),
    /// A whole-document result not yet handed out.
    Whole(Option<Box<Feed>>),
    Done,
}

struct Stream {
    reader: Reader<DecodingReader<BufReader<Source>>>,
    buf: Vec<u8>,
    rule: EntryRule,
    /// The open elements around the current position: their start tags as
    /// written (without `<` `>`) and their names.
    open: Vec<(String, String)>,
    /// The document up to the first entry, until it is read.
    header: Option<String>,
    /// The first entry, cut out while the header was read.
    pending: Option<String>,
}

const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";

impl std::fmt::Debug for FeedWalk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedWalk")
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

impl FeedWalk {
    /// Starts a walk at the beginning of `source`. Fails early for a web
    /// page or an empty answer; any other problem shows when walking.
    pub fn open(mut source: Source, host: &str) -> Result<FeedWalk, FetchError> {
        let host = host.to_string();
        let malformed = |detail: &str| FetchError::Malformed {
            host: host.clone(),
            detail: detail.into(),
        };
        let mut prefix = Vec::with_capacity(1024);
        (&mut source)
            .take(1024)
            .read_to_end(&mut prefix)
            .map_err(|_| malformed("the answer couldn't be read back"))?;
        let first = prefix
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(&prefix)
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .copied();
        if first != Some(b'<') {
            // JSON Feed, an empty answer, garbage, UTF-16: feed-rs decides.
            return Self::whole(source, host);
        }
        if looks_like_html_page(&prefix) {
            return Err(FetchError::NotAFeed { host });
        }
        source
            .seek(SeekFrom::Start(0))
            .map_err(|_| malformed("the answer couldn't be read back"))?;
        let mut decoding = DecodingReader::new(BufReader::new(source));
        // Set before the first read, while the reader can still change its
        // decoder (once it has read past its first 64 bytes it can't, and
        // a long declaration would make it panic if asked then).
        set_declared_encoding(&prefix, &mut decoding);
        let mut reader = Reader::from_reader(decoding);
        let mut buf = Vec::new();
        let root = loop {
            buf.clear();
            match reader.read_event_into(&mut buf) {
                Ok(Event::Start(e)) => {
                    break entry_rule(&e)
                        .map(|rule| (rule, e.to_string(), e.name().as_ref().to_string()))
                }
                Ok(Event::Eof) | Ok(Event::Empty(_)) | Ok(Event::End(_)) | Err(_) => break None,
                Ok(_) => {}
            }
        };
        let Some((rule, root, name)) = root else {
            let source = reader.into_inner().into_inner().into_inner();
            return Self::whole(source, host);
        };
        let mut header = DECLARATION.to_string();
        push_tag(&mut header, &root, false);
        Ok(FeedWalk {
            host,
            state: State::Streaming(Box::new(Stream {
                reader,
                buf,
                rule,
                open: vec![(root, name)],
                header: Some(header),
                pending: None,
            })),
        })
    }

    /// Reads the whole document with feed-rs, as the connector did before
    /// it walked feeds.
    fn whole(mut source: Source, host: String) -> Result<FeedWalk, FetchError> {
        let mut body = Vec::new();
        source
            .seek(SeekFrom::Start(0))
            .and_then(|_| source.read_to_end(&mut body))
            .map_err(|_| FetchError::Malformed {
                host: host.clone(),
                detail: "the answer couldn't be read back".into(),
            })?;
        if looks_like_html_page(&body) {
            return Err(FetchError::NotAFeed { host });
        }
        if body.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(FetchError::Malformed {
                host,
                detail: "the answer was empty".into(),
            });
        }
        let feed = read_feed(&body, &host)?;
        Ok(FeedWalk {
            host,
            state: State::Whole(Some(Box::new(feed))),
        })
    }

    /// The next piece, or None at the end of the feed. An error (bad XML,
    /// a document that stops part-way) ends the walk.
    pub fn next_piece(&mut self) -> Result<Option<Piece>, FetchError> {
        let result = match &mut self.state {
            State::Done => return Ok(None),
            State::Whole(feed) => {
                let piece = feed.take().map(|f| Piece::Whole(*f));
                self.state = State::Done;
                return Ok(piece);
            }
            State::Streaming(stream) => stream.next_piece(&self.host),
        };
        if !matches!(result, Ok(Some(_))) {
            self.state = State::Done;
        }
        result
    }
}

impl Stream {
    fn next_piece(&mut self, host: &str) -> Result<Option<Piece>, FetchError> {
        if let Some(entry) = self.pending.take() {
            return Ok(Some(Piece::Entry(self.read_entry(&entry, host)?)));
        }
        loop {
            self.buf.clear();
            let event = self
                .reader
                .read_event_into(&mut self.buf)
                .map_err(|e| xml_error(e, host))?;
            let entry = match &event {
                Event::Start(e) | Event::Empty(e) => is_entry(e, &self.open, self.rule),
                _ => false,
            };
            if entry {
                let empty = matches!(event, Event::Empty(_));
                let start = event.to_string();
                let entry = self.cut_entry(&start, empty, host)?;
                return Ok(Some(match self.header.take() {
                    // The first entry: the header first, the entry next time.
                    Some(header) => {
                        let feed = self.read_enclosed(header, "", host)?;
                        self.pending = Some(entry);
                        Piece::Header(feed)
                    }
                    None => Piece::Entry(self.read_entry(&entry, host)?),
                }));
            }
            match event {
                Event::Start(e) => {
                    if let Some(header) = &mut self.header {
                        push_tag(header, &e, false);
                    }
                    self.open
                        .push((e.to_string(), e.name().as_ref().to_string()));
                }
                Event::Empty(e) => {
                    if let Some(header) = &mut self.header {
                        push_tag(header, &e, true);
                    }
                }
                Event::End(e) => {
                    if let Some(header) = &mut self.header {
                        push_end(header, e.name().as_ref());
                    }
                    self.open.pop();
                    if self.open.is_empty() {
                        // The root closed: the feed is complete. Whatever
                        // follows it is not read (nor was it before).
                        return match self.header.take() {
                            Some(header) => {
                                Ok(Some(Piece::Header(read_feed(header.as_bytes(), host)?)))
                            }
                            None => Ok(None),
                        };
                    }
                }
                Event::Eof => return Err(cut_off(host)),
                other => {
                    if let Some(header) = &mut self.header {
                        push_content(header, &other);
                    }
                }
            }
        }
    }

    /// Reads the rest of an entry whose start tag (content between `<` and
    /// `>`) was just read; its bytes as written, in UTF-8.
    fn cut_entry(&mut self, start: &str, empty: bool, host: &str) -> Result<String, FetchError> {
        let mut xml = String::with_capacity(1024);
        push_tag(&mut xml, start, empty);
        if empty {
            return Ok(xml);
        }
        let mut depth = 1usize;
        loop {
            self.buf.clear();
            match self
                .reader
                .read_event_into(&mut self.buf)
                .map_err(|e| xml_error(e, host))?
            {
                Event::Start(e) => {
                    depth += 1;
                    push_tag(&mut xml, &e, false);
                }
                Event::Empty(e) => push_tag(&mut xml, &e, true),
                Event::End(e) => {
                    push_end(&mut xml, e.name().as_ref());
                    depth -= 1;
                    if depth == 0 {
                        return Ok(xml);
                    }
                }
                Event::Eof => return Err(cut_off(host)),
                other => push_content(&mut xml, &other),
            }
        }
    }

    /// An entry inside its ancestors' start tags as written.
    fn read_entry(&self, entry: &str, host: &str) -> Result<Feed, FetchError> {
        let mut doc = DECLARATION.to_string();
        for (tag, _) in &self.open {
            push_tag(&mut doc, tag, false);
        }
        self.read_enclosed(doc, entry, host)
    }

    /// `doc` + `inner`, with the open elements closed.
    fn read_enclosed(&self, mut doc: String, inner: &str, host: &str) -> Result<Feed, FetchError> {
        doc.push_str(inner);
        for (_, name) in self.open.iter().rev() {
            push_end(&mut doc, name);
        }
        read_feed(doc.as_bytes(), host)
    }
}

/// Where a feed with this root keeps its entries; None for a root this
/// walk doesn't know (feed-rs reads the document whole, and refuses it
/// if it isn't a feed).
fn entry_rule(root: &BytesStart<'_>) -> Option<EntryRule> {
    match root.local_name().as_ref() {
        "feed" => Some(EntryRule {
            name: "entry",
            parent: None,
            depth: 1,
        }),
        // The versions feed-rs reads as RSS 2.0 or 0.9x: a channel of items.
        "rss" => {
            let version = root.try_get_attribute("version").ok()??;
            matches!(version.value.as_ref(), "2.0" | "" | "0.91" | "0.92").then_some(EntryRule {
                name: "item",
                parent: Some("channel"),
                depth: 2,
            })
        }
        // RSS 1.0: items beside the channel.
        "RDF" => Some(EntryRule {
            name: "item",
            parent: None,
            depth: 1,
        }),
        _ => None,
    }
}

fn is_entry(e: &BytesStart<'_>, open: &[(String, String)], rule: EntryRule) -> bool {
    open.len() == rule.depth
        && e.local_name().as_ref() == rule.name
        && rule
            .parent
            .is_none_or(|parent| open.last().is_some_and(|(_, name)| local(name) == parent))
}

/// A qualified name without its prefix.
fn local(name: &str) -> &str {
    match name.find(':') {
        Some(at) => &name[at + 1..],
        None => name,
    }
}

/// Decodes with the encoding the XML declaration at the start of `prefix`
/// names, if it names one (else the BOM or UTF-8, as feed-rs does).
fn set_declared_encoding<R>(prefix: &[u8], decoding: &mut DecodingReader<R>) {
    let mut reader = Reader::from_reader(prefix);
    loop {
        match reader.read_event() {
            Ok(Event::Decl(decl)) => {
                if let Some(encoding) = decl.encoder() {
                    decoding.set_encoding(encoding);
                }
                return;
            }
            Ok(Event::Text(t)) if t.trim().is_empty() => {}
            _ => return,
        }
    }
}

fn push_tag(out: &mut String, content: &str, empty: bool) {
    out.push('<');
    out.push_str(content);
    out.push_str(if empty { "/>" } else { ">" });
}

fn push_end(out: &mut String, name: &str) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// Text as written (still escaped), CDATA and references; comments,
/// processing instructions and the doctype are left out (feed-rs skips them).
fn push_content(out: &mut String, event: &Event<'_>) {
    match event {
        Event::Text(t) => out.push_str(t),
        Event::CData(c) => {
            out.push_str("<![CDATA[");
            out.push_str(c);
            out.push_str("]]>");
        }
        Event::GeneralRef(r) => {
            out.push('&');
            out.push_str(r);
            out.push(';');
        }
        _ => {}
    }
}

fn xml_error(e: quick_xml::Error, host: &str) -> FetchError {
    FetchError::Malformed {
        host: host.into(),
        detail: format!("it isn't a readable feed: {e}"),
    }
}

fn cut_off(host: &str) -> FetchError {
    FetchError::Malformed {
        host: host.into(),
        detail: "the feed stops part-way through".into(),
    }
}

/// Reads a document with feed-rs; its failures in the connector's words.
fn read_feed(body: &[u8], host: &str) -> Result<Feed, FetchError> {
    feed_rs::parser::parse(body).map_err(|e| match e {
        feed_rs::parser::ParseFeedError::ParseError(_) => FetchError::Malformed {
            host: host.into(),
            detail: "it isn't a valid RSS or Atom feed".into(),
        },
        other => FetchError::Malformed {
            host: host.into(),
            detail: format!("it isn't a readable feed: {other}"),
        },
    })
}

/// An HTML page where a feed was expected (the start of the answer).
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

//! The one HTTP client every connector uses: timeouts, a body size cap, a
//! bounded number of redirects, and errors classified into plain words.
//! Error messages name the host only, never the full URL: some addresses
//! (Google Alerts feeds) are secrets.

use std::io::{Seek, SeekFrom, Write};
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use url::Url;

/// How a fetch failed, in terms a shop owner can act on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FetchError {
    #[error(
        "{host} took too long to answer. It may be busy or down; Hearken will try again later."
    )]
    Timeout { host: String },
    #[error("Couldn't connect to {host}: the connection was refused. Check the address, or try again later.")]
    Refused { host: String },
    #[error("Couldn't find {host} on the internet. Check the address for typos, and that this computer is online.")]
    Dns { host: String },
    #[error("Couldn't reach {host}. This computer may be offline; Hearken will try again when it's back online.")]
    Offline { host: String },
    #[error("{host} refused Hearken's key (HTTP {status}). {}", hint.as_deref().unwrap_or("Check the key in Sources, or get a new one from the platform."))]
    Unauthorized {
        host: String,
        status: u16,
        /// What to do, when the platform's case differs from "get a new key"
        /// (sign in again, use an app password).
        hint: Option<String>,
    },
    #[error("{host} asked Hearken to slow down (HTTP {status}). Hearken will wait {} before trying again.", retry_words(*retry_after_secs))]
    RateLimited {
        host: String,
        status: u16,
        retry_after_secs: Option<u64>,
    },
    #[error("{host} answered with an error (HTTP {status}{}). This is usually temporary; Hearken will try again later.", if status_text.is_empty() { String::new() } else { format!(" {status_text}") })]
    Status {
        host: String,
        status: u16,
        status_text: String,
    },
    #[error("{host} sent more than {limit_mb} MB in one answer, so Hearken stopped reading. Check that the address points to a feed, not a large file.")]
    TooLarge { host: String, limit_mb: u64 },
    #[error("{host} sent a web page, not a feed. Look on the site for an RSS or Atom link and use that address instead.")]
    NotAFeed { host: String },
    #[error("{host} sent something Hearken couldn't read ({detail}). If this keeps happening, check the address.")]
    Malformed { host: String, detail: String },
    #[error("{host} kept redirecting to other addresses, so Hearken gave up. Check the address.")]
    Redirects { host: String },
    #[error("{host} said: {detail}")]
    Platform { host: String, detail: String },
    #[error("{0}")]
    Budget(String),
    #[error("{0}")]
    NeedsSetup(String),
    #[error("That address can't be used: {0}")]
    BadAddress(String),
    #[error("Couldn't talk to {host}: {detail}")]
    Other { host: String, detail: String },
    /// The answer couldn't be kept in a temporary file while it was read.
    #[error("Hearken couldn't keep what {host} sent in a temporary file ({detail}). Check that the disk isn't full; Hearken will try again later.")]
    Spool { host: String, detail: String },
}

fn retry_words(secs: Option<u64>) -> String {
    match secs {
        None => "a while".to_string(),
        Some(s) if s < 90 => format!("{s} seconds"),
        Some(s) if s < 5400 => format!("{} minutes", s.div_ceil(60)),
        Some(s) => format!("{} hours", s.div_ceil(3600)),
    }
}

impl FetchError {
    pub fn code(&self) -> &'static str {
        match self {
            FetchError::Timeout { .. } => "timeout",
            FetchError::Refused { .. } => "connection_refused",
            FetchError::Dns { .. } => "dns",
            FetchError::Offline { .. } => "offline",
            FetchError::Unauthorized { .. } => "credential_rejected",
            FetchError::RateLimited { .. } => "rate_limited",
            FetchError::Status { .. } => "http_status",
            FetchError::TooLarge { .. } => "too_large",
            FetchError::NotAFeed { .. } => "not_a_feed",
            FetchError::Malformed { .. } => "malformed",
            FetchError::Redirects { .. } => "redirect_loop",
            FetchError::Platform { .. } => "platform_error",
            FetchError::Budget(_) => "budget_reached",
            FetchError::NeedsSetup(_) => "needs_setup",
            FetchError::BadAddress(_) => "bad_address",
            FetchError::Other { .. } => "network",
            FetchError::Spool { .. } => "disk",
        }
    }

    /// A failure of the network itself rather than of one platform.
    pub fn is_network(&self) -> bool {
        matches!(self, FetchError::Offline { .. } | FetchError::Dns { .. })
    }

    /// How long the platform asked us to wait, if it said.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            FetchError::RateLimited {
                retry_after_secs, ..
            } => *retry_after_secs,
            _ => None,
        }
    }
}

/// Limits for one client. Tests shorten the timeout.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub max_body_bytes: u64,
    pub max_redirects: usize,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_body_bytes: 8 * 1024 * 1024,
            max_redirects: 5,
        }
    }
}

impl HttpConfig {
    /// The default, with the overall timeout taken from `HEARKEN_HTTP_TIMEOUT_MS`
    /// when set (the CLI's tests use it to keep "never answers" short).
    pub fn from_env() -> Self {
        let mut c = HttpConfig::default();
        if let Some(ms) = std::env::var("HEARKEN_HTTP_TIMEOUT_MS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
        {
            c.timeout = Duration::from_millis(ms.max(1));
            c.connect_timeout = c.connect_timeout.min(c.timeout);
        }
        c
    }
}

/// A response whose body has been read in full, within the size cap.
#[derive(Debug)]
pub struct Fetched {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Fetched {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A successful answer whose body was spooled to an unnamed temporary file
/// (deleted by the OS when `body` is dropped), positioned at its start.
#[derive(Debug)]
pub struct Spooled {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: std::fs::File,
}

impl Spooled {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// What `HttpClient::get_spooled` received.
#[derive(Debug)]
pub enum Answer {
    /// Not a success (304, an error page): small, read into memory.
    InMemory(Fetched),
    /// A success: its body is on disk.
    OnDisk(Spooled),
}

#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    config: HttpConfig,
}

impl HttpClient {
    pub fn new(config: HttpConfig) -> Result<Self, FetchError> {
        let client = reqwest::Client::builder()
            .user_agent(concat!(
                "Hearken/",
                env!("CARGO_PKG_VERSION"),
                " (local-first customer care)"
            ))
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::limited(config.max_redirects))
            .build()
            .map_err(|e| FetchError::Other {
                host: "-".into(),
                detail: e.without_url().to_string(),
            })?;
        Ok(HttpClient { client, config })
    }

    /// GET `url` with extra headers; any status is returned, transport
    /// failures and oversize bodies are errors.
    pub async fn get(&self, url: &Url, headers: &[(&str, String)]) -> Result<Fetched, FetchError> {
        self.send(reqwest::Method::GET, url, headers, None).await
    }

    /// POST a form (`application/x-www-form-urlencoded`), e.g. an OAuth token request.
    pub async fn post_form(
        &self,
        url: &Url,
        headers: &[(&str, String)],
        form: &[(&str, &str)],
    ) -> Result<Fetched, FetchError> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let mut headers = headers.to_vec();
        headers.push((
            "content-type",
            "application/x-www-form-urlencoded".to_string(),
        ));
        self.send(
            reqwest::Method::POST,
            url,
            &headers,
            Some(body.into_bytes()),
        )
        .await
    }

    /// POST a JSON body, e.g. a session request.
    pub async fn post_json(
        &self,
        url: &Url,
        headers: &[(&str, String)],
        json: &serde_json::Value,
    ) -> Result<Fetched, FetchError> {
        let mut headers = headers.to_vec();
        headers.push(("content-type", "application/json".to_string()));
        self.send(
            reqwest::Method::POST,
            url,
            &headers,
            Some(json.to_string().into_bytes()),
        )
        .await
    }

    /// GET `url`, keeping a successful (2xx) body in an unnamed temporary
    /// file instead of memory (same size cap); other answers (304, errors,
    /// HTML 429 pages) are small and read into memory as `get` does, so
    /// `status_error` sees them. The file disappears when it is dropped.
    pub async fn get_spooled(
        &self,
        url: &Url,
        headers: &[(&str, String)],
    ) -> Result<Answer, FetchError> {
        let (response, host) = self.start(reqwest::Method::GET, url, headers, None).await?;
        if !response.status().is_success() {
            return Ok(Answer::InMemory(self.read_body(response, host).await?));
        }
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let limit = self.check_length(&response, &host)?;
        let io = |e: std::io::Error| FetchError::Spool {
            host: host.clone(),
            detail: e.to_string(),
        };
        // Writes land in the OS's file cache; each is a memory copy, short
        // enough not to hold up the async workers.
        let mut file =
            std::io::BufWriter::with_capacity(64 * 1024, tempfile::tempfile().map_err(io)?);
        let mut len = 0u64;
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| classify(e, &host))?;
            len += chunk.len() as u64;
            if len > limit {
                return Err(too_large(&host, limit));
            }
            file.write_all(&chunk).map_err(io)?;
        }
        let mut body = file.into_inner().map_err(|e| io(e.into_error()))?;
        body.seek(SeekFrom::Start(0)).map_err(io)?;
        Ok(Answer::OnDisk(Spooled {
            status,
            headers,
            body,
        }))
    }

    async fn send(
        &self,
        method: reqwest::Method,
        url: &Url,
        headers: &[(&str, String)],
        body: Option<Vec<u8>>,
    ) -> Result<Fetched, FetchError> {
        let (response, host) = self.start(method, url, headers, body).await?;
        self.read_body(response, host).await
    }

    /// Sends the request; the answer's body is still to be read.
    async fn start(
        &self,
        method: reqwest::Method,
        url: &Url,
        headers: &[(&str, String)],
        body: Option<Vec<u8>>,
    ) -> Result<(reqwest::Response, String), FetchError> {
        let host = host_of(url);
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| FetchError::BadAddress(format!("bad header name {name}")))?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                FetchError::BadAddress("a header value has characters HTTP can't carry".into())
            })?;
            map.insert(name, value);
        }
        let mut request = self.client.request(method, url.clone()).headers(map);
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().await.map_err(|e| classify(e, &host))?;
        Ok((response, host))
    }

    /// The size cap, after refusing an answer that announces more.
    fn check_length(&self, response: &reqwest::Response, host: &str) -> Result<u64, FetchError> {
        let limit = self.config.max_body_bytes;
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(too_large(host, limit));
        }
        Ok(limit)
    }

    /// Reads the whole body into memory, within the size cap.
    async fn read_body(
        &self,
        response: reqwest::Response,
        host: String,
    ) -> Result<Fetched, FetchError> {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let limit = self.check_length(&response, &host)?;
        let mut body = Vec::new();
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| classify(e, &host))?;
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(too_large(&host, limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            status,
            headers,
            body,
        })
    }
}

fn too_large(host: &str, limit: u64) -> FetchError {
    FetchError::TooLarge {
        host: host.to_string(),
        limit_mb: limit / (1024 * 1024),
    }
}

pub fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => "the server".to_string(),
    }
}

/// Turns a transport error into plain words. Never includes the URL.
fn classify(e: reqwest::Error, host: &str) -> FetchError {
    let host = host.to_string();
    if e.is_timeout() {
        return FetchError::Timeout { host };
    }
    if e.is_redirect() {
        return FetchError::Redirects { host };
    }
    let chain = error_chain(&e);
    if e.is_connect() {
        if chain.contains("dns error")
            || chain.contains("failed to lookup")
            || chain.contains("Name or service not known")
        {
            return FetchError::Dns { host };
        }
        if chain.contains("Connection refused") {
            return FetchError::Refused { host };
        }
        if chain.contains("Network is unreachable") || chain.contains("No route to host") {
            return FetchError::Offline { host };
        }
    }
    if e.is_body() || e.is_decode() {
        return FetchError::Malformed {
            host,
            detail: "the answer was cut off".into(),
        };
    }
    FetchError::Other {
        host,
        detail: e.without_url().to_string(),
    }
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push_str(": ");
        out.push_str(&s.to_string());
        cur = s.source();
    }
    out
}

/// Reads `Retry-After` as seconds (the HTTP-date form is rare from APIs; treat it as unknown).
pub fn retry_after(fetched: &Fetched) -> Option<u64> {
    fetched
        .header("retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
}

/// Maps a non-success status to an error, or `None` for 2xx / 304.
pub fn status_error(fetched: &Fetched, host: &str) -> Option<FetchError> {
    let status = fetched.status;
    let host = host.to_string();
    match status {
        200..=299 | 304 => None,
        401 | 403 => Some(FetchError::Unauthorized {
            host,
            status,
            hint: None,
        }),
        429 | 503 if retry_after(fetched).is_some() || status == 429 => {
            Some(FetchError::RateLimited {
                host,
                status,
                retry_after_secs: retry_after(fetched),
            })
        }
        _ => Some(FetchError::Status {
            host,
            status,
            status_text: reqwest::StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("")
                .to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_words_read_naturally() {
        assert_eq!(retry_words(Some(30)), "30 seconds");
        assert_eq!(retry_words(Some(600)), "10 minutes");
        assert_eq!(retry_words(Some(7200)), "2 hours");
        assert_eq!(retry_words(None), "a while");
    }

    #[test]
    fn a_429_with_retry_after_is_rate_limited_with_the_wait() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("120"));
        let f = Fetched {
            status: 429,
            headers,
            body: b"<html>Too Many Requests</html>".to_vec(),
        };
        let err = status_error(&f, "example.com").unwrap();
        assert_eq!(err.retry_after_secs(), Some(120));
        assert_eq!(err.code(), "rate_limited");
        assert!(err.to_string().contains("2 minutes"));
    }
}

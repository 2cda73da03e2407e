//! Shared test support: a fake feed server on 127.0.0.1 that speaks real
//! HTTP/1.1 and can misbehave on cue, a private D-Bus session with a real
//! gnome-keyring, and a runner for the `hearken` binary.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub mod graph;

/// A request as the fake server saw it.
#[derive(Debug, Clone)]
pub struct SeenRequest {
    pub method: String,
    /// Path and query, as sent.
    pub path: String,
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl SeenRequest {
    /// The path without its query.
    pub fn route(&self) -> &str {
        self.path.split('?').next().unwrap_or("")
    }

    /// A query parameter, percent-decoded (the first if repeated).
    pub fn query(&self, name: &str) -> Option<String> {
        self.query_all(name).into_iter().next()
    }

    /// Every value of a query parameter, percent-decoded.
    pub fn query_all(&self, name: &str) -> Vec<String> {
        let Some((_, q)) = self.path.split_once('?') else {
            return Vec::new();
        };
        url::form_urlencoded::parse(q.as_bytes())
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .collect()
    }

    /// A form-encoded body field, decoded.
    pub fn form(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(&self.body)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

/// What the fake server does with a request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A complete response.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Accept, read the request, then say nothing for this long.
    Silence(Duration),
    /// Promise `declared` bytes, send `body`, then close.
    CutOff { declared: usize, body: Vec<u8> },
}

impl Reply {
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Full {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    pub fn status(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Full {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    /// A JSON answer with the given status.
    pub fn json(status: u16, value: &serde_json::Value) -> Reply {
        Reply::status(status, "application/json; charset=utf-8", value.to_string())
    }

    /// A redirect to `location` (relative or absolute).
    pub fn redirect(location: &str) -> Reply {
        Reply::Full {
            status: 302,
            headers: vec![("Location".into(), location.into())],
            body: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Full { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

type Handler = dyn Fn(&SeenRequest) -> Reply + Send + Sync;

/// A fake platform server on 127.0.0.1, one thread per connection.
pub struct FakeServer {
    pub port: u16,
    handler: Arc<Mutex<Arc<Handler>>>,
    seen: Arc<Mutex<Vec<SeenRequest>>>,
}

impl FakeServer {
    pub fn start(handler: impl Fn(&SeenRequest) -> Reply + Send + Sync + 'static) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let handler: Arc<Mutex<Arc<Handler>>> = Arc::new(Mutex::new(Arc::new(handler)));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (h, s) = (handler.clone(), seen.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (h, s) = (h.clone(), s.clone());
                std::thread::spawn(move || serve(stream, h, s));
            }
        });
        FakeServer {
            port,
            handler,
            seen,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}", self.port, path)
    }

    /// Changes what the server answers from now on.
    pub fn set(&self, handler: impl Fn(&SeenRequest) -> Reply + Send + Sync + 'static) {
        *self.handler.lock().unwrap() = Arc::new(handler);
    }

    pub fn requests(&self) -> Vec<SeenRequest> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, handler: Arc<Mutex<Arc<Handler>>>, seen: Arc<Mutex<Vec<SeenRequest>>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" || h == "\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length.min(1 << 20)];
    if reader.read_exact(&mut body).is_err() {
        body.clear();
    }
    let request = SeenRequest {
        method,
        path,
        headers,
        body,
    };
    seen.lock().unwrap().push(request.clone());
    let handler = handler.lock().unwrap().clone();
    let mut stream = stream;
    match handler(&request) {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
        Reply::Silence(d) => std::thread::sleep(d),
        Reply::CutOff { declared, body } => {
            let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/atom+xml\r\nContent-Length: {declared}\r\n\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    }
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

/// An Atom feed with the given (id, title, published) entries.
pub fn atom_feed(title: &str, entries: &[(&str, &str, &str)]) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<id>urn:test:feed</id><title>{title}</title><updated>2026-11-01T00:00:00Z</updated>\n"
    );
    for (id, text, published) in entries {
        s.push_str(&format!(
            "<entry><id>{id}</id><title type=\"text\">{text}</title><link href=\"https://news.example/{id}\"/><published>{published}</published><updated>{published}</updated><author><name>Reporter</name></author></entry>\n"
        ));
    }
    s.push_str("</feed>\n");
    s
}

/// A private D-Bus session with a fresh, unlocked gnome-keyring, torn down on drop.
pub struct KeyringSession {
    pub bus_address: String,
    pub home: tempfile::TempDir,
    children: Vec<Child>,
    dbus_pid: Option<u32>,
}

impl KeyringSession {
    pub fn start() -> KeyringSession {
        let home = tempfile::tempdir().unwrap();
        let data = home.path().join("data");
        let runtime = home.path().join("run");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::create_dir_all(&runtime).unwrap();
        let out = Command::new("dbus-daemon")
            .args(["--session", "--fork", "--print-address=1", "--print-pid=1"])
            .env("XDG_RUNTIME_DIR", &runtime)
            .output()
            .expect("dbus-daemon must be installed (package dbus)");
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let mut lines = text.lines();
        let bus_address = lines.next().expect("dbus address").trim().to_string();
        let dbus_pid = lines.next().and_then(|p| p.trim().parse().ok());
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--components=secrets", "--unlock", "--foreground"])
            .env("DBUS_SESSION_BUS_ADDRESS", &bus_address)
            .env("XDG_DATA_HOME", &data)
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("HOME", home.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon must be installed (package gnome-keyring)");
        keyring
            .stdin
            .take()
            .unwrap()
            .write_all(b"test-password")
            .unwrap();
        let session = KeyringSession {
            bus_address,
            home,
            children: vec![keyring],
            dbus_pid,
        };
        session.wait_for_secret_service();
        session
    }

    fn wait_for_secret_service(&self) {
        for _ in 0..100 {
            let ok = Command::new("dbus-send")
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.secrets",
                ])
                .env("DBUS_SESSION_BUS_ADDRESS", &self.bus_address)
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
                .unwrap_or(false);
            if ok {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("gnome-keyring did not start on the test D-Bus session");
    }

    /// Locks every keyring collection, as the desktop does on screen lock.
    pub fn lock_all(&self) {
        let out = Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.secrets",
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.Lock",
                "array:objpath:/org/freedesktop/secrets/collection/login,/org/freedesktop/secrets/collection/session",
            ])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus_address)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "lock failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for KeyringSession {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        if let Some(pid) = self.dbus_pid {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
    }
}

/// Runs `hearken --data-dir DIR ARGS…` with `stdin`, in a clean environment
/// plus `env`. Returns (exit code, stdout, stderr).
pub fn hearken(
    data_dir: &Path,
    args: &[&str],
    stdin: Option<&[u8]>,
    env: &[(&str, &str)],
) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hearken"));
    cmd.arg("--data-dir").arg(data_dir).args(args);
    cmd.env_remove("HEARKEN_DATA_DIR");
    // No keyring unless the test gives one.
    cmd.env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/hearken-test-bus",
    );
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run hearken");
    if let Some(bytes) = stdin {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().unwrap();
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if let Ok(entries) = std::fs::read_dir(&d) {
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    out.push(p);
                }
            }
        }
    }
    out
}

/// True if `needle` occurs in the file's bytes.
pub fn file_contains(path: &Path, needle: &[u8]) -> bool {
    let mut bytes = Vec::new();
    if std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .is_err()
    {
        return false;
    }
    bytes.windows(needle.len()).any(|w| w == needle)
}

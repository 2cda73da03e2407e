//! Credentials live in the OS keyring (service `hearken`, one entry per
//! source) and nowhere else. If the keyring can't be reached, saving fails
//! with advice; there is no fallback file.
//!
//! Keyring calls can block (a locked keyring may wait on an unlock prompt),
//! so each runs on its own thread with a time limit.

use std::sync::{mpsc, OnceLock};
use std::time::Duration;

use keyring_core::{Entry, Error as KeyringError};

use crate::error::{Error, Result};

pub const SERVICE: &str = "hearken";

/// Longest secret accepted. Platform keys and tokens are far shorter; a
/// longer paste is almost always the wrong thing (a whole page, a file).
pub const MAX_SECRET_BYTES: usize = 4096;

const CALL_LIMIT: Duration = Duration::from_secs(15);

static INIT_PROBLEM: OnceLock<Option<String>> = OnceLock::new();
static INIT_STARTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Connects the keyring on another thread, so the window needn't wait for
/// D-Bus; keyring calls made meanwhile wait for it to finish.
pub fn init_os_keyring_in_background() {
    INIT_STARTED.store(true, std::sync::atomic::Ordering::SeqCst);
    std::thread::spawn(|| {
        let problem = init_os_keyring();
        crate::startup::stage(if problem.is_none() {
            "keyring ready"
        } else {
            "keyring unavailable"
        });
    });
}

/// Connects the OS keyring as the default store. Returns why it can't be
/// reached, if it can't; Hearken still runs, but can't save credentials.
pub fn init_os_keyring() -> Option<String> {
    INIT_PROBLEM
        .get_or_init(|| match os_store() {
            Ok(store) => {
                keyring_core::set_default_store(store);
                None
            }
            Err(e) => Some(describe(&e)),
        })
        .clone()
}

#[cfg(target_os = "linux")]
fn os_store() -> keyring_core::Result<std::sync::Arc<keyring_core::CredentialStore>> {
    Ok(zbus_secret_service_keyring_store::Store::new()?)
}

#[cfg(not(target_os = "linux"))]
fn os_store() -> keyring_core::Result<std::sync::Arc<keyring_core::CredentialStore>> {
    Err(KeyringError::NotSupportedByStore(
        "this build only knows the Secret Service keyring".into(),
    ))
}

/// Uses an in-memory store. For unit tests only.
#[cfg(test)]
pub fn use_mock_store() {
    let _ = INIT_PROBLEM.set(None);
    if keyring_core::get_default_store().is_none() {
        keyring_core::set_default_store(keyring_core::mock::Store::new().unwrap());
    }
}

/// Whether the keyring answered at start-up, and if not, why.
pub fn status() -> Option<String> {
    if INIT_STARTED.load(std::sync::atomic::Ordering::SeqCst) {
        return INIT_PROBLEM.wait().clone();
    }
    INIT_PROBLEM.get().cloned().flatten()
}

/// Checks a pasted secret. A single trailing line break (from `echo` or a
/// copy) is dropped; anything else odd is refused with advice.
pub fn validate_secret(raw: &str) -> Result<String> {
    let s = raw.strip_suffix('\n').unwrap_or(raw);
    let s = s.strip_suffix('\r').unwrap_or(s).trim_matches([' ', '\t']);
    if s.is_empty() {
        return Err(Error::invalid(
            "The key is empty. Paste the key or token the platform gave you.",
        ));
    }
    if s.contains(['\n', '\r']) {
        return Err(Error::invalid(
            "The key has a line break in the middle, so it can't be right. Copy just the key, on one line, and paste it again.",
        ));
    }
    if s.len() > MAX_SECRET_BYTES {
        return Err(Error::invalid(format!(
            "The key is {} KB long; platform keys are much shorter (under 4 KB). Check you copied only the key, not the whole page.",
            s.len().div_ceil(1024)
        )));
    }
    if s.chars().any(|c| c.is_control()) {
        return Err(Error::invalid(
            "The key contains invisible control characters. Copy it again from the platform's page.",
        ));
    }
    Ok(s.to_string())
}

pub fn save(secret_ref: &str, secret: &str) -> Result<()> {
    let (secret_ref, secret) = (secret_ref.to_string(), secret.to_string());
    with_limit(move || Entry::new(SERVICE, &secret_ref)?.set_password(&secret))
}

/// The stored secret, or `None` when there is none.
pub fn load(secret_ref: &str) -> Result<Option<String>> {
    let secret_ref = secret_ref.to_string();
    with_limit(
        move || match Entry::new(SERVICE, &secret_ref)?.get_password() {
            Ok(s) => Ok(Some(s)),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(e) => Err(e),
        },
    )
}

/// Deletes the entry; deleting what isn't there is fine.
pub fn delete(secret_ref: &str) -> Result<()> {
    let secret_ref = secret_ref.to_string();
    with_limit(
        move || match Entry::new(SERVICE, &secret_ref)?.delete_credential() {
            Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
            Err(e) => Err(e),
        },
    )
}

fn with_limit<T: Send + 'static>(
    f: impl FnOnce() -> keyring_core::Result<T> + Send + 'static,
) -> Result<T> {
    if let Some(problem) = status() {
        return Err(Error::KeyringUnavailable(problem));
    }
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(CALL_LIMIT) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(to_error(&e)),
        Err(_) => Err(Error::KeyringLocked),
    }
}

fn to_error(e: &KeyringError) -> Error {
    match e {
        KeyringError::NoStorageAccess(inner) => {
            let text = inner.to_string().to_lowercase();
            if text.contains("lock") || text.contains("prompt") {
                Error::KeyringLocked
            } else {
                Error::KeyringUnavailable(describe(e))
            }
        }
        _ => Error::KeyringUnavailable(describe(e)),
    }
}

/// A short reason, safe to show: keyring errors name the service and entry,
/// never the secret.
fn describe(e: &KeyringError) -> String {
    match e {
        KeyringError::NoDefaultStore => "no keyring is set up".into(),
        KeyringError::PlatformFailure(inner) | KeyringError::NoStorageAccess(inner) => {
            let text = inner.to_string();
            if text.contains("org.freedesktop.DBus") || text.to_lowercase().contains("dbus") {
                "the Secret Service is not running".into()
            } else {
                text
            }
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trailing_newline_from_a_paste_is_dropped() {
        assert_eq!(validate_secret("abc123\n").unwrap(), "abc123");
        assert_eq!(validate_secret("abc123\r\n").unwrap(), "abc123");
    }

    #[test]
    fn a_secret_with_a_line_break_inside_is_refused_with_advice() {
        let err = validate_secret("abc\ndef").unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains("line break"));
        assert!(!err.to_string().contains("abc"));
    }

    #[test]
    fn a_10_kb_secret_is_refused_without_echoing_it() {
        let long = "k".repeat(10 * 1024);
        let err = validate_secret(&long).unwrap_err();
        assert!(err.to_string().contains("10 KB"));
        assert!(!err.to_string().contains("kkkk"));
    }

    #[test]
    fn an_empty_secret_is_refused() {
        assert!(validate_secret("\n").is_err());
    }

    #[test]
    fn save_load_delete_round_trip_in_the_mock_store() {
        use_mock_store();
        save("source-unit-1", "tok-123").unwrap();
        assert_eq!(load("source-unit-1").unwrap().as_deref(), Some("tok-123"));
        delete("source-unit-1").unwrap();
        assert_eq!(load("source-unit-1").unwrap(), None);
        delete("source-unit-1").unwrap();
    }
}

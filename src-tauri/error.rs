//! One error type for the whole core. Its `Display` is written for a shop
//! owner: what happened, what it means, what to do next. It reaches the UI as
//! `{code, message}` and the CLI as a line on stderr.

use std::path::PathBuf;

use serde::Serialize;

use crate::sources::http::FetchError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("Hearken can't use its data folder at {path}: {reason}. Check that you can write there, or start Hearken with --data-dir pointing to a folder you can write to.")]
    DataDir { path: PathBuf, reason: String },

    #[error("The database file at {path} is damaged or is not a Hearken database. Hearken has left it untouched. Move it somewhere safe (or restore a backup) and start Hearken again; it will make a new one.")]
    DatabaseDamaged { path: PathBuf },

    #[error("Hearken can't save changes because the database file at {path} is read-only. Check the file's permissions, then try again. Nothing already saved was lost.")]
    DatabaseReadOnly { path: PathBuf },

    #[error("The disk is full, so Hearken couldn't save that. Nothing already saved was lost. Free some space and try again.")]
    DiskFull,

    #[error("This database was made by a newer version of Hearken (version {found}; this one understands up to {supported}). Update Hearken to open it. The file was not changed.")]
    DatabaseTooNew { found: i64, supported: i64 },

    #[error("Hearken's database reported a problem: {0}. Try again; if it keeps happening, make a copy of the data folder before doing anything else.")]
    Database(String),

    #[error("Your computer's keyring can't be reached ({0}), so the key was not saved — Hearken never keeps keys anywhere else. Start or unlock your keyring (GNOME Keyring, KWallet, Keychain or Credential Manager) and try again.")]
    KeyringUnavailable(String),

    #[error("Your computer's keyring is locked, so Hearken can't read or save the key. Unlock it (you may be asked for your login password) and try again. Nothing was saved elsewhere.")]
    KeyringLocked,

    #[error("{0}")]
    Invalid(String),

    #[error("You already have a source called \"{0}\". Give this one a different name.")]
    DuplicateLabel(String),

    #[error("{0} not found. It may have been removed already; refresh the list.")]
    NotFound(String),

    #[error("Listening on {0} isn't available in this version of Hearken yet. RSS / Atom feeds and Google Alerts work today.")]
    NotAvailable(String),

    #[error("{0}")]
    Fetch(#[from] FetchError),

    /// The person asked not to be contacted: the message says so without
    /// naming them or anyone linked to them.
    #[error("{0}")]
    DoNotContact(String),

    /// Warnings the owner has not acknowledged yet (no notice on a first
    /// contact, a DM that reads as promotion); nothing was recorded.
    #[error("{0}")]
    NeedsConfirmation(String),
    /// A source that may not poll yet: no watch may listen (see `watch::Matcher`).
    #[error("{0}")]
    Paused(String),

    #[error("Something went wrong inside Hearken: {0}. Please try again; if it keeps happening, the log file in the data folder says more.")]
    Internal(String),
}

impl Error {
    /// A stable, machine-readable code for scripts and the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Error::DataDir { .. } => "data_dir",
            Error::DatabaseDamaged { .. } => "database_damaged",
            Error::DatabaseReadOnly { .. } => "database_read_only",
            Error::DiskFull => "disk_full",
            Error::DatabaseTooNew { .. } => "database_too_new",
            Error::Database(_) => "database",
            Error::KeyringUnavailable(_) => "keyring_unavailable",
            Error::KeyringLocked => "keyring_locked",
            Error::Invalid(_) => "invalid_input",
            Error::DuplicateLabel(_) => "duplicate_label",
            Error::NotFound(_) => "not_found",
            Error::NotAvailable(_) => "not_available",
            Error::Fetch(f) => f.code(),
            Error::DoNotContact(_) => "do_not_contact",
            Error::NeedsConfirmation(_) => "needs_confirmation",
            Error::Paused(_) => "paused",
            Error::Internal(_) => "internal",
        }
    }

    pub fn invalid(message: impl Into<String>) -> Error {
        Error::Invalid(message.into())
    }

    pub fn internal(err: impl std::fmt::Display) -> Error {
        Error::Internal(err.to_string())
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(e: tokio::task::JoinError) -> Self {
        Error::internal(e)
    }
}

/// What the UI receives when a command fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CommandError {
    pub code: String,
    pub message: String,
}

impl From<Error> for CommandError {
    fn from(e: Error) -> Self {
        CommandError {
            code: e.code().to_string(),
            message: e.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duplicate_label_reaches_the_ui_as_code_and_advice() {
        let json = serde_json::to_value(CommandError::from(Error::DuplicateLabel(
            "Shop blog".into(),
        )))
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "duplicate_label",
                "message": "You already have a source called \"Shop blog\". Give this one a different name."
            })
        );
    }

    #[test]
    fn a_locked_keyring_says_how_to_unlock_and_that_nothing_was_saved() {
        let json = serde_json::to_value(CommandError::from(Error::KeyringLocked)).unwrap();
        assert_eq!(json["code"], "keyring_locked");
        let message = json["message"].as_str().unwrap();
        assert!(message.contains("Unlock it"));
        assert!(message.contains("Nothing was saved elsewhere"));
    }

    #[test]
    fn outreach_refusals_reach_the_ui_with_their_own_codes() {
        for (e, code) in [
            (Error::DoNotContact("asked".into()), "do_not_contact"),
            (
                Error::NeedsConfirmation("check".into()),
                "needs_confirmation",
            ),
        ] {
            let json = serde_json::to_value(CommandError::from(e)).unwrap();
            assert_eq!(json["code"], code);
        }
    }

    #[test]
    fn a_fetch_timeout_has_its_own_code() {
        let e = Error::Fetch(FetchError::Timeout {
            host: "example.com".into(),
        });
        let json = serde_json::to_value(CommandError::from(e)).unwrap();
        assert_eq!(json["code"], "timeout");
        assert_eq!(
            json["message"],
            "example.com took too long to answer. It may be busy or down; Hearken will try again later."
        );
    }
}

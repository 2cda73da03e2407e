//! Tests for the mastodon connector: see main.rs.

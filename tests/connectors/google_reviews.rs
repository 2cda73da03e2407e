//! Tests for the google_reviews connector: see main.rs.

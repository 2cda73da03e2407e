//! Tests for the hacker_news connector: see main.rs.

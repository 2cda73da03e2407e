//! Tests for the bluesky connector: see main.rs.

//! Tests for the youtube connector: see main.rs.

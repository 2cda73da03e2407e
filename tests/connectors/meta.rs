//! Tests for the meta connector: see main.rs.

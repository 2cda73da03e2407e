//! Tests for the reddit connector: see main.rs.

//! Tests for the x connector: see main.rs.

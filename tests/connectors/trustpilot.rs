//! Tests for the trustpilot connector: see main.rs.

//! Tests for the yelp connector: see main.rs.

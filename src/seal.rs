//! Sealing (being merged from the seal branch).

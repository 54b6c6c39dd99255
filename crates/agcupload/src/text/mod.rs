//! Text hygiene: bounds and character classes of caller and server text (`bounds`), the gate
//! every server answer passes (`untrusted`), the redaction of our own secrets (`redact`), and
//! the secret holder that never prints (`secret`).

pub(crate) mod bounds;
pub(crate) mod redact;
pub(crate) mod secret;
pub(crate) mod untrusted;

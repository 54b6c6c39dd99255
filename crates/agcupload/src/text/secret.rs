//! Secrets: values that must never reach a log, an error message or a `Debug` dump.

use std::fmt;
use zeroize::Zeroize;

/// A secret string (client secret, access token, signed upload `Authorization` value).
///
/// `Debug` and `Display` print `<redacted>`; the bytes are wiped when the value is dropped.
/// The only way to read it is [`Secret::expose`], which makes every use easy to audit.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself. Call only where it goes onto the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// Read straight from JSON text (a key file's `private_key`, a token answer's `access_token`).
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Secret, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// `data` in base64 by `engine` (its alphabet and padding), encoded straight into a buffer of
/// its final size that is wiped when dropped: what it encodes is secret (a JWT signature, a
/// seal key), and no partial copy may be left in freed memory.
pub(crate) fn base64_wiped<E: base64::Engine>(data: &[u8], engine: &E) -> zeroize::Zeroizing<String> {
    use base64::engine::Config;
    let len = base64::encoded_len(data.len(), engine.config().encode_padding()).unwrap_or(0);
    let mut out = zeroize::Zeroizing::new(vec![0u8; len]);
    let n = engine.encode_slice(data, &mut out[..]).unwrap_or(0);
    out.truncate(n);
    match String::from_utf8(std::mem::take(&mut *out)) {
        Ok(text) => zeroize::Zeroizing::new(text),
        // Never happens (base64 is ASCII); the bytes are still wiped.
        Err(e) => {
            e.into_bytes().zeroize();
            zeroize::Zeroizing::new(String::new())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_redact() {
        let s = Secret::new("hunter2-token");
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(format!("{s}"), "<redacted>");
        assert_eq!(s.expose(), "hunter2-token");
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
        let v = [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (i, o) in v {
            assert_eq!(*base64_wiped(i.as_bytes(), &URL_SAFE_NO_PAD), o);
            assert_eq!(*base64_wiped(i.as_bytes(), &STANDARD_NO_PAD), o);
        }
        assert_eq!(*base64_wiped(&[0xfb, 0xff], &URL_SAFE_NO_PAD), "-_8");
        assert_eq!(*base64_wiped(&[0xfb, 0xff], &STANDARD_NO_PAD), "+/8");
        assert_eq!(*base64_wiped(b"fo", &STANDARD), "Zm8=");
        // Exactly the final size: no spare capacity a reallocation could have left behind.
        let key = base64_wiped(&[7u8; 32], &URL_SAFE_NO_PAD);
        assert_eq!((key.len(), key.capacity()), (43, 43));
    }
}

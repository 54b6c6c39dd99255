//! TLS (rustls) over the transport below it in our connector chain (TCP, possibly through a
//! proxy's tunnel: `crate::net::interrupt`'s sliced waits).
//!
//! This is ureq's `RustlsConnector` with one change that matters for a multi-gigabyte body:
//! the encrypted records are handed to the transport below in batches. ureq's transport writes
//! each 16 KiB record with its own `send` call, each a trip through the kernel's TCP path (on
//! loopback that includes the receiver's processing too). Here the records of 128 KiB of body
//! are copied into the transport's output buffer together and sent with one call. Same bytes
//! on the wire, same number of copies; a 1 GiB upload makes about 8,200 sends, not 65,500.
//!
//! Reading, the handshake, certificate checks, SNI, protocol versions and the crypto provider
//! are ureq's and rustls' own, as in ureq's connector: roots come from the agent's
//! [`ureq::tls::TlsConfig`] (`RootCerts::Specific`, which `crate::net::http` always sets).

use std::fmt;
use std::io::{self, IoSlice, Read, Write};
use std::sync::{Arc, OnceLock};

use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use ureq::tls::{RootCerts, TlsConfig};
use ureq::unversioned::transport::time::{Duration, Instant};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport, TransportAdapter,
};

/// Plaintext encrypted per batch: 8 records, half of ureq's output buffer (`crate::net::http`).
/// rustls allocates each record; with 256 KiB batches glibc returned the heap's top to the
/// kernel after every batch and faulted it back in for the next (two `brk` calls per batch,
/// strace); with 128 KiB it does not.
const BATCH: usize = 128 * 1024;

/// Wraps the chained transport in TLS when the URL is https.
#[derive(Default)]
pub(crate) struct TlsConnector {
    config: OnceLock<Arc<ClientConfig>>,
}

impl fmt::Debug for TlsConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConnector").finish()
    }
}

impl<In: Transport> Connector<In> for TlsConnector {
    type Out = Either<In, TlsTransport>;

    fn connect(&self, details: &ConnectionDetails, chained: Option<In>) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let config = match self.config.get() {
            Some(c) => c.clone(),
            None => {
                let c = build_config(details.config.tls_config())?;
                self.config.get_or_init(|| c).clone()
            }
        };
        let host = details.uri.host().ok_or(ureq::Error::Tls("no host in the URL"))?;
        let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
        let name = ServerName::try_from(host.to_owned()).map_err(|_| ureq::Error::Tls("invalid TLS server name"))?;
        let mut conn = ClientConnection::new(config, name)?;
        conn.set_buffer_limit(Some(2 * BATCH));
        let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        // The connect budget counts from the start of the connection (TCP and proxy included),
        // as in ureq's connector.
        sock.set_timeout(remaining(details.timeout, details.now, (details.current_time)()));
        conn.complete_io(&mut sock)?;
        let buffers = LazyBuffers::new(details.config.input_buffer_size(), details.config.output_buffer_size());
        Ok(Some(Either::B(TlsTransport { buffers, stream: StreamOwned { conn, sock } })))
    }
}

/// `timeout` as set at `started`, counted down to `now`.
pub(crate) fn remaining(mut timeout: NextTimeout, started: Instant, now: Instant) -> NextTimeout {
    if let (Duration::Exact(limit), Instant::Exact(started), Instant::Exact(now)) = (timeout.after, started, now) {
        timeout.after = Duration::Exact(limit.saturating_sub(now.saturating_duration_since(started)));
    }
    timeout
}

/// rustls with the provider rustls brings (ring) and the agent's roots.
fn build_config(tls: &TlsConfig) -> Result<Arc<ClientConfig>, ureq::Error> {
    let RootCerts::Specific(certs) = tls.root_certs() else {
        // `crate::net::http` always gives a list; anything else is a programming error here, and
        // refusing is the only safe answer (never connect unverified).
        return Err(ureq::Error::Tls("only a specific list of root certificates is supported"));
    };
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(certs.iter().map(|c| CertificateDer::from(c.der())));
    let provider = rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
    let config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(rustls::ALL_VERSIONS)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// A TLS connection over the transport below.
pub(crate) struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsTransport").field("chained", &self.stream.sock.inner()).finish()
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let StreamOwned { conn, sock } = &mut self.stream;
        sock.set_timeout(timeout);
        let mut plain = &self.buffers.output()[..amount];
        while !plain.is_empty() {
            let n = conn.writer().write(&plain[..plain.len().min(BATCH)])?;
            if n == 0 {
                return Err(io::Error::new(io::ErrorKind::WriteZero, "TLS accepted none of the body").into());
            }
            plain = &plain[n..];
            while conn.wants_write() {
                conn.write_tls(&mut Batch { below: sock.get_mut(), timeout })?;
            }
        }
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.stream.sock.set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.sock.get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}

/// Hands the queued records to the transport below, as many as fit its output buffer per call.
struct Batch<'a> {
    below: &'a mut dyn Transport,
    timeout: NextTimeout,
}

impl Write for Batch<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_vectored(&[IoSlice::new(buf)])
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        let out = self.below.buffers().output();
        let mut n = 0;
        for b in bufs {
            let take = b.len().min(out.len() - n);
            out[n..n + take].copy_from_slice(&b[..take]);
            n += take;
            if n == out.len() {
                break;
            }
        }
        if n > 0 {
            self.below.transmit_output(n, self.timeout).map_err(|e| e.into_io())?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The transport below, recording what each `transmit_output` sends.
    #[derive(Debug)]
    struct Below {
        buffers: LazyBuffers,
        sends: Vec<Vec<u8>>,
    }

    impl Transport for Below {
        fn buffers(&mut self) -> &mut dyn Buffers {
            &mut self.buffers
        }
        fn transmit_output(&mut self, amount: usize, _: NextTimeout) -> Result<(), ureq::Error> {
            let out = self.buffers.output()[..amount].to_vec();
            self.sends.push(out);
            Ok(())
        }
        fn await_input(&mut self, _: NextTimeout) -> Result<bool, ureq::Error> {
            Ok(false)
        }
        fn is_open(&mut self) -> bool {
            true
        }
    }

    fn records(n: usize, size: usize) -> Vec<Vec<u8>> {
        (0..n).map(|i| vec![i as u8; size]).collect()
    }

    #[test]
    fn the_connect_budget_counts_from_the_start_of_the_connection() {
        let start = std::time::Instant::now();
        let later = start + std::time::Duration::from_millis(700);
        let t = NextTimeout { after: Duration::Exact(std::time::Duration::from_secs(2)), ..NextTimeout::default() };
        let left = remaining(t, Instant::Exact(start), Instant::Exact(later));
        assert_eq!(left.after, Duration::Exact(std::time::Duration::from_millis(1300)));
        let spent = remaining(t, Instant::Exact(start), Instant::Exact(start + std::time::Duration::from_secs(3)));
        assert_eq!(spent.after, Duration::Exact(std::time::Duration::ZERO));
        let never = NextTimeout { after: Duration::NotHappening, ..NextTimeout::default() };
        assert!(remaining(never, Instant::Exact(start), Instant::Exact(later)).after.is_not_happening());
    }

    #[test]
    fn queued_records_go_out_in_one_send_each_batch_in_order() {
        let mut below = Below { buffers: LazyBuffers::new(1024, 128 * 1024), sends: Vec::new() };
        let recs = records(4, 16 * 1024 + 29);
        let slices: Vec<IoSlice<'_>> = recs.iter().map(|r| IoSlice::new(r)).collect();
        let n = Batch { below: &mut below, timeout: NextTimeout::default() }.write_vectored(&slices).unwrap();
        assert_eq!(n, 4 * (16 * 1024 + 29));
        assert_eq!(below.sends.len(), 1, "four records, one send");
        assert_eq!(below.sends[0], recs.concat());
    }

    #[test]
    fn records_larger_than_the_buffer_below_are_split_and_nothing_is_lost() {
        let mut below = Below { buffers: LazyBuffers::new(1024, 40 * 1024), sends: Vec::new() };
        let recs = records(5, 16 * 1024 + 29);
        let all = recs.concat();
        let mut sent = 0;
        while sent < all.len() {
            // As rustls does: the unsent rest of the queue again.
            let rest = &all[sent..];
            let first = (16 * 1024 + 29) - sent % (16 * 1024 + 29);
            let mut slices = vec![IoSlice::new(&rest[..first.min(rest.len())])];
            slices.extend(rest[first.min(rest.len())..].chunks(16 * 1024 + 29).map(IoSlice::new));
            sent += Batch { below: &mut below, timeout: NextTimeout::default() }.write_vectored(&slices).unwrap();
        }
        assert!(below.sends.iter().all(|s| s.len() <= 40 * 1024));
        assert_eq!(below.sends.len(), all.len().div_ceil(40 * 1024));
        assert_eq!(below.sends.concat(), all);
    }
}

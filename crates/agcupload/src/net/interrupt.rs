//! Cancelling a call while its connection waits, without a thread.
//!
//! A Connect call whose answer takes 40 s (a slow AGC, a stalled proxy), or an upload host that
//! stops reading the body, would otherwise hold the caller until the I/O timeout after it asked
//! to stop: a blocking read or write cannot be interrupted. So every connection's transport
//! ([`SlicedTcp`], the TCP socket below the proxy tunnel and TLS) waits for input, and for room
//! in the send buffer, in slices of [`SLICE`] (the socket's own timeouts; on Linux the TCP
//! handshake too, with poll(2)), and between two slices asks the *probe* of the call in
//! progress whether to go on. (A DNS lookup cannot be sliced without a thread.) The probe is the caller's
//! progress sink repeating its last report (the callback that can cancel, as while waiting for
//! a token): a cancel ends the wait within one slice, and the call fails with
//! [`crate::Error::Cancelled`]. The timeouts are unchanged: the slices add up to the same
//! per-read and per-write limits and deadline.
//!
//! The probe lives in a thread-local for the duration of [`with_probe`] only (the library never
//! starts a thread: the transport runs on the caller's thread, where the probe was set).

use std::cell::Cell;
use std::fmt;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, ShutdownHandle, Transport,
};
use ureq::Timeout;

/// How long one wait for input or output lasts before the probe is asked again.
pub(crate) const SLICE: Duration = Duration::from_millis(200);
/// The probe: `true` to go on waiting.
type Probe = dyn Fn() -> bool;

thread_local! {
    /// The probe of the call in progress on this thread (set only inside [`with_probe`]).
    static PROBE: Cell<Option<*const Probe>> = const { Cell::new(None) };
    /// Set when a probe said stop, until [`take_cancelled`] reads it.
    static CANCELLED: Cell<bool> = const { Cell::new(false) };
}

/// Run `f` with `probe` asked between the slices of every wait for input on this thread.
/// The previous probe (a nested call) is restored afterwards, also on a panic.
pub(crate) fn with_probe<R>(probe: &dyn Fn() -> bool, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<*const Probe>);
    impl Drop for Restore {
        fn drop(&mut self) {
            PROBE.with(|p| p.set(self.0));
        }
    }
    let ptr: *const (dyn Fn() -> bool + '_) = probe;
    // SAFETY: only the lifetime is erased. The pointer is readable through PROBE only until
    // `Restore` runs at the end of this function (also when `f` panics), while `probe` is
    // still borrowed here, so it is never used after the closure is gone.
    let ptr: *const Probe = unsafe { std::mem::transmute(ptr) };
    let _restore = Restore(PROBE.with(|p| p.replace(Some(ptr))));
    CANCELLED.with(|c| c.set(false));
    f()
}

/// Ask the probe of this thread (if any) whether to go on waiting.
fn go_on() -> bool {
    // Taken while it runs: a probe that reaches a transport again (it should not) sees none.
    let Some(ptr) = PROBE.with(|p| p.take()) else { return true };
    struct Put(*const Probe);
    impl Drop for Put {
        fn drop(&mut self) {
            PROBE.with(|p| p.set(Some(self.0)));
        }
    }
    let _put = Put(ptr);
    // SAFETY: set by `with_probe`, whose frame (and the closure) outlives every use: PROBE is
    // restored before `with_probe` returns.
    let go = unsafe { (*ptr)() };
    if !go {
        CANCELLED.with(|c| c.set(true));
    }
    go
}

/// Did a probe on this thread stop a wait since the last [`with_probe`] began? Clears it.
pub(crate) fn take_cancelled() -> bool {
    CANCELLED.with(|c| c.replace(false))
}

/// The error a transport returns when the probe said stop.
#[derive(Debug)]
pub(crate) struct Stopped;

impl fmt::Display for Stopped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cancelled while waiting for the connection")
    }
}

impl std::error::Error for Stopped {}

/// Whether a transport failure is a stop asked by the probe.
pub(crate) fn is_stopped(e: &ureq::Error) -> bool {
    matches!(e, ureq::Error::Io(io) if io.get_ref().is_some_and(|inner| inner.is::<Stopped>()))
}

/// The error of a wait the probe stopped.
fn stopped() -> ureq::Error {
    // Not `Interrupted`: readers above retry that kind.
    ureq::Error::Io(io::Error::other(Stopped))
}

/// Between two slices: go on, or stop because the probe said so.
fn between_slices() -> Result<(), ureq::Error> {
    if go_on() {
        Ok(())
    } else {
        Err(stopped())
    }
}

/// Did this attempt end because its slice ran out (or a signal cut it short), not fail?
fn slice_ended(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted)
}

/// The longest a wait may last (`None`: no limit), from a timeout already narrowed to reads
/// or writes.
fn limit_of(timeout: &NextTimeout) -> Option<Duration> {
    (!timeout.after.is_not_happening()).then(|| *timeout.after)
}

/// The next slice of a wait allowed `limit` that has lasted `waited`; `None` once it is over.
fn next_slice(limit: Option<Duration>, waited: Duration) -> Option<Duration> {
    match limit {
        None => Some(SLICE),
        Some(limit) => {
            let left = limit.saturating_sub(waited);
            (!left.is_zero()).then(|| left.min(SLICE))
        }
    }
}

/// Whether a write may wait in slices. On Unix a send cut short by its timeout reports what
/// it took (or that it took nothing), so the rest goes in the next slice. Windows leaves the
/// socket's state undefined after a send timeout: there a write waits for its whole limit, as
/// ureq's own transport does (a cancel then lands once the write is done or has failed).
const SLICED_WRITES: bool = cfg!(unix);

/// Set one of the socket's timeouts to `wait` (`None`: none) unless it already is (a syscall
/// saved per wait).
fn set_wait(
    current: &mut Option<Duration>,
    wait: Option<Duration>,
    stream: &TcpStream,
    set: fn(&TcpStream, Option<Duration>) -> io::Result<()>,
) -> io::Result<()> {
    if *current != wait {
        set(stream, wait)?;
        *current = wait;
    }
    Ok(())
}

/// A TCP connection (to the host, or to the proxy that tunnels to it) whose every wait, for
/// input or for room in the send buffer, lasts at most a [`SLICE`], the probe asked between
/// two slices. Writes are never lost: a write cut short by its slice reports what it took and
/// the rest goes in the next slice.
pub(crate) struct SlicedTcp {
    /// Shared (weakly) with the agent's shutdown handle, as ureq's own TCP transport does.
    stream: Arc<TcpStream>,
    buffers: LazyBuffers,
    /// The socket's receive and send timeouts as last set.
    read_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
}

impl fmt::Debug for SlicedTcp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlicedTcp").field("addr", &self.stream.peer_addr().ok()).finish()
    }
}

impl SlicedTcp {
    fn new(stream: TcpStream, buffers: LazyBuffers) -> SlicedTcp {
        SlicedTcp { stream: Arc::new(stream), buffers, read_timeout: None, write_timeout: None }
    }
}

impl Transport for SlicedTcp {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let timeout = timeout.for_write();
        let limit = limit_of(&timeout);
        // The per-write limit is one of inactivity (each byte taken restarts it, as the
        // socket's own timeout would); a limit from the overall deadline is not.
        let idle = timeout.reason == Timeout::PerWrite;
        let mut out = &self.buffers.output()[..amount];
        let mut since = Instant::now();
        while !out.is_empty() {
            let Some(slice) = next_slice(limit, since.elapsed()) else {
                return Err(ureq::Error::Timeout(timeout.reason));
            };
            let wait =
                if SLICED_WRITES { Some(slice) } else { limit.map(|l| l.saturating_sub(since.elapsed()).max(slice)) };
            set_wait(&mut self.write_timeout, wait, &self.stream, TcpStream::set_write_timeout)?;
            match (&*self.stream).write(out) {
                Ok(0) => return Err(io::Error::from(io::ErrorKind::WriteZero).into()),
                Ok(n) => {
                    out = &out[n..];
                    if idle {
                        since = Instant::now();
                    }
                    // A short write waited for room until its slice ran out (or a signal).
                    if !out.is_empty() {
                        between_slices()?;
                    }
                }
                Err(e) if slice_ended(&e) => between_slices()?,
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let timeout = timeout.for_read();
        let limit = limit_of(&timeout);
        let since = Instant::now();
        loop {
            let Some(slice) = next_slice(limit, since.elapsed()) else {
                return Err(ureq::Error::Timeout(timeout.reason));
            };
            set_wait(&mut self.read_timeout, Some(slice), &self.stream, TcpStream::set_read_timeout)?;
            let input = self.buffers.input_append_buf();
            match (&*self.stream).read(input) {
                Ok(n) => {
                    self.buffers.input_appended(n);
                    return Ok(n > 0);
                }
                Err(e) if slice_ended(&e) => between_slices()?,
                Err(e) => return Err(e.into()),
            }
        }
    }

    fn is_open(&mut self) -> bool {
        // As ureq's TCP transport: a pooled connection is usable if reading would block (no
        // close, no stray bytes from the server).
        let s = &*self.stream;
        if s.set_nonblocking(true).is_err() {
            return false;
        }
        let open = matches!(s.peek(&mut [0u8]), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
        s.set_nonblocking(false).is_ok() && open
    }
}

/// Opens the TCP connection of [`SlicedTcp`] (to the host, or to the proxy: ureq's CONNECT
/// connector runs the chain for the proxy's own connection, then hands its tunnel on).
#[derive(Debug)]
pub(crate) struct SlicedTcpConnector;

impl<In: Transport> Connector<In> for SlicedTcpConnector {
    type Out = Either<In, SlicedTcp>;

    fn connect(&self, details: &ConnectionDetails, chained: Option<In>) -> Result<Option<Self::Out>, ureq::Error> {
        if chained.is_some() {
            // A tunnel through the proxy, over a connection this connector opened.
            return Ok(chained.map(Either::A));
        }
        let budget = crate::net::tls::remaining(details.timeout, details.now, (details.current_time)());
        let stream = connect(&details.addrs, budget)?;
        if details.config.no_delay() {
            stream.set_nodelay(true)?;
        }
        let buffers = LazyBuffers::new(details.config.input_buffer_size(), details.config.output_buffer_size());
        let transport = SlicedTcp::new(stream, buffers);
        // `TcpStream` is a shutdown handle in ureq (shutdown of both directions).
        let handle: Weak<dyn ShutdownHandle> = Arc::downgrade(&transport.stream) as Weak<dyn ShutdownHandle>;
        (details.register_shutdown)(handle)?;
        Ok(Some(Either::B(transport)))
    }
}

/// Connect to the first address that answers, as ureq's TCP connector does: the budget is
/// shared between the addresses in halves (1/2, 1/4, ...: the first gets the most), an address
/// that refuses or is unreachable passes to the next.
fn connect(addrs: &[SocketAddr], budget: NextTimeout) -> Result<TcpStream, ureq::Error> {
    const MIN_PER_ADDRESS: Duration = Duration::from_millis(10);
    let start = Instant::now();
    let total_weight = 2.0 * (1.0 - 0.5_f64.powi(i32::try_from(addrs.len()).unwrap_or(i32::MAX)));
    let mut weight = 1.0_f64;
    let mut last: Option<ureq::Error> = None;
    for addr in addrs {
        let per_addr = budget
            .not_zero()
            .map(|t| Duration::from_secs_f64(t.as_secs_f64() * weight / total_weight).max(MIN_PER_ADDRESS));
        match connect_one(addr, per_addr) {
            Ok(stream) => return Ok(stream),
            Err(e) if e.get_ref().is_some_and(|inner| inner.is::<Stopped>()) => return Err(ureq::Error::Io(e)),
            Err(e) if e.kind() == io::ErrorKind::TimedOut || e.kind() == io::ErrorKind::WouldBlock => {
                if budget.not_zero().is_some_and(|t| start.elapsed() > *t) {
                    return Err(ureq::Error::Timeout(budget.reason));
                }
                last = Some(ureq::Error::Timeout(Timeout::Connect));
            }
            Err(e) if address_specific(&e) => last = Some(e.into()),
            Err(e) => return Err(e.into()),
        }
        weight /= 2.0;
    }
    Err(last.unwrap_or_else(|| io::Error::new(io::ErrorKind::ConnectionRefused, "Connection refused").into()))
}

/// Connect to `addr` within `limit` (`None`: the system's own limit). On Linux the wait for
/// the handshake is sliced like every other wait (a non-blocking connect, then poll(2) in
/// slices, the probe asked between them), so a cancel ends a connect to a host that does not
/// answer; elsewhere it is one wait.
#[cfg(target_os = "linux")]
fn connect_one(addr: &SocketAddr, limit: Option<Duration>) -> io::Result<TcpStream> {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    fn check(r: libc::c_int) -> io::Result<libc::c_int> {
        if r < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(r)
        }
    }
    // SAFETY (every block below): plain system calls on the descriptor owned by `fd`, with
    // pointers to live locals of the sizes passed.
    let (family, raw): (libc::c_int, Vec<u8>) = match addr {
        SocketAddr::V4(a) => {
            let mut sa: libc::sockaddr_in = unsafe { std::mem::zeroed() };
            sa.sin_family = libc::AF_INET as libc::sa_family_t;
            sa.sin_port = a.port().to_be();
            sa.sin_addr = libc::in_addr { s_addr: u32::from_ne_bytes(a.ip().octets()) };
            let bytes = unsafe {
                std::slice::from_raw_parts((&sa as *const libc::sockaddr_in).cast::<u8>(), std::mem::size_of_val(&sa))
            };
            (libc::AF_INET, bytes.to_vec())
        }
        SocketAddr::V6(a) => {
            let mut sa: libc::sockaddr_in6 = unsafe { std::mem::zeroed() };
            sa.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sa.sin6_port = a.port().to_be();
            sa.sin6_flowinfo = a.flowinfo();
            sa.sin6_addr = libc::in6_addr { s6_addr: a.ip().octets() };
            sa.sin6_scope_id = a.scope_id();
            let bytes = unsafe {
                std::slice::from_raw_parts((&sa as *const libc::sockaddr_in6).cast::<u8>(), std::mem::size_of_val(&sa))
            };
            (libc::AF_INET6, bytes.to_vec())
        }
    };
    let fd = check(unsafe { libc::socket(family, libc::SOCK_STREAM | libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK, 0) })?;
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let len = libc::socklen_t::try_from(raw.len()).map_err(io::Error::other)?;
    let started = unsafe { libc::connect(fd.as_raw_fd(), raw.as_ptr().cast::<libc::sockaddr>(), len) };
    if started != 0 {
        let e = io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EINPROGRESS) {
            return Err(e);
        }
        let since = Instant::now();
        loop {
            let Some(slice) = next_slice(limit, since.elapsed()) else {
                return Err(io::ErrorKind::TimedOut.into());
            };
            let mut pfd = libc::pollfd { fd: fd.as_raw_fd(), events: libc::POLLOUT, revents: 0 };
            let ms = libc::c_int::try_from(slice.as_millis().max(1)).unwrap_or(libc::c_int::MAX);
            match check(unsafe { libc::poll(&mut pfd, 1, ms) }) {
                Ok(0) => {}
                Ok(_) => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
            if !go_on() {
                return Err(io::Error::other(Stopped));
            }
        }
        let mut err: libc::c_int = 0;
        let mut size = libc::socklen_t::try_from(std::mem::size_of::<libc::c_int>()).map_err(io::Error::other)?;
        check(unsafe {
            libc::getsockopt(
                fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_ERROR,
                (&mut err as *mut libc::c_int).cast::<libc::c_void>(),
                &mut size,
            )
        })?;
        if err != 0 {
            return Err(io::Error::from_raw_os_error(err));
        }
    }
    let stream = TcpStream::from(fd);
    stream.set_nonblocking(false)?;
    Ok(stream)
}

#[cfg(not(target_os = "linux"))]
fn connect_one(addr: &SocketAddr, limit: Option<Duration>) -> io::Result<TcpStream> {
    match limit {
        Some(t) => TcpStream::connect_timeout(addr, t),
        None => TcpStream::connect(addr),
    }
}

/// A failed connect that concerns only the address tried (the next one may work: a host that
/// resolves to IPv6 first on a machine without an IPv6 route).
fn address_specific(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
            | io::ErrorKind::NetworkDown
            | io::ErrorKind::AddrNotAvailable
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn current() -> bool {
        PROBE.with(|p| p.get()).is_some()
    }

    #[test]
    fn a_probe_is_seen_only_inside_its_call_and_nested_ones_are_restored() {
        assert!(!current() && go_on(), "no probe: go on");
        let outer_asked = Cell::new(0);
        let outer = || {
            outer_asked.set(outer_asked.get() + 1);
            true
        };
        with_probe(&outer, || {
            assert!(go_on());
            let inner = || false;
            with_probe(&inner, || {
                assert!(!go_on(), "the inner probe says stop");
                assert!(take_cancelled(), "and the stop is remembered once");
                assert!(!take_cancelled());
            });
            // The outer probe is back.
            assert!(go_on());
        });
        assert_eq!(outer_asked.get(), 2);
        assert!(!current(), "gone after the call");
    }

    #[test]
    fn a_panic_inside_the_call_restores_the_previous_probe() {
        let outer = || true;
        with_probe(&outer, || {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let inner = || false;
                with_probe(&inner, || panic!("inside"));
            }));
            assert!(r.is_err());
            assert!(go_on(), "the outer probe, not the inner one's dangling pointer");
        });
        assert!(!current());
    }

    /// A connected pair on loopback: ours (as [`SlicedTcp`], with an output buffer of `out`
    /// bytes) and the peer's end.
    fn pair(out: usize) -> (SlicedTcp, TcpStream) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let ours = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (peer, _) = listener.accept().unwrap();
        (SlicedTcp::new(ours, LazyBuffers::new(64 * 1024, out)), peer)
    }

    fn per_write(limit: Duration) -> NextTimeout {
        NextTimeout { after: limit.into(), reason: Timeout::PerWrite, ..NextTimeout::default() }
    }

    /// More than loopback's socket buffers hold, so a peer that never reads blocks the write.
    const BLOCKS: usize = 48 << 20;

    #[test]
    fn a_write_the_peer_never_reads_asks_the_probe_between_slices_and_stops_when_told() {
        let (mut t, _peer) = pair(BLOCKS);
        let asked = Cell::new(0);
        let probe = || {
            asked.set(asked.get() + 1);
            asked.get() < 3
        };
        let started = Instant::now();
        let r = with_probe(&probe, || t.transmit_output(BLOCKS, per_write(Duration::from_secs(60))));
        assert!(matches!(&r, Err(e) if is_stopped(e)), "{r:?}");
        assert!(take_cancelled());
        assert_eq!(asked.get(), 3, "asked until it said stop, not again");
        // Bound, not a speed check: far below the 60 s limit of the write.
        assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    }

    #[test]
    fn a_write_the_peer_never_reads_ends_at_its_limit_when_nobody_cancels() {
        let (mut t, _peer) = pair(BLOCKS);
        let started = Instant::now();
        let r = t.transmit_output(BLOCKS, per_write(Duration::from_millis(700)));
        assert!(matches!(r, Err(ureq::Error::Timeout(Timeout::PerWrite))), "{r:?}");
        assert!(started.elapsed() >= Duration::from_millis(700));
        assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    }

    #[test]
    fn a_wait_for_input_that_never_comes_stops_when_the_probe_says_so() {
        let (mut t, _peer) = pair(1024);
        let probe = || false;
        let never = NextTimeout {
            after: Duration::from_secs(60).into(),
            reason: Timeout::RecvResponse,
            ..NextTimeout::default()
        };
        let r = with_probe(&probe, || t.await_input(never));
        assert!(matches!(&r, Err(e) if is_stopped(e)), "{r:?}");
        assert!(take_cancelled());
    }

    #[test]
    fn bytes_written_across_slices_arrive_whole_and_in_order() {
        // A peer that reads slowly at first: the writes are cut short by their slices and
        // resumed, and nothing is lost or sent twice.
        let (mut t, mut peer) = pair(BLOCKS);
        let sent: Vec<u8> = (0..BLOCKS).map(|i| (i * 7 + i / 4093) as u8).collect();
        t.buffers().output()[..BLOCKS].copy_from_slice(&sent);
        let reader = std::thread::spawn(move || {
            let mut got = Vec::with_capacity(BLOCKS);
            let mut buf = vec![0u8; 1 << 20];
            let mut naps = 0;
            while got.len() < BLOCKS {
                if naps < 4 {
                    std::thread::sleep(Duration::from_millis(300));
                    naps += 1;
                }
                let n = peer.read(&mut buf).unwrap();
                assert!(n > 0, "closed early");
                got.extend_from_slice(&buf[..n]);
            }
            got
        });
        let asked = Cell::new(0);
        let probe = || {
            asked.set(asked.get() + 1);
            true
        };
        with_probe(&probe, || t.transmit_output(BLOCKS, per_write(Duration::from_secs(60)))).unwrap();
        assert!(asked.get() > 0, "the writes never waited: the peer's naps did not block them");
        assert!(reader.join().unwrap() == sent, "the bytes differ");
    }

    /// An address whose handshake never completes: a listener whose accept queue is full
    /// (Linux drops the new handshakes). The listener and the connections filling it are held.
    #[cfg(target_os = "linux")]
    fn unanswered() -> (SocketAddr, std::net::TcpListener, Vec<TcpStream>) {
        use std::os::fd::AsRawFd;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        // SAFETY: listen(2) on the listener's own descriptor, lowering its backlog.
        assert_eq!(unsafe { libc::listen(listener.as_raw_fd(), 0) }, 0);
        let addr = listener.local_addr().unwrap();
        let mut held = Vec::new();
        while let Ok(s) = TcpStream::connect_timeout(&addr, Duration::from_millis(300)) {
            held.push(s);
            assert!(held.len() < 64, "the accept queue never filled");
        }
        (addr, listener, held)
    }

    fn connect_budget(limit: Duration) -> NextTimeout {
        NextTimeout { after: limit.into(), reason: Timeout::Connect, ..NextTimeout::default() }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_connect_nobody_answers_asks_the_probe_between_slices_and_stops_when_told() {
        let (addr, _listener, _held) = unanswered();
        let asked = Cell::new(0);
        let probe = || {
            asked.set(asked.get() + 1);
            asked.get() < 2
        };
        let started = Instant::now();
        let r = with_probe(&probe, || connect(&[addr], connect_budget(Duration::from_secs(60))));
        assert!(matches!(&r, Err(e) if is_stopped(e)), "{r:?}");
        assert!(take_cancelled());
        assert_eq!(asked.get(), 2);
        assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_connect_nobody_answers_ends_at_the_connect_timeout_when_nobody_cancels() {
        let (addr, _listener, _held) = unanswered();
        let started = Instant::now();
        let r = connect(&[addr], connect_budget(Duration::from_millis(700)));
        assert!(matches!(r, Err(ureq::Error::Timeout(Timeout::Connect))), "{r:?}");
        assert!(started.elapsed() >= Duration::from_millis(700));
        assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    }

    #[test]
    fn a_connect_is_refused_or_made_as_before() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let made = connect(&[addr], connect_budget(Duration::from_secs(5))).unwrap();
        let (accepted, _) = listener.accept().unwrap();
        assert_eq!(accepted.peer_addr().unwrap(), made.local_addr().unwrap());
        drop(listener);
        let r = connect(&[addr], connect_budget(Duration::from_secs(5)));
        assert!(matches!(&r, Err(ureq::Error::Io(e)) if e.kind() == io::ErrorKind::ConnectionRefused), "{r:?}");
    }

    #[test]
    fn slices_add_up_to_the_limit() {
        assert_eq!(next_slice(None, Duration::from_secs(999)), Some(SLICE));
        assert_eq!(next_slice(Some(Duration::from_secs(1)), Duration::ZERO), Some(SLICE));
        assert_eq!(
            next_slice(Some(Duration::from_millis(1050)), Duration::from_millis(1000)),
            Some(Duration::from_millis(50))
        );
        assert_eq!(next_slice(Some(Duration::from_secs(1)), Duration::from_secs(1)), None);
        assert_eq!(next_slice(Some(Duration::from_secs(1)), Duration::from_secs(2)), None);
    }

    #[test]
    fn a_probe_that_reaches_a_wait_again_sees_none() {
        // While a probe runs it is taken out: a nested wait (it should not happen) goes on.
        let nested = Cell::new(None);
        let probe = || {
            nested.set(Some(current()));
            true
        };
        with_probe(&probe, || assert!(go_on()));
        assert_eq!(nested.get(), Some(false));
    }
}

//! The progress sink handed to the library: draws a bar (terminal) or plain lines (logs),
//! records how long each phase took and how many upload attempts there were, and turns a
//! caught signal into a cancellation.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use agcupload::{Phase, Progress};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::args::ProgressMode;
use crate::signals::Signals;

/// How progress is shown, decided once from the mode, the terminal and `--quiet`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Display {
    /// indicatif's live bar; `forced` draws it even when stderr is not a terminal.
    Bar { forced: bool },
    /// Plain lines, never redrawn.
    Lines,
    /// Nothing.
    None,
}

impl Display {
    pub fn choose(mode: ProgressMode, quiet: bool) -> Display {
        if quiet {
            return Display::None;
        }
        let dumb = std::env::var("TERM").map_or(true, |t| t.is_empty() || t == "dumb");
        match mode {
            ProgressMode::None => Display::None,
            ProgressMode::Lines => Display::Lines,
            ProgressMode::Bar => Display::Bar { forced: true },
            ProgressMode::Auto if std::io::stderr().is_terminal() && !dumb => Display::Bar { forced: false },
            ProgressMode::Auto => Display::Lines,
        }
    }
}

/// A plain line at least this often while a phase goes on (and at every 10%).
const LINE_EVERY: Duration = Duration::from_secs(5);
/// Least time between two position updates of the bar (it draws at 20 Hz).
const BAR_EVERY: Duration = Duration::from_millis(25);

/// Phase names, as shown and as keys of the JSON `timings_ms`: the core's.
pub fn phase_name(p: Phase) -> &'static str {
    p.name()
}

fn label(p: Phase) -> &'static str {
    match p {
        Phase::Hashing => "hashing",
        Phase::RequestingUrl => "requesting upload URL",
        Phase::Uploading => "uploading",
        Phase::Retrying => "retrying",
        Phase::Done => "done",
        Phase::Sealing => "sealing",
        Phase::Binding => "binding",
        Phase::Waiting => "waiting for AGC",
        Phase::SettingNotes => "setting release notes",
        Phase::Submitting => "submitting for review",
        Phase::CreatingTestVersion => "creating the test version",
        Phase::AddingTestPackage => "adding the package to the test version",
        Phase::SettingTestInfo => "setting the test window and groups",
        Phase::SubmittingTest => "submitting the test version",
        Phase::ReadingAppInfo => "reading the app from AGC",
        Phase::SettingTexts => "setting the listing's texts",
        Phase::SendingListingFiles => "sending the listing's files",
        Phase::SettingFileInfo => "binding the listing's files",
        Phase::CheckingListing => "checking what AGC holds",
        Phase::DeletingLanguage => "deleting the language",
        Phase::Withdrawing => "withdrawing the review",
        Phase::ChangingPhasedRelease => "changing the phased release",
        Phase::LookingUpAppId => "looking up the app id",
    }
}

fn is_bytes(p: Phase) -> bool {
    matches!(p, Phase::Hashing | Phase::Sealing | Phase::Uploading)
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Sizes as people read them (binary units).
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut i = 0;
    while v >= 1024.0 && i + 1 < UNITS.len() {
        v /= 1024.0;
        i += 1;
    }
    format!("{v:.1} {}", UNITS[i])
}

/// The sink.
pub struct Reporter {
    display: Display,
    signals: Signals,
    /// Phase in progress and when it started.
    current: Option<(Phase, Instant)>,
    /// Time spent per phase, in order of first appearance.
    timings: Vec<(Phase, Duration)>,
    attempts: u32,
    bar: Option<ProgressBar>,
    /// When the bar's position was last set.
    last_bar: Instant,
    last_line: Instant,
    last_decile: u64,
    /// Bytes already counted when the byte phase in progress was entered (a multipart
    /// upload counts over the whole file, part after part).
    phase_base: u64,
    retry_shown: Option<u64>,
    /// The part in flight of a multipart upload and the number of parts.
    part: Option<(u64, u64)>,
}

impl Reporter {
    pub fn new(display: Display, signals: Signals) -> Reporter {
        Reporter {
            display,
            signals,
            current: None,
            timings: Vec::new(),
            attempts: 0,
            bar: None,
            last_bar: Instant::now(),
            last_line: Instant::now(),
            last_decile: 0,
            phase_base: 0,
            retry_shown: None,
            part: None,
        }
    }

    /// Milliseconds per phase (the phase in progress included).
    pub fn timings(&self) -> Vec<(&'static str, f64)> {
        let mut out: Vec<(&'static str, f64)> =
            self.timings.iter().map(|(p, d)| (phase_name(*p), d.as_secs_f64() * 1000.0)).collect();
        if let Some((p, since)) = self.current {
            let ms = since.elapsed().as_secs_f64() * 1000.0;
            match out.iter_mut().find(|(n, _)| *n == phase_name(p)) {
                Some(e) => e.1 += ms,
                None => out.push((phase_name(p), ms)),
            }
        }
        out
    }

    /// End the phase in progress and clear the bar, before a message is printed.
    pub fn finish(&mut self) {
        self.close_phase();
    }

    fn close_phase(&mut self) {
        if let Some((p, since)) = self.current.take() {
            let d = since.elapsed();
            match self.timings.iter_mut().find(|(q, _)| *q == p) {
                Some(e) => e.1 += d,
                None => self.timings.push((p, d)),
            }
        }
        if let Some(bar) = self.bar.take() {
            if bar.length().is_some_and(|l| l > 0) && bar.position() >= bar.length().unwrap_or(0) {
                bar.finish();
            } else {
                bar.finish_and_clear();
            }
        }
    }

    fn enter(&mut self, phase: Phase, done: u64, total: u64) {
        // The next part of a multipart upload (its URL, then its bytes) goes on in the bar of
        // the whole file: a bar (and a spinner's tick thread) per part would cost more than
        // the drawing itself.
        let next_part = self.part.is_some()
            && ((phase == Phase::RequestingUrl && total > 0) || (phase == Phase::Uploading && done > 0 && total > 0));
        let kept = if next_part { self.bar.take() } else { None };
        self.close_phase();
        // Each file of a listing is an upload of its own: its attempts count from 1.
        if phase == Phase::SendingListingFiles {
            self.attempts = 0;
        }
        if phase == Phase::RequestingUrl {
            self.attempts += 1;
            // A multipart upload: `done` is the part number, `total` the parts.
            if total > 0 {
                if self.part.is_none() && self.display == Display::Lines {
                    line(&format!("multipart upload in {total} parts"));
                }
                self.part = Some((done, total));
            }
        }
        if phase != Phase::Done {
            self.current = Some((phase, Instant::now()));
        }
        if phase != Phase::Retrying {
            self.retry_shown = None;
        }
        // A byte phase entered part-way (the next part of a multipart upload) goes on counting
        // over the whole file: its 10% lines continue from where it is.
        let continuing = is_bytes(phase) && done > 0 && total > 0;
        self.last_decile = if continuing { done.saturating_mul(10) / total } else { 0 };
        self.phase_base = if is_bytes(phase) { done } else { 0 };
        self.last_line = Instant::now();
        match self.display {
            Display::Bar { forced } => self.bar = kept.or_else(|| new_bar(phase, total, forced)),
            Display::Lines if continuing || (phase == Phase::RequestingUrl && total > 0) => {}
            Display::Lines => self.line_at_start(phase, done, total),
            Display::None => {}
        }
    }

    /// " (part 3 of 40)" while a part of a multipart upload is sent, else "".
    fn part_suffix(&self, phase: Phase) -> String {
        match self.part {
            Some((n, count)) if matches!(phase, Phase::Uploading | Phase::Retrying) => {
                format!(" (part {n} of {count})")
            }
            _ => String::new(),
        }
    }

    fn line_at_start(&mut self, phase: Phase, done: u64, total: u64) {
        match phase {
            Phase::Hashing | Phase::Sealing | Phase::Uploading => {
                line(&format!("{} {}", label(phase), human_bytes(total)));
            }
            Phase::RequestingUrl => line(&format!("{} (attempt {})", label(phase), self.attempts)),
            Phase::Binding => line("binding the package to the app"),
            Phase::Waiting => line(&format!("waiting for AGC to parse the package (at most {} s)", total / 1000)),
            Phase::SettingNotes => line(&format!("setting release notes ({total} languages)")),
            Phase::Submitting => line(&format!(
                "submitting for review (waiting at most {} s while AGC still processes the package)",
                total / 1000
            )),
            Phase::SettingTexts => line(&format!("{} ({total} language{})", label(phase), plural(total))),
            // Entered again before each file (the file's upload phases come between).
            Phase::SendingListingFiles if done < total => {
                line(&format!("{}: file {} of {total}", label(phase), done + 1))
            }
            Phase::SettingFileInfo => line(&format!("{} ({total} call{})", label(phase), plural(total))),
            Phase::CreatingTestVersion
            | Phase::AddingTestPackage
            | Phase::SettingTestInfo
            | Phase::SubmittingTest
            | Phase::ReadingAppInfo
            | Phase::CheckingListing
            | Phase::DeletingLanguage
            | Phase::Withdrawing
            | Phase::ChangingPhasedRelease
            | Phase::LookingUpAppId => line(label(phase)),
            Phase::Retrying | Phase::Done | Phase::SendingListingFiles => {}
        }
    }

    fn update_lines(&mut self, phase: Phase, done: u64, total: u64) {
        let now = Instant::now();
        match phase {
            Phase::Retrying if self.retry_shown != Some(done) => {
                self.retry_shown = Some(done);
                line(&format!("attempt {done} of {total} failed; retrying{}", self.part_suffix(phase)));
            }
            _ if is_bytes(phase) && total > 0 => {
                let decile = done.saturating_mul(10) / total;
                if decile > self.last_decile || now - self.last_line >= LINE_EVERY {
                    self.last_decile = decile;
                    self.last_line = now;
                    let secs = self.current.map_or(0.0, |(_, s)| s.elapsed().as_secs_f64());
                    let moved = done.saturating_sub(self.phase_base);
                    let rate = if secs > 0.0 { moved as f64 / secs } else { 0.0 };
                    line(&format!(
                        "{} {:>3}%  {} of {}  {}/s{}",
                        label(phase),
                        done.saturating_mul(100) / total,
                        human_bytes(done),
                        human_bytes(total),
                        human_bytes(rate as u64),
                        self.part_suffix(phase)
                    ));
                }
            }
            Phase::Waiting if now - self.last_line >= LINE_EVERY => {
                self.last_line = now;
                line(&format!("waiting for AGC: {} s of at most {} s", done / 1000, total / 1000));
            }
            Phase::Submitting if now - self.last_line >= LINE_EVERY => {
                self.last_line = now;
                line(&format!(
                    "submitting: AGC is still processing the package, {} s of at most {} s",
                    done / 1000,
                    total / 1000
                ));
            }
            _ => {}
        }
    }

    fn update_bar(&mut self, phase: Phase, done: u64, total: u64) {
        let Some(bar) = &self.bar else { return };
        match phase {
            Phase::Retrying => bar.set_message(format!("attempt {done} of {total} failed; retrying")),
            Phase::Waiting | Phase::Submitting => {
                bar.set_length(total);
                bar.set_position(done);
                bar.set_message(format!("{} s of at most {} s", done / 1000, total / 1000));
            }
            Phase::SettingNotes | Phase::SettingTexts | Phase::SendingListingFiles | Phase::SettingFileInfo => {
                bar.set_message(format!("{done} of {total}"))
            }
            _ if is_bytes(phase) => {
                // At most BAR_EVERY apart (and at the end): the bar draws at 20 Hz anyway, and
                // each update costs indicatif its lock and its rate estimate, thousands of
                // times per upload.
                let now = Instant::now();
                if done < total && now.duration_since(self.last_bar) < BAR_EVERY {
                    return;
                }
                self.last_bar = now;
                if bar.length() != Some(total) {
                    bar.set_length(total);
                }
                bar.set_position(done);
            }
            _ => bar.tick(),
        }
    }
}

impl Progress for Reporter {
    fn report(&mut self, phase: Phase, done: u64, total: u64) -> bool {
        if self.current.map(|(p, _)| p) != Some(phase) {
            self.enter(phase, done, total);
        }
        match self.display {
            Display::Bar { .. } => self.update_bar(phase, done, total),
            Display::Lines => self.update_lines(phase, done, total),
            Display::None => {}
        }
        !self.signals.cancelled()
    }
}

impl Drop for Reporter {
    fn drop(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// One plain progress line on stderr.
fn line(text: &str) {
    crate::printer::print(crate::printer::Stream::Stderr, &format!("agcupload: {text}"));
}

fn new_bar(phase: Phase, total: u64, forced: bool) -> Option<ProgressBar> {
    if phase == Phase::Done {
        return None;
    }
    let target = if forced {
        ProgressDrawTarget::term_like_with_hz(Box::new(StderrTerm), 20)
    } else {
        ProgressDrawTarget::stderr()
    };
    let (template, len) = if is_bytes(phase) {
        (
            "{prefix:<22} [{bar:30.cyan/blue}] {percent:>3}%  {binary_bytes:>10} of {binary_total_bytes:<10} \
             {binary_bytes_per_sec:>12}  ETA {eta}",
            Some(total),
        )
    } else if matches!(phase, Phase::Waiting | Phase::Submitting) {
        ("{prefix:<22} [{bar:30.cyan/blue}] {msg}", Some(total))
    } else {
        ("{prefix:<22} {spinner} {msg}", None)
    };
    let style = ProgressStyle::with_template(template).ok()?.progress_chars("=> ");
    let bar = ProgressBar::with_draw_target(len, target).with_style(style).with_prefix(label(phase));
    if len.is_none() {
        // Drawn at once (a manual tick does nothing once the steady tick runs), so that a step
        // shorter than the first steady tick still shows its label.
        bar.tick();
        bar.enable_steady_tick(Duration::from_millis(120));
    }
    Some(bar)
}

/// stderr as a terminal for indicatif, whether or not it is one (`--progress bar`): the same
/// ANSI sequences a terminal would get, 80 columns.
#[derive(Debug)]
struct StderrTerm;

impl StderrTerm {
    fn put(&self, s: &str) -> std::io::Result<()> {
        crate::printer::write(crate::printer::Stream::Stderr, s);
        Ok(())
    }
}

impl indicatif::TermLike for StderrTerm {
    fn width(&self) -> u16 {
        80
    }
    fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
        if n > 0 {
            self.put(&format!("\x1b[{n}A"))?;
        }
        Ok(())
    }
    fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
        if n > 0 {
            self.put(&format!("\x1b[{n}B"))?;
        }
        Ok(())
    }
    fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
        if n > 0 {
            self.put(&format!("\x1b[{n}C"))?;
        }
        Ok(())
    }
    fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
        if n > 0 {
            self.put(&format!("\x1b[{n}D"))?;
        }
        Ok(())
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.put(&format!("{s}\n"))
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        self.put(s)
    }
    fn clear_line(&self) -> std::io::Result<()> {
        self.put("\r\x1b[2K")
    }
    fn flush(&self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

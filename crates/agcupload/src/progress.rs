//! Progress reporting: phases, the caller's sink, and a rate-limited ticker.
//!
//! Callbacks run on the caller's thread, synchronously, between I/O operations. A sink that
//! returns `false` cancels the operation: the next tick turns into [`Error::Cancelled`].

use crate::error::{Error, Result};

/// What an operation is doing when it reports progress. Each has one stable name
/// ([`Phase::name`]); the C layer gives each a number (`agc_phase`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Reading the file once to compute its SHA-256. `done`/`total` are bytes. In a multipart
    /// upload only the parts an earlier run sent (checked before they are trusted), bytes over
    /// the whole file: the other parts are hashed while they are sent.
    Hashing,
    /// Asking the Connect API for a signed upload URL (and a token if needed). `0/0`; in a
    /// multipart upload `done` is the part number and `total` the number of parts.
    RequestingUrl,
    /// Sending the file to the upload URL. `done`/`total` are bytes; restarts at 0 on a retry.
    Uploading,
    /// Waiting before another attempt. `done` is the attempt that failed, `total` the maximum.
    Retrying,
    /// The upload finished. `done == total` = bytes uploaded (publishing goes on with
    /// Binding and Waiting).
    Done,
    /// Encrypting a profile picture before it is hashed. `done`/`total` are plaintext bytes.
    Sealing,
    /// Binding the uploaded object to the app. `0/0`.
    Binding,
    /// Waiting for AGC to parse the package. `done` = elapsed ms, `total` = timeout ms.
    Waiting,
    /// Setting release notes. `done` = languages set so far, `total` = languages.
    SettingNotes,
    /// Submitting for review. `done` = elapsed ms, `total` = timeout ms (reported several
    /// times a second while AGC is still processing the package).
    Submitting,
    /// Creating a HarmonyOS test version. `0/0`.
    CreatingTestVersion,
    /// Adding the uploaded package to the test versions. `0/0`.
    AddingTestPackage,
    /// Setting the test version's package, window and groups. `0/0`.
    SettingTestInfo,
    /// Submitting the test version. `0/0`.
    SubmittingTest,
    /// Reading what AGC holds of the app (`app-info`) before a store-listing call decides
    /// anything: the listing's texts and files, the version in review, the phased release.
    /// `0/0`.
    ReadingAppInfo,
    /// Setting the store listing's texts, one `app-language-info` call per language. `done` =
    /// languages sent so far, `total` = languages (reported before each, and `total/total`
    /// at the end).
    SettingTexts,
    /// Sending the store listing's files (icons, screenshots, videos). `done` = files sent so
    /// far, `total` = files (before each, and `total/total` at the end); each file's own bytes
    /// are reported as [`Phase::RequestingUrl`], [`Phase::Uploading`] and [`Phase::Done`].
    SendingListingFiles,
    /// Binding the sent files to the listing, one `app-file-info` call per kind of file that
    /// changed (icons, screenshots, videos). `done` = calls made so far, `total` = calls.
    SettingFileInfo,
    /// Reading the listing back from AGC after it was set, to check it holds what was sent.
    /// `0/0`.
    CheckingListing,
    /// Deleting a language from the store listing. `0/0`.
    DeletingLanguage,
    /// Withdrawing the version in review. `0/0`.
    Withdrawing,
    /// Pausing, resuming, stepping or finishing a phased release. `0/0`.
    ChangingPhasedRelease,
    /// Looking an app id up by its bundle name (`appid-list`). `0/0`.
    LookingUpAppId,
}

impl Phase {
    /// Every phase, in the order of the C header's `agc_phase`.
    pub const ALL: [Phase; 23] = [
        Phase::Hashing,
        Phase::RequestingUrl,
        Phase::Uploading,
        Phase::Retrying,
        Phase::Done,
        Phase::Sealing,
        Phase::Binding,
        Phase::Waiting,
        Phase::SettingNotes,
        Phase::Submitting,
        Phase::CreatingTestVersion,
        Phase::AddingTestPackage,
        Phase::SettingTestInfo,
        Phase::SubmittingTest,
        Phase::ReadingAppInfo,
        Phase::SettingTexts,
        Phase::SendingListingFiles,
        Phase::SettingFileInfo,
        Phase::CheckingListing,
        Phase::DeletingLanguage,
        Phase::Withdrawing,
        Phase::ChangingPhasedRelease,
        Phase::LookingUpAppId,
    ];

    /// The phase's name, the one every layer shows (C `agc_phase_str`, the tool's JSON
    /// `timings_ms` keys, Python's `Phase` values): `hashing`, `requesting_url`, `uploading`,
    /// `retrying`, `done`, `sealing`, `binding`, `waiting`, `setting_notes`, `submitting`,
    /// `creating_test_version`, `adding_test_package`, `setting_test_info`, `submitting_test`,
    /// `reading_app_info`, `setting_texts`, `sending_listing_files`, `setting_file_info`,
    /// `checking_listing`, `deleting_language`, `withdrawing`, `changing_phased_release`,
    /// `looking_up_app_id`.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Hashing => "hashing",
            Phase::RequestingUrl => "requesting_url",
            Phase::Uploading => "uploading",
            Phase::Retrying => "retrying",
            Phase::Done => "done",
            Phase::Sealing => "sealing",
            Phase::Binding => "binding",
            Phase::Waiting => "waiting",
            Phase::SettingNotes => "setting_notes",
            Phase::Submitting => "submitting",
            Phase::CreatingTestVersion => "creating_test_version",
            Phase::AddingTestPackage => "adding_test_package",
            Phase::SettingTestInfo => "setting_test_info",
            Phase::SubmittingTest => "submitting_test",
            Phase::ReadingAppInfo => "reading_app_info",
            Phase::SettingTexts => "setting_texts",
            Phase::SendingListingFiles => "sending_listing_files",
            Phase::SettingFileInfo => "setting_file_info",
            Phase::CheckingListing => "checking_listing",
            Phase::DeletingLanguage => "deleting_language",
            Phase::Withdrawing => "withdrawing",
            Phase::ChangingPhasedRelease => "changing_phased_release",
            Phase::LookingUpAppId => "looking_up_app_id",
        }
    }
}

/// Receives progress. Return `true` to go on, `false` to cancel.
pub trait Progress {
    /// One report; see [`Phase`] for the meaning of `done` and `total`.
    fn report(&mut self, phase: Phase, done: u64, total: u64) -> bool;
}

impl<F: FnMut(Phase, u64, u64) -> bool> Progress for F {
    fn report(&mut self, phase: Phase, done: u64, total: u64) -> bool {
        self(phase, done, total)
    }
}

/// A sink that ignores every report and never cancels.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn report(&mut self, _: Phase, _: u64, _: u64) -> bool {
        true
    }
}

/// Smallest number of bytes between two byte-progress reports.
pub(crate) const MIN_STEP: u64 = 64 * 1024;

/// Reports one phase to a sink, at most once per `step` bytes (and always at 0 and at the end).
pub(crate) struct Ticker<'a> {
    sink: &'a mut dyn Progress,
    phase: Phase,
    total: u64,
    done: u64,
    next_report: u64,
    step: u64,
}

impl<'a> Ticker<'a> {
    /// Start a phase: reports `0/total` immediately.
    pub(crate) fn start(sink: &'a mut dyn Progress, phase: Phase, total: u64) -> Result<Ticker<'a>> {
        // About 1000 reports for a large file, never more often than every MIN_STEP bytes.
        let step = (total / 1000).max(MIN_STEP);
        let mut t = Ticker { sink, phase, total, done: 0, next_report: step, step };
        t.emit(0)?;
        Ok(t)
    }

    /// `n` more bytes are done.
    pub(crate) fn advance(&mut self, n: u64) -> Result<()> {
        self.done = self.done.saturating_add(n);
        if self.done >= self.next_report || self.done >= self.total {
            self.next_report = self.done.saturating_add(self.step);
            self.emit(self.done)?;
        }
        Ok(())
    }

    fn emit(&mut self, done: u64) -> Result<()> {
        if self.sink.report(self.phase, done, self.total) {
            Ok(())
        } else {
            Err(Error::Cancelled)
        }
    }
}

/// Report a single event (phases without byte counts).
pub(crate) fn event(sink: &mut dyn Progress, phase: Phase, done: u64, total: u64) -> Result<()> {
    if sink.report(phase, done, total) {
        Ok(())
    } else {
        Err(Error::Cancelled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticker_is_rate_limited_monotonic_and_ends_at_total() {
        let mut seen = Vec::new();
        let mut sink = |p: Phase, d: u64, t: u64| {
            seen.push((p, d, t));
            true
        };
        let total = 10 * MIN_STEP + 5;
        {
            let mut t = Ticker::start(&mut sink, Phase::Hashing, total).unwrap();
            for _ in 0..total / 4096 {
                t.advance(4096).unwrap();
            }
            t.advance(total % 4096).unwrap();
        }
        assert_eq!(seen.first(), Some(&(Phase::Hashing, 0, total)));
        assert_eq!(seen.last(), Some(&(Phase::Hashing, total, total)));
        assert!(seen.len() <= 12, "{} reports", seen.len());
        assert!(seen.windows(2).all(|w| w[0].1 < w[1].1));
    }

    #[test]
    fn false_cancels() {
        let mut sink = |_: Phase, d: u64, _: u64| d < MIN_STEP;
        let mut t = Ticker::start(&mut sink, Phase::Uploading, 4 * MIN_STEP).unwrap();
        assert!(matches!(t.advance(MIN_STEP), Err(Error::Cancelled)));
    }
}

//! The release road from the command line: `publish --submit` / `publish --test` (one
//! [`agcupload::Client::release`] call), `state`, `notes` and `submit`. Presentation only: the library
//! checks every value (note lengths, languages, times, remark, phase, test fields) and runs
//! the steps; this module reads the notes directory, shows the result and, after a failure,
//! what was done and the command that continues from there.

use std::path::Path;
use std::time::Duration;

use agcupload::{ReleaseIds, ReleaseRequest, ReleaseTarget};
use agcupload::{ReleaseNote, ReleasePhase, SubmitOptions};
use agcupload::{TestRelease, TestType};
use serde_json::json;

use crate::args::{ConnArgs, FileArgs, PollArgs, RoadArgs, SendArgs, SubmitArgs, TestKind, WaitArgs};
use crate::exit;
use crate::output::{Failure, Report};
use crate::setup::{client, picture_key, resume_hint, timeout, Ctx};

/// The most bytes read of one note file: 500 characters of up to 4 UTF-8 bytes each, with
/// room for a BOM and line ends. A larger file is refused without being read.
const NOTE_FILE_MAX: u64 = 8 * 1024;

/// Read a directory of `<lang>.txt` files into release notes, checked by the library's rules
/// (language tags, at most 500 characters, not empty, where a note of only invisible
/// characters is empty) before any request. Any other entry, a symbolic link (it could lead
/// outside the directory) and an empty directory are usage errors; a note file that cannot
/// be read, is not a regular file, is larger than [`NOTE_FILE_MAX`] or is not UTF-8 is a
/// file error. Each file is read by the library's file rules ([`agcupload::read_small_file_no_link`]:
/// never blocks, bounded), and every name is quoted by the library's bounded quoting.
pub fn read_notes_dir(dir: &Path) -> Result<Vec<ReleaseNote>, Failure> {
    let file_error = |message: String| Failure {
        code: exit::FILE,
        status: agcupload::Status::File.name().into(),
        message,
        advice: None,
    };
    let shown_dir = agcupload::quote_path(dir);
    let unreadable = |e: std::io::Error| file_error(format!("cannot read the notes directory {shown_dir}: {e}"));
    let mut notes = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let entry = entry.map_err(unreadable)?;
        let path = entry.path();
        let name = entry.file_name();
        let shown = agcupload::quote_path(Path::new(&name));
        // The entry's own type (a symbolic link is not followed here).
        let kind = entry.file_type().map_err(unreadable)?;
        if kind.is_symlink() {
            return Err(Failure::usage(format!(
                "the notes directory {shown_dir} holds '{shown}', a symbolic link: links are refused (copy the file in)"
            )));
        }
        let language = name
            .to_str()
            .and_then(|n| n.strip_suffix(".txt"))
            .filter(|l| agcupload::check_language(l).is_ok() && !kind.is_dir());
        let Some(language) = language else {
            return Err(Failure::usage(format!(
                "the notes directory {shown_dir} holds '{shown}': only <lang>.txt files are allowed (like en-US.txt or zh-CN.txt)"
            )));
        };
        let bytes = agcupload::read_small_file_no_link(&path, NOTE_FILE_MAX)
            .map_err(|e| crate::setup::file_failure("the release notes file", &e))?;
        let text = std::str::from_utf8(&bytes).map_err(|_| {
            file_error(format!("the release notes file {} is not UTF-8 text", agcupload::quote_path(&path)))
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text).trim_end();
        notes.push(ReleaseNote::new(language, text));
    }
    if notes.is_empty() {
        return Err(Failure::usage(format!(
            "the notes directory {shown_dir} has no <lang>.txt file (like en-US.txt or zh-CN.txt)"
        )));
    }
    notes.sort_by(|a, b| a.language.cmp(&b.language));
    agcupload::check_notes(&notes).map_err(|e| {
        let mut f = Failure::from_error(&e);
        f.message = format!("{} (in {shown_dir})", f.message);
        f
    })?;
    Ok(notes)
}

fn submit_options(
    remark: &Option<String>,
    phased: &Option<String>,
    release_time: &Option<String>,
    fields: &[(String, serde_json::Value)],
) -> SubmitOptions {
    SubmitOptions {
        release_type: None,
        phase: phased.clone().map(|description| ReleasePhase::Phased { description }),
        release_time: release_time.clone(),
        remark: remark.clone(),
        extra: fields.iter().cloned().collect(),
    }
}

/// Attach `--app-name` / `--app-desc` / `--brief-info` texts to the notes of their
/// languages, then check the notes again by the library's rules.
fn with_listing(mut notes: Vec<ReleaseNote>, road: &RoadArgs) -> Result<Vec<ReleaseNote>, Failure> {
    let texts = [(&road.app_name, 0), (&road.app_desc, 1), (&road.brief_info, 2)];
    for (lang, text, which) in texts.iter().flat_map(|(v, w)| v.iter().map(move |(l, t)| (l, t, *w))) {
        let Some(note) = notes.iter_mut().find(|n| n.language.eq_ignore_ascii_case(lang)) else {
            return Err(Failure::usage(format!("{lang} has no release notes file in --notes-dir (add {lang}.txt)")));
        };
        let slot = match which {
            0 => &mut note.app_name,
            1 => &mut note.app_desc,
            _ => &mut note.brief_info,
        };
        *slot = Some(text.clone());
    }
    agcupload::check_notes(&notes).map_err(|e| Failure::from_error(&e))?;
    Ok(notes)
}

fn languages(notes: &[ReleaseNote]) -> Vec<&str> {
    notes.iter().map(|n| n.language.as_str()).collect()
}

/// A word of a shell command, quoted when it is not plain.
fn shell_word(s: &str) -> String {
    let plain = !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"_./:=@%+,-".contains(&b));
    if plain {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The command that continues a failed road: this run's arguments (without earlier resume
/// ids, and without a proxy URL that holds credentials) plus the ids now done.
fn rerun_command(done: &ReleaseIds) -> String {
    let mut words = vec!["agcupload".to_string()];
    let mut args = std::env::args_os().skip(1).map(|a| a.to_string_lossy().into_owned());
    while let Some(a) = args.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (a.clone(), None),
        };
        match flag.as_str() {
            "--object-id" | "--package-id" | "--version-id" => {
                if inline.is_none() {
                    args.next();
                }
            }
            "--proxy" => {
                let value = inline.or_else(|| args.next()).unwrap_or_default();
                words.push("--proxy".into());
                words.push(if value.contains('@') { "\"$AGC_PROXY\"".into() } else { shell_word(&value) });
            }
            _ => words.push(shell_word(&a)),
        }
    }
    for (flag, id) in
        [("--object-id", &done.object_id), ("--package-id", &done.package_id), ("--version-id", &done.version_id)]
    {
        if let Some(id) = id {
            words.push(flag.into());
            words.push(shell_word(id));
        }
    }
    words.join(" ")
}

/// The hint after a step that AGC may have carried out although it failed (the library's
/// [`agcupload::ReleaseError::outcome_uncertain`]): no command that repeats it, but what to
/// check first, then how to continue either way.
fn uncertain_hint(step: &str, app_id: &str, done: &ReleaseIds) -> String {
    if step == agcupload::ReleaseStep::Submit.name() {
        return format!(
            "AGC may have accepted the submit although its answer did not arrive, so submitting again is not the \
             next step: first read the app's state with: agcupload state {}. If it is in review, the submit \
             landed and nothing is left to do; only if it is still a draft, continue with: {}",
            shell_word(app_id),
            rerun_command(done)
        );
    }
    let with_package = ReleaseIds { package_id: Some("PACKAGE_ID".into()), ..done.clone() };
    format!(
        "AGC may have carried out the {step} although it failed, so repeating it could attach the package twice: \
         first look in AppGallery Connect (the app's version, its software packages) whether {} is there. \
         If it is, continue with its package id: {}; only if it is not, continue with: {}",
        done.object_id.as_deref().map_or("the package".to_owned(), |o| format!("object {o}")),
        rerun_command(&with_package),
        rerun_command(done)
    )
}

/// "object X, package Y, test version Z", of what is set.
fn done_list(done: &ReleaseIds) -> String {
    [("object", &done.object_id), ("package", &done.package_id), ("test version", &done.version_id)]
        .into_iter()
        .filter_map(|(what, id)| id.as_ref().map(|id| format!("{what} {id}")))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Ctx {
    /// `publish --submit` or `publish --test`: the whole road in one library call.
    pub fn road(&self, conn: &ConnArgs, file: &FileArgs, wait: &WaitArgs, send: &SendArgs, road: &RoadArgs) -> Report {
        let mut report = Report::new("publish");
        report.app_id = Some(file.app_id.clone());
        let notes = match &road.notes_dir {
            Some(dir) => match read_notes_dir(dir).and_then(|n| with_listing(n, road)) {
                Ok(n) => n,
                Err(f) => return report.fail(f),
            },
            None => Vec::new(),
        };
        let target = match road.test {
            Some(kind) => ReleaseTarget::Test(TestRelease {
                test_type: match kind {
                    TestKind::Invite => TestType::Invite,
                    TestKind::Open => TestType::Open,
                },
                description: road.test_desc.clone().unwrap_or_default(),
                start_ms: road.test_start,
                end_ms: road.test_end,
                groups: road.test_group.clone(),
                notify: road.notify,
                distribute_mode: road.distribute_mode,
            }),
            None => ReleaseTarget::Review(submit_options(
                &road.remark,
                &road.phased,
                &road.release_time,
                &road.submit_field,
            )),
        };
        let client = match client(conn, &self.net, picture_key(file), Some(wait)) {
            Ok(c) => c,
            Err(f) => return report.fail(f),
        };
        let mut upload = file.request();
        send.apply(&mut upload);
        let mut request = ReleaseRequest::new(upload, target);
        request.notes = notes;
        request.parse_timeout = timeout(wait);
        request.submit_timeout = Duration::from_secs(road.submit_timeout_min * 60);
        request.resume = ReleaseIds {
            object_id: road.object_id.clone(),
            file_name: None,
            package_id: road.package_id.clone(),
            version_id: road.version_id.clone(),
            ..ReleaseIds::default()
        };
        let mut rep = self.reporter();
        let result = client.release(&request, &mut rep);
        report.record(&mut rep);
        let done = match &result {
            Ok(ids) => ids,
            Err(e) => &e.done,
        };
        report.object_id = done.object_id.clone();
        report.file_name = done.file_name.clone();
        report.package_id = done.package_id.clone();
        report.version_id = done.version_id.clone();
        report.sha256 = done.sha256_hex.clone();
        report.size = done.size;
        if let Some(u) = &done.upload {
            report.transferred(u);
        }
        // The road's notes hold the preflight's and the upload's (not again from `upload`).
        report.add_notes(&done.notes);
        let e = match result {
            Ok(ids) => {
                let test = road.test.is_some();
                report.extra.push(("submitted", json!(if test { "test" } else { "review" })));
                if !request.notes.is_empty() {
                    report.extra.push(("languages", json!(languages(&request.notes))));
                }
                report.summary = Some(if test {
                    format!("test version {} submitted ({})", ids.version_id.as_deref().unwrap_or("?"), done_list(&ids))
                } else {
                    let notes = if request.notes.is_empty() {
                        String::new()
                    } else {
                        format!("; release notes set for {}", languages(&request.notes).join(", "))
                    };
                    format!("submitted for review ({}){notes}", done_list(&ids))
                });
                return report;
            }
            Err(e) => e,
        };
        let mut failure = self.failure(&e.error);
        let step = e.step.name();
        report.failed_step = Some(step);
        let ids = done_list(&e.done);
        failure.message = if ids.is_empty() {
            format!("step {step} failed: {}", failure.message)
        } else {
            format!("step {step} failed: {}; done: {ids}", failure.message)
        };
        if e.step == agcupload::ReleaseStep::Preflight && e.error.status() == agcupload::Status::Preflight {
            report.hint = Some(crate::preflight::REFUSED_HINT.into());
        } else if e.outcome_uncertain {
            report.hint = Some(uncertain_hint(step, &file.app_id, &e.done));
        } else if !ids.is_empty() && e.step != agcupload::ReleaseStep::Check {
            report.hint = Some(format!("continue with: {}", rerun_command(&e.done)));
        } else if e.error.status() == agcupload::Status::Cancelled {
            report.hint = Some("nothing was stored".into());
        }
        if e.step == agcupload::ReleaseStep::Upload {
            if let Some(more) = resume_hint(&send.transfer) {
                report.hint = Some(match report.hint.take() {
                    Some(h) => format!("{h}; {more}"),
                    None => more,
                });
            }
        }
        report.fail(failure)
    }

    /// `state APP_ID`.
    pub fn state(&self, conn: &ConnArgs, app_id: &str) -> Report {
        let mut report = Report::new("state");
        report.app_id = Some(app_id.to_owned());
        let client = match client(conn, &self.net, None, None) {
            Ok(c) => c,
            Err(f) => return report.fail(f),
        };
        let mut rep = self.reporter();
        let r = client.release_state(app_id, &mut rep);
        report.record(&mut rep);
        let s = match r {
            Ok(s) => s,
            Err(e) => return report.fail(self.failure(&e)),
        };
        let name = s.state.name();
        report.extra.push(("state", json!(name)));
        report.extra.push(("release_state", json!(s.release_state)));
        report.extra.push(("review_state", json!(s.review_state)));
        report.extra.push(("audit_opinion", json!(s.audit_opinion)));
        report.extra.push(("release_phase", json!(s.release_phase)));
        let phased = s.phased.as_ref().map(|p| {
            let percent = p.phase_day.and_then(|d| {
                agcupload::limits::PHASE_DAYS.iter().find(|(day, _)| i64::from(*day) == d).map(|(_, pct)| *pct)
            });
            json!({"state": p.state, "phase_day": p.phase_day, "percent": percent, "version_id": p.version_id})
        });
        report.extra.push(("phased", json!(phased)));
        let mut text = name.to_owned();
        if let Some(o) = &s.audit_opinion {
            text.push('\n');
            text.push_str(o);
        }
        if let Some(p) = &s.phased {
            let day = p.phase_day.map_or_else(String::new, |d| format!(", day {d}"));
            text.push_str(&format!("\nphased release: {}{day}", p.state.as_deref().unwrap_or("state not given")));
        }
        report.text = Some(text);
        let code = match s.release_state {
            Some(c) => match agcupload::ReleaseState::describe_code(c) {
                Some(d) => format!("{c}, {d}"),
                None => c.to_string(),
            },
            None => "none".to_owned(),
        };
        report.summary = Some(match &s.audit_opinion {
            Some(o) => format!("app {app_id}: {name} (releaseState {code}); AGC's opinion: {o}"),
            None => format!("app {app_id}: {name} (releaseState {code})"),
        });
        report
    }

    /// `notes APP_ID --notes-dir DIR`.
    pub fn notes(&self, conn: &ConnArgs, app_id: &str, dir: &Path) -> Report {
        let mut report = Report::new("notes");
        report.app_id = Some(app_id.to_owned());
        let notes = match read_notes_dir(dir) {
            Ok(n) => n,
            Err(f) => return report.fail(f),
        };
        let client = match client(conn, &self.net, None, None) {
            Ok(c) => c,
            Err(f) => return report.fail(f),
        };
        let mut rep = self.reporter();
        let r = client.set_release_notes(app_id, &notes, &mut rep);
        report.record(&mut rep);
        if let Err(e) = r {
            return report.fail(self.failure(&e));
        }
        let langs = languages(&notes);
        report.extra.push(("languages", json!(langs)));
        report.text = Some(langs.join("\n"));
        report.summary = Some(format!("release notes set for {}", langs.join(", ")));
        report
    }

    /// `submit APP_ID [...]`.
    pub fn submit(&self, conn: &ConnArgs, app_id: &str, submit: &SubmitArgs, poll: &PollArgs) -> Report {
        let mut report = Report::new("submit");
        report.app_id = Some(app_id.to_owned());
        let wait = WaitArgs { timeout_min: submit.submit_timeout_min, poll_interval: poll.poll_interval };
        let client = match client(conn, &self.net, None, Some(&wait)) {
            Ok(c) => c,
            Err(f) => return report.fail(f),
        };
        let options = submit_options(&submit.remark, &submit.phased, &submit.release_time, &submit.submit_field);
        let mut rep = self.reporter();
        let r = client.submit_for_review(app_id, &options, timeout(&wait), &mut rep);
        report.record(&mut rep);
        if let Err(e) = r {
            return report.fail(self.failure(&e));
        }
        report.extra.push(("submitted", json!("review")));
        report.text = Some("submitted".into());
        report.summary = Some(format!("app {app_id} submitted for review"));
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_quoted_when_needed() {
        assert_eq!(shell_word("--object-id"), "--object-id");
        assert_eq!(shell_word("10001/abc/x.app"), "10001/abc/x.app");
        assert_eq!(shell_word("it's 1%"), "'it'\\''s 1%'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn done_lists_name_what_is_set() {
        let d = ReleaseIds { object_id: Some("o".into()), package_id: Some("p".into()), ..Default::default() };
        assert_eq!(done_list(&d), "object o, package p");
        assert_eq!(done_list(&ReleaseIds::default()), "");
    }
}

//! `listing plan|apply|pull|delete-language`, `withdraw`, `phased`, `appid`, and the app id
//! of `--bundle NAME`: each a call of the library, printed through the one printer
//! ([`crate::output::Report`]).

use std::path::Path;

use agcupload::{Client, ListingChange, ListingValue};
use serde_json::{json, Value};

use crate::args::{AppArgs, ConnArgs, FileArgs, ListingCommand, PhasedArgs};
use crate::output::{Failure, Report};
use crate::setup::{client, Ctx};

/// A change as JSON: language, field, whether the language is new, AGC's value and the
/// folder's (a text, or a list of files).
fn change_json(c: &ListingChange) -> Value {
    let value = |v: &ListingValue| match v {
        ListingValue::Text(t) => json!(t),
        ListingValue::Files(f) => json!(f),
    };
    json!({
        "lang": c.lang,
        "field": c.field.name(),
        "new_language": c.new_language,
        "current": c.current.as_ref().map(value),
        "wanted": value(&c.wanted),
    })
}

impl Ctx {
    /// The app id of `app`: given, or looked up by its bundle name.
    fn app_id(&self, client: &Client, app: &AppArgs, report: &mut Report) -> Result<String, Failure> {
        match (&app.app_id, &app.bundle) {
            (Some(id), _) => Ok(id.clone()),
            (None, Some(bundle)) => {
                let mut rep = self.reporter();
                let r = client.app_id_for_bundle(bundle, &mut rep);
                report.record(&mut rep);
                let id = r.map_err(|e| self.failure(&e))?;
                report.extra.push(("bundle", json!(bundle)));
                Ok(id)
            }
            (None, None) => Err(Failure::usage("give the app id or --bundle NAME")),
        }
    }

    /// `upload`/`publish`/`check` with `--bundle NAME`: the file moved to its place and the
    /// app id looked up. `Err` is the failed report of `command`.
    pub fn resolve_file_args(
        &self,
        command: &'static str,
        conn: &ConnArgs,
        file: &mut FileArgs,
    ) -> Result<(), Box<Report>> {
        if let Err(m) = file.resolve() {
            return Err(Box::new(Report::new(command).fail(Failure::usage(m))));
        }
        let Some(bundle) = file.bundle.clone() else { return Ok(()) };
        let mut report = Report::new(command);
        let client = client(conn, &self.net, None, None).map_err(|f| Box::new(Report::new(command).fail(f)))?;
        let app = AppArgs { app_id: None, bundle: Some(bundle) };
        match self.app_id(&client, &app, &mut report) {
            Ok(id) => {
                file.app_id = id;
                Ok(())
            }
            Err(f) => Err(Box::new(report.fail(f))),
        }
    }

    /// The app id of a command that takes `APP_ID` or `--bundle NAME` (`state`, `notes`,
    /// `submit`): given, or looked up. `Err` is the failed report of `command`.
    pub fn resolve_app(&self, command: &'static str, conn: &ConnArgs, app: &AppArgs) -> Result<String, Box<Report>> {
        if let Some(id) = &app.app_id {
            return Ok(id.clone());
        }
        let mut report = Report::new(command);
        let client = client(conn, &self.net, None, None).map_err(|f| Box::new(Report::new(command).fail(f)))?;
        self.app_id(&client, app, &mut report).map_err(|f| Box::new(report.fail(f)))
    }

    /// A client and the app id, or the failed report.
    fn client_and_app(&self, report: &mut Report, conn: &ConnArgs, app: &AppArgs) -> Result<(Client, String), Failure> {
        let client = client(conn, &self.net, None, None)?;
        let id = self.app_id(&client, app, report)?;
        report.app_id = Some(id.clone());
        Ok((client, id))
    }

    /// `listing …`.
    pub fn listing(&self, command: &ListingCommand) -> Report {
        match command {
            ListingCommand::Plan { conn, app, dir } => self.listing_plan(conn, app, dir),
            ListingCommand::Apply { conn, app, dir } => self.listing_apply(conn, app, dir),
            ListingCommand::Pull { conn, app, dir } => self.listing_pull(conn, app, dir),
            ListingCommand::DeleteLanguage { conn, app, lang } => self.delete_language(conn, app, lang),
        }
    }

    fn listing_plan(&self, conn: &ConnArgs, app: &AppArgs, dir: &Path) -> Report {
        let mut report = Report::new("listing plan");
        let (client, app_id) = match self.client_and_app(&mut report, conn, app) {
            Ok(c) => c,
            Err(f) => return report.fail(f),
        };
        let mut rep = self.reporter();
        let r = client.listing_plan(&app_id, dir, &mut rep);
        report.record(&mut rep);
        let plan = match r {
            Ok(p) => p,
            Err(e) => return report.fail(self.failure(&e)),
        };
        report.add_notes(&plan.notes);
        report.extra.push(("changes", json!(plan.changes.iter().map(change_json).collect::<Vec<_>>())));
        report.extra.push(("unchanged", json!(plan.unchanged)));
        let lines: Vec<String> = plan.changes.iter().map(ListingChange::summary).collect();
        report.text = Some(if lines.is_empty() { "no changes".into() } else { lines.join("\n") });
        report.listing_changes = Some(lines);
        report.summary = Some(format!(
            "app {app_id}: {} change{}, {} field{} as AGC holds them; nothing was sent",
            plan.changes.len(),
            if plan.changes.len() == 1 { "" } else { "s" },
            plan.unchanged.len(),
            if plan.unchanged.len() == 1 { "" } else { "s" },
        ));
        report
    }

    fn listing_apply(&self, conn: &ConnArgs, app: &AppArgs, dir: &Path) -> Report {
        let mut report = Report::new("listing apply");
        let (client, app_id) = match self.client_and_app(&mut report, conn, app) {
            Ok(c) => c,
            Err(f) => return report.fail(f),
        };
        let mut rep = self.reporter();
        let r = client.listing_apply(&app_id, dir, &mut rep);
        report.record(&mut rep);
        let done = match r {
            Ok(d) => d,
            Err(e) => {
                if e.status() == agcupload::Status::Protocol {
                    report.hint = Some(format!(
                        "run `agcupload listing plan --dir {} {app_id}` to see what AGC holds now",
                        agcupload::quote_path(dir)
                    ));
                }
                return report.fail(self.failure(&e));
            }
        };
        report.add_notes(&done.notes);
        report.extra.push(("changes", json!(done.changes.iter().map(change_json).collect::<Vec<_>>())));
        let uploads: Vec<Value> =
            done.uploads.iter().map(|u| json!({"file": u.file, "object_id": u.object_id, "size": u.size})).collect();
        report.extra.push(("uploads", json!(uploads)));
        report.extra.push(("calls", json!(done.calls)));
        let lines: Vec<String> = done.changes.iter().map(ListingChange::summary).collect();
        report.text = Some(if lines.is_empty() { "no changes".into() } else { lines.join("\n") });
        report.listing_changes = Some(lines);
        report.summary = Some(format!(
            "app {app_id}: {} change{} applied and read back ({} file{} uploaded)",
            done.changes.len(),
            if done.changes.len() == 1 { "" } else { "s" },
            done.uploads.len(),
            if done.uploads.len() == 1 { "" } else { "s" },
        ));
        report
    }

    fn listing_pull(&self, conn: &ConnArgs, app: &AppArgs, dir: &Path) -> Report {
        let mut report = Report::new("listing pull");
        let (client, app_id) = match self.client_and_app(&mut report, conn, app) {
            Ok(c) => c,
            Err(f) => return report.fail(f),
        };
        let mut rep = self.reporter();
        let r = client.listing_pull(&app_id, dir, &mut rep);
        report.record(&mut rep);
        let pulled = match r {
            Ok(p) => p,
            Err(e) => return report.fail(self.failure(&e)),
        };
        report.add_notes(&pulled.notes);
        report.extra.push(("languages", json!(pulled.languages)));
        report.extra.push(("written", json!(pulled.written)));
        report.text = Some(pulled.written.join("\n"));
        report.summary = Some(format!(
            "app {app_id}: {} language{} pulled into {} ({} text file{})",
            pulled.languages.len(),
            if pulled.languages.len() == 1 { "" } else { "s" },
            agcupload::quote_path(dir),
            pulled.written.len(),
            if pulled.written.len() == 1 { "" } else { "s" },
        ));
        report
    }

    fn delete_language(&self, conn: &ConnArgs, app: &AppArgs, lang: &str) -> Report {
        let mut report = Report::new("listing delete-language");
        let (client, app_id) = match self.client_and_app(&mut report, conn, app) {
            Ok(c) => c,
            Err(f) => return report.fail(f),
        };
        let mut rep = self.reporter();
        let r = client.delete_language(&app_id, lang, &mut rep);
        report.record(&mut rep);
        if let Err(e) = r {
            return report.fail(self.failure(&e));
        }
        report.extra.push(("deleted", json!(lang)));
        report.text = Some(lang.to_owned());
        report.summary = Some(format!("app {app_id}: language {lang} deleted"));
        report
    }

    /// `withdraw APP_ID`.
    pub fn withdraw(&self, conn: &ConnArgs, app: &AppArgs) -> Report {
        let mut report = Report::new("withdraw");
        let (client, app_id) = match self.client_and_app(&mut report, conn, app) {
            Ok(c) => c,
            Err(f) => return report.fail(f),
        };
        let mut rep = self.reporter();
        let r = client.withdraw_review(&app_id, &mut rep);
        report.record(&mut rep);
        let w = match r {
            Ok(w) => w,
            Err(e) => return report.fail(self.failure(&e)),
        };
        report.version_id = Some(w.version_id.clone());
        report.extra.push(("release_state_before", json!(w.release_state)));
        report.summary = Some(format!("app {app_id}: version {} withdrawn from review", w.version_id));
        report
    }

    /// `phased APP_ID --pause|--resume|--full|--step N`.
    pub fn phased(
        &self,
        conn: &ConnArgs,
        app: &AppArgs,
        phased: &PhasedArgs,
        description: Option<&str>,
        version_id: Option<&str>,
    ) -> Report {
        let mut report = Report::new("phased");
        let (client, app_id) = match self.client_and_app(&mut report, conn, app) {
            Ok(c) => c,
            Err(f) => return report.fail(f),
        };
        let action = phased.action();
        let mut rep = self.reporter();
        let r = client.phased_release(&app_id, action, description, version_id, &mut rep);
        report.record(&mut rep);
        let done = match r {
            Ok(d) => d,
            Err(e) => return report.fail(self.failure(&e)),
        };
        report.version_id = Some(done.version_id.clone());
        report.extra.push(("action", json!(action.name())));
        let what = match action {
            agcupload::PhasedAction::Step(n) => {
                report.extra.push(("phase_day", json!(n)));
                let pct = agcupload::limits::PHASE_DAYS.iter().find(|(d, _)| *d == n).map_or(0, |(_, p)| *p);
                format!("stepped to day {n} ({pct}% of users)")
            }
            agcupload::PhasedAction::Pause => "paused".into(),
            agcupload::PhasedAction::Resume => "resumed".into(),
            agcupload::PhasedAction::Full => "released to everyone".into(),
        };
        report.summary = Some(format!("app {app_id}: the phased release of version {} {what}", done.version_id));
        report
    }

    /// `appid BUNDLE`.
    pub fn appid(&self, conn: &ConnArgs, bundle: &str) -> Report {
        let mut report = Report::new("appid");
        let client = match client(conn, &self.net, None, None) {
            Ok(c) => c,
            Err(f) => return report.fail(f),
        };
        let app = AppArgs { app_id: None, bundle: Some(bundle.to_owned()) };
        match self.app_id(&client, &app, &mut report) {
            Ok(id) => {
                report.app_id = Some(id.clone());
                report.text = Some(id.clone());
                report.summary = Some(format!("the bundle name {bundle} is app {id}"));
                report
            }
            Err(f) => report.fail(f),
        }
    }
}

//! The command line: every option, its environment variable, and its strict parser. Parsing
//! fails (exit 2) before any file or network I/O.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::exit;

/// Shown after the top-level `--help`.
const AFTER_HELP: &str = "\
Environment (secrets are read only from here or from files, never from the command line):
  AGC_CLIENT_ID, AGC_CLIENT_SECRET   API client (AGC: Users and permissions > API key)
  AGC_CLIENT_SECRET_FILE             a file holding the client secret instead
  AGC_SERVICE_ACCOUNT_FILE           a service-account key file (*private.json)
  AGC_SERVICE_ACCOUNT_JSON           that key file's JSON text (for CI secret stores)
  AGC_API_BASE, AGC_CA_FILE          site (cn, de, sg, ru) or https:// URL; extra trusted CAs
  AGC_SEAL_KEY_FILE, AGC_SEAL_KEY    seal key for profile pictures: a 32-byte file, or 64 hex digits
  AGC_PROXY                          --proxy: env (default), none, or http(s)://[user:pass@]host:port
  HTTPS_PROXY, ALL_PROXY, NO_PROXY   the proxy of --proxy env (an HTTP CONNECT proxy), as curl reads them
  AGC_TRUST                          --trust: mozilla (default), system (SSL_CERT_FILE, SSL_CERT_DIR), both
  NO_COLOR                           no colours
  GITHUB_ACTIONS=true                ::error:: annotation, $GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY

stdout carries only the result (ids, or one JSON object with --json); progress and messages
go to stderr: a live bar on a terminal, otherwise one plain line every 10% or 5 seconds.
";

/// Examples shown by `agcupload upload --help`.
const UPLOAD_EXAMPLES: &str = "\
Examples:
  AGC_CLIENT_ID=... AGC_CLIENT_SECRET=... agcupload upload 1234567 build/app-signed.app
  agcupload upload --json --release-type 6 1234567 build/app-signed.app > result.json
  agcupload upload --publish --service-account agc-private.json 1234567 app.app
  agcupload upload --kind picture --seal-key-file key.bin 1234567 avatar.png
";

const PUBLISH_EXAMPLES: &str = "\
Upload, bind the package to the app and wait until AGC has parsed it (HarmonyOS 5+).
If a step after the upload fails, the object id is still printed (stdout and message) so the
package can be bound later with `agcupload bind`.

With --submit the road goes on: release notes from --notes-dir (one <lang>.txt file per
language, e.g. en-US.txt and zh-CN.txt, at most 500 characters each), then submit for review
(waiting while AGC still processes the package, at most --submit-timeout-min). With --test it
is a HarmonyOS test release instead (uploaded with releaseType 6): test version, package, test
window and groups, submit; stdout's last line is the test version id.

A failure after the upload prints what is done (object, package and version ids, the failed
step) and the command that continues from there with --object-id / --package-id / --version-id.
After a step AGC may have carried out although it failed (a bind that timed out), it says what
to check in AppGallery Connect first instead of a command that would repeat the step.
The options of one road (--submit or --test) are refused with the other.

Before the upload the preflight checks the package against what AGC holds, and refuses (exit 6,
nothing sent) a package whose bundle name is bound to another app, whose version code is not
higher than the live one or the one in review, or a draft in review or full. --no-preflight
skips it; a preflight read AGC refuses for lack of rights is a warning, not a failure.

Examples:
  AGC_SERVICE_ACCOUNT_FILE=agc-private.json agcupload publish 1234567 build/app-signed.app
  agcupload publish --json --timeout-min 30 --release-type 6 1234567 app.app
  agcupload publish --submit --notes-dir release-notes --remark 'Login flow changed.' 1234567 app.app
  agcupload publish --submit --phased '1% first, then everyone' \\
      --release-time 2031-05-06T07:08:09+0000 1234567 app.app
  agcupload publish --test invite --test-desc '1.2.0 beta' --test-group GROUP_ID --notify 1234567 app.app
  agcupload publish --submit --submit-field registeredIdType=1 \\
      --submit-field 'registeredIdNumber=\"91110000MA00000000\"' 1234567 app.app
  agcupload publish --submit --object-id OBJECT_ID --package-id PACKAGE_ID 1234567 app.app   # continue
";

const STATE_EXAMPLES: &str = "\
Prints the release state: draft, in-review (4, 5, 12 pre-review), rejected (1, 8, 13; then AGC's
opinion on the next line), approved (3, to be released), released (0), offline (2, 6, 10, 11),
or other; --json adds AGC's release_state and review_state numbers.

Examples:
  agcupload state 1234567
  agcupload state --json 1234567
";

const NOTES_EXAMPLES: &str = "\
The directory holds one <lang>.txt file per language (en-US.txt, zh-CN.txt, ...), UTF-8, at
most 500 characters each (a file over 8 KiB is refused unread); any other file name, and any
symbolic link, is refused. A note of only invisible characters is empty. The languages must
exist for the app.

Examples:
  agcupload notes --notes-dir release-notes 1234567
";

const SUBMIT_EXAMPLES: &str = "\
Submits the app's draft for review, waiting while AGC still processes the package.

Examples:
  agcupload submit 1234567
  agcupload submit --phased '1% first' --release-time 2031-05-06T07:08:09+0000 \\
      --remark 'Please test the login flow.' 1234567
";

const BIND_EXAMPLES: &str = "\
Examples:
  agcupload bind --file-name app-signed.app 1234567 OBJECT_ID
  agcupload bind --wait --file-name app-signed.app 1234567 OBJECT_ID
";

const WAIT_EXAMPLES: &str = "\
Examples:
  agcupload wait 1234567 PACKAGE_ID
  agcupload wait --timeout-min 5 --json 1234567 PACKAGE_ID
";

const CHECK_EXAMPLES: &str = "\
The full dry run: checks the file against the kind's rules (suffix, size, content type), reads
the package's pack.info, obtains an access token (a signed JWT for a service account) and runs
the preflight against AGC (appid-list and app-info reads: the bundle name is this app's, the
version code is higher than the live one and the one in review, the draft is neither in review
nor full). No upload URL is asked for and no byte of the file is sent. A preflight refusal
exits with 6.

Examples:
  agcupload check 1234567 build/app-signed.app
  agcupload check --kind atomic --json 1234567 service.app
";

const INSPECT_EXAMPLES: &str = "\
Reads the package's pack.info from the end of the ZIP (a few KiB, whatever the size): bundle
name and type (app or atomicService), version code and name, min compatible version code,
modules. Refuses what AGC would: not a ZIP, no or a malformed pack.info, an unsigned package.

Examples:
  agcupload inspect build/app-signed.app
  agcupload inspect --json --sha256 build/app-signed.app
";

const LISTING_EXAMPLES: &str = "\
The folder holds one folder per language (docs/guide/listing.md): name.txt, description.txt,
brief.txt, release_notes.txt, icon.png or icon.webp, screenshots/<device>/NN.png|jpg|webp and
videos/<device>/NN.mp4 with its poster NN.png|jpg|webp; device is phone, tablet, 2in1, tv or
watch. A missing file leaves AGC's as it is. Every documented rule is checked before anything
is sent (exit 2, every problem listed). apply reads back what AGC shows and fails (exit 6)
when AGC answered success but does not show what was sent.

Examples:
  agcupload listing pull --dir listing 1234567
  agcupload listing plan --dir listing 1234567
  agcupload listing apply --json --dir listing --bundle com.example.app
  agcupload listing delete-language --lang fr-FR 1234567
";

const WITHDRAW_EXAMPLES: &str = "\
Withdraws the version in review (AGC's on-shelf/cancel with the draft's versionId). Refused
before the call (exit 6) unless the release state is 3 (to be released), 4 (in review), 5
(update in review), 6 (removal requested) or 12 (pre-review).

Examples:
  agcupload withdraw 1234567
  agcupload withdraw --bundle com.example.app
";

const PHASED_EXAMPLES: &str = "\
Refused before the call (exit 6) when app-info shows no phased release. agcupload state shows
the rollout (phasedReleaseInfo).

Examples:
  agcupload phased --pause 1234567
  agcupload phased --step 4 --description 'Crash rate is fine' 1234567
  agcupload phased --full --bundle com.example.app
";

const APPID_EXAMPLES: &str = "\
Looks the bundle name up in appid-list with packageTypes=7 (HarmonyOS apps and atomic
services only, so an Android app of the same name is never taken).

Examples:
  agcupload appid com.example.app
";

const SEAL_EXAMPLES: &str = "\
Examples:
  head -c 32 /dev/urandom > key.bin && chmod 600 key.bin
  agcupload seal --seal-key-file key.bin avatar.png avatar.png.sealed
  agcupload open --seal-key-file key.bin avatar.png.sealed avatar.png
";

/// agcupload: upload HarmonyOS packages to Huawei AppGallery Connect.
#[derive(Debug, Parser)]
#[command(name = "agcupload", version, propagate_version = true, about, after_help = const_format(AFTER_HELP))]
pub struct Cli {
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub net: NetArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Both help texts (environment, then exit codes), built once.
fn const_format(s: &'static str) -> String {
    format!("{s}\n{}", exit::HELP)
}

/// How results and progress are shown. Accepted before or after the subcommand.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Print the result as one JSON object on stdout (also on failure).
    #[arg(long, global = true)]
    pub json: bool,
    /// No progress and no messages on stderr, except errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Progress display: `auto` is a bar on a terminal, plain lines otherwise.
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto, global = true)]
    pub progress: ProgressMode,
}

/// How connections are made. Accepted before or after the subcommand.
#[derive(Debug, Args)]
pub struct NetArgs {
    /// HTTP CONNECT proxy: `env` (HTTPS_PROXY, ALL_PROXY, NO_PROXY), `none` (direct), or
    /// http(s)://host:port (prefer AGC_PROXY for one with a password) [default: env].
    #[arg(long, env = "AGC_PROXY", hide_env_values = true, value_name = "URL|env|none", global = true)]
    pub proxy: Option<String>,
    /// Trusted roots: Mozilla's built in, the system's store (SSL_CERT_FILE, SSL_CERT_DIR), or
    /// both; --ca-file adds to any of them [default: mozilla].
    #[arg(long, env = "AGC_TRUST", value_enum, global = true)]
    pub trust: Option<Trust>,
}

/// See [`NetArgs::trust`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Trust {
    /// Mozilla's roots, built into the library.
    Mozilla,
    /// The operating system's store.
    System,
    /// Both.
    Both,
}

impl Trust {
    pub fn roots(self) -> agcupload::TrustRoots {
        match self {
            Trust::Mozilla => agcupload::TrustRoots::Mozilla,
            Trust::System => agcupload::TrustRoots::System,
            Trust::Both => agcupload::TrustRoots::Both,
        }
    }
}

/// See [`OutputArgs::progress`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProgressMode {
    /// A bar when stderr is a terminal, plain lines otherwise.
    Auto,
    /// The live bar, even when stderr is not a terminal.
    Bar,
    /// One plain line every 10% or 5 seconds, never redrawn.
    Lines,
    /// No progress.
    None,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Upload a package (and with --publish bind it and wait until AGC has parsed it).
    #[command(after_help = UPLOAD_EXAMPLES)]
    Upload {
        #[command(flatten)]
        conn: ConnArgs,
        #[command(flatten)]
        file: FileArgs,
        /// Then bind the package to the app and wait until AGC has parsed it.
        #[arg(long)]
        publish: bool,
        #[command(flatten)]
        wait: WaitArgs,
        #[command(flatten)]
        send: SendArgs,
    },
    /// Upload, bind and wait until AGC has parsed the package; then --submit for review, or
    /// --test for a HarmonyOS test release.
    #[command(after_help = PUBLISH_EXAMPLES)]
    Publish {
        #[command(flatten)]
        conn: ConnArgs,
        #[command(flatten)]
        file: FileArgs,
        #[command(flatten)]
        wait: WaitArgs,
        #[command(flatten)]
        send: SendArgs,
        #[command(flatten)]
        road: Box<RoadArgs>,
    },
    /// Bind an object uploaded earlier to the app; prints the package id.
    #[command(after_help = BIND_EXAMPLES)]
    Bind {
        #[command(flatten)]
        conn: ConnArgs,
        /// The app's id in AGC.
        app_id: String,
        /// The object id an earlier upload printed.
        object_id: String,
        /// The file name the object was uploaded with (for example app-signed.app).
        #[arg(long)]
        file_name: String,
        /// Then wait until AGC has parsed the package.
        #[arg(long)]
        wait: bool,
        #[command(flatten)]
        wait_args: WaitArgs,
        #[command(flatten)]
        bind: BindArgs,
    },
    /// Wait until AGC has parsed a bound package.
    #[command(after_help = WAIT_EXAMPLES)]
    Wait {
        #[command(flatten)]
        conn: ConnArgs,
        /// The app's id in AGC.
        app_id: String,
        /// The package id that bind or publish printed.
        package_id: String,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Dry run: validate and inspect the package, obtain a token, run the preflight against
    /// AGC; sends nothing else.
    #[command(after_help = CHECK_EXAMPLES)]
    Check {
        #[command(flatten)]
        conn: ConnArgs,
        #[command(flatten)]
        file: FileArgs,
        #[command(flatten)]
        preflight: PreflightArgs,
    },
    /// Seal (encrypt) a file with a 32-byte key, as profile pictures are stored.
    #[command(after_help = SEAL_EXAMPLES)]
    Seal {
        #[command(flatten)]
        key: SealKeyArgs,
        /// The plaintext file.
        input: PathBuf,
        /// Where to write the sealed file (must not exist).
        output: PathBuf,
    },
    /// Open (decrypt and authenticate) a sealed file.
    #[command(after_help = SEAL_EXAMPLES)]
    Open {
        #[command(flatten)]
        key: SealKeyArgs,
        /// The sealed file.
        input: PathBuf,
        /// Where to write the plaintext (must not exist).
        output: PathBuf,
    },
    /// Where the app's release stands: draft, in review, rejected (with AGC's opinion), released.
    #[command(after_help = STATE_EXAMPLES)]
    State {
        #[command(flatten)]
        conn: ConnArgs,
        #[command(flatten)]
        app: AppArgs,
    },
    /// Set the release notes ("what's new") from a directory of <lang>.txt files.
    #[command(after_help = NOTES_EXAMPLES)]
    Notes {
        #[command(flatten)]
        conn: ConnArgs,
        #[command(flatten)]
        app: AppArgs,
        /// A directory of <lang>.txt files (en-US.txt, zh-CN.txt, ...).
        #[arg(long, value_name = "DIR")]
        notes_dir: PathBuf,
    },
    /// Submit the app's draft for review.
    #[command(after_help = SUBMIT_EXAMPLES)]
    Submit {
        #[command(flatten)]
        conn: ConnArgs,
        #[command(flatten)]
        app: AppArgs,
        #[command(flatten)]
        submit: SubmitArgs,
        #[command(flatten)]
        wait: PollArgs,
    },
    /// Show what a .app package is (its pack.info), offline: no credentials, nothing sent.
    #[command(after_help = INSPECT_EXAMPLES)]
    Inspect {
        /// The .app package.
        file: PathBuf,
        /// Also hash the whole file (SHA-256, as the upload would send it).
        #[arg(long)]
        sha256: bool,
    },
    /// The store listing from a folder (fastlane supply's layout): plan, apply, pull.
    #[command(subcommand, after_help = LISTING_EXAMPLES)]
    Listing(ListingCommand),
    /// Withdraw the version in review (refused in the states where AGC cannot withdraw).
    #[command(after_help = WITHDRAW_EXAMPLES)]
    Withdraw {
        #[command(flatten)]
        conn: ConnArgs,
        #[command(flatten)]
        app: AppArgs,
    },
    /// Control a phased release: --pause, --resume, --full or --step N.
    #[command(after_help = PHASED_EXAMPLES)]
    Phased {
        #[command(flatten)]
        conn: ConnArgs,
        #[command(flatten)]
        app: AppArgs,
        #[command(flatten)]
        phased: PhasedArgs,
        /// A description of the change, at most 500 characters.
        #[arg(long, value_name = "TEXT")]
        description: Option<String>,
        /// The version of the phased release [default: the one app-info names].
        #[arg(long, value_name = "ID")]
        version_id: Option<String>,
    },
    /// Print the id of the HarmonyOS app with this bundle name.
    #[command(after_help = APPID_EXAMPLES)]
    Appid {
        #[command(flatten)]
        conn: ConnArgs,
        /// The bundle name, e.g. com.example.app.
        bundle: String,
    },
    /// Print the versions of the tool and of libagcupload.
    Version,
    /// Print the tool's man page (roff), generated from these definitions (`make man`).
    #[command(hide = true, name = "generate-man")]
    GenerateMan,
}

/// `listing plan|apply|pull|delete-language`.
#[derive(Debug, Subcommand)]
pub enum ListingCommand {
    /// Show what apply would change, per language and field, without writing anything.
    Plan {
        #[command(flatten)]
        conn: ConnArgs,
        #[command(flatten)]
        app: AppArgs,
        /// The listing folder.
        #[arg(long, value_name = "DIR")]
        dir: PathBuf,
    },
    /// Apply the folder: the texts and files that changed, then read back what AGC shows.
    Apply {
        #[command(flatten)]
        conn: ConnArgs,
        #[command(flatten)]
        app: AppArgs,
        /// The listing folder.
        #[arg(long, value_name = "DIR")]
        dir: PathBuf,
    },
    /// Write AGC's current texts into the folder (and what it shows of the files into its manifest).
    Pull {
        #[command(flatten)]
        conn: ConnArgs,
        #[command(flatten)]
        app: AppArgs,
        /// The listing folder (created when missing).
        #[arg(long, value_name = "DIR")]
        dir: PathBuf,
    },
    /// Delete a language of the listing (never the default one).
    DeleteLanguage {
        #[command(flatten)]
        conn: ConnArgs,
        #[command(flatten)]
        app: AppArgs,
        /// The language tag, e.g. fr-FR.
        #[arg(long, value_name = "LANG")]
        lang: String,
    },
}

/// The app: its id, or its bundle name to look the id up by.
#[derive(Debug, Args)]
pub struct AppArgs {
    /// The app's id in AGC (or --bundle).
    #[arg(value_name = "APP_ID", required_unless_present = "bundle")]
    pub app_id: Option<String>,
    /// Look the app id up by this bundle name (HarmonyOS apps only) instead of giving it.
    #[arg(long, value_name = "NAME", conflicts_with = "app_id")]
    pub bundle: Option<String>,
}

/// What a phased-release call does: exactly one of them.
#[derive(Debug, Args)]
#[group(id = "phased_action", required = true, multiple = false)]
pub struct PhasedArgs {
    /// Stop the rollout where it is (state SUSPEND).
    #[arg(long)]
    pub pause: bool,
    /// Go on with the rollout (state RELEASE).
    #[arg(long)]
    pub resume: bool,
    /// Release to everyone now (releasePhase 4).
    #[arg(long)]
    pub full: bool,
    /// Go on to phase day N: 2 (2%), 3 (5%), 4 (10%), 5 (20%), 6 (50%), 7 (100%).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(2..=7))]
    pub step: Option<u32>,
}

impl PhasedArgs {
    /// The library's action.
    pub fn action(&self) -> agcupload::PhasedAction {
        match (self.pause, self.resume, self.full, self.step) {
            (true, ..) => agcupload::PhasedAction::Pause,
            (_, true, ..) => agcupload::PhasedAction::Resume,
            (_, _, true, _) => agcupload::PhasedAction::Full,
            (.., Some(n)) => agcupload::PhasedAction::Step(n),
            // The group requires one of them.
            _ => agcupload::PhasedAction::Resume,
        }
    }
}

/// What a submit for review sends (each field only when given).
#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// A note to the reviewers, 10 to 300 characters.
    #[arg(long, value_name = "TEXT")]
    pub remark: Option<String>,
    /// A phased release (releasePhase 3) with this description [default: AGC's, a full release].
    #[arg(long, value_name = "DESCRIPTION")]
    pub phased: Option<String>,
    /// Scheduled release, UTC: yyyy-MM-ddTHH:mm:ss+0000 [default: at once after approval].
    #[arg(long, value_name = "yyyy-MM-ddTHH:mm:ss+0000")]
    pub release_time: Option<String>,
    /// Another submit body field, its value as JSON, e.g. registeredIdType=1 (repeat for several).
    #[arg(long, value_name = "KEY=JSON", value_parser = parse_submit_field)]
    pub submit_field: Vec<(String, serde_json::Value)>,
    /// Longest wait while AGC answers the submit with "still processing", in minutes.
    #[arg(long, visible_alias = "submit-timeout", value_name = "MIN", default_value_t = agcupload::defaults::SUBMIT_TIMEOUT_MS / 60_000,
          value_parser = clap::value_parser!(u64).range(1..=1440))]
    pub submit_timeout_min: u64,
}

/// The poll interval alone (submit retries while AGC still processes the package).
#[derive(Debug, Args)]
pub struct PollArgs {
    /// First wait between two tries, in seconds (it doubles up to 30 s) [default: 5].
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub poll_interval: Option<u64>,
}

/// The rest of the road after `publish`: submit for review, or a HarmonyOS test release, and
/// the ids of an earlier run to continue from.
#[derive(Debug, Args)]
pub struct RoadArgs {
    /// Then set the release notes and submit the app for review.
    #[arg(long, group = "road", help_heading = "Submit for review")]
    pub submit: bool,
    /// Release notes: a directory of <lang>.txt files (en-US.txt, zh-CN.txt, ...).
    #[arg(long, value_name = "DIR", requires = "submit", conflicts_with = "test", help_heading = "Submit for review")]
    pub notes_dir: Option<PathBuf>,
    /// A note to the reviewers, 10 to 300 characters.
    #[arg(long, value_name = "TEXT", requires = "submit", conflicts_with = "test", help_heading = "Submit for review")]
    pub remark: Option<String>,
    /// A phased release (releasePhase 3) with this description [default: a full release].
    #[arg(
        long,
        value_name = "DESCRIPTION",
        requires = "submit",
        conflicts_with = "test",
        help_heading = "Submit for review"
    )]
    pub phased: Option<String>,
    /// Scheduled release, UTC: yyyy-MM-ddTHH:mm:ss+0000 [default: at once after approval].
    #[arg(
        long,
        value_name = "yyyy-MM-ddTHH:mm:ss+0000",
        requires = "submit",
        conflicts_with = "test",
        help_heading = "Submit for review"
    )]
    pub release_time: Option<String>,
    /// Another submit body field, its value as JSON, e.g. registeredIdType=1 (repeat for several).
    #[arg(long, value_name = "KEY=JSON", value_parser = parse_submit_field, requires = "submit",
          conflicts_with = "test", help_heading = "Submit for review")]
    pub submit_field: Vec<(String, serde_json::Value)>,
    /// The app's name in a language of --notes-dir, LANG=TEXT (AGC asks for it when the
    /// language is new to the app; repeat for several).
    #[arg(long, value_name = "LANG=TEXT", value_parser = parse_lang_text, requires = "notes_dir",
          conflicts_with = "test", help_heading = "Submit for review")]
    pub app_name: Vec<(String, String)>,
    /// The app's brief introduction in a language of --notes-dir, LANG=TEXT (repeat for several).
    #[arg(long, value_name = "LANG=TEXT", value_parser = parse_lang_text, requires = "notes_dir",
          conflicts_with = "test", help_heading = "Submit for review")]
    pub brief_info: Vec<(String, String)>,
    /// The app's description in a language of --notes-dir, LANG=TEXT (repeat for several).
    #[arg(long, value_name = "LANG=TEXT", value_parser = parse_lang_text, requires = "notes_dir",
          conflicts_with = "test", help_heading = "Submit for review")]
    pub app_desc: Vec<(String, String)>,
    /// Longest wait while AGC answers the submit with "still processing", in minutes.
    #[arg(long, visible_alias = "submit-timeout", value_name = "MIN", default_value_t = agcupload::defaults::SUBMIT_TIMEOUT_MS / 60_000,
          value_parser = clap::value_parser!(u64).range(1..=1440), requires = "submit",
          conflicts_with = "test", help_heading = "Submit for review")]
    pub submit_timeout_min: u64,
    /// Then make a HarmonyOS test release: invite (test groups) or open.
    #[arg(
        long,
        value_enum,
        group = "road",
        requires = "test_desc",
        conflicts_with = "submit",
        help_heading = "Test release"
    )]
    pub test: Option<TestKind>,
    /// The test version's description, 1 to 50 characters.
    #[arg(long, value_name = "TEXT", requires = "test", conflicts_with = "submit", help_heading = "Test release")]
    pub test_desc: Option<String>,
    /// A test group id (repeat for several; an invite test needs one).
    #[arg(long, value_name = "ID", requires = "test", conflicts_with = "submit", help_heading = "Test release")]
    pub test_group: Vec<String>,
    /// Start of the test window: yyyy-MM-ddTHH:mm:ss+0000 (UTC) or ms since 1970 [default: now].
    #[arg(long, value_name = "TIME", requires = "test", conflicts_with = "submit",
          value_parser = parse_instant_ms, help_heading = "Test release")]
    pub test_start: Option<u64>,
    /// End of the test window, as --test-start [default: start + 30 days].
    #[arg(long, value_name = "TIME", requires = "test", conflicts_with = "submit",
          value_parser = parse_instant_ms, help_heading = "Test release")]
    pub test_end: Option<u64>,
    /// Notify the testers.
    #[arg(long, requires = "test", conflicts_with = "submit", help_heading = "Test release")]
    pub notify: bool,
    /// Where the test package is distributed: 1 = the test zone, 2 = AppGallery.
    #[arg(long, value_name = "MODE", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=2),
          requires = "test", conflicts_with = "submit", help_heading = "Test release")]
    pub distribute_mode: u32,
    /// Continue from this object, uploaded by an earlier run (with --file-name if it was given).
    #[arg(long, value_name = "ID", requires = "road", help_heading = "Continue an earlier run")]
    pub object_id: Option<String>,
    /// Continue from this package, bound (or added to the test) by an earlier run.
    #[arg(long, value_name = "ID", requires = "road", help_heading = "Continue an earlier run")]
    pub package_id: Option<String>,
    /// Continue with this test version, created by an earlier run.
    #[arg(
        long,
        value_name = "ID",
        requires = "test",
        conflicts_with = "submit",
        help_heading = "Continue an earlier run"
    )]
    pub version_id: Option<String>,
}

/// See [`RoadArgs::test`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestKind {
    /// Invited testers (test groups) only.
    Invite,
    /// An open test: anyone with the link.
    Open,
}

/// Where and who: site, trust, credentials, retries and timeouts.
#[derive(Debug, Args)]
pub struct ConnArgs {
    /// Site (cn, de, sg, ru) or an https:// base URL of the Connect API [default: cn].
    #[arg(long, env = "AGC_API_BASE", value_name = "SITE_OR_URL")]
    pub api_base: Option<String>,
    /// Trust the CAs of this PEM file too (added to the built-in roots).
    #[arg(long, env = "AGC_CA_FILE", value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Authenticate with this service-account key file (else AGC_SERVICE_ACCOUNT_JSON, else
    /// AGC_CLIENT_ID with AGC_CLIENT_SECRET or --client-secret-file).
    #[arg(long, env = "AGC_SERVICE_ACCOUNT_FILE", value_name = "FILE")]
    pub service_account: Option<PathBuf>,
    /// The API client's id (the secret comes from AGC_CLIENT_SECRET or --client-secret-file).
    #[arg(long, env = "AGC_CLIENT_ID", value_name = "ID")]
    pub client_id: Option<String>,
    /// A file whose first line is the API client's secret.
    #[arg(long, env = "AGC_CLIENT_SECRET_FILE", value_name = "FILE")]
    pub client_secret_file: Option<PathBuf>,
    /// Attempts in all for transient failures (1 to 100) [default: 5].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100))]
    pub retries: Option<u32>,
    /// Overall time budget of each step, retries included, in minutes [default: 60].
    #[arg(long, value_name = "MIN", value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub deadline_min: Option<u64>,
    /// Connect timeout in seconds [default: 15].
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub connect_timeout: Option<u64>,
    /// Longest wait for any single network read or write, in seconds [default: 60].
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub io_timeout: Option<u64>,
}

/// What is uploaded (or checked).
#[derive(Debug, Args)]
pub struct FileArgs {
    /// The app's id in AGC (with --bundle, leave it out: the file comes first).
    #[arg(value_name = "APP_ID")]
    pub app_id: String,
    /// The file: a signed .app package, or with --kind picture a .png/.jpg/.webp.
    #[arg(value_name = "FILE", required_unless_present = "bundle")]
    pub file: Option<PathBuf>,
    /// Look the app id up by this bundle name (HarmonyOS apps only) instead of giving it.
    #[arg(long, value_name = "NAME")]
    pub bundle: Option<String>,
    /// What the file is; decides the suffix, size and content rules.
    #[arg(long, value_enum, default_value_t = Kind::App)]
    pub kind: Kind,
    /// Name recorded by AGC [default: the file's name]; its suffix must match the content.
    #[arg(long, value_name = "NAME")]
    pub file_name: Option<String>,
    /// 1 = full release, 6 = HarmonyOS test release [default: not sent].
    #[arg(long, value_name = "1|6", value_parser = parse_release_type)]
    pub release_type: Option<u32>,
    /// chineseMainlandFlag, 0 or 1 (mandatory for developers outside mainland China).
    #[arg(long, value_name = "0|1", value_parser = parse_flag)]
    pub mainland: Option<bool>,
    #[command(flatten)]
    pub seal: SealKeyArgs,
}

/// How a package is checked, sent and bound: the preflight, the transfer, the bind's query.
#[derive(Debug, Args)]
pub struct SendArgs {
    #[command(flatten)]
    pub bind: BindArgs,
    #[command(flatten)]
    pub transfer: TransferArgs,
    #[command(flatten)]
    pub preflight: PreflightArgs,
}

impl SendArgs {
    /// Set them on `request`.
    pub fn apply<'a>(&'a self, request: &mut agcupload::UploadRequest<'a>) {
        request.bind = self.bind.query();
        self.transfer.apply(request);
        request.preflight = !self.preflight.no_preflight;
    }
}

/// The preflight (on by default before an upload that will be bound, and in check).
#[derive(Debug, Args)]
pub struct PreflightArgs {
    /// Skip the preflight (the package checked against what AGC holds before the upload), for
    /// an API client that lacks the rights to read the app.
    #[arg(long)]
    pub no_preflight: bool,
}

/// The bind's optional query parameters (none sent by default).
#[derive(Debug, Args)]
pub struct BindArgs {
    /// releaseType sent with the bind: 1 = full release, 6 = HarmonyOS test release [default: not sent].
    #[arg(long, value_name = "1|6", value_parser = parse_release_type)]
    pub bind_release_type: Option<u32>,
    /// releasePhase sent with the bind: 0 = full, 3 = phased (a phased release may need it) [default: not sent].
    #[arg(long, value_name = "0|3", value_parser = parse_release_phase)]
    pub bind_release_phase: Option<u32>,
}

impl BindArgs {
    /// The library's bind query.
    pub fn query(&self) -> agcupload::BindQuery {
        agcupload::BindQuery { release_type: self.bind_release_type, release_phase: self.bind_release_phase }
    }
}

/// How the file travels: one PUT or AGC's multipart upload, resumable across runs.
#[derive(Debug, Args)]
pub struct TransferArgs {
    /// `auto`: multipart from 128 MiB (falls back to one PUT, with a note, when AGC refuses
    /// it), `single`: always one PUT, `multipart`: always in parts [default: auto].
    #[arg(long, value_enum, value_name = "MODE", help_heading = "Transfer")]
    pub transfer: Option<TransferMode>,
    /// Bytes per part of a multipart upload, e.g. 8MiB or 16777216 [default: AGC's minimum,
    /// 5 MiB]; kept within AGC's bounds, with a note.
    #[arg(long, value_name = "BYTES", value_parser = parse_size, help_heading = "Transfer")]
    pub part_size: Option<u64>,
    /// The file's SHA-256 when the build already knows it (64 hex digits): no hash pass before
    /// the upload. The bytes are still checked while they are sent: a wrong digest stores nothing.
    #[arg(long = "sha256", value_name = "HEX", value_parser = parse_sha256, help_heading = "Transfer")]
    pub sha256: Option<agcupload::Sha256Digest>,
    /// Keep the state of a multipart upload in this file (no secret in it): a rerun with the
    /// same file sends only the parts not yet finished. Removed when the upload finishes.
    #[arg(long, value_name = "PATH", help_heading = "Transfer")]
    pub resume_file: Option<PathBuf>,
}

/// See [`TransferArgs::transfer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TransferMode {
    /// Multipart for big files, one PUT for the others.
    Auto,
    /// Always one PUT.
    Single,
    /// Always AGC's multipart upload.
    Multipart,
}

impl FileArgs {
    /// The library's upload request for these arguments (the transfer options are set by
    /// [`TransferArgs::apply`]): an upload option of the library maps here, beside its flag.
    pub fn request(&self) -> agcupload::UploadRequest<'_> {
        // Always set once the arguments are resolved (`FileArgs::resolve`); an empty path is
        // refused by the upload as a missing file.
        let path = self.file.as_deref().unwrap_or(std::path::Path::new(""));
        let mut r = agcupload::UploadRequest::new(&self.app_id, path, self.kind.package_kind());
        r.file_name = self.file_name.as_deref();
        r.release_type = self.release_type;
        r.chinese_mainland = self.mainland;
        r
    }
}

impl FileArgs {
    /// With --bundle the one positional given is the file: move it there (the app id is then
    /// looked up, [`crate::listing`]). Both given with --bundle is a usage error.
    pub fn resolve(&mut self) -> Result<(), String> {
        if self.bundle.is_some() {
            if self.file.is_some() {
                return Err("with --bundle, give the file only (the app id is looked up)".into());
            }
            self.file = Some(PathBuf::from(std::mem::take(&mut self.app_id)));
        }
        Ok(())
    }
}

impl TransferArgs {
    /// Set the library's transfer options on `r`.
    pub fn apply<'a>(&'a self, r: &mut agcupload::UploadRequest<'a>) {
        if let Some(t) = self.transfer {
            r.transfer = match t {
                TransferMode::Auto => agcupload::Transfer::Auto,
                TransferMode::Single => agcupload::Transfer::Single,
                TransferMode::Multipart => agcupload::Transfer::Multipart,
            };
        }
        r.part_size = self.part_size;
        r.sha256 = self.sha256;
        r.resume_file = self.resume_file.as_deref();
    }
}

/// A size in bytes: digits, optionally followed by K, M or G (binary: KiB, MiB, GiB, with or
/// without the `iB`; case ignored).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let bad = || "must be a number of bytes, optionally with K, M or G (KiB, MiB, GiB), e.g. 8MiB".to_string();
    let t = s.trim();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 20 {
        return Err(bad());
    }
    let n: u64 = t[..digits].parse().map_err(|_| bad())?;
    let unit = t[digits..].trim_start().to_ascii_lowercase();
    let shift = match unit.as_str() {
        "" | "b" => 0,
        "k" | "kib" => 10,
        "m" | "mib" => 20,
        "g" | "gib" => 30,
        _ => return Err(bad()),
    };
    let v = n.checked_mul(1u64 << shift).ok_or_else(bad)?;
    if v == 0 {
        return Err("must be greater than zero".into());
    }
    Ok(v)
}

/// 64 hex digits, by the library's rule.
fn parse_sha256(s: &str) -> Result<agcupload::Sha256Digest, String> {
    agcupload::parse_sha256_hex(s).map_err(|e| e.to_string())
}

/// Package kinds on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// A HarmonyOS app (.app, at most 4 GiB).
    App,
    /// An atomic service (.app, at most 10 MiB).
    Atomic,
    /// A profile picture (.png, .jpg, .jpeg, .webp; sealed before upload).
    Picture,
}

impl Kind {
    pub fn package_kind(self) -> agcupload::PackageKind {
        match self {
            Kind::App => agcupload::PackageKind::HarmonyApp,
            Kind::Atomic => agcupload::PackageKind::AtomicService,
            Kind::Picture => agcupload::PackageKind::ProfilePicture,
        }
    }
}

/// The seal key: a file (or AGC_SEAL_KEY with 64 hex digits).
#[derive(Debug, Args)]
pub struct SealKeyArgs {
    /// A file holding exactly 32 key bytes (else AGC_SEAL_KEY: 64 hex digits).
    #[arg(long, env = "AGC_SEAL_KEY_FILE", value_name = "FILE")]
    pub seal_key_file: Option<PathBuf>,
}

/// How long and how often to wait for AGC to parse a package.
#[derive(Debug, Args)]
pub struct WaitArgs {
    /// Longest wait for AGC to parse the package, in minutes.
    #[arg(long, value_name = "MIN", default_value_t = agcupload::defaults::PARSE_TIMEOUT_MS / 60_000, value_parser = clap::value_parser!(u64).range(1..=1440))]
    pub timeout_min: u64,
    /// First wait between two status polls, in seconds (it doubles up to 30 s) [default: 5].
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub poll_interval: Option<u64>,
}

fn parse_release_phase(s: &str) -> Result<u32, String> {
    match s {
        "0" => Ok(0),
        "3" => Ok(3),
        _ => Err("must be 0 (full) or 3 (phased)".into()),
    }
}

fn parse_release_type(s: &str) -> Result<u32, String> {
    match s {
        "1" => Ok(1),
        "6" => Ok(6),
        _ => Err("must be 1 (full release) or 6 (HarmonyOS test release)".into()),
    }
}

/// `KEY=JSON`: an extra submit field, checked by the library's rules.
pub fn parse_submit_field(s: &str) -> Result<(String, serde_json::Value), String> {
    let (k, v) = s.split_once('=').ok_or("must be KEY=JSON, e.g. registeredIdType=1")?;
    agcupload::parse_submit_field(k, v).map(|v| (k.to_owned(), v)).map_err(|e| e.to_string())
}

/// `LANG=TEXT`: a text for one language.
pub fn parse_lang_text(s: &str) -> Result<(String, String), String> {
    let (l, t) = s.split_once('=').ok_or("must be LANG=TEXT, e.g. fr-FR=Mon appli")?;
    agcupload::check_language(l).map_err(|e| e.to_string())?;
    Ok((l.to_owned(), t.to_owned()))
}

/// A point in time as ms since 1970: all digits, or a UTC time the library accepts as a
/// release time (yyyy-MM-ddTHH:mm:ss+0000, `Z` or `+00:00`).
pub fn parse_instant_ms(s: &str) -> Result<u64, String> {
    if !s.is_empty() && s.len() <= 15 && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().map_err(|_| "not a number of milliseconds".to_string());
    }
    let bad = || "must be yyyy-MM-ddTHH:mm:ss+0000 (UTC) or milliseconds since 1970".to_string();
    let t = agcupload::normalize_release_time(s).map_err(|_| bad())?;
    // The library checked every field, so each parses and the date exists.
    let n = |r: std::ops::Range<usize>| t.get(r).and_then(|d| d.parse::<u8>().ok()).unwrap_or(0);
    let year = t.get(0..4).and_then(|d| d.parse::<i32>().ok()).unwrap_or(0);
    let date = time::Month::try_from(n(5..7))
        .and_then(|m| time::Date::from_calendar_date(year, m, n(8..10)))
        .and_then(|d| d.with_hms(n(11..13), n(14..16), n(17..19)))
        .map_err(|_| bad())?;
    let secs = date.assume_utc().unix_timestamp();
    u64::try_from(secs * 1000).map_err(|_| "before 1970".to_string())
}

fn parse_flag(s: &str) -> Result<bool, String> {
    match s {
        "0" => Ok(false),
        "1" => Ok(true),
        _ => Err("must be 0 or 1".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// Every command's long help, flattened to one line per option.
    fn all_help() -> String {
        let mut cmd = Cli::command();
        let mut out = cmd.render_long_help().to_string();
        for sub in cmd.get_subcommands_mut() {
            out.push_str(&sub.render_long_help().to_string());
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The defaults and limits the help states are the library's: a change there shows here, or
    /// fails this test until the help says it.
    #[test]
    fn the_help_states_the_library_defaults_and_limits() {
        use agcupload::{defaults as d, limits as l};
        const MIB: u64 = 1024 * 1024;
        let help = all_help();
        let (remark_min, remark_max) = l::REMARK_CHARS;
        let wants = [
            format!("Attempts in all for transient failures (1 to 100) [default: {}]", d::MAX_ATTEMPTS),
            format!("retries included, in minutes [default: {}]", d::RETRY_DEADLINE_MS / 60_000),
            format!("Connect timeout in seconds [default: {}]", d::CONNECT_TIMEOUT_MS / 1000),
            format!("single network read or write, in seconds [default: {}]", d::IO_TIMEOUT_MS / 1000),
            format!("(it doubles up to {} s) [default: {}]", d::POLL_MAX_MS / 1000, d::POLL_INITIAL_MS / 1000),
            format!("[default: start + {} days]", d::TEST_WINDOW_MS / (24 * 3600 * 1000)),
            format!("`auto`: multipart from {} MiB", agcupload::AUTO_MULTIPART_FROM / MIB),
            format!("[default: AGC's minimum, {} MiB]", l::PART_MIN_SIZE / MIB),
            format!("A note to the reviewers, {remark_min} to {remark_max} characters"),
            format!("The test version's description, 1 to {} characters", l::MAX_TEST_DESC),
            format!("at most {} characters each", l::MAX_NEW_FEATURES),
            format!("(.app, at most {} GiB)", l::HARMONY_APP_MAX / (1024 * MIB)),
            format!("(.app, at most {} MiB)", l::ATOMIC_SERVICE_MAX / MIB),
        ];
        for want in wants {
            assert!(help.contains(&want), "the help does not say '{want}'");
        }
        // Defaults clap prints itself come from the library too.
        assert!(help.contains(&format!("[default: {}]", d::PARSE_TIMEOUT_MS / 60_000)), "{help}");
    }

    #[test]
    fn strict_values() {
        assert_eq!(parse_release_type("6"), Ok(6));
        for bad in ["6x", "2", "", " 1", "01"] {
            assert!(parse_release_type(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_flag("0"), Ok(false));
        assert_eq!(parse_instant_ms("0"), Ok(0));
        assert_eq!(parse_instant_ms("1700000000123"), Ok(1_700_000_000_123));
        assert_eq!(parse_instant_ms("1970-01-01T00:00:00+0000"), Ok(0));
        assert_eq!(parse_instant_ms("2000-03-01T00:00:01Z"), Ok(951_868_801_000));
        assert_eq!(parse_instant_ms("2031-05-06T07:08:09+0000"), Ok(1_935_817_689_000));
        for bad in ["", "12x", "2031-05-06 07:08:09", "2031-02-30T00:00:00+0000", "2031-05-06T07:08:09+0800"] {
            assert!(parse_instant_ms(bad).is_err(), "{bad}");
        }
        assert!(parse_flag("yes").is_err());
        assert_eq!(parse_size("8MiB"), Ok(8 << 20));
        assert_eq!(parse_size("8m"), Ok(8 << 20));
        assert_eq!(parse_size("1 GiB"), Ok(1 << 30));
        assert_eq!(parse_size("5242880"), Ok(5 << 20));
        assert_eq!(parse_size("64K"), Ok(64 << 10));
        for bad in ["", "0", "MiB", "8TB", "8 MB", "-1", "99999999999999999999G", "1.5MiB"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
        assert!(parse_sha256(&"ab".repeat(32)).is_ok());
        assert!(parse_sha256(&"ab".repeat(31)).is_err());
    }
}

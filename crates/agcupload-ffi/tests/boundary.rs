//! The shape the boundary's guarantees rest on, read from the sources: every exported function
//! is one `ffi!` invocation (so none skips the panic guard, the argument checks or the
//! out-pointer reset), and the Rust library holds no C.

use std::fs;
use std::path::{Path, PathBuf};

/// How every exported function's signature reads (the callback type's `extern "C" fn` does not).
const EXPORT: &str = "extern \"C\" fn agc_";

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The first statement of each `extern "C"` function's body, by function name.
fn export_bodies(src: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = src;
    while let Some(at) = rest.find(EXPORT) {
        let after = &rest[at + EXPORT.len() - "agc_".len()..];
        let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        // The body opens at the first `{` after the parameter list's closing parenthesis.
        let mut depth = 0usize;
        let mut close = None;
        for (i, ch) in after.char_indices() {
            match ch {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let after_params = &after[close.expect("a parameter list") + 1..];
        let body = &after_params[after_params.find('{').expect("a body") + 1..];
        let first = body.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with("//")).unwrap_or("");
        found.push((name, first.to_owned()));
        rest = body;
    }
    found
}

#[test]
fn every_exported_function_is_one_boundary_invocation() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut exports = 0;
    for file in rust_files(&src) {
        let text = fs::read_to_string(&file).unwrap();
        assert_eq!(
            text.matches("#[no_mangle]").count(),
            text.matches(EXPORT).count(),
            "{}: an export without #[no_mangle], or the reverse",
            file.display()
        );
        for (name, first) in export_bodies(&text) {
            exports += 1;
            let through_boundary = first.starts_with("ffi!(") || first.starts_with("let _ = ffi!(");
            assert!(through_boundary, "{}: {name} does not start with ffi!: {first}", file.display());
        }
    }
    assert!(exports > 50, "only {exports} exports found: is the scan broken?");
}

#[test]
fn the_rust_library_holds_no_c() {
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("../agcupload/src");
    let files = rust_files(&lib);
    assert!(files.len() > 10, "the library's sources are not where this test looks");
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        for c_ism in ["extern \"C\"", "no_mangle", "repr(C)", "\\0\""] {
            assert!(!text.contains(c_ism), "{} holds {c_ism}", file.display());
        }
    }
}

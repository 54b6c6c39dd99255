//! Gives the shared library a versioned name the dynamic linker can check (the SONAME).
//!
//! Rule (the same as cargo-c's): for 0.y.z the ABI is `0.y`, so the SONAME is
//! `libagcupload.so.0.y`; from 1.0 on it is `libagcupload.so.MAJOR`. `make install` installs
//! `libagcupload.so.X.Y.Z` with the SONAME link and `libagcupload.so` pointing at it.
//! Only Linux and macOS (untested) get one; other targets keep the linker's default.

use std::env;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let major = env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_default();
    let minor = env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_default();
    let abi = if major == "0" { format!("0.{minor}") } else { major };
    match env::var("CARGO_CFG_TARGET_OS").as_deref() {
        Ok("linux") => println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libagcupload.so.{abi}"),
        Ok("macos") => {
            println!("cargo:rustc-cdylib-link-arg=-Wl,-install_name,@rpath/libagcupload.{abi}.dylib")
        }
        _ => {}
    }
}

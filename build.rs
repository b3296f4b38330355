//! Sets the shared library's soname. It writes nothing into the source tree: the committed
//! C and PHP headers are generated and checked for drift by tests/header.rs.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // ---- Soname: cargo gives a Linux cdylib none, so a program linked against it would record
    // the bare libwxpresign.so. libwxpresign.so.<major> (.so.0 for every 0.x release) names the
    // ABI, which only grows within a major version; `make install` (Makefile) installs
    // libwxpresign.so.<version> with the .so.<major> and .so links. Checked by tests/c_package.rs.
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if matches!(
        os.as_str(),
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd" | "dragonfly"
    ) {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets the version");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libwxpresign.so.{major}");
    }
    // ---- end of the soname.
}

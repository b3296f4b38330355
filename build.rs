//! Sets the shared library's soname and keeps it loaded once opened. It writes nothing into the source tree: the committed
//! C and PHP headers are generated and checked for drift by tests/header.rs.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // ---- Soname: cargo gives a Linux cdylib none, so a program linked against it would record
    // the bare libwxpresign.so. libwxpresign.so.<major> (.so.0 for every 0.x release) names the
    // ABI, which only grows within a major version; `make install` (Makefile) installs
    // libwxpresign.so.<version> with the .so.<major> and .so links. Checked by
    // sandbox/tests/c_package.rs.
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if matches!(
        os.as_str(),
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd" | "dragonfly"
    ) {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets the version");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libwxpresign.so.{major}");
        // ---- Never unloaded: PHP's FFI closes (dlclose) a library opened by FFI::cdef at the
        // end of every request, while the shared clients (src/registry.rs) still hold open
        // connections and memory that only the library knows of. Unloaded, each request would
        // leak a socket and its memory and open a new connection. With DF_1_NODELETE the loader
        // keeps the library, and its shared clients, until the process exits. Checked by
        // tests/php_fpm.rs.
        println!("cargo:rustc-cdylib-link-arg=-Wl,-z,nodelete");
    }
    // ---- end of the soname and of nodelete.
}

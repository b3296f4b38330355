//! Generates include/wxpresign.h from src/ffi.rs. The header is committed; the test suite
//! fails when the committed copy differs from what this generates.

fn main() {
    println!("cargo:rerun-if-changed=src/ffi.rs");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let config = cbindgen::Config::from_file(format!("{dir}/cbindgen.toml"))
        .expect("cbindgen.toml is valid");
    match cbindgen::Builder::new()
        .with_crate(&dir)
        .with_config(config)
        .generate()
    {
        Ok(bindings) => {
            bindings.write_to_file(format!("{dir}/include/wxpresign.h"));
        }
        // A syntax error in the crate is reported by rustc itself, with a better message.
        Err(e) => println!("cargo:warning=cbindgen could not generate include/wxpresign.h: {e}"),
    }

    // ---- PHP binding: bindings/php/include/wxpresign.h, the same declarations without the
    // preprocessor lines PHP's FFI::cdef refuses. Committed and checked for drift like the C
    // header (tests/php_binding.rs).
    println!("cargo:rerun-if-changed=bindings/php/cbindgen.toml");
    let php_config = cbindgen::Config::from_file(format!("{dir}/bindings/php/cbindgen.toml"))
        .expect("bindings/php/cbindgen.toml is valid");
    match cbindgen::Builder::new()
        .with_crate(&dir)
        .with_config(php_config)
        .generate()
    {
        Ok(bindings) => {
            bindings.write_to_file(format!("{dir}/bindings/php/include/wxpresign.h"));
        }
        Err(e) => println!(
            "cargo:warning=cbindgen could not generate bindings/php/include/wxpresign.h: {e}"
        ),
    }
    // ---- end of the PHP binding.

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

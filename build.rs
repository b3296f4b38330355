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
}

//! The README's Composer commands, as a new user runs them: in a fresh project, the path
//! repository of bindings/php, then `composer require wxpresign/wxpresign` with no version, then
//! `vendor/autoload.php` and a client making one call. Packagist is disabled and Composer kept
//! offline, so only the path repository can answer. Needs php-cli and composer (`make test`
//! installs them).
#![cfg(target_os = "linux")]

use crate::common;

use common::process::{Scratch, run, shared_library};
use common::{EDU, example, sandbox};
use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `composer ARGS` in `project`, offline, with a Composer home of its own; returns its output.
fn composer(project: &Path, args: &[&str]) -> String {
    let mut command = Command::new("composer");
    command
        .args(args)
        .arg("--no-interaction")
        .current_dir(project)
        .env("COMPOSER_HOME", project.join(".composer-home"))
        .env("COMPOSER_ALLOW_SUPERUSER", "1")
        .env("COMPOSER_NO_AUDIT", "1")
        .env("COMPOSER_DISABLE_NETWORK", "1");
    let (status, output, _) = run(command, Duration::from_secs(120));
    assert!(
        status.success(),
        "composer {args:?} failed in a new project:\n{output}"
    );
    output
}

#[test]
fn the_readme_composer_commands_install_the_package() {
    let fx = sandbox();
    let scratch = Scratch::new("composer-project");
    let project = scratch.0.join("app");
    std::fs::create_dir_all(&project).unwrap();
    let library = shared_library(&scratch.0).join("libwxpresign.so");
    std::fs::write(project.join("composer.json"), "{}\n").unwrap();
    composer(&project, &["config", "repo.packagist", "false"]);
    // The README's two commands, word for word but for the checkout's path.
    let package = manifest().join("bindings/php");
    let package = package.to_str().expect("a UTF-8 checkout path");
    composer(
        &project,
        &["config", "repositories.wxpresign", "path", package],
    );
    let output = composer(&project, &["require", "wxpresign/wxpresign"]);
    println!("{output}");

    std::fs::write(project.join("client.json"), fx.config.to_string()).unwrap();
    std::fs::write(project.join("request.json"), example(EDU).to_string()).unwrap();
    let script = format!(
        "require 'vendor/autoload.php';\n\
         $client = new Wxpresign\\Client('client.json');\n\
         $request = json_decode(file_get_contents('request.json'), true);\n\
         echo json_encode($client->chain('{EDU}')->post(['json' => $request]));\n"
    );
    let mut php = Command::new("php");
    php.args(["-r", &script])
        .current_dir(&project)
        .env("WXPRESIGN_LIBRARY", &library);
    let (status, output, _) = run(php, Duration::from_secs(60));
    assert!(status.success(), "the installed package failed:\n{output}");
    let answer: Value = serde_json::from_str(output.trim())
        .unwrap_or_else(|_| panic!("not the answer's JSON:\n{output}"));
    assert_eq!(answer["status"], 200, "{answer}");
}

#[test]
fn the_composer_package_has_the_crate_version() {
    // A path repository takes the package's version from composer.json; without one, Composer
    // sees a dev version that `composer require` with no constraint refuses.
    let text = std::fs::read_to_string(manifest().join("bindings/php/composer.json")).unwrap();
    let package: Value = serde_json::from_str(&text).expect("composer.json is JSON");
    assert_eq!(
        package["version"],
        env!("CARGO_PKG_VERSION"),
        "bindings/php/composer.json's version must be Cargo.toml's"
    );
}

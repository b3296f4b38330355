//! A real browser for the tests of the sandbox's pages: chromedriver with one headless
//! Chromium session, driven through the WebDriver API, both stopped on drop.
#![cfg(target_os = "linux")]

use crate::common::process::Group;
use serde_json::{Value, json};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// chromedriver with one headless Chromium session, both stopped on drop.
pub struct Browser {
    driver: Option<Group>,
    base: String,
    session: String,
    agent: ureq::Agent,
}

impl Browser {
    pub fn start() -> Browser {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut command = Command::new("chromedriver");
        command
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let driver = Group::spawn(command, libc::SIGTERM)
            .expect("chromedriver runs (tests/setup.sh installs chromium-driver)");
        let agent: ureq::Agent = ureq::config::Config::builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while agent.get(format!("{base}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile =
            std::env::temp_dir().join(format!("wxpresign-chromium-{}", std::process::id()));
        let mut browser = Browser {
            driver: Some(driver),
            base,
            session: String::new(),
            agent,
        };
        // The flags this machine's Chromium needs to start headless as root without a network.
        let created = browser.send(
            "POST",
            "/session",
            json!({ "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": "/usr/bin/chromium",
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        "--window-size=420,820",
                        format!("--user-data-dir={}", profile.display()),
                    ],
                },
            }}}),
        );
        browser.session = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no browser session: {created}"))
            .to_owned();
        // Finding an element waits up to 5 s for it, so a page still loading is not read as
        // one without it.
        browser.command(
            "POST",
            "/timeouts",
            json!({ "implicit": 5000, "pageLoad": 30000 }),
        );
        browser
    }

    /// One WebDriver command; returns its `value`.
    pub fn send(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.base);
        let mut answer = match method {
            "GET" => self.agent.get(&url).call(),
            "DELETE" => self.agent.delete(&url).call(),
            _ => self
                .agent
                .post(&url)
                .header("Content-Type", "application/json")
                .send(body.to_string()),
        }
        .expect("chromedriver answers");
        let text = answer.body_mut().read_to_string().expect("an answer body");
        let value: Value = serde_json::from_str(&text).expect("WebDriver JSON");
        value["value"].clone()
    }

    pub fn command(&self, method: &str, path: &str, body: Value) -> Value {
        self.send(method, &format!("/session/{}{path}", self.session), body)
    }

    /// Navigates to `url` and waits until the browser is there.
    pub fn open(&self, url: &str) {
        self.command("POST", "/url", json!({ "url": url }));
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.url() != url {
            assert!(Instant::now() < deadline, "the browser did not reach {url}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn url(&self) -> String {
        self.command("GET", "/url", json!({}))
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn element(&self, css: &str) -> Option<String> {
        let found = self.command(
            "POST",
            "/element",
            json!({ "using": "css selector", "value": css }),
        );
        // W3C WebDriver names an element by this key; an error has none.
        found["element-6066-11e4-a52e-4f735466cecf"]
            .as_str()
            .map(str::to_owned)
    }

    pub fn text(&self, css: &str) -> String {
        let id = self
            .element(css)
            .unwrap_or_else(|| panic!("no {css} on {}", self.url()));
        self.command("GET", &format!("/element/{id}/text"), json!({}))
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn click(&self, css: &str) {
        let id = self
            .element(css)
            .unwrap_or_else(|| panic!("no {css} on {}", self.url()));
        self.command("POST", &format!("/element/{id}/click"), json!({}));
    }

    pub fn title(&self) -> String {
        self.command("GET", "/title", json!({}))
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Whether a JavaScript alert is open (markup in a value ran).
    pub fn alert_open(&self) -> bool {
        self.command("GET", "/alert/text", json!({})).is_string()
    }

    /// Sets the window's size, for a page wider than a phone's.
    pub fn resize(&self, width: u32, height: u32) {
        self.command(
            "POST",
            "/window/rect",
            json!({ "width": width, "height": height }),
        );
    }

    pub fn screenshot(&self, path: &std::path::Path) {
        use base64::Engine;
        let png = self.command("GET", "/screenshot", json!({}));
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap_or_default())
            .expect("a Base64 PNG");
        std::fs::write(path, bytes).expect("the screenshot is written");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.send("DELETE", &format!("/session/{}", self.session), json!({}));
        }
        // chromedriver and every Chromium process it started.
        drop(self.driver.take());
    }
}

//! The web UI in a real browser: headless Chromium driven through Debian's `chromedriver`
//! (WebDriver, with fantoccini), against the real `bureau` binary.
//!
//! What is checked: logging in through the token link; creating a meeting through the form
//! and seeing the double booking it makes beside it; switching the language (and the layout
//! turning right to left); every page in each of the six languages, Arabic laid out right to
//! left at both widths; a change made on a second node appearing on an open page without
//! a reload, without moving the focus or touching what is being typed; resolving a conflict
//! through the page; saving a form opened before a peer's change (their change kept, a field
//! both changed asked about); and no serious or critical accessibility violation (axe-core) on any
//! page. Every page is also photographed at laptop and phone widths into
//! `target/screenshots/`, so that anyone can look at them.
//!
//! `scripts/test` installs Chromium and its driver when they are missing. Without
//! `chromedriver` these tests fail with that advice; `BUREAU_SKIP_BROWSER_TESTS=1` skips them.
//! They run one at a time (a browser is heavy on a 2-core machine).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::support::{Node, join_ok, wait_until};

/// One browser test at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// How long a page, a live update or a sync may take on a busy CI machine.
const DEADLINE: Duration = Duration::from_secs(30);

/// The axe-core build vendored for these tests (MPL-2.0, licence header kept).
const AXE: &str = include_str!("../vendor/axe.min.js");

/// Laptop and phone viewports for the screenshots.
const WIDTHS: [(&str, u32, u32); 2] = [("laptop", 1366, 900), ("phone", 390, 844)];

/// Runs `body` with a fresh browser session, one test at a time; skips or fails when there is
/// no chromedriver.
fn with_browser<F, Fut>(name: &str, body: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let Some(driver) = Driver::start() else {
        eprintln!("SKIPPED {name}: BUREAU_SKIP_BROWSER_TESTS=1");
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let browser = Browser::connect(&driver).await;
        let client = browser.client.clone();
        body(browser).await;
        let _ = client.close().await;
    });
    drop(driver);
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// `chromedriver` on a free loopback port, killed on drop.
struct Driver {
    child: Child,
    port: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Driver {
    fn start() -> Option<Driver> {
        if std::env::var("BUREAU_SKIP_BROWSER_TESTS").as_deref() == Ok("1") {
            return None;
        }
        let Some(bin) = find_on_path("chromedriver") else {
            panic!(
                "chromedriver is not installed, so the browser tests cannot run. Run scripts/test, \
                 which installs Debian's chromium and chromium-driver when they are missing \
                 (or: apt-get install chromium chromium-driver). To skip these tests, set \
                 BUREAU_SKIP_BROWSER_TESTS=1."
            );
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let dir = tempfile::tempdir().expect("a temp dir for chromedriver");
        let log = dir.path().join("chromedriver.log");
        let child = Command::new(bin)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting chromedriver");
        Some(Driver {
            child,
            port,
            log,
            _dir: dir,
        })
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            let tail: String = log
                .lines()
                .rev()
                .take(40)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n");
            eprintln!("chromedriver log (end):\n{tail}");
        }
    }
}

/// A WebDriver session and where its screenshots go.
struct Browser {
    client: Client,
    shots: PathBuf,
    /// The profile directory, when this session made its own (removed with it).
    _profile: Option<tempfile::TempDir>,
}

/// Where the page's parts sit, as [`Browser::assert_direction`] reads them: the document's
/// `dir` and the body's computed direction; the side of the screen the header's icon (the
/// first thing in the header) is on; the order of the first two navigation links; and the side
/// of its box the `h1`'s first line starts on (`either` when the line fills the box).
const DIRECTION: &str = r#"
const w = document.documentElement.clientWidth;
const box = e => e.getBoundingClientRect();
const side = e => { const b = box(e); return (w - b.right) < b.left ? 'right' : 'left'; };
const icon = document.querySelector('header .brand img');
const links = [...document.querySelectorAll('#nav a')];
let nav = 'missing';
if (links.length >= 2) {
  const a = box(links[0]), b = box(links[1]);
  nav = Math.abs(a.top - b.top) < 2 ? (a.left > b.left ? 'rtl' : 'ltr') : (side(links[0]) === 'right' ? 'rtl' : 'ltr');
}
const h1 = document.querySelector('main h1');
let heading = 'missing';
if (h1) {
  const range = document.createRange();
  range.selectNodeContents(h1);
  // The first line is every fragment at the top (a line of mixed directions is several).
  const rects = [...range.getClientRects()].filter(r => r.width > 0);
  const top = Math.min(...rects.map(r => r.top));
  const line = rects.filter(r => r.top < top + 2);
  const b = box(h1);
  const before = b.right - Math.max(...line.map(r => r.right));
  const after = Math.min(...line.map(r => r.left)) - b.left;
  heading = (before < 2 && after < 2) ? 'either' : (before < after ? 'right' : 'left');
}
return {
  dir: document.documentElement.dir,
  direction: getComputedStyle(document.body).direction,
  icon: icon ? side(icon) : 'missing',
  nav,
  heading,
};
"#;

/// `target/screenshots`, next to the binaries this test was built into.
fn screenshot_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows its executable");
    // target/<profile>/deps/it-HASH → target
    let target = exe
        .ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).expect("creating target/screenshots");
    dir
}

impl Browser {
    async fn connect(driver: &Driver) -> Browser {
        let profile = tempfile::tempdir().expect("a browser profile directory");
        let mut browser = Browser::connect_in(driver, profile.path()).await;
        browser._profile = Some(profile);
        browser
    }

    /// A session of Chromium on the profile in `profile` (cookies and all), which outlives it.
    async fn connect_in(driver: &Driver, profile: &Path) -> Browser {
        let args = json!([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--lang=en-GB",
            "--window-size=1366,900",
            format!("--user-data-dir={}", profile.display()),
        ]);
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".to_owned(), json!("chrome"));
        caps.insert("goog:chromeOptions".to_owned(), json!({ "args": args }));
        let url = format!("http://127.0.0.1:{}", driver.port);
        let until = Instant::now() + DEADLINE;
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => break c,
                Err(e) if Instant::now() < until => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("no WebDriver session from chromedriver within {DEADLINE:?}: {e}"),
            }
        };
        client
            .update_timeouts(TimeoutConfiguration::new(
                Some(Duration::from_secs(60)),
                Some(Duration::from_secs(60)),
                Some(Duration::ZERO),
            ))
            .await
            .expect("setting timeouts");
        Browser {
            client,
            shots: screenshot_dir(),
            _profile: None,
        }
    }

    async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("opening {url}: {e}"));
    }

    async fn js(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("running {script:?}: {e}"))
    }

    async fn text(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
            .text()
            .await
            .expect("element text")
    }

    /// Waits until `script` (an expression) is truthy; fails with `what` after the deadline.
    async fn wait_until(&self, what: &str, script: &str) -> Duration {
        let start = Instant::now();
        loop {
            let v = self.js(&format!("return !!({script});")).await;
            if v == json!(true) {
                return start.elapsed();
            }
            if start.elapsed() > DEADLINE {
                let body = self
                    .js("return document.body ? document.body.innerText : ''")
                    .await;
                panic!("{what}: not true after {DEADLINE:?}: {script}\npage text:\n{body}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Runs axe-core on the page; returns the serious and critical violations (and prints
    /// the others).
    async fn axe(&self, label: &str) -> Vec<String> {
        self.js(&format!("{AXE}\nreturn true;")).await;
        let res = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                axe.run(document, {
                    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
                    resultTypes: ['violations']
                }).then(r => done(r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\s+/g, ' '))
                })))).catch(e => done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]));"#,
                vec![],
            )
            .await
            .unwrap_or_else(|e| panic!("axe on {label}: {e}"));
        let mut bad = Vec::new();
        for v in res.as_array().cloned().unwrap_or_default() {
            let line = format!(
                "{label}: {} ({}): {} {}",
                v["id"].as_str().unwrap_or_default(),
                v["impact"].as_str().unwrap_or_default(),
                v["help"].as_str().unwrap_or_default(),
                v["nodes"]
            );
            if matches!(v["impact"].as_str(), Some("serious" | "critical")) {
                bad.push(line);
            } else {
                eprintln!("axe (not failing): {line}");
            }
        }
        bad
    }

    /// The page reads right to left (`rtl`) or left to right: the document's direction, the
    /// header's icon on that side, the navigation's first link before the second in that
    /// direction, and the heading starting on that side.
    async fn assert_direction(&self, what: &str, rtl: bool) {
        let got = self.js(DIRECTION).await;
        let heading = got["heading"].as_str().unwrap_or_default();
        let (dir, side) = if rtl {
            ("rtl", "right")
        } else {
            ("ltr", "left")
        };
        assert!(
            got["dir"] == json!(dir)
                && got["direction"] == json!(dir)
                && got["icon"] == json!(side)
                && got["nav"] == json!(dir)
                && (heading == side || heading == "either"),
            "{what} is not laid out {dir}: {got}"
        );
    }

    /// Full-page screenshots at laptop and phone widths, as `NAME-laptop.png` and
    /// `NAME-phone.png`.
    async fn screenshots(&self, name: &str) {
        self.shoot(name, None).await;
    }

    /// The screenshots, and at each width the page laid out in its language's direction:
    /// right to left for Arabic (`rtl`), left to right otherwise.
    async fn screenshots_in_direction(&self, name: &str, rtl: bool) {
        self.shoot(name, Some(rtl)).await;
    }

    async fn shoot(&self, name: &str, rtl: Option<bool>) {
        for (tag, width, height) in WIDTHS {
            self.client
                .set_window_size(width, height)
                .await
                .expect("resizing the window");
            let full = self
                .js("return Math.ceil(document.documentElement.scrollHeight)")
                .await
                .as_u64()
                .unwrap_or(u64::from(height));
            let full = u32::try_from(full).unwrap_or(height).clamp(height, 7000);
            self.client
                .set_window_size(width, full)
                .await
                .expect("resizing the window to the page");
            let inner = self.js("return window.innerWidth").await;
            assert_eq!(inner, json!(width), "the {tag} viewport is {width} wide");
            let png = self.client.screenshot().await.expect("a screenshot");
            let path = self.shots.join(format!("{name}-{tag}.png"));
            std::fs::write(&path, png)
                .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
            if let Some(rtl) = rtl {
                self.assert_direction(&format!("{name} at {tag} width"), rtl)
                    .await;
            }
            // Nothing sticks out sideways: wide tables scroll in their own region or stack.
            let wide = self
                .js(
                    "const w = document.documentElement.clientWidth;
                     if (document.documentElement.scrollWidth <= w) return [];
                     return [...document.querySelectorAll('body *')]
                       .filter(e => { const r = e.getBoundingClientRect(); return r.right > w + 1 || r.left < -1; })
                       .slice(0, 8)
                       .map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().width));",
                )
                .await;
            assert_eq!(
                wide,
                json!([]),
                "{name} at {tag} width is wider than the screen"
            );
        }
        self.client
            .set_window_size(1366, 900)
            .await
            .expect("resizing the window back");
    }
}

fn url(node: &Node, path: &str) -> String {
    format!("http://{}{path}", node.host())
}

/// Logs in through the link the node prints, and checks the overview answers.
async fn log_in(b: &Browser, node: &Node) {
    b.goto(&url(node, &format!("/?token={}", node.token))).await;
    let here = b.client.current_url().await.expect("current url");
    assert_eq!(here.path(), "/", "the login link redirects to the overview");
    assert!(
        here.query().is_none(),
        "the token leaves the address bar: {here}"
    );
    assert_eq!(b.text("h1").await, "Overview");
    let cookies = b.js("return document.cookie").await;
    assert!(
        !cookies
            .as_str()
            .unwrap_or_default()
            .contains("bureau_session"),
        "the session cookie is HttpOnly: {cookies}"
    );
}

/// Today's meetings of the demo bureau, `(id, title, room_id, date)`.
fn demo_meetings(node: &Node) -> Vec<(String, String, String, String)> {
    node.get("/api/meetings")
        .expect(200)
        .as_array()
        .expect("a list")
        .iter()
        .map(|m| {
            let s = |k: &str| m[k].as_str().unwrap_or_default().to_owned();
            (
                s("id"),
                s("title"),
                s("room_id"),
                s("start")[..10].to_owned(),
            )
        })
        .collect()
}

fn first_id(node: &Node, collection: &str) -> String {
    node.get(&format!("/api/{collection}")).expect(200)[0]["id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

/// The UI's languages: the code `?lang=` takes and the tag `<html lang>` carries.
const LANGUAGES: [(&str, &str); 6] = [
    ("en", "en"),
    ("fr", "fr"),
    ("es", "es"),
    ("ru", "ru"),
    ("zh", "zh-Hans"),
    ("ar", "ar"),
];

/// `path` with `lang=code` added to its query.
fn with_lang(path: &str, code: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}lang={code}")
}

/// Every page of the demo bureau, `(name, path)`.
fn every_page(node: &Node) -> Vec<(&'static str, String)> {
    let meeting = demo_meetings(node)
        .into_iter()
        .find(|m| m.1 == "Gender Caucus strategy session")
        .expect("the demo meeting with a clash")
        .0;
    let day = node.get(&format!("/api/meetings/{meeting}")).expect(200)["start"]
        .as_str()
        .unwrap()[..10]
        .to_owned();
    let review = first_id(node, "reviews");
    let interpreter = first_id(node, "interpreters");
    vec![
        ("overview", "/".to_owned()),
        ("roster", "/roster".to_owned()),
        (
            "group",
            format!("/roster/groups/{}", first_id(node, "groups")),
        ),
        (
            "member",
            format!("/roster/members/{}", first_id(node, "members")),
        ),
        ("review", format!("/roster/reviews/{review}")),
        ("schedule-timetable", format!("/schedule?day={day}")),
        ("schedule-list", format!("/schedule?day={day}&view=list")),
        ("meeting", format!("/schedule/meetings/{meeting}")),
        ("meeting-new", "/schedule/meetings/new".to_owned()),
        (
            "room",
            format!("/schedule/rooms/{}", first_id(node, "rooms")),
        ),
        ("liaison", "/liaison".to_owned()),
        (
            "note",
            format!("/liaison/notes/{}", first_id(node, "notes")),
        ),
        ("report", "/liaison/report".to_owned()),
        ("conflicts", "/conflicts".to_owned()),
        ("history", format!("/history/meeting/{meeting}")),
        ("peers", "/peers".to_owned()),
        ("settings", "/settings".to_owned()),
        ("agenda", "/agenda".to_owned()),
        ("search-results", "/search?q=caucus".to_owned()),
        (
            "body",
            format!("/liaison/bodies/{}", first_id(node, "bodies")),
        ),
        ("join", "/join".to_owned()),
        ("documents", "/documents".to_owned()),
        (
            "document",
            format!("/documents/{}", first_id(node, "documents")),
        ),
        (
            "document-edit",
            format!("/documents/{}/edit", first_id(node, "documents")),
        ),
        ("interpretation", format!("/interpretation?date={day}")),
        (
            "interpretation-sheet",
            format!("/interpretation/sheet?date={day}"),
        ),
        (
            "interpreter",
            format!("/interpretation/interpreters/{interpreter}"),
        ),
        (
            "interpreter-day",
            format!("/interpretation/interpreters/{interpreter}/day?date={day}"),
        ),
        (
            "interpreter-new",
            "/interpretation/interpreters/new".to_owned(),
        ),
        ("seats", format!("/interpretation/meetings/{meeting}")),
        ("not-found", "/no/such/page".to_owned()),
    ]
}

/// Every page in each of the six languages, on one node and one browser: no serious
/// accessibility violation, screenshots at both widths (`NAME-laptop.png` in English,
/// `NAME-LANG-laptop.png` in the others), and at both widths each page laid out in its
/// language's direction: Arabic right to left, the others left to right. The first page of
/// each language chooses it with `?lang=`; the cookie that sets carries it to the others.
#[test]
fn every_page_in_every_language_at_two_widths_with_no_serious_accessibility_violation() {
    with_browser("pages", |b| async move {
        let tmp = tempfile::tempdir().unwrap();
        let node = Node::start(&tmp.path().join("a"), &["--demo"]);
        log_in(&b, &node).await;
        let pages = every_page(&node);
        let mut violations = Vec::new();
        for (code, tag) in LANGUAGES {
            for (i, (name, path)) in pages.iter().enumerate() {
                let path = if i == 0 {
                    with_lang(path, code)
                } else {
                    path.clone()
                };
                b.goto(&url(&node, &path)).await;
                b.wait_until(name, "document.readyState === 'complete'")
                    .await;
                assert_eq!(
                    b.js("return document.documentElement.lang").await,
                    json!(tag),
                    "{name} in {code}"
                );
                let shot = if code == "en" {
                    (*name).to_owned()
                } else {
                    format!("{name}-{code}")
                };
                violations.extend(b.axe(&shot).await);
                b.screenshots_in_direction(&shot, code == "ar").await;
            }
        }
        b.goto(&url(&node, "/?lang=en")).await;
        // A form refused by the server: the errors, with the keyboard taken to them.
        b.goto(&url(&node, "/schedule/meetings/new")).await;
        b.client
            .find(Locator::Css("form.record button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        b.wait_until(
            "the error summary",
            "document.getElementById('error-summary')",
        )
        .await;
        b.wait_until(
            "focus on the error summary",
            "document.activeElement && document.activeElement.id === 'error-summary'",
        )
        .await;
        assert!(b.text("#f-title-error").await.contains("Fill this in"));
        violations.extend(b.axe("meeting-form-errors").await);
        b.screenshots("meeting-form-errors").await;
        assert!(
            violations.is_empty(),
            "serious or critical accessibility violations:\n{}",
            violations.join("\n")
        );
    });
}

#[test]
fn a_new_meeting_shows_its_double_booking_beside_it() {
    with_browser("meeting form", |b| async move {
        let tmp = tempfile::tempdir().unwrap();
        let node = Node::start(&tmp.path().join("a"), &["--demo"]);
        log_in(&b, &node).await;
        let (_, other, room, day) = demo_meetings(&node)
            .into_iter()
            .find(|m| m.1 == "Bureau morning coordination")
            .expect("a demo meeting at 08:30");
        b.goto(&url(&node, &format!("/schedule/meetings/new?day={day}")))
            .await;
        let title = b.client.find(Locator::Id("f-title")).await.unwrap();
        title.send_keys("Press briefing").await.unwrap();
        // Date and time inputs take keys in the browser's locale; set them as a script would.
        b.js(&format!(
            "document.getElementById('f-date').value = '{day}';
             document.getElementById('f-start').value = '09:00';
             document.getElementById('f-end').value = '10:00'; return true;"
        ))
        .await;
        b.client
            .find(Locator::Id("f-room_id"))
            .await
            .unwrap()
            .select_by_value(&room)
            .await
            .unwrap();
        b.client
            .find(Locator::Css("#f-languages input[value=en]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        b.client
            .find(Locator::Id("f-agenda"))
            .await
            .unwrap()
            .send_keys("1. Statement\n2. Questions")
            .await
            .unwrap();
        b.client
            .find(Locator::Css("form.record button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        b.wait_until(
            "the meeting page after creating it",
            "location.pathname.startsWith('/schedule/meetings/') && !location.pathname.endsWith('/new') && document.querySelector('h1').textContent === 'Press briefing'",
        )
        .await;
        let beside = b.text("#meeting-findings").await;
        assert!(
            beside.contains("is booked twice") && beside.contains(&other),
            "the double booking with {other:?} is shown beside the new meeting: {beside}"
        );
        assert!(b.text(".notice").await.contains("Created"));
        b.screenshots("meeting-created").await;
        let id = b
            .js("return location.pathname.split('/').pop()")
            .await
            .as_str()
            .expect("the meeting's id")
            .to_owned();
        // In the timetable, the meeting covers its hour (four quarter-hour rows) in its room,
        // marked, beside the meeting it overlaps.
        b.goto(&url(&node, &format!("/schedule?day={day}"))).await;
        let cell = b
            .js(&format!(
                "const a = document.querySelector('#timetable a[href=\"/schedule/meetings/{id}\"]');
                 const td = a && a.closest('td');
                 const th = document.querySelector('#timetable a[href=\"/schedule/rooms/{room}\"]').closest('th');
                 return td && [td.rowSpan, td.classList.contains('flagged'), th.colSpan, td.getBoundingClientRect().height > 60];"
            ))
            .await;
        assert_eq!(
            cell,
            json!([4, true, 2, true]),
            "rowspan, flagged, the room's two lanes, an hour tall"
        );
        b.screenshots("timetable-after-create").await;
        // The API agrees.
        let findings = node.get("/api/findings").expect(200);
        assert!(
            findings
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["kind"] == "room-double-booked"
                    && f["message"]
                        .as_str()
                        .unwrap_or_default()
                        .contains("Press briefing")),
            "{findings}"
        );
    });
}

/// The header's switcher: the chosen language on the same page, kept across pages, Arabic
/// right to left, and each of the six reachable. (Every page in every language, with axe and
/// screenshots, is `every_page_in_every_language_...`.)
#[test]
fn switching_the_language_and_right_to_left() {
    with_browser("language", |b| async move {
        let tmp = tempfile::tempdir().unwrap();
        let node = Node::start(&tmp.path().join("a"), &["--demo"]);
        log_in(&b, &node).await;
        b.goto(&url(&node, "/schedule?view=list")).await;
        let choose = |code: &'static str| {
            let b = &b;
            let tag = LANGUAGES
                .iter()
                .find(|(c, _)| *c == code)
                .map_or(code, |(_, t)| *t);
            async move {
                b.client
                    .find(Locator::Id("lang-select"))
                    .await
                    .unwrap()
                    .select_by_value(code)
                    .await
                    .unwrap();
                b.client
                    .find(Locator::Css("form.lang button"))
                    .await
                    .unwrap()
                    .click()
                    .await
                    .unwrap();
                b.wait_until(
                    "the page in the chosen language",
                    &format!("document.documentElement.lang === '{tag}'"),
                )
                .await;
            }
        };
        choose("fr").await;
        assert_eq!(b.text("h1").await, "Calendrier");
        assert_eq!(
            b.js("return location.pathname + location.search").await,
            json!("/schedule?view=list"),
            "the switcher comes back to the same page"
        );
        assert_eq!(
            b.js("return document.documentElement.dir").await,
            json!("ltr")
        );
        let nav = b.text("#nav").await;
        assert!(
            nav.contains("Composition") && nav.contains("Liaison"),
            "{nav}"
        );
        // The choice sticks across pages.
        b.goto(&url(&node, "/roster")).await;
        assert_eq!(b.text("h1").await, "Composition");
        choose("ar").await;
        assert_eq!(
            b.js("return document.documentElement.dir").await,
            json!("rtl")
        );
        assert_eq!(b.text("h1").await, "التشكيلة");
        b.assert_direction("the roster in Arabic", true).await;
        for (code, roster) in [("es", "Composición"), ("ru", "Состав"), ("zh", "成员组成")]
        {
            choose(code).await;
            assert_eq!(b.text("h1").await, roster);
            b.assert_direction(&format!("the roster in {code}"), false)
                .await;
        }
        // Chosen in the address, then switched: the switch holds.
        b.goto(&url(&node, "/roster?lang=ru")).await;
        assert_eq!(b.text("h1").await, "Состав");
        // The live script takes `lang=` out of the address (the cookie has it), so that its
        // refetches do not choose Russian again after a switch.
        b.wait_until("the address without lang=", "location.search === ''")
            .await;
        choose("en").await;
        assert_eq!(b.text("h1").await, "Roster");
        assert_eq!(
            b.js("return location.pathname + location.search").await,
            json!("/roster")
        );
    });
}

/// Starts a second node that joins `a`'s bureau with an invite and waits until both hold the
/// same document.
fn second_node(a: &Node, dir: &Path) -> Node {
    join_ok(dir, &a.invite("editor"), "Bea Second");
    let b = Node::start(dir, &[]);
    wait_until(
        "the second node receives the bureau",
        DEADLINE,
        || b.status()["heads"] == a.status()["heads"],
        String::new,
    );
    b
}

#[test]
fn a_change_from_another_node_appears_live_and_a_conflict_is_resolved_on_the_page() {
    with_browser("live and conflicts", |b| async move {
        let tmp = tempfile::tempdir().unwrap();
        let a = Node::start(&tmp.path().join("a"), &["--demo"]);
        let second = second_node(&a, &tmp.path().join("b"));
        log_in(&b, &a).await;
        let (meeting, _, _, _) = demo_meetings(&a)
            .into_iter()
            .find(|m| m.1 == "African Caucus")
            .expect("a demo meeting");

        // Someone is typing in the title of a meeting on node A...
        b.goto(&url(&a, &format!("/schedule/meetings/{meeting}")))
            .await;
        b.js("window.__notReloaded = true; return true;").await;
        let title = b.client.find(Locator::Id("f-title")).await.unwrap();
        title.click().await.unwrap();
        title.send_keys(" (draft)").await.unwrap();
        // ...while another delegate renames it on node B.
        second
            .patch(
                &format!("/api/meetings/{meeting}"),
                &json!({ "title": "African Caucus: final session" }),
            )
            .expect(200);
        let took = b
            .wait_until(
                "the change from node B on node A's open page",
                "document.querySelector('#meeting-summary .saved-title').textContent === 'African Caucus: final session'",
            )
            .await;
        eprintln!("the change from the other node appeared after {took:?}");
        assert_eq!(
            b.js("return window.__notReloaded === true").await,
            json!(true),
            "no reload"
        );
        assert_eq!(
            b.js("return document.activeElement.id").await,
            json!("f-title"),
            "the focus stayed where the user was typing"
        );
        assert_eq!(
            b.js("return document.getElementById('f-title').value")
                .await,
            json!("African Caucus (draft)"),
            "what was being typed is untouched"
        );
        b.wait_until(
            "the update announced in the polite status region",
            "document.getElementById('announce').textContent.length > 0",
        )
        .await;

        // A page whose content has no live region (a record's history) keeps only its header
        // current: it asks for the header alone, never for the page again.
        let history = format!("/history/meeting/{meeting}");
        b.goto(&url(&a, &history)).await;
        b.js("window.__fetched = []; var f = window.fetch; \
              window.fetch = function (u, o) { window.__fetched.push(String(u)); return f(u, o); }; \
              return true;")
            .await;
        second
            .patch(
                &format!("/api/meetings/{meeting}"),
                &json!({ "title": "African Caucus: closing" }),
            )
            .expect(200);
        b.wait_until(
            "the history page asking for its header after the change",
            "window.__fetched.some(function (u) { return u.indexOf('/chrome?section=') === 0; })",
        )
        .await;
        let fetched = b.js("return window.__fetched").await;
        assert!(
            !fetched
                .as_array()
                .expect("a list")
                .iter()
                .any(|u| u.as_str().is_some_and(|u| u.contains("/history/"))),
            "the history page was not fetched again: {fetched}"
        );

        // The peers page shows the other device, connected.
        b.goto(&url(&a, "/peers")).await;
        b.wait_until(
            "the second node listed as connected",
            "document.querySelector('#peer-table').textContent.includes('Connected')",
        )
        .await;
        let mut violations = b.axe("peers-connected").await;
        b.screenshots("peers-connected").await;
        // An invite: the short code to read out, the link and its QR code.
        b.client
            .find(Locator::Css("form[action='/peers/invite'] button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        b.wait_until("the invite link", "document.getElementById('invite-link')")
            .await;
        let code = b
            .js("return document.querySelector('.short-code').textContent")
            .await;
        assert!(
            code.as_str().is_some_and(
                |c| c.len() < 40 && matches!(bureau_net::ShortCode::parse(c), Ok(Some(_)))
            ),
            "a short code: {code}"
        );
        let link = b
            .js("return document.getElementById('invite-link').value")
            .await;
        assert!(
            link.as_str().is_some_and(|l| l.starts_with("bureau1-")),
            "an invite link: {link}"
        );
        assert_eq!(
            b.js("return !!document.querySelector('figure.qr svg[role=img]')")
                .await,
            json!(true)
        );
        violations.extend(b.axe("invite").await);
        b.screenshots("invite").await;

        // A conflict: both nodes offline, both rename the same room, back online.
        let room = first_id(&a, "rooms");
        for node in [&a, &second] {
            node.post("/api/sync/pause", &json!({})).expect(200);
        }
        a.patch(
            &format!("/api/rooms/{room}"),
            &json!({ "name": "Room named on A" }),
        )
        .expect(200);
        second
            .patch(
                &format!("/api/rooms/{room}"),
                &json!({ "name": "Room named on B" }),
            )
            .expect(200);
        b.goto(&url(&a, "/conflicts")).await;
        b.js("window.__notReloaded = true; return true;").await;
        for node in [&a, &second] {
            node.post("/api/sync/resume", &json!({})).expect(200);
        }
        // The conflict arrives on the open page by itself.
        b.wait_until(
            "the conflict listed on the open page",
            "document.querySelector('#conflict-list').textContent.includes('Room named on B')",
        )
        .await;
        assert_eq!(
            b.js("return window.__notReloaded === true").await,
            json!(true)
        );
        violations.extend(b.axe("conflicts-open").await);
        b.screenshots("conflicts-open").await;
        // Pick B's value.
        let radio = b
            .js("const l = [...document.querySelectorAll('#conflict-list label')].find(l => l.textContent.includes('Room named on B')); return l.htmlFor;")
            .await;
        let radio = radio.as_str().expect("a label for B's value").to_owned();
        b.client
            .find(Locator::Id(&radio))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let form = b
            .client
            .find(Locator::Css(&format!(
                "form:has(#{radio}) button[type=submit]"
            )))
            .await
            .unwrap();
        form.click().await.unwrap();
        b.wait_until(
            "the resolved notice",
            "location.search.includes('done=resolved')",
        )
        .await;
        assert!(b.text(".notice").await.contains("Conflict resolved"));
        assert_eq!(a.get("/api/conflicts").expect(200), json!([]));
        assert_eq!(
            a.get(&format!("/api/rooms/{room}")).expect(200)["name"],
            "Room named on B"
        );
        wait_until(
            "the pick reaches node B",
            DEADLINE,
            || {
                second.get(&format!("/api/rooms/{room}")).expect(200)["name"] == "Room named on B"
                    && second.get("/api/conflicts").expect(200) == json!([])
            },
            String::new,
        );

        // Another conflict on the same field, this time resolved where it shows: on the
        // room's own page, beside the field, with each value and who wrote it.
        for node in [&a, &second] {
            node.post("/api/sync/pause", &json!({})).expect(200);
        }
        a.patch(
            &format!("/api/rooms/{room}"),
            &json!({ "name": "Room C, as A has it" }),
        )
        .expect(200);
        second
            .patch(
                &format!("/api/rooms/{room}"),
                &json!({ "name": "Room C, as B has it" }),
            )
            .expect(200);
        for node in [&a, &second] {
            node.post("/api/sync/resume", &json!({})).expect(200);
        }
        wait_until(
            "the second conflict on node A",
            DEADLINE,
            || {
                a.get("/api/conflicts")
                    .expect(200)
                    .as_array()
                    .is_some_and(|c| c.len() == 1)
            },
            String::new,
        );
        b.goto(&url(&a, &format!("/schedule/rooms/{room}"))).await;
        let mark = b.text("#f-name-conflict-0").await;
        assert!(
            mark.contains("Room C, as A has it") && mark.contains("Room C, as B has it"),
            "{mark}"
        );
        violations.extend(b.axe("record-conflict").await);
        b.screenshots("record-conflict").await;
        // B's value's button: the one described by B's value.
        let button = b
            .js("const v = [...document.querySelectorAll('#f-name-conflict-0 .value')].find(v => v.textContent === 'Room C, as B has it'); \
                 return [...document.querySelectorAll('#f-name-conflict-0 button')].find(b => b.getAttribute('aria-describedby').split(' ').includes(v.id)).value;")
            .await;
        let button = button.as_str().expect("a button for B's value").to_owned();
        b.client
            .find(Locator::Css(&format!(
                "#f-name-conflict-0 button[value='{button}']"
            )))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        b.wait_until(
            "back on the room's page, resolved",
            "location.pathname.startsWith('/schedule/rooms/') && location.search.includes('done=resolved')",
        )
        .await;
        assert!(b.text(".notice").await.contains("Conflict resolved"));
        assert_eq!(
            b.js("return document.getElementById('f-name').value").await,
            json!("Room C, as B has it")
        );
        assert_eq!(
            b.js("return !!document.getElementById('f-name-conflict-0')")
                .await,
            json!(false),
            "the field is no longer marked"
        );
        assert_eq!(a.get("/api/conflicts").expect(200), json!([]));

        // The room's history: each rename from the old name to the new one.
        b.goto(&url(&a, &format!("/history/room/{room}"))).await;
        let renamed = b
            .js(
                "return [...document.querySelectorAll('table.history ul.changes li')].some(li => \
                 li.querySelector('.old')?.textContent === 'Room named on B' \
                 && li.querySelector('.new')?.textContent === 'Room C, as B has it');",
            )
            .await;
        assert_eq!(renamed, json!(true), "{}", b.text("table.history").await);
        violations.extend(b.axe("history-values").await);
        b.screenshots("history-values").await;
        assert!(violations.is_empty(), "{}", violations.join("\n"));
    });
}

/// A stand-in for another service on this machine: answers every request with a small page
/// and keeps the `Cookie` header of each (empty when there was none).
struct CookieSpy {
    port: u16,
    seen: std::sync::Arc<Mutex<Vec<String>>>,
}

impl CookieSpy {
    fn start() -> CookieSpy {
        use std::io::{BufRead, BufReader, Write};
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port for the spy");
        let port = listener.local_addr().expect("the spy's port").port();
        let seen = std::sync::Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        // The thread ends with the test process; it only ever blocks in accept.
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let _ = stream.set_read_timeout(Some(DEADLINE));
                let mut reader = BufReader::new(&stream);
                let mut cookie = String::new();
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                    if line == "\r\n" {
                        break;
                    }
                    if let Some((k, v)) = line.split_once(':')
                        && k.eq_ignore_ascii_case("cookie")
                    {
                        cookie = v.trim().to_owned();
                    }
                    line.clear();
                }
                log.lock().unwrap_or_else(|p| p.into_inner()).push(cookie);
                let body = "<!doctype html><title>spy</title><h1>another service</h1>";
                let _ = write!(
                    &stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\
                     Connection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        CookieSpy { port, seen }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

#[test]
fn the_session_cookie_goes_to_no_other_local_service() {
    with_browser("cookie-isolation", |b| async move {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a");
        let node = Node::start(&dir, &["--demo"]);
        let label = std::fs::read_to_string(dir.join("host-label")).expect("the host label");
        let own = format!("{label}.localhost:{}", node.addr.port());
        // Log in at the node's own host name, as the printed link says.
        b.goto(&format!("http://{own}/liaison/report?token={}", node.token))
            .await;
        let here = b.client.current_url().await.expect("current url");
        assert_eq!(here.host_str(), Some(format!("{label}.localhost").as_str()));
        assert_eq!(
            here.path(),
            "/liaison/report",
            "a deep link opens where it points"
        );
        assert!(
            here.query().is_none(),
            "the token leaves the address bar: {here}"
        );
        b.goto(&format!("http://{own}/peers")).await;
        assert_eq!(b.text("h1").await, "Peers and devices", "logged in");

        // Another service on this machine, on another port of 127.0.0.1 and of localhost.
        let spy = CookieSpy::start();
        for host in ["127.0.0.1", "localhost"] {
            b.goto(&format!("http://{host}:{}/", spy.port)).await;
            b.wait_until("the spy's page", "document.querySelector('h1')")
                .await;
        }
        let seen = spy.seen();
        assert!(seen.len() >= 2, "the spy was visited: {seen:?}");
        assert!(
            seen.iter().all(|c| !c.contains("bureau_session")),
            "a page of another local service got the session: {seen:?}"
        );
        // What remains: cookies are not isolated by port, so a service that knows the label
        // would get it. The label is the secret (and this shows the spy sees cookies at all).
        // Any request since this visit counts: the browser's late requests for the pages
        // before it (a favicon) may arrive after it, without the cookie.
        let before = spy.seen().len();
        b.goto(&format!("http://{label}.localhost:{}/", spy.port))
            .await;
        let seen = spy.seen();
        assert!(
            seen[before..].iter().any(|c| c.contains("bureau_session")),
            "at the node's own host name, on any port: {seen:?}"
        );
        node.stop();
    });
}

/// A delegate's browser, quit and started again on the same profile (as after closing the
/// laptop's browser), is still logged in: the session cookie lasts, the token is not needed.
#[test]
fn a_browser_quit_and_started_again_is_still_logged_in() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let Some(driver) = Driver::start() else {
        eprintln!("SKIPPED browser restart: BUREAU_SKIP_BROWSER_TESTS=1");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let node = Node::start(&tmp.path().join("a"), &["--demo"]);
    let profile = tmp.path().join("profile");
    std::fs::create_dir(&profile).expect("a profile directory");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let first = Browser::connect_in(&driver, &profile).await;
        log_in(&first, &node).await;
        first.goto(&url(&node, "/roster")).await;
        assert_eq!(first.text("h1").await, "Roster");
        // Quit Chromium itself, as closing its last window does.
        first
            .client
            .clone()
            .close()
            .await
            .expect("quitting the browser");

        let again = Browser::connect_in(&driver, &profile).await;
        again.goto(&url(&node, "/roster")).await;
        let h1 = again.text("h1").await;
        let here = again.client.current_url().await.expect("current url");
        let _ = again.client.clone().close().await;
        assert_eq!(
            h1, "Roster",
            "still logged in after the browser restarted (at {here})"
        );
    });
    drop(driver);
}

/// Opens a demo meeting's form on node A, lets `peer` change the meeting on node B and waits
/// until node A has the change, while the form stays open as it was.
async fn form_open_while_a_peer_changes(
    b: &Browser,
    a: &Node,
    second: &Node,
    peer: &Value,
) -> String {
    let (meeting, _, _, _) = demo_meetings(a)
        .into_iter()
        .find(|m| m.1 == "African Caucus")
        .expect("a demo meeting");
    b.goto(&url(a, &format!("/schedule/meetings/{meeting}")))
        .await;
    b.js("window.__notReloaded = true; return true;").await;
    let path = format!("/api/meetings/{meeting}");
    second.patch(&path, peer).expect(200);
    let key = peer.as_object().and_then(|o| o.keys().next().cloned());
    let key = key.expect("a field");
    wait_until(
        "the peer's change on node A",
        DEADLINE,
        || a.get(&path).expect(200)[&key] == peer[&key],
        String::new,
    );
    assert_eq!(
        b.js("return window.__notReloaded === true").await,
        json!(true),
        "the open form was not reloaded"
    );
    meeting
}

/// Sets the open meeting form's status to another value than it shows; returns it.
async fn other_status(b: &Browser) -> Value {
    b.js("const s = document.getElementById('f-status'); \
          s.value = s.value === 'cancelled' ? 'proposed' : 'cancelled'; return s.value;")
        .await
}

/// Submits the record form of the open page.
async fn save_record_form(b: &Browser) {
    b.client
        .find(Locator::Css("form.record button[type=submit]"))
        .await
        .expect("the form's save button")
        .click()
        .await
        .expect("clicking save");
}

#[test]
fn a_peers_change_to_another_field_survives_saving_a_form_opened_before_it() {
    with_browser("peer change survives a save", |b| async move {
        let tmp = tempfile::tempdir().unwrap();
        let a = Node::start(&tmp.path().join("a"), &["--demo"]);
        let second = second_node(&a, &tmp.path().join("b"));
        log_in(&b, &a).await;
        let peer = json!({ "title": "African Caucus, renamed on B" });
        let meeting = form_open_while_a_peer_changes(&b, &a, &second, &peer).await;
        // The form still shows the old title; the user changes only the status.
        assert_eq!(
            b.js("return document.getElementById('f-title').value")
                .await,
            json!("African Caucus")
        );
        let status = other_status(&b).await;
        save_record_form(&b).await;
        b.wait_until("the saved notice", "location.search.includes('done=saved')")
            .await;
        let m = a.get(&format!("/api/meetings/{meeting}")).expect(200);
        assert_eq!(
            m["title"], "African Caucus, renamed on B",
            "the peer's title"
        );
        assert_eq!(m["status"], status, "the user's status");
        assert_eq!(
            b.js("return document.getElementById('f-title').value")
                .await,
            json!("African Caucus, renamed on B"),
            "the form shows the record as saved"
        );
    });
}

#[test]
fn a_field_changed_on_both_sides_brings_the_form_back_with_both_values() {
    with_browser("both sides changed a field", |b| async move {
        let tmp = tempfile::tempdir().unwrap();
        let a = Node::start(&tmp.path().join("a"), &["--demo"]);
        let second = second_node(&a, &tmp.path().join("b"));
        log_in(&b, &a).await;
        let peer = json!({ "title": "African Caucus (B's title)" });
        let meeting = form_open_while_a_peer_changes(&b, &a, &second, &peer).await;
        b.js(
            "document.getElementById('f-title').value = 'African Caucus (my title)'; return true;",
        )
        .await;
        let status = other_status(&b).await;
        save_record_form(&b).await;
        b.wait_until(
            "the form back with the other value",
            "document.querySelector('.contest') !== null",
        )
        .await;
        let contest = b.text(".contest").await;
        assert!(contest.contains("African Caucus (B's title)"), "{contest}");
        assert!(contest.contains("Bea Second"), "who wrote it: {contest}");
        assert_eq!(
            b.js("return document.getElementById('f-title').value")
                .await,
            json!("African Caucus (my title)"),
            "the user's value is still in the field"
        );
        let path = format!("/api/meetings/{meeting}");
        let m = a.get(&path).expect(200);
        assert_eq!(
            m["title"], "African Caucus (B's title)",
            "nothing written yet"
        );
        assert_ne!(m["status"], status, "nothing written yet");
        let violations = b.axe("form-contest").await;
        b.screenshots("form-contest").await;
        assert!(violations.is_empty(), "{}", violations.join("\n"));

        // Keeping the other value: the title stays B's, the user's status is saved.
        b.client
            .find(Locator::Css("input[name='keep.title'][value='theirs']"))
            .await
            .expect("the choice")
            .click()
            .await
            .expect("choosing theirs");
        save_record_form(&b).await;
        b.wait_until("the saved notice", "location.search.includes('done=saved')")
            .await;
        let m = a.get(&path).expect(200);
        assert_eq!(m["title"], "African Caucus (B's title)");
        assert_eq!(m["status"], status);
    });
}

mod documents;
mod finding;
mod joining;
mod print;
mod venue;

//! Paper: the programme (by day, by room, by group) and the report to the plenary printed to
//! PDF by Chromium (WebDriver's print command), and their text read back with `pdftotext`
//! (Debian's `poppler-utils`): every meeting and heading the page shows is on the paper, and
//! the navigation, forms and buttons are not. The PDFs are kept in `target/screenshots/`.

use fantoccini::wd::PrintConfiguration;

use super::*;

/// The text of a PDF, white space collapsed.
pub(super) fn pdf_text(pdf: &[u8], name: &str, dir: &Path) -> String {
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).expect("writing the PDF");
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!("running pdftotext ({e}): scripts/test installs poppler-utils when missing")
        });
    assert!(out.status.success(), "pdftotext failed on {name}.pdf");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Texts the page shows, by CSS selector, white space collapsed.
async fn shown(b: &Browser, css: &str) -> Vec<String> {
    let v = b
        .js(&format!(
            "return [...document.querySelectorAll({css:?})].map(e => e.textContent.split(/\\s+/).filter(w => w).join(' '))"
        ))
        .await;
    v.as_array()
        .expect("a list")
        .iter()
        .map(|s| s.as_str().unwrap_or_default().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

#[test]
fn the_programme_and_the_report_print_with_every_meeting_and_without_the_navigation() {
    with_browser("print", |b| async move {
        let tmp = tempfile::tempdir().unwrap();
        let node = Node::start(&tmp.path().join("a"), &["--demo"]);
        log_in(&b, &node).await;
        let meetings = demo_meetings(&node);
        let day = meetings.first().expect("demo meetings").3.clone();
        let (from, to) = {
            let mut days: Vec<&String> = meetings.iter().map(|m| &m.3).collect();
            days.sort();
            (days[0].clone(), days[days.len() - 1].clone())
        };
        let pages = [
            ("programme-day", format!("/schedule/programme?day={day}")),
            ("programme-all", "/schedule/programme".to_owned()),
            ("programme-room", "/schedule/programme?by=room".to_owned()),
            ("programme-group", "/schedule/programme?by=group".to_owned()),
            ("report", format!("/liaison/report?from={from}&to={to}")),
        ];
        for (name, path) in pages {
            b.goto(&url(&node, &path)).await;
            let h1 = b.text("h1").await;
            let headings = shown(&b, "main h2, main h3").await;
            let titles = shown(&b, "table.programme th[scope=row] span[dir]").await;
            let pdf = b
                .client
                .print(PrintConfiguration::default())
                .await
                .unwrap_or_else(|e| panic!("printing {path}: {e}"));
            assert!(pdf.starts_with(b"%PDF"), "{name} is not a PDF");
            let text = pdf_text(&pdf, name, &b.shots);
            let h1 = h1.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(text.contains(&h1), "{name}: no {h1:?} in {text}");
            for h in &headings {
                assert!(
                    text.contains(h.as_str()),
                    "{name}: no heading {h:?} in {text}"
                );
            }
            if name.starts_with("programme") {
                assert!(!titles.is_empty(), "{name} lists no meeting");
                // A long title may wrap in its cell (and pdftotext joins a word hyphenated
                // at the line's end); its words are all on the paper.
                let unhyphenated = text.replace('-', "");
                for t in &titles {
                    for w in t.split(' ') {
                        assert!(
                            unhyphenated.contains(&w.replace('-', "")),
                            "{name}: no {w:?} (of {t:?}) in {text}"
                        );
                    }
                }
            }
            // Only the content: the navigation and the choice of view stay on screen.
            for absent in ["Peers and devices", "Skip to content", "By room By group"] {
                assert!(!text.contains(absent), "{name} printed {absent:?}: {text}");
            }
        }
        // Each meeting of the day is in the day's programme, in time order.
        b.goto(&url(&node, &format!("/schedule/programme?day={day}")))
            .await;
        let text = pdf_text(
            &b.client.print(PrintConfiguration::default()).await.unwrap(),
            "programme-day",
            &b.shots,
        );
        for (_, title, _, d) in &meetings {
            if *d == day {
                let first = title.split_whitespace().next().unwrap_or_default();
                assert!(text.contains(first), "{title:?} missing from {text}");
            }
        }
        node.stop();
    });
}

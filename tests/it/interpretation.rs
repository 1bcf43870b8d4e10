//! The demo bureau's interpretation plan, served by the real binary: interpreters for the six
//! languages, and a first day whose booths show each of the planner's findings, with refs to
//! the meeting, the booth's language and the interpreter.

use std::collections::BTreeSet;

use crate::support::Node;

#[test]
fn the_demo_has_interpreters_for_six_languages_and_a_day_with_every_planner_finding() {
    let tmp = tempfile::tempdir().unwrap();
    let node = Node::start(&tmp.path().join("node"), &["--demo"]);
    let interpreters = node.get("/api/interpreters").expect(200);
    let a: BTreeSet<&str> = interpreters
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["languages"]["a"].as_array().unwrap())
        .filter_map(|l| l.as_str())
        .collect();
    assert_eq!(a, BTreeSet::from(["ar", "en", "es", "fr", "ru", "zh"]));
    let findings = node.get("/api/findings").expect(200);
    let findings = findings.as_array().unwrap();
    for kind in [
        "booths-too-few",
        "booth-team-too-small",
        "interpreter-double-booked",
        "interpreter-unavailable",
        "interpreter-language-mismatch",
        "relay-needed",
        "interpreter-overloaded",
    ] {
        let found: Vec<_> = findings.iter().filter(|f| f["kind"] == kind).collect();
        assert!(!found.is_empty(), "no {kind} in the demo: {findings:?}");
        for f in found {
            let types: BTreeSet<&str> = f["refs"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|r| r["type"].as_str())
                .collect();
            assert!(types.contains("meeting"), "{f}");
            let names_language_or_interpreter =
                types.contains("language") || types.contains("interpreter");
            assert!(
                names_language_or_interpreter || kind == "booths-too-few",
                "{f}"
            );
        }
    }
    // Chinese takes relay from English.
    assert!(
        findings.iter().any(|f| f["kind"] == "relay-needed"
            && f["refs"][1]["id"] == "zh"
            && f["refs"][3]["id"] == "en"),
        "{findings:?}"
    );
}

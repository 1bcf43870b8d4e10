//! The document layout version, the seeded liaison bodies, and migrations.

/// Version of the document layout this build writes. A node that finds a lower `meta.schema`
/// migrates the document forward in a change of its own ([`crate::Edit::Migrate`]).
pub const SCHEMA_VERSION: u64 = 1;

/// Days between composition reviews before one is overdue, when the bureau sets none. The
/// charter asks for regular reviews; a summit cycle's preparatory meetings are about this far
/// apart.
pub const DEFAULT_REVIEW_INTERVAL_DAYS: u32 = 90;

/// Longest accepted short field (names, titles, e-mail), in characters. Long enough for any
/// real name, short enough that a mistaken paste does not bloat every replica's history.
pub const SHORT_MAX: usize = 500;

/// Longest accepted collaborative text (agenda, note), in characters.
pub const TEXT_MAX: usize = 200_000;

/// Most entries accepted in one set field (languages, attendees, booths).
pub const SET_MAX: usize = 2_000;

/// The liaison bodies the charter names, seeded into every new bureau with short stable ids
/// so that scripts can refer to them. They stay editable and archivable like any record.
pub const SEEDED_BODIES: &[(&str, &str, &str)] = &[
    (
        "es",
        "Executive Secretariat",
        "Procedural and logistical liaison with the summit's secretariat.",
    ),
    (
        "igb",
        "Inter-Governmental Bureau",
        "The governments' bureau, working in parallel to this one.",
    ),
    (
        "wgig",
        "Working Group on Internet Governance",
        "Other WSIS body.",
    ),
    ("wgf", "Working Group on Financing", "Other WSIS body."),
    (
        "fotc",
        "Group of the Friends of the Chair",
        "Other WSIS body.",
    ),
    (
        "plenary",
        "Civil Society Plenary",
        "Receives the bureau's reports on logistical matters; consulted where they have content implications.",
    ),
    (
        "content-themes",
        "Content and Themes Group",
        "Civil society's content coordination.",
    ),
];

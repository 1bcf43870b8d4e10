//! The difference between two texts as the places where they differ: words first, then the
//! characters inside each changed stretch of words.
//!
//! A three-way save applies these places where their words are now; the fewer characters a
//! difference deletes, the less of a peer's concurrent edit it can touch, so each changed
//! stretch of words is narrowed to the characters that changed.
//!
//! Myers' algorithm costs in proportion to the texts times the number of differences, which is
//! small for an edit made in a form. Past [`MAX_EDITS`] differences a stretch is one
//! replacement, so no text makes a save slow.

use std::ops::Range;

/// Most differences (insertions plus deletions) searched for in one comparison of words or
/// of characters; beyond it the compared stretch is one replacement.
const MAX_EDITS: usize = 2_000;

/// One place where two texts differ: `old[a]` became `new[b]` (indices into the char slices
/// given). Either range may be empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Hunk {
    /// The replaced stretch of the old text.
    pub(crate) a: Range<usize>,
    /// What replaced it, in the new text.
    pub(crate) b: Range<usize>,
}

/// What kind of token a character starts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Word,
    Space,
    Other,
}

fn class(c: char) -> Class {
    if c.is_alphanumeric() {
        Class::Word
    } else if c.is_whitespace() {
        Class::Space
    } else {
        Class::Other
    }
}

/// Splits `text` into words (runs of letters and digits), runs of white space, and single
/// other characters, as ranges of indices.
pub(crate) fn tokens(text: &[char]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let c = class(text[i]);
        let mut j = i + 1;
        if c != Class::Other {
            while j < text.len() && class(text[j]) == c {
                j += 1;
            }
        }
        out.push(i..j);
        i = j;
    }
    out
}

/// The places where `old` and `new` differ, in order, none adjacent to another.
pub(crate) fn hunks(old: &[char], new: &[char]) -> Vec<Hunk> {
    let ta = tokens(old);
    let tb = tokens(new);
    let wa: Vec<&[char]> = ta.iter().map(|r| &old[r.clone()]).collect();
    let wb: Vec<&[char]> = tb.iter().map(|r| &new[r.clone()]).collect();
    let mut out = Vec::new();
    for h in compare(&wa, &wb) {
        // The stretch of characters these tokens cover, compared character by character.
        let a = span(&ta, &h.a, old.len());
        let b = span(&tb, &h.b, new.len());
        for inner in compare(&old[a.clone()], &new[b.clone()]) {
            out.push(Hunk {
                a: a.start + inner.a.start..a.start + inner.a.end,
                b: b.start + inner.b.start..b.start + inner.b.end,
            });
        }
    }
    out
}

/// The characters that the tokens `r` cover (an empty range of tokens: the point before the
/// token `r.start`).
fn span(tokens: &[Range<usize>], r: &Range<usize>, len: usize) -> Range<usize> {
    let at = |i: usize| tokens.get(i).map_or(len, |t| t.start);
    at(r.start)..at(r.end)
}

/// The places where two sequences differ: the common start and end as they are, the middle by
/// Myers' shortest edit (or, past [`MAX_EDITS`], one replacement).
pub(crate) fn compare<T: PartialEq>(a: &[T], b: &[T]) -> Vec<Hunk> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    if ma.is_empty() && mb.is_empty() {
        return Vec::new();
    }
    let steps = myers(ma, mb).unwrap_or_else(|| {
        let mut s = vec![Step::Removed; ma.len()];
        s.extend(std::iter::repeat_n(Step::Added, mb.len()));
        s
    });
    let mut out: Vec<Hunk> = Vec::new();
    let (mut i, mut j) = (prefix, prefix);
    let mut open: Option<Hunk> = None;
    for step in steps {
        match step {
            Step::Same => {
                out.extend(open.take());
                i += 1;
                j += 1;
            }
            Step::Removed => {
                let h = open.get_or_insert(Hunk { a: i..i, b: j..j });
                i += 1;
                h.a.end = i;
            }
            Step::Added => {
                let h = open.get_or_insert(Hunk { a: i..i, b: j..j });
                j += 1;
                h.b.end = j;
            }
        }
    }
    out.extend(open);
    out
}

/// One step of an edit script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Same,
    Removed,
    Added,
}

/// A shortest edit script from `a` to `b` (Myers, 1986), or `None` past [`MAX_EDITS`].
///
/// Keeps, for each number of edits `d`, the furthest point reached on each diagonal
/// `-d..=d`: the memory is the square of the edits, not the product of the lengths.
fn myers<T: PartialEq>(a: &[T], b: &[T]) -> Option<Vec<Step>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = (a.len() + b.len()).min(MAX_EDITS) as isize;
    let off = max + 1;
    let mut v = vec![0isize; (2 * max + 3) as usize];
    let mut trace: Vec<Vec<isize>> = Vec::new();
    for d in 0..=max {
        let mut k = -d;
        while k <= d {
            let idx = (off + k) as usize;
            let mut x = if k == -d || (k != d && v[idx - 1] < v[idx + 1]) {
                v[idx + 1]
            } else {
                v[idx - 1] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[idx] = x;
            if x >= n && y >= m {
                return Some(backtrack(&trace, n, m));
            }
            k += 2;
        }
        trace.push(v[(off - d) as usize..=(off + d) as usize].to_vec());
    }
    None
}

/// Walks the furthest points back from the end to the start, one edit per step.
fn backtrack(trace: &[Vec<isize>], n: isize, m: isize) -> Vec<Step> {
    let mut steps = Vec::new();
    let (mut x, mut y) = (n, m);
    // trace[d - 1] holds the diagonals -(d-1)..=(d-1) after d - 1 edits.
    for d in (1..=trace.len() as isize).rev() {
        let prev = &trace[(d - 1) as usize];
        let at = |k: isize| prev[(k + d - 1) as usize];
        let k = x - y;
        let prev_k = if k == -d || (k != d && at(k - 1) < at(k + 1)) {
            k + 1
        } else {
            k - 1
        };
        let prev_x = at(prev_k);
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y {
            steps.push(Step::Same);
            x -= 1;
            y -= 1;
        }
        steps.push(if x == prev_x {
            Step::Added
        } else {
            Step::Removed
        });
        x = prev_x;
        y = prev_y;
    }
    while x > 0 && y > 0 {
        steps.push(Step::Same);
        x -= 1;
        y -= 1;
    }
    steps.reverse();
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    /// `old` with every hunk replaced by its part of `new`.
    fn patched(old: &[char], new: &[char], hunks: &[Hunk]) -> Vec<char> {
        let mut out = Vec::new();
        let mut i = 0;
        for h in hunks {
            out.extend_from_slice(&old[i..h.a.start]);
            out.extend_from_slice(&new[h.b.clone()]);
            i = h.a.end;
        }
        out.extend_from_slice(&old[i..]);
        out
    }

    #[test]
    fn a_changed_word_is_narrowed_to_its_changed_characters() {
        let old = chars("To deal with procedures ‘of’ groups");
        let new = chars("To dealt with procedures ‘of’ all groups");
        let hs = hunks(&old, &new);
        assert_eq!(patched(&old, &new, &hs), new);
        // "t" after "deal", "all " before "groups".
        assert_eq!(hs.len(), 2, "{hs:?}");
        assert_eq!(hs[0].a, 7..7);
        assert_eq!(new[hs[0].b.clone()].iter().collect::<String>(), "t");
        assert_eq!(
            new[hs[1].b.clone()].iter().collect::<String>().trim(),
            "all"
        );
        assert!(hs[1].a.is_empty());
    }

    #[test]
    fn past_the_limit_the_middle_is_one_replacement() {
        let old: Vec<u32> = (0..3000).collect();
        let new: Vec<u32> = (0..3000).map(|i| i + 10_000).collect();
        let hs = compare(&old, &new);
        assert_eq!(
            hs,
            vec![Hunk {
                a: 0..3000,
                b: 0..3000
            }]
        );
    }

    proptest! {
        #[test]
        fn hunks_turn_the_old_text_into_the_new(
            old in "[ab .\u{2019}é]{0,40}",
            new in "[ab .\u{2019}é]{0,40}",
        ) {
            let (old, new) = (chars(&old), chars(&new));
            let hs = hunks(&old, &new);
            prop_assert_eq!(patched(&old, &new, &hs), new.clone());
            for w in hs.windows(2) {
                prop_assert!(w[0].a.end < w[1].a.start || w[0].b.end < w[1].b.start);
            }
            // A shortest script: no more characters touched than a plain LCS would.
            let touched: usize = hs.iter().map(|h| h.a.len() + h.b.len()).sum();
            let lcs = {
                let mut t = vec![vec![0usize; new.len() + 1]; old.len() + 1];
                for i in (0..old.len()).rev() {
                    for j in (0..new.len()).rev() {
                        t[i][j] = if old[i] == new[j] { t[i + 1][j + 1] + 1 } else { t[i + 1][j].max(t[i][j + 1]) };
                    }
                }
                t[0][0]
            };
            // Words first can cost more than characters alone, never less.
            prop_assert!(touched >= old.len() + new.len() - 2 * lcs);
        }
    }
}

//! The words of short invite codes (`7-orbit-lantern`): 256 everyday English nouns, so two
//! of them carry 16 bits and are easy to read out across a room and to type.
//!
//! Chosen to be short, common and unlike one another in spelling; the order is fixed (a
//! word's index is the byte it stands for), so it never changes once codes are out.

/// The list; [`WORDS`]`[b]` stands for the byte `b`.
pub(crate) const WORDS: [&str; 256] = [
    "acorn", "actor", "adobe", "agent", "album", "alpine", "amber", "anchor", "angle", "ankle",
    "apple", "apron", "arch", "arena", "arrow", "atlas", "attic", "autumn", "avenue", "badge",
    "bagel", "bakery", "ball", "bamboo", "banana", "banjo", "barley", "barn", "basket", "beach",
    "beacon", "bean", "bear", "beaver", "bell", "bench", "berry", "bishop", "blanket", "blossom",
    "boat", "bonnet", "book", "bottle", "boulder", "bowl", "branch", "bread", "brick", "bridge",
    "brook", "broom", "bucket", "bugle", "butter", "button", "cabin", "cactus", "camel", "camera",
    "candle", "canoe", "canvas", "canyon", "carpet", "carrot", "castle", "cattle", "cedar",
    "cello", "chalk", "cherry", "chess", "cider", "circle", "clock", "cloud", "clover", "coast",
    "cobalt", "coconut", "comet", "compass", "copper", "coral", "cotton", "cradle", "crane",
    "crayon", "cricket", "cup", "curtain", "daisy", "dancer", "delta", "desert", "diamond",
    "dolphin", "donkey", "dragon", "drum", "eagle", "echo", "elbow", "ember", "engine", "falcon",
    "feather", "fern", "ferry", "fiddle", "flag", "flute", "forest", "fossil", "fox", "garden",
    "garlic", "gazelle", "giant", "ginger", "glacier", "globe", "goat", "grape", "gravel",
    "guitar", "hammer", "harbor", "harp", "hazel", "helmet", "heron", "hill", "honey", "hotel",
    "igloo", "island", "ivory", "jacket", "jaguar", "jelly", "jigsaw", "jungle", "kettle",
    "kitten", "koala", "ladder", "lagoon", "lantern", "lemon", "lily", "lion", "lizard", "magnet",
    "mango", "maple", "marble", "meadow", "melon", "meteor", "mirror", "monkey", "moose", "muffin",
    "museum", "napkin", "needle", "nest", "noodle", "nutmeg", "oasis", "ocean", "olive", "onion",
    "orange", "orbit", "orchid", "otter", "owl", "paddle", "palace", "panda", "paper", "parrot",
    "peach", "pebble", "pencil", "pepper", "piano", "pigeon", "pillow", "pilot", "pine", "planet",
    "plum", "pocket", "pony", "potato", "pumpkin", "puzzle", "quartz", "quilt", "rabbit", "radar",
    "radio", "raft", "raven", "ribbon", "river", "robin", "rocket", "rose", "saddle", "salmon",
    "sandal", "saturn", "scarf", "shadow", "shell", "ship", "silver", "sketch", "sparrow",
    "spider", "spoon", "stamp", "statue", "storm", "sugar", "summit", "sunset", "swan", "table",
    "tiger", "tomato", "tractor", "tulip", "tunnel", "turtle", "valley", "velvet", "violin",
    "wagon", "walnut", "walrus", "wheat", "whistle", "willow", "window", "winter", "wizard",
    "wolf", "yacht", "yogurt", "zebra",
];

#[cfg(test)]
mod tests {
    use super::WORDS;

    #[test]
    fn the_words_are_distinct_lowercase_and_short() {
        let mut seen = std::collections::BTreeSet::new();
        for w in WORDS {
            assert!(seen.insert(w), "{w} twice");
            assert!((3..=8).contains(&w.len()), "{w}");
            assert!(w.bytes().all(|b| b.is_ascii_lowercase()), "{w}");
        }
    }
}

//! Events as the matcher reads them: the leaf values at the paths some rule
//! tests, each with the array elements it sits in. Everything else in the
//! event is skipped, without being copied.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::children::{Child, Children, NameKey};
use crate::reader::Reader;
use crate::value::Leaf;

/// Index of a path some rule tests.
pub(crate) type PathId = u32;

/// The paths rules test, as a tree of field names.
#[derive(Debug, Clone, Default)]
pub(crate) struct PathTrie {
    nodes: Vec<TrieNode>,
    paths: u32,
}

#[derive(Debug, Clone, Default)]
struct TrieNode {
    children: Children,
    path: Option<PathId>,
}

impl PathTrie {
    /// The id of a dotted path, added if new.
    pub(crate) fn insert(&mut self, path: &str) -> PathId {
        if self.nodes.is_empty() {
            self.nodes.push(TrieNode::default());
        }
        let mut node = 0usize;
        for name in path.split('.') {
            node = match self.nodes[node].children.get(name, NameKey::of(name)) {
                Some(child) => child.node as usize,
                None => {
                    let child = self.nodes.len();
                    self.nodes.push(TrieNode::default());
                    self.nodes[node].children.insert(name, child as u32);
                    child
                }
            };
        }
        *self.nodes[node].path.get_or_insert_with(|| {
            self.paths += 1;
            self.paths - 1
        })
    }

    /// How many paths there are; ids run from 0 to this.
    pub(crate) fn len(&self) -> usize {
        self.paths as usize
    }

    /// The node a field name leads to. A name with dots is a path of its
    /// own: EventBridge joins field names with dots, so `{"a.b": 1}` and
    /// `{"a": {"b": 1}}` are the same field.
    #[inline]
    pub(crate) fn child(&self, node: u32, name: &str) -> Option<u32> {
        self.child_by_key(node, name, NameKey::of(name)).map(|child| child.node)
    }

    /// [`Self::child`], given the name's key, with the child's bit among
    /// its siblings (0 for a name with dots, which leads further down).
    #[inline(always)]
    pub(crate) fn child_by_key(&self, node: u32, name: &str, key: NameKey) -> Option<Child> {
        let step = |node: u32, name: &str| {
            self.nodes.get(node as usize).and_then(|n| n.children.get(name, NameKey::of(name))).map(|c| c.node)
        };
        // Names in the trie have no dots, so a dotted name never hits directly.
        match self.nodes.get(node as usize).and_then(|n| n.children.get(name, key)) {
            None if key.has_dot(name) => name.split('.').try_fold(node, step).map(|node| Child { node, bit: 0 }),
            found => found,
        }
    }

    /// The id of the path ending at a node, if some rule tests it.
    #[inline]
    pub(crate) fn path(&self, node: u32) -> Option<PathId> {
        self.nodes.get(node as usize).and_then(|n| n.path)
    }

    /// Whether some tested path goes on below a node.
    #[inline]
    pub(crate) fn has_children(&self, node: u32) -> bool {
        self.nodes.get(node as usize).is_some_and(|n| !n.children.is_empty())
    }
}

/// One leaf value of an event at a tested path.
#[derive(Debug, Clone)]
pub(crate) struct EventLeaf<'e> {
    pub(crate) path: PathId,
    pub(crate) value: Leaf<'e>,
    /// The array element the leaf sits in most deeply (see [`Frame`]).
    frame: FrameId,
}

/// An array element an event value sits in, and the one that element sits
/// in: leaves share their chain of elements instead of each copying it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Frame {
    array: u32,
    element: u32,
    parent: FrameId,
}

/// Index in [`Flattened::frames`] plus one; `0` is outside any array.
pub(crate) type FrameId = u32;

/// The tested leaves of one event.
#[derive(Debug, Default)]
pub(crate) struct Flattened<'e> {
    pub(crate) leaves: Vec<EventLeaf<'e>>,
    frames: Vec<Frame>,
    arrays: u32,
    /// Whether some leaf sits in an array.
    in_arrays: bool,
    /// The nodes of the tested field names without a bit of their own (see
    /// [`SeenNames`]) of the objects being read, to find a name given twice
    /// in one object (see [`Self::from_json`]).
    pub(crate) names: Vec<u32>,
    /// Reading the text found a tested field name given twice in one object.
    pub(crate) duplicate: bool,
}

impl Flattened<'_> {
    /// Empties it for the next event, keeping its buffers (the leaves' too:
    /// collecting an emptied vector into one of the same layout reuses it).
    pub(crate) fn recycle(self) -> Flattened<'static> {
        let Self { mut leaves, mut frames, mut names, .. } = self;
        leaves.clear();
        frames.clear();
        names.clear();
        let leaves = leaves.into_iter().map(|_| unreachable!("the leaves were cleared")).collect();
        Flattened { leaves, frames, arrays: 0, in_arrays: false, names, duplicate: false }
    }
}

impl<'e> Flattened<'e> {
    /// Whether any leaf sits in an array (only then can fields of one rule be
    /// drawn from different elements).
    pub(crate) fn has_arrays(&self) -> bool {
        self.in_arrays
    }

    /// The leaves at one path.
    pub(crate) fn at_path(&self, path: PathId) -> impl Iterator<Item = usize> + '_ {
        self.leaves.iter().enumerate().filter(move |(_, leaf)| leaf.path == path).map(|(index, _)| index)
    }

    /// The array elements a frame and those around it stand for.
    fn chain(&self, mut frame: FrameId) -> impl Iterator<Item = &Frame> {
        std::iter::from_fn(move || {
            let current = self.frames.get(frame.checked_sub(1)? as usize)?;
            frame = current.parent;
            Some(current)
        })
    }

    /// Whether two leaves can be used together: they never sit in different
    /// elements of the same array.
    pub(crate) fn compatible(&self, a: usize, b: usize) -> bool {
        let (a, b) = (self.leaves[a].frame, self.leaves[b].frame);
        self.chain(a).all(|x| self.chain(b).all(|y| y.array != x.array || y.element == x.element))
    }

    /// Adds a leaf, sitting in the array element `frame`.
    #[inline]
    pub(crate) fn push(&mut self, path: PathId, value: Leaf<'e>, frame: FrameId) {
        self.in_arrays |= frame != 0;
        self.leaves.push(EventLeaf { path, value, frame });
    }

    /// A new frame: element `element` of `array`, inside `parent`.
    #[inline]
    pub(crate) fn enter(&mut self, array: u32, element: u32, parent: FrameId) -> FrameId {
        self.frames.push(Frame { array, element, parent });
        self.frames.len() as FrameId
    }

    /// Flattens an event given as a JSON value, into `buffers` (from [`Self::recycle`]).
    pub(crate) fn from_value(trie: &PathTrie, event: &'e Value, buffers: Flattened<'static>) -> Self {
        let mut flat: Self = buffers;
        if let Value::Object(map) = event {
            for (name, value) in map {
                if let Some(child) = trie.child(0, name) {
                    flat.visit_value(trie, child, value, 0);
                }
            }
        }
        flat
    }

    fn visit_value(&mut self, trie: &PathTrie, node: u32, value: &'e Value, frame: FrameId) {
        let leaf = match value {
            Value::Object(map) => {
                for (name, value) in map {
                    if let Some(child) = trie.child(node, name) {
                        self.visit_value(trie, child, value, frame);
                    }
                }
                return;
            }
            Value::Array(items) => {
                let array = self.next_array();
                for (index, item) in items.iter().enumerate() {
                    let element = self.enter(array, index as u32, frame);
                    self.visit_value(trie, node, item, element);
                }
                return;
            }
            Value::String(s) => Leaf::Str(Cow::Borrowed(s)),
            Value::Number(n) => Leaf::Num(n.as_f64().unwrap_or(f64::NAN)),
            Value::Bool(b) => Leaf::Bool(*b),
            Value::Null => Leaf::Null,
        };
        if let Some(path) = trie.path(node) {
            self.push(path, leaf, frame);
        }
    }

    /// The id of a new array (one with a tested path in or below it).
    pub(crate) fn next_array(&mut self) -> u32 {
        self.arrays += 1;
        self.arrays
    }

    /// Flattens an event given as JSON text, reading only what rules test,
    /// into `buffers` (from [`Self::recycle`]): with the [`Reader`] where it
    /// can, else with serde_json. An object that gives a tested field name
    /// twice is read as serde_json reads it into a `Value` (the last value
    /// stands), so that matching the text and matching its `Value` agree.
    pub(crate) fn from_json(
        trie: &PathTrie,
        text: &'e str,
        buffers: Flattened<'static>,
    ) -> Result<Self, serde_json::Error> {
        let mut flat: Self = buffers;
        if Reader::event(trie, text, &mut flat).is_ok() {
            return Ok(flat);
        }
        // The common case did not apply: start over with serde_json, or
        // with a `Value` straight away when the reader found a name twice.
        let duplicate = flat.duplicate;
        flat.clear();
        if duplicate {
            return Self::through_value(trie, text, flat);
        }
        Self::from_json_with_serde(trie, text, flat)
    }

    /// [`Self::from_json`] with serde_json only.
    fn from_json_with_serde(trie: &PathTrie, text: &'e str, mut flat: Self) -> Result<Self, serde_json::Error> {
        match flat.read_with_serde(trie, text) {
            Ok(()) => Ok(flat),
            Err(_) if flat.duplicate => {
                flat.clear();
                Self::through_value(trie, text, flat)
            }
            Err(error) => Err(error),
        }
    }

    /// Reads the event into a `Value` and flattens that, owning the
    /// leaves' strings: for an object that gives a tested name twice.
    fn through_value(trie: &PathTrie, text: &str, mut flat: Self) -> Result<Self, serde_json::Error> {
        let value: Value = serde_json::from_str(text)?;
        let from_value = Flattened::from_value(trie, &value, Flattened::default());
        flat.leaves.extend(from_value.leaves.into_iter().map(|leaf| EventLeaf {
            path: leaf.path,
            value: leaf.value.into_owned(),
            frame: leaf.frame,
        }));
        flat.frames = from_value.frames;
        flat.arrays = from_value.arrays;
        flat.in_arrays = from_value.in_arrays;
        Ok(flat)
    }

    fn clear(&mut self) {
        self.leaves.clear();
        self.frames.clear();
        self.names.clear();
        self.arrays = 0;
        self.in_arrays = false;
        self.duplicate = false;
    }

    /// [`Self::from_json`] with serde_json's reader.
    fn read_with_serde(&mut self, trie: &PathTrie, text: &'e str) -> Result<(), serde_json::Error> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        Node { trie, node: 0, flat: self, frame: 0, top: true }.deserialize(&mut deserializer)?;
        deserializer.end()
    }

    /// Starts noting the tested field names of an object.
    pub(crate) fn open_object(&self) -> SeenNames {
        SeenNames { mark: self.names.len(), bits: 0 }
    }

    /// Notes that an object has a tested field leading to `child`; `false`
    /// if it had one already.
    #[inline(always)]
    pub(crate) fn note_name(&mut self, seen: &mut SeenNames, child: Child) -> bool {
        if child.bit != 0 {
            let again = seen.bits & child.bit != 0;
            seen.bits |= child.bit;
            self.duplicate |= again;
            return !again;
        }
        if self.names[seen.mark..].contains(&child.node) {
            self.duplicate = true;
            return false;
        }
        self.names.push(child.node);
        true
    }

    /// Ends an object begun with [`Self::open_object`].
    pub(crate) fn close_object(&mut self, seen: SeenNames) {
        self.names.truncate(seen.mark);
    }
}

/// The tested field names of one object being read: the children with a
/// bit among their siblings as bits, the others (see [`Child::bit`]) in
/// [`Flattened::names`] from `mark` on.
pub(crate) struct SeenNames {
    mark: usize,
    bits: u64,
}

/// Reads the value at one trie node from a JSON stream.
struct Node<'t, 'f, 'e> {
    trie: &'t PathTrie,
    node: u32,
    flat: &'f mut Flattened<'e>,
    frame: FrameId,
    /// The event itself: only an object is an event.
    top: bool,
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Node<'_, '_, 'de> {
    fn leaf<E>(self, value: Leaf<'de>) -> Result<(), E> {
        if !self.top
            && let Some(path) = self.trie.path(self.node)
        {
            self.flat.push(path, value, self.frame);
        }
        Ok(())
    }
}

impl<'de> Visitor<'de> for Node<'_, '_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON event")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<(), E> {
        self.leaf(Leaf::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.leaf(Leaf::Str(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<(), E> {
        self.leaf(Leaf::Str(Cow::Owned(v)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        self.leaf(Leaf::Num(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.leaf(Leaf::Num(v as f64))
    }

    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.leaf(Leaf::Num(v as f64))
    }

    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.leaf(Leaf::Bool(v))
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.leaf(Leaf::Null)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Node { trie, node, flat, frame, .. } = self;
        if !trie.has_children(node) {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(());
        }
        let mut seen = flat.open_object();
        while let Some(found) = map.next_key_seed(ChildOf { trie, node })? {
            match found {
                Some(child) => {
                    if !flat.note_name(&mut seen, child) {
                        return Err(serde::de::Error::custom("a field name given twice"));
                    }
                    map.next_value_seed(Node { trie, node: child.node, flat: &mut *flat, frame, top: false })?
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        flat.close_object(seen);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Node { trie, node, flat, frame, top } = self;
        if top || (trie.path(node).is_none() && !trie.has_children(node)) {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(());
        }
        let array = flat.next_array();
        let mut index = 0;
        loop {
            let element = flat.enter(array, index, frame);
            let seed = Node { trie, node, flat: &mut *flat, frame: element, top: false };
            if seq.next_element_seed(seed)?.is_none() {
                // There was no such element: drop its frame.
                flat.frames.pop();
                return Ok(());
            }
            index += 1;
        }
    }
}

/// Reads a field name and finds the trie node it leads to, without copying
/// the name (`Cow<str>` would: serde only borrows it when told to).
struct ChildOf<'t> {
    trie: &'t PathTrie,
    node: u32,
}

impl<'de> DeserializeSeed<'de> for ChildOf<'_> {
    type Value = Option<Child>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<Child>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for ChildOf<'_> {
    type Value = Option<Child>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E>(self, name: &str) -> Result<Option<Child>, E> {
        Ok(self.trie.child_by_key(self.node, name, NameKey::of(name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trie(paths: &[&str]) -> PathTrie {
        let mut trie = PathTrie::default();
        for path in paths {
            trie.insert(path);
        }
        trie
    }

    fn leaves(flat: &Flattened<'_>) -> Vec<(PathId, Leaf<'static>)> {
        flat.leaves.iter().map(|l| (l.path, l.value.clone().into_owned())).collect()
    }

    const EVENT: &str = r#"{"source": "shop", "detail": {"items": [{"sku": "a", "n": 1}, {"sku": "b\u00e9", "n": 2.5}],
        "skip": {"deep": [1, 2, {"x": "y"}]}, "flag": true, "none": null}, "ignored": [1, 2, 3]}"#;

    #[test]
    fn text_and_value_flatten_alike_and_skip_untested_paths() {
        let trie = trie(&["source", "detail.items.sku", "detail.items.n", "detail.flag", "detail.none"]);
        let value: Value = serde_json::from_str(EVENT).expect("JSON");
        let from_text = Flattened::from_json(&trie, EVENT, Flattened::default()).expect("valid");
        let from_value = Flattened::from_value(&trie, &value, Flattened::default());
        assert_eq!(leaves(&from_text), leaves(&from_value));
        assert_eq!(from_text.leaves.len(), 7);
        assert_eq!(from_text.leaves[3].value, Leaf::Str("bé".into()));
    }

    #[test]
    fn leaves_of_different_array_elements_are_incompatible() {
        let trie = trie(&["detail.items.sku", "detail.items.n", "source"]);
        let flat = Flattened::from_json(&trie, EVENT, Flattened::default()).expect("valid");
        // source, sku a, n 1, sku b, n 2.5
        let index = |value: Leaf<'_>| flat.leaves.iter().position(|l| l.value == value).expect("leaf");
        let (a, one, b) = (index(Leaf::Str("a".into())), index(Leaf::Num(1.0)), index(Leaf::Str("bé".into())));
        assert!(flat.compatible(a, one));
        assert!(!flat.compatible(b, one));
        assert!(flat.compatible(index(Leaf::Str("shop".into())), b));
    }

    /// The leaves, their array elements and the elements' nesting.
    fn shape<'a>(flat: &'a Flattened<'_>) -> (Vec<(PathId, Leaf<'static>, FrameId)>, &'a [Frame]) {
        let leaves = flat.leaves.iter().map(|l| (l.path, l.value.clone().into_owned(), l.frame)).collect();
        (leaves, &flat.frames)
    }

    /// The reader (with serde_json where it gives up) and serde_json alone
    /// agree on whether a text is an event and on what it holds, to the bit
    /// of every number.
    fn reader_agrees_with_serde(text: &str) {
        let trie = trie(&["a", "a.b", "a.b.c", "b", "b.a", "c.d", "a.c", "x.y.z"]);
        let read = Flattened::from_json(&trie, text, Flattened::default());
        let serde = Flattened::from_json_with_serde(&trie, text, Flattened::default());
        match (&read, &serde) {
            (Ok(read), Ok(serde)) => {
                let (read, serde) = (shape(read), shape(serde));
                assert_eq!(read.1, serde.1, "{text}");
                assert_eq!(read.0.len(), serde.0.len(), "{text}");
                for (r, s) in read.0.iter().zip(&serde.0) {
                    let same_number =
                        matches!((&r.1, &s.1), (Leaf::Num(x), Leaf::Num(y)) if x.to_bits() == y.to_bits());
                    assert!(same_number || r == s, "{text}: {r:?} / {s:?}");
                }
            }
            (Err(_), Err(_)) => {}
            _ => panic!("{text}: {:?} / {:?}", read.map(|f| f.leaves.len()), serde.map(|f| f.leaves.len())),
        }
    }

    #[test]
    fn reader_agrees_with_serde_on_edge_cases() {
        let texts = [
            r#"{"a": 1}"#,
            r#" {"a" : -0 , "b":[ ]} "#,
            r#"{"a": 0.1, "b": [1.5e3, 2E-2, -3e+1, 1e400, 1e-400, 123456789012345678901, 0.30000000000000004]}"#,
            r#"{"a": 112.15044773942239, "b": -122.42916360922355, "c": {"d": 37.729900216217324}}"#,
            r#"{"a": 01}"#,
            r#"{"a": 1.}"#,
            r#"{"a": .5}"#,
            r#"{"a": -}"#,
            r#"{"a": 1e}"#,
            r#"{"a": [1, 2,]}"#,
            r#"{"a": 1,}"#,
            r#"{"a": tru}"#,
            r#"{"a": true, "b": false, "c": {"d": null}}"#,
            r#"{"a": "x"y", "b": "é"}"#,
            "{\"a\": \"tab\there\"}",
            r#"{"a.b": "dotted", "a": {"b": "nested"}}"#,
            r#"{"a": {"b": [{"c": 1}, {"c": [2, [3]]}, 4, []]}, "b": [{"a": "x"}, {"a": "y"}]}"#,
            r#"[1, 2]"#,
            // A lone number is read in full: out of range, it is an error.
            "0.1E310",
            "-12.5",
            r#""just a string""#,
            r#"{"a": 1} x"#,
            r#"{"a": 1}}"#,
            r#"{"a" 1}"#,
            r#"{a: 1}"#,
            "",
            "{",
            r#"{"a": "é", "b": "日本"}"#,
            "{\"a\": 1}\u{0}",
        ];
        for text in texts {
            reader_agrees_with_serde(text);
        }
        let deep = format!("{}1{}", "{\"a\": [".repeat(140), "]}".repeat(140));
        reader_agrees_with_serde(&deep);
    }

    /// JSON-like text: mostly valid, with the odd mistake or oddity.
    fn json_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let scalar = prop_oneof![
            Just("1".to_string()),
            Just("-0".to_string()),
            Just("null".to_string()),
            Just("true".to_string()),
            Just("\"a\\nb\"".to_string()),
            (any::<i64>()).prop_map(|n| n.to_string()),
            (any::<f64>()).prop_map(|x| format!("{x:?}")),
            (any::<f64>()).prop_map(|x| format!("{x:e}")),
            (-200.0f64..200.0).prop_map(|x| format!("{x}")),
            "[0-9]{1,22}(\\.[0-9]{1,20})?([eE][-+]?[0-9]{1,3})?",
            "\"[a-zé.\\\\\"]{0,6}\"",
        ];
        let key = prop_oneof![Just("a"), Just("b"), Just("c"), Just("d"), Just("a.b"), Just("x")];
        scalar.prop_recursive(4, 40, 5, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(|items| format!("[{}]", items.join(", "))),
                prop::collection::vec((key.clone(), inner), 0..5).prop_map(|fields| {
                    let fields: Vec<String> = fields.into_iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
                    format!("{{{}}}", fields.join(","))
                }),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn reader_agrees_with_serde_on_generated_text(text in json_text(), cut in 0usize..400, byte in proptest::prelude::any::<u8>()) {
            reader_agrees_with_serde(&text);
            // The same text with one byte changed (kept valid UTF-8).
            let mut bytes = text.clone().into_bytes();
            if !bytes.is_empty() {
                let at = cut % bytes.len();
                bytes[at] = byte % 128;
                if let Ok(mutated) = String::from_utf8(bytes) {
                    reader_agrees_with_serde(&mutated);
                }
            }
        }
    }

    #[test]
    fn malformed_text_is_an_error() {
        assert!(Flattened::from_json(&trie(&["a"]), r#"{"a": "#, Flattened::default()).is_err());
        assert!(Flattened::from_json(&trie(&["a"]), r#"{"a": 1} trailing"#, Flattened::default()).is_err());
    }
}

//! Alternatives laid out for checking, once their anchor field got a hit.
//!
//! With thousands of rules the alternative a hit points to is rarely
//! cached, and every pointer followed on the way to its conditions costs a
//! trip to memory. So each alternative is one run of a single list: its
//! rule, then each field followed by its conditions. The hit carries where
//! the run starts, and checking reads that run and little else.

use std::ops::Range;

use crate::ast::Condition;
use crate::event::{Flattened, PathId};
use crate::scratch::{ByPath, Check, Choice, Hit};

mod item;

use item::Item;

/// One field of an alternative: it passes when one of its conditions holds
/// for a value at its path (or, with `absence_passes`, when there is none).
#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub(crate) path: PathId,
    pub(crate) conditions: Vec<Condition>,
    /// The field also passes when the event has no value at the path.
    pub(crate) absence_passes: bool,
}

/// Where an alternative's run is; runs never overlap, so the start also
/// tells alternatives apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Run {
    pub(crate) start: u32,
    pub(crate) len: u32,
}

impl Run {
    fn items(self) -> Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }
}

/// Every alternative's run, one after another.
#[derive(Debug, Clone, Default)]
pub(crate) struct Checks {
    items: Vec<Item>,
}

impl Checks {
    /// Adds the run of an alternative of rule slot `rule`.
    pub(crate) fn push(&mut self, rule: usize, fields: &[Field]) -> Run {
        let start = self.items.len();
        self.items.push(Item::Rule(rule as u32));
        for field in fields {
            self.items.push(Item::Field {
                path: field.path,
                absence_passes: field.absence_passes,
                conditions: field.conditions.len() as u32,
            });
            self.items.extend(field.conditions.iter().map(Item::condition));
        }
        Run { start: start as u32, len: (self.items.len() - start) as u32 }
    }

    /// The rule slot of an alternative, if it passes: each field has a
    /// matching value (or, with `exists: false`, none at all), drawn
    /// consistently from arrays. `anchor` is the anchor field's index and its
    /// hits, from the index. A removed rule's alternatives may pass: the
    /// caller leaves them out.
    pub(crate) fn passes(
        &self,
        run: Run,
        mut anchor: Option<(usize, &[Hit])>,
        by_path: &ByPath,
        event: &Flattened<'_>,
        check: &mut Check,
    ) -> Option<usize> {
        let items = &self.items[run.items()];
        let Some((Item::Rule(rule), mut rest)) = items.split_first() else {
            unreachable!("a run starts with its rule")
        };
        let Check { leaves, choices, chosen, absent } = check;
        leaves.clear();
        choices.clear();
        let mut index = 0;
        while let Some((Item::Field { path, absence_passes, conditions }, after)) = rest.split_first() {
            let (conditions, after) = after.split_at(*conditions as usize);
            rest = after;
            let at_path = by_path.get(*path);
            let start = leaves.len();
            match anchor.take_if(|(field, _)| *field == index) {
                Some((_, hits)) => leaves.extend(hits.iter().map(|hit| hit.leaf)),
                None => leaves.extend(at_path.iter().copied().filter(|&leaf| {
                    let value = &event.leaves[leaf as usize].value;
                    conditions.iter().any(|item| item.passes(value))
                })),
            }
            index += 1;
            let found = start..leaves.len();
            if found.is_empty() && !absence_passes {
                return None;
            }
            // A field nothing in the event has passes on absence outright.
            if !found.is_empty() || !at_path.is_empty() {
                choices.push(Choice { leaves: found, absence: absence_passes.then_some(*path) });
            }
        }
        let passes = if event.has_arrays() {
            chosen.clear();
            absent.clear();
            consistent(choices, leaves, chosen, absent, event)
        } else {
            // Without arrays every leaf is compatible with every other, so a
            // field that has values cannot pass on absence.
            choices.iter().all(|choice| !choice.leaves.is_empty())
        };
        passes.then_some(*rule as usize)
    }
}

/// Whether one option per field can be chosen such that no two chosen
/// leaves sit in different elements of the same array, and no path chosen as
/// absent has a leaf in the elements the chosen leaves sit in.
fn consistent(
    choices: &[Choice],
    leaves: &[u32],
    chosen: &mut Vec<usize>,
    absent: &mut Vec<PathId>,
    event: &Flattened<'_>,
) -> bool {
    let Some((first, rest)) = choices.split_first() else {
        return absent
            .iter()
            .all(|&path| event.at_path(path).all(|leaf| chosen.iter().any(|&other| !event.compatible(other, leaf))));
    };
    for &leaf in &leaves[first.leaves.clone()] {
        let leaf = leaf as usize;
        if chosen.iter().all(|&other| event.compatible(other, leaf)) {
            chosen.push(leaf);
            if consistent(rest, leaves, chosen, absent, event) {
                return true;
            }
            chosen.pop();
        }
    }
    if let Some(path) = first.absence {
        absent.push(path);
        if consistent(rest, leaves, chosen, absent, event) {
            return true;
        }
        absent.pop();
    }
    false
}

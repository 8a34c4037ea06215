//! Deterministic CityLots2-shaped GeoJSON events.
//!
//! One event is one San Francisco lot, as in event-ruler's `citylots2.json.gz`:
//! the same field names, value kinds and nesting (string properties, a
//! nullable `ST_TYPE`, `geometry.coordinates` as rings of `{x, y, z}` objects
//! and `geometry.firstCoordinates`). The values are drawn so that the 70
//! benchmark rules match about the share of events they match in the real
//! 213,068 lots: street names and types with realistic frequencies, block and
//! lot numbers, longitudes spread like the city's lots, and a few values the
//! rules look for planted at their real frequency.

use std::fmt::Write as _;

/// Events in the real CityLots2 data set; the rule file's expected counts are out of this many.
pub const REFERENCE_EVENTS: usize = 213_068;

/// The seed of every run: the events depend on nothing else.
const SEED: u64 = 0x00C1_7710_7502;

/// Block numbers run from `0001` to this.
pub const BLOCKS: u64 = 7_600;

/// splitmix64: small, fast and good enough for test data.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator with the given seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[low, high)`.
    pub fn between(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One of `items`, uniformly.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Streets as `(STREET, ST_TYPE, lots per 213,068)`. The weights of the
/// streets the rules name follow the rules' expected counts; the rest are
/// common San Francisco streets filling the remainder, `ST` on about 55% of
/// the lots as in the real data.
pub const STREETS: &[(&str, Option<&str>, u32)] = &[
    // Named by the rules (prefix, suffix, equals-ignore-case, anything-but).
    ("FULTON", Some("ST"), 1910),
    ("FUNSTON", Some("AVE"), 477),
    ("MASON", Some("ST"), 2657),
    ("MASONIC", Some("AVE"), 293),
    ("JEFFERSON", Some("ST"), 131),
    ("BEACH", Some("ST"), 211),
    ("HYDE", Some("ST"), 1758),
    ("CHESTNUT", Some("ST"), 825),
    ("ACADIA", Some("ST"), 24),
    ("BLAKE", Some("ST"), 90),
    ("BLANKEN", Some("AVE"), 120),
    ("BLYTHDALE", Some("AVE"), 150),
    ("BLAIRWOOD", Some("LN"), 82),
    ("DRUMM", Some("ST"), 13),
    ("DRAKE", Some("ST"), 25),
    ("RHODE ISLAND", Some("ST"), 328),
    ("LAKE", Some("ST"), 600),
    ("HOLYOKE", Some("ST"), 150),
    ("KING", Some("ST"), 263),
    ("EWING", Some("TER"), 200),
    ("STERLING", Some("ST"), 263),
    ("SAN DIEGO", Some("AVE"), 150),
    ("SANTIAGO", Some("ST"), 500),
    ("CHICAGO", Some("WAY"), 32),
    ("MISSION", Some("ST"), 2600),
    ("WASHINGTON", Some("ST"), 1000),
    ("JACKSON", Some("ST"), 900),
    ("HARRISON", Some("ST"), 900),
    ("CLAYTON", Some("ST"), 700),
    ("LYON", Some("ST"), 500),
    ("MADISON", Some("ST"), 300),
    ("HUDSON", Some("AVE"), 300),
    ("HAMPTON", Some("PL"), 200),
    ("CARLTON", Some("CT"), 100),
    ("VERNON", Some("ST"), 400),
    ("LEXINGTON", Some("ST"), 300),
    ("ASHTON", Some("AVE"), 250),
    ("GORDON", Some("ST"), 150),
    ("WILTON", Some("ST"), 200),
    ("TRENTON", Some("ST"), 200),
    ("BENTON", Some("AVE"), 150),
    ("ALBION", Some("ST"), 200),
    ("LAWTON", Some("ST"), 1000),
    ("STOCKTON", Some("ST"), 600),
    ("BRUNSWICK", Some("ST"), 150),
    // Streets of the Richmond and the Sunset.
    ("CALIFORNIA", Some("ST"), 1800),
    ("SACRAMENTO", Some("ST"), 1500),
    ("CLAY", Some("ST"), 1000),
    ("PINE", Some("ST"), 900),
    ("BUSH", Some("ST"), 900),
    ("SUTTER", Some("ST"), 800),
    ("POST", Some("ST"), 700),
    ("OFARRELL", Some("ST"), 600),
    ("EDDY", Some("ST"), 500),
    ("ELLIS", Some("ST"), 500),
    ("TURK", Some("ST"), 800),
    ("MCALLISTER", Some("ST"), 700),
    ("HAYES", Some("ST"), 1100),
    ("GROVE", Some("ST"), 800),
    ("OAK", Some("ST"), 900),
    ("PAGE", Some("ST"), 900),
    ("HAIGHT", Some("ST"), 1000),
    ("WALLER", Some("ST"), 600),
    ("FREDERICK", Some("ST"), 400),
    ("CARL", Some("ST"), 400),
    ("IRVING", Some("ST"), 1250),
    ("JUDAH", Some("ST"), 1600),
    ("KIRKHAM", Some("ST"), 1500),
    ("MORAGA", Some("ST"), 1400),
    ("NORIEGA", Some("ST"), 1500),
    ("ORTEGA", Some("ST"), 1300),
    ("PACHECO", Some("ST"), 1200),
    ("QUINTARA", Some("ST"), 1300),
    ("RIVERA", Some("ST"), 1300),
    ("TARAVAL", Some("ST"), 1400),
    ("ULLOA", Some("ST"), 1200),
    ("VICENTE", Some("ST"), 1100),
    ("WAWONA", Some("ST"), 900),
    ("CABRILLO", Some("ST"), 900),
    ("BALBOA", Some("ST"), 800),
    ("ANZA", Some("ST"), 800),
    ("GEARY", Some("BLVD"), 1200),
    ("GOLDEN GATE", Some("AVE"), 900),
    ("PARNASSUS", Some("AVE"), 500),
    ("SLOAT", Some("BLVD"), 400),
    ("SUNSET", Some("BLVD"), 300),
    ("LA PLAYA", Some("ST"), 200),
    // Mission, Noe, Castro, Bernal, Potrero.
    ("CHURCH", Some("ST"), 1200),
    ("SANCHEZ", Some("ST"), 1300),
    ("NOE", Some("ST"), 1000),
    ("CASTRO", Some("ST"), 1200),
    ("DIAMOND", Some("ST"), 900),
    ("DOUGLASS", Some("ST"), 800),
    ("HOFFMAN", Some("AVE"), 500),
    ("FOLSOM", Some("ST"), 1800),
    ("HOWARD", Some("ST"), 1200),
    ("VALENCIA", Some("ST"), 1300),
    ("GUERRERO", Some("ST"), 1100),
    ("DOLORES", Some("ST"), 900),
    ("POTRERO", Some("AVE"), 700),
    ("YORK", Some("ST"), 700),
    ("BRYANT", Some("ST"), 1500),
    ("HAMPSHIRE", Some("ST"), 700),
    ("ALABAMA", Some("ST"), 800),
    ("FLORIDA", Some("ST"), 700),
    ("TREAT", Some("AVE"), 300),
    ("SHOTWELL", Some("ST"), 600),
    ("CAPP", Some("ST"), 500),
    ("CORTLAND", Some("AVE"), 600),
    ("PRECITA", Some("AVE"), 300),
    ("ELIZABETH", Some("ST"), 600),
    ("CHENERY", Some("ST"), 500),
    ("MONTEREY", Some("BLVD"), 800),
    ("PORTOLA", Some("DR"), 600),
    ("OCEAN", Some("AVE"), 1200),
    ("SAN JOSE", Some("AVE"), 900),
    ("GENEVA", Some("AVE"), 900),
    ("ALEMANY", Some("BLVD"), 700),
    ("BAY SHORE", Some("BLVD"), 600),
    ("SAN BRUNO", Some("AVE"), 900),
    ("GILMAN", Some("AVE"), 500),
    ("PALOU", Some("AVE"), 700),
    ("QUESADA", Some("AVE"), 600),
    ("REVERE", Some("AVE"), 500),
    ("SHAFTER", Some("AVE"), 400),
    ("THORNTON", Some("AVE"), 300),
    ("NEWHALL", Some("ST"), 300),
    // Downtown, Nob Hill, the Marina, Pacific Heights.
    ("POLK", Some("ST"), 1300),
    ("LARKIN", Some("ST"), 1200),
    ("LEAVENWORTH", Some("ST"), 1200),
    ("JONES", Some("ST"), 1300),
    ("TAYLOR", Some("ST"), 1100),
    ("POWELL", Some("ST"), 1100),
    ("KEARNY", Some("ST"), 700),
    ("MONTGOMERY", Some("ST"), 600),
    ("SANSOME", Some("ST"), 400),
    ("BATTERY", Some("ST"), 300),
    ("GRANT", Some("AVE"), 700),
    ("FILLMORE", Some("ST"), 1200),
    ("STEINER", Some("ST"), 1200),
    ("PIERCE", Some("ST"), 1000),
    ("SCOTT", Some("ST"), 1000),
    ("DIVISADERO", Some("ST"), 1100),
    ("BRODERICK", Some("ST"), 900),
    ("BAKER", Some("ST"), 800),
    ("COLE", Some("ST"), 700),
    ("SHRADER", Some("ST"), 600),
    ("STANYAN", Some("ST"), 600),
    ("ASHBURY", Some("ST"), 500),
    ("CENTRAL", Some("AVE"), 500),
    ("UNION", Some("ST"), 1200),
    ("GREEN", Some("ST"), 1100),
    ("VALLEJO", Some("ST"), 1100),
    ("FILBERT", Some("ST"), 1100),
    ("GREENWICH", Some("ST"), 1000),
    ("LOMBARD", Some("ST"), 1000),
    ("BAY", Some("ST"), 700),
    ("NORTH POINT", Some("ST"), 500),
    ("PACIFIC", Some("AVE"), 1000),
    ("VAN NESS", Some("AVE"), 900),
    ("MARINA", Some("BLVD"), 300),
    ("PRESIDIO", Some("AVE"), 400),
    ("ARGUELLO", Some("BLVD"), 600),
    ("PARK PRESIDIO", Some("BLVD"), 500),
    ("CRESCENT", Some("CT"), 600),
    ("MIDDLE", Some("CT"), 500),
    ("BELLA VISTA", Some("WAY"), 400),
    ("MERCED", Some("WAY"), 500),
    ("TWIN PEAKS", Some("BLVD"), 300),
    ("CLIPPER", Some("TER"), 300),
    ("GRAND VIEW", Some("TER"), 300),
    ("DUBOCE", Some("AVE"), 500),
    ("ALTA", Some("PL"), 300),
    ("BERNARD", Some("PL"), 200),
    ("SAINT FRANCIS", Some("PL"), 200),
    ("FIGUEROA", Some("LN"), 300),
    ("CHANCERY", Some("LN"), 200),
    ("OTIS", Some("ALY"), 300),
    ("BERRY", Some("ALY"), 200),
    ("VULCAN", Some("STPS"), 15),
    ("HAROLD", Some("CT"), 400),
    ("HOLLOWAY", Some("CIR"), 200),
    ("LAKE MERCED", Some("BLVD"), 700),
    ("JUNIPERO SERRA", Some("BLVD"), 600),
    ("BELVEDERE", Some("WAY"), 400),
    ("LAGUNA HONDA", Some("BLVD"), 300),
    ("ESPANOLA", Some("RD"), 200),
    ("GOLDEN GATE PARK", Some("HWY"), 200),
    ("BROADWAY", None, 1500),
    ("THE EMBARCADERO", None, 600),
    ("GREAT HIGHWAY", None, 400),
    ("EL CAMINO DEL MAR", None, 300),
    ("UNKNOWN", None, 7000),
];

/// Numbered avenues `02ND` to `48TH` (the Richmond and the Sunset) and
/// numbered streets `03RD` to `30TH`, with the lots each has.
const NUMBERED_AVENUES: (u32, u32, u32) = (2, 48, 1150);
const NUMBERED_STREETS: (u32, u32, u32) = (3, 30, 560);

/// The street table with the numbered avenues and streets spelled out.
pub fn streets() -> Vec<(String, Option<&'static str>, u32)> {
    let mut all: Vec<(String, Option<&'static str>, u32)> =
        STREETS.iter().map(|&(name, st_type, weight)| (name.to_string(), st_type, weight)).collect();
    for (range, st_type) in [(NUMBERED_AVENUES, "AVE"), (NUMBERED_STREETS, "ST")] {
        let (first, last, weight) = range;
        for n in first..=last {
            all.push((ordinal(n), Some(st_type), weight));
        }
    }
    all
}

/// `2` → `02ND`, `21` → `21ST`, as the city spells its numbered streets.
fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "TH",
        (1, _) => "ST",
        (2, _) => "ND",
        (3, _) => "RD",
        _ => "TH",
    };
    format!("{n:02}{suffix}")
}

/// Longitudes of block centres: piecewise uniform, so that about 70% of the
/// lots lie west of -122.41601 and 60% between -122.46471 and -122.40631, as in
/// the real data (the east of the city is denser in lots than in area).
const LONGITUDES: &[(f64, f64, f64)] = &[
    (-122.5135, -122.46471, 0.184),
    (-122.46471, -122.41601, 0.515),
    (-122.41601, -122.40631, 0.081),
    (-122.40631, -122.3700, 0.220),
];

/// Per block: the number of lots and the centre, derived from the block
/// number alone so that every lot of a block agrees.
#[derive(Debug, Clone, Copy)]
pub struct Block {
    /// `1..=BLOCKS`.
    pub number: u64,
    /// Lots are numbered `001` to this.
    pub lots: u64,
    /// Longitude of the centre.
    pub x: f64,
    /// Latitude of the centre.
    pub y: f64,
}

impl Block {
    /// The block with this number.
    pub fn new(number: u64) -> Self {
        let mut rng = SplitMix64::new(SEED ^ number.wrapping_mul(0x2545_F491_4F6C_DD1D));
        // Most blocks have a few dozen lots; a few (condominiums) have hundreds.
        let lots = 4 + (240.0 * rng.unit().powi(4)) as u64;
        let mut u = rng.unit();
        let mut x = LONGITUDES[LONGITUDES.len() - 1].1;
        for &(low, high, share) in LONGITUDES {
            if u < share {
                x = low + (high - low) * (u / share);
                break;
            }
            u -= share;
        }
        let y = rng.between(37.7080, 37.8080);
        Block { number, lots, x, y }
    }
}

/// Whether event `index` is one of `count` events per [`REFERENCE_EVENTS`],
/// spread evenly: exactly `count` of them in the real data set's size, so the
/// rare values the rules look for have their real frequency. `phase` keeps
/// different plantings apart. Returns the ordinal of the planted event.
fn planted(index: usize, count: usize, phase: usize) -> Option<usize> {
    let j = (index + phase) % REFERENCE_EVENTS;
    let cycle = (index + phase) / REFERENCE_EVENTS;
    let before = j * count / REFERENCE_EVENTS;
    let after = (j + 1) * count / REFERENCE_EVENTS;
    (after > before).then_some(cycle * count + before)
}

/// Map lots that the EXACT rules name, with how many lots (condominium units)
/// share each, per [`REFERENCE_EVENTS`].
const PLANTED_MAP_LOTS: &[(&str, usize)] =
    &[("1430022", 1), ("2607117", 101), ("2607218", 35), ("3745012", 655), ("VACSTWIL", 1)];

/// The longitude the `=` rules look for: a corner shared by a few hundred lots.
pub const SHARED_X: f64 = -122.42916360922355;
/// The latitude the `=` rule on MultiPolygons looks for.
pub const SHARED_Y: f64 = 37.729900216217324;
/// MultiPolygon lots per [`REFERENCE_EVENTS`]; all others are Polygons.
const MULTI_POLYGONS: usize = 120;

/// Makes the events.
#[derive(Debug)]
pub struct Generator {
    rng: SplitMix64,
    streets: Vec<(String, Option<&'static str>)>,
    cumulative: Vec<u64>,
    index: usize,
}

impl Default for Generator {
    fn default() -> Self {
        Self::new()
    }
}

impl Generator {
    /// The generator; its events depend only on their index.
    pub fn new() -> Self {
        let table = streets();
        let mut total = 0u64;
        let cumulative = table
            .iter()
            .map(|&(_, _, weight)| {
                total += u64::from(weight);
                total
            })
            .collect();
        let streets = table.into_iter().map(|(name, st_type, _)| (name, st_type)).collect();
        Generator { rng: SplitMix64::new(SEED), streets, cumulative, index: 0 }
    }

    /// `n` events, one JSON text each.
    pub fn events(n: usize) -> Vec<String> {
        let mut generator = Generator::new();
        (0..n).map(|_| generator.next_event()).collect()
    }

    fn street(&mut self) -> (String, Option<&'static str>) {
        let total = *self.cumulative.last().expect("streets");
        let at = self.rng.below(total);
        let i = self.cumulative.partition_point(|&c| c <= at);
        self.streets[i].clone()
    }

    /// The next event.
    pub fn next_event(&mut self) -> String {
        let index = self.index;
        self.index += 1;
        let rng = &mut self.rng;

        // Block and lot.
        let block = Block::new(1 + rng.below(BLOCKS));
        let lot = 1 + rng.below(block.lots);
        let mut block_num = format!("{:04}", block.number);
        let mut lot_num = format!("{lot:03}");
        let mut map_lot = format!("{block_num}{lot_num}");
        let mut blk_lot = map_lot.clone();
        for (k, &(planted_lot, count)) in PLANTED_MAP_LOTS.iter().enumerate() {
            if let Some(unit) = planted(index, count, 7_919 * (k + 1)) {
                map_lot = planted_lot.to_string();
                if planted_lot.starts_with("VAC") {
                    (block_num, lot_num) = ("VACST".to_string(), "WIL".to_string());
                    blk_lot = map_lot.clone();
                } else {
                    block_num = planted_lot[..4].to_string();
                    lot_num = format!("{:03}", 100 + unit % 900);
                    blk_lot = format!("{block_num}{lot_num}");
                }
                break;
            }
        }

        // Address.
        let (street, st_type) = self.street();
        let rng = &mut self.rng;
        let (from, to) = if street == "UNKNOWN" || rng.chance(0.12) {
            (0, 0)
        } else {
            let from = 1 + (3_999.0 * rng.unit().powf(1.6)) as u64;
            (from, from + 2 * rng.below(12))
        };
        let odd_even = if from % 2 == 0 { "E" } else { "O" };

        // Geometry.
        let multi = planted(index, MULTI_POLYGONS, 104_729);
        let shared_first = planted(index, 2, 15_485).is_some() && multi.is_none();
        let shared_later = planted(index, 216, 32_452).is_some();
        let shared_y = multi.is_some_and(|m| m % MULTI_POLYGONS == 17);
        let polygons = if multi.is_some() { 2 + rng.below(2) as usize } else { 1 };
        let mut rings: Vec<Vec<(f64, f64)>> = (0..polygons).map(|_| lot_ring(rng, &block)).collect();
        if shared_first {
            rings[0][0].0 = SHARED_X;
            let last = rings[0].len() - 1;
            rings[0][last].0 = SHARED_X;
        }
        if shared_later {
            let ring = &mut rings[0];
            let at = 1 + rng.below(ring.len() as u64 - 2) as usize;
            ring[at].0 = SHARED_X;
        }
        if shared_y {
            let ring = rings.last_mut().expect("a ring");
            ring[1].1 = SHARED_Y;
        }

        let mut out = String::with_capacity(1024);
        out.push_str(r#"{ "type": "Feature", "properties": { "MAPBLKLOT": ""#);
        out.push_str(&map_lot);
        let _ = write!(
            out,
            r#"", "BLKLOT": "{blk_lot}", "BLOCK_NUM": "{block_num}", "LOT_NUM": "{lot_num}", "FROM_ST": "{from}", "TO_ST": "{to}", "STREET": "{street}", "ST_TYPE": "#
        );
        match st_type {
            Some(st_type) => {
                let _ = write!(out, r#""{st_type}""#);
            }
            None => out.push_str("null"),
        }
        let _ = write!(out, r#", "ODD_EVEN": "{odd_even}" }}, "geometry": {{ "type": "#);
        out.push_str(if multi.is_some() { r#""MultiPolygon""# } else { r#""Polygon""# });
        out.push_str(r#", "coordinates": [ "#);
        for (p, ring) in rings.iter().enumerate() {
            if p > 0 {
                out.push_str(", ");
            }
            if multi.is_some() {
                out.push_str("[ ");
            }
            out.push_str("[ ");
            for (v, &(x, y)) in ring.iter().enumerate() {
                if v > 0 {
                    out.push_str(", ");
                }
                push_point(&mut out, x, y);
            }
            out.push_str(" ]");
            if multi.is_some() {
                out.push_str(" ]");
            }
        }
        out.push_str(r#" ], "firstCoordinates": "#);
        let (x, y) = rings[0][0];
        push_point(&mut out, x, y);
        out.push_str(" } }");
        out
    }
}

fn push_point(out: &mut String, x: f64, y: f64) {
    let _ = write!(out, r#"{{ "x": {x:?}, "y": {y:?}, "z": 0.0 }}"#);
}

/// A closed ring around a lot of the block: mostly a rectangle (5 points with
/// the closing one), sometimes with more corners, rarely with dozens.
fn lot_ring(rng: &mut SplitMix64, block: &Block) -> Vec<(f64, f64)> {
    let x0 = block.x + rng.between(-0.0012, 0.0012);
    let y0 = block.y + rng.between(-0.0008, 0.0008);
    let (w, h) = (rng.between(0.00008, 0.0004), rng.between(0.00008, 0.0004));
    let extra = if rng.chance(0.5) { 0 } else { 1 + (-rng.unit().max(1e-9).ln() * 6.0).min(60.0) as usize };
    let corners = [(x0, y0), (x0 + w, y0), (x0 + w, y0 + h), (x0, y0 + h)];
    let mut ring = Vec::with_capacity(5 + extra);
    for (c, &(cx, cy)) in corners.iter().enumerate() {
        ring.push((cx, cy));
        // Extra points along this side, jittered a little.
        let (nx, ny) = corners[(c + 1) % 4];
        let here = extra / 4 + usize::from(c < extra % 4);
        for k in 1..=here {
            let t = k as f64 / (here + 1) as f64;
            ring.push((cx + (nx - cx) * t + rng.between(-2e-6, 2e-6), cy + (ny - cy) * t + rng.between(-2e-6, 2e-6)));
        }
    }
    ring.push((x0, y0));
    ring
}

//! The zlib stream of an indexed chart PNG, written by us.
//!
//! A chart's pixels repeat in two ways only: along a row (background,
//! bars, gridlines) and from one row to the next (everything that is not
//! a slanted edge or text). zlib at level 1 hashes every byte to find
//! repeats anywhere in the last 32 KB; comparing each byte with the one
//! before it and the one above it finds them for less work (a `perf`
//! profile put zlib at a sixth of a cold build's CPU), and rows that
//! repeat the row above whole are said without looking at their bytes.
//! Codes are deflate's fixed Huffman codes, as zlib's fastest level uses:
//! no tables to build or send. The benchmark's charts came out 55 KB
//! rather than 60 KB.

/// The longest match deflate can say at once.
const MAX_MATCH: usize = 258;
/// The farthest back a match can look.
const WINDOW: usize = 32_768;

/// The zlib stream (RFC 1950) of `data`, PNG scanlines of `stride` bytes
/// each (their filter byte included; at least 1), compressed as one
/// fixed-Huffman deflate block (RFC 1951).
pub fn zlib(data: &[u8], stride: usize) -> Vec<u8> {
    let stride = stride.max(1);
    let mut bits = Bits { out: Vec::with_capacity(data.len() / 16 + 64), acc: 0, count: 0 };
    // 32 KB window, no dictionary, "fastest"; 0x7801 is a multiple of 31.
    bits.out.extend_from_slice(&[0x78, 0x01]);
    // BFINAL = 1, BTYPE = 01 (fixed codes), low bit first.
    bits.put(0b011, 3);
    let above = (stride <= WINDOW).then(|| distance_code(stride));
    let matcher = Matcher { data, stride, above, before: distance_code(1) };
    let mut rows = data.chunks(stride).enumerate().peekable();
    while let Some((row, line)) = rows.next() {
        let start = row * stride;
        match matcher.above {
            Some(above) if row > 0 && line == &data[start - stride..start] => {
                // Rows that repeat the one above, said at once.
                let mut end = start + line.len();
                while rows.next_if(|(_, next)| *next == &data[end - stride..end]).is_some() {
                    end += stride;
                }
                matcher.repeat(&mut bits, start, end, above);
            }
            _ => matcher.scan(&mut bits, start, start + line.len()),
        }
    }
    bits.put_code(literal_code(256));
    let mut out = bits.finish();
    let mut adler = simd_adler32::Adler32::new();
    adler.write(data);
    out.extend_from_slice(&adler.finish().to_be_bytes());
    out
}

/// Finds matches in one stream of scanlines.
struct Matcher<'a> {
    data: &'a [u8],
    stride: usize,
    /// The code of the distance to the row above, when it is within reach.
    above: Option<Code>,
    /// The code of the distance to the byte before.
    before: Code,
}

impl Matcher<'_> {
    /// Says `data[start..end]`, each byte of which is the one `stride`
    /// bytes before it (whose distance code is `above`): as a run when it
    /// is one byte over and over, which is cheaper to say.
    fn repeat(&self, bits: &mut Bits, start: usize, end: usize, above: Code) {
        let last = self.data[start - 1];
        // Every row of the span is the row before it, so the span is one
        // byte over and over when its first row is: looking at every byte
        // of a blank stretch one at a time was a third of this function.
        let first = &self.data[start..end.min(start + self.stride)];
        let distance = if first.iter().all(|&b| b == last) { self.before } else { above };
        self.copies(bits, start, end, distance);
    }

    /// Says `data[start..end]` as matches at `distance`, every byte of the
    /// span being the byte that far before it.
    fn copies(&self, bits: &mut Bits, mut start: usize, end: usize, distance: Code) {
        while end - start >= 3 {
            // Never leave one or two bytes, which no match can say.
            let length = match end - start {
                left @ 3..=MAX_MATCH => left,
                left if left - MAX_MATCH < 3 => left - 3,
                _ => MAX_MATCH,
            };
            bits.put_code(length_code(length));
            bits.put_code(distance);
            start += length;
        }
        for &byte in &self.data[start..end] {
            bits.put_code(LITERAL_CODES[usize::from(byte)]);
        }
    }

    /// Says `data[start..end]` byte by byte: a literal, or the longest
    /// match with the bytes before it or above it.
    fn scan(&self, bits: &mut Bits, start: usize, end: usize) {
        let (data, stride) = (&self.data[..end], self.stride);
        let mut at = start;
        while at < end {
            let byte = data[at];
            // A run is cheaper to say than a repeat from above (its distance
            // takes no extra bits), so it is looked for first.
            let run = if at >= 1 && data[at - 1] == byte { common(&data[at..], &data[at - 1..]) } else { 0 };
            let up = match self.above {
                Some(_) if run < MAX_MATCH && at >= stride && data[at - stride] == byte => {
                    common(&data[at..], &data[at - stride..])
                }
                _ => 0,
            };
            let (length, distance) = match self.above {
                Some(code) if up > run && up >= 3 => (up, code),
                _ if run >= 3 => (run, self.before),
                _ => {
                    bits.put_code(LITERAL_CODES[usize::from(byte)]);
                    at += 1;
                    continue;
                }
            };
            bits.put_code(length_code(length));
            bits.put_code(distance);
            at += length;
        }
    }
}

/// How many bytes `a` and `b` share from their start, up to a match's
/// longest.
fn common(a: &[u8], b: &[u8]) -> usize {
    let max = MAX_MATCH.min(a.len()).min(b.len());
    let mut i = 0;
    while i + 8 <= max {
        let x = u64::from_le_bytes(word(&a[i..])) ^ u64::from_le_bytes(word(&b[i..]));
        if x != 0 {
            return i + (x.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < max && a[i] == b[i] {
        i += 1;
    }
    i
}

/// The first eight bytes of `bytes`, which has at least eight.
fn word(bytes: &[u8]) -> [u8; 8] {
    let mut w = [0; 8];
    w.copy_from_slice(&bytes[..8]);
    w
}

/// A code as deflate writes it: its bits, first to send lowest, and how many.
#[derive(Clone, Copy)]
struct Code {
    bits: u32,
    len: u32,
}

/// Huffman codes are sent from their highest bit; the stream is filled
/// from the lowest.
const fn reversed(code: u32, len: u32) -> Code {
    Code { bits: code.reverse_bits() >> (32 - len), len }
}

/// The fixed code of a literal/length symbol (RFC 1951, 3.2.6).
const fn literal_code(symbol: u32) -> Code {
    match symbol {
        0..=143 => reversed(0x30 + symbol, 8),
        144..=255 => reversed(0x190 + symbol - 144, 9),
        256..=279 => reversed(symbol - 256, 7),
        _ => reversed(0xc0 + symbol - 280, 8),
    }
}

#[rustfmt::skip]
/// Match lengths from 3: each symbol's first length and its extra bits.
const LENGTHS: [(u16, u8); 29] = [
    (3, 0), (4, 0), (5, 0), (6, 0), (7, 0), (8, 0), (9, 0), (10, 0),
    (11, 1), (13, 1), (15, 1), (17, 1), (19, 2), (23, 2), (27, 2), (31, 2),
    (35, 3), (43, 3), (51, 3), (59, 3), (67, 4), (83, 4), (99, 4), (115, 4),
    (131, 5), (163, 5), (195, 5), (227, 5), (258, 0),
];

#[rustfmt::skip]
/// Distances from 1: each symbol's first distance and its extra bits.
const DISTANCES: [(u16, u8); 30] = [
    (1, 0), (2, 0), (3, 0), (4, 0), (5, 1), (7, 1), (9, 2), (13, 2),
    (17, 3), (25, 3), (33, 4), (49, 4), (65, 5), (97, 5), (129, 6), (193, 6),
    (257, 7), (385, 7), (513, 8), (769, 8), (1025, 9), (1537, 9), (2049, 10), (3073, 10),
    (4097, 11), (6145, 11), (8193, 12), (12289, 12), (16385, 13), (24577, 13),
];

/// The code of each byte as a literal, looked up rather than worked out:
/// a chart's text is tens of thousands of them.
const LITERAL_CODES: [Code; 256] = {
    let mut codes = [Code { bits: 0, len: 0 }; 256];
    let mut byte = 0;
    while byte < 256 {
        codes[byte] = literal_code(byte as u32);
        byte += 1;
    }
    codes
};

/// The code of each match length, its extra bits after it (0 to 2 unused).
const LENGTH_CODES: [Code; MAX_MATCH + 1] = {
    let mut codes = [Code { bits: 0, len: 0 }; MAX_MATCH + 1];
    let mut symbol = 0;
    while symbol < LENGTHS.len() {
        let (first, extra) = LENGTHS[symbol];
        let last = if symbol + 1 < LENGTHS.len() { LENGTHS[symbol + 1].0 as usize - 1 } else { MAX_MATCH };
        let code = literal_code(257 + symbol as u32);
        let mut length = first as usize;
        while length <= last {
            codes[length] = with_extra(code, length - first as usize, extra);
            length += 1;
        }
        symbol += 1;
    }
    codes
};

/// The code of a match `length` (3 to 258), its extra bits after it.
fn length_code(length: usize) -> Code {
    LENGTH_CODES[length]
}

/// The code of a match `distance` (1 to 32,768), its extra bits after it.
fn distance_code(distance: usize) -> Code {
    let symbol = DISTANCES.partition_point(|&(first, _)| usize::from(first) <= distance) - 1;
    let (first, extra) = DISTANCES[symbol];
    with_extra(reversed(symbol as u32, 5), distance - usize::from(first), extra)
}

/// `code` followed by `value` in `extra` bits, lowest first.
const fn with_extra(code: Code, value: usize, extra: u8) -> Code {
    Code { bits: code.bits | ((value as u32) << code.len), len: code.len + extra as u32 }
}

/// Bits packed low first into bytes, as deflate sends them.
struct Bits {
    out: Vec<u8>,
    acc: u64,
    count: u32,
}

impl Bits {
    fn put_code(&mut self, code: Code) {
        self.put(code.bits, code.len);
    }

    /// Adds the `len` (at most 32) low bits of `bits`.
    fn put(&mut self, bits: u32, len: u32) {
        self.acc |= u64::from(bits) << self.count;
        self.count += len;
        if self.count >= 32 {
            self.out.extend_from_slice(&(self.acc as u32).to_le_bytes());
            self.acc >>= 32;
            self.count -= 32;
        }
    }

    /// The bytes, the last one padded with zeros.
    fn finish(mut self) -> Vec<u8> {
        let bytes = self.count.div_ceil(8) as usize;
        self.out.extend_from_slice(&self.acc.to_le_bytes()[..bytes]);
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// Inflated by another implementation than ours.
    fn inflate(stream: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(stream).read_to_end(&mut out).expect("a valid zlib stream");
        out
    }

    #[test]
    fn fixed_codes_match_the_rfc_examples() {
        // RFC 1951, 3.2.6: literal 0 is 00110000, 144 is 110010000,
        // 256 is 0000000, 280 is 11000000, sent from the highest bit.
        for (symbol, code, len) in
            [(0, 0b0011_0000, 8), (144, 0b1_1001_0000, 9), (256, 0, 7), (280, 0b1100_0000, 8)]
        {
            let c = literal_code(symbol);
            assert_eq!((c.bits.reverse_bits() >> (32 - c.len), c.len), (code, len), "symbol {symbol}");
        }
        // Length 10 is symbol 264 with no extra bits; 11 is 265 plus a 0.
        assert_eq!(length_code(258).len, literal_code(285).len);
        assert_eq!(length_code(12).len, literal_code(265).len + 1);
        // Distance 1,601 (a 1,600-pixel row and its filter byte) is code 21, 9 extra bits.
        assert_eq!(distance_code(1601).len, 5 + 9);
        assert_eq!(distance_code(32_768).len, 5 + 13);
    }

    #[test]
    fn streams_inflate_to_what_was_compressed() {
        let rows = |width: usize, height: usize, pixel: &dyn Fn(usize, usize) -> u8| -> Vec<u8> {
            let mut data = Vec::new();
            for y in 0..height {
                data.push(0);
                data.extend((0..width).map(|x| pixel(x, y)));
            }
            data
        };
        let cases: Vec<(usize, Vec<u8>)> = vec![
            (1, vec![]),
            (2, rows(1, 1, &|_, _| 7)),
            // Rows of one or two bytes that repeat: spans too short for a match.
            (1, rows(0, 5, &|_, _| 0)),
            (2, rows(1, 5, &|_, _| 7)),
            (0, rows(0, 3, &|_, _| 0)),
            // Runs of every length around deflate's longest match.
            (1000, rows(999, 3, &|x, y| u8::from(x >= 255 + y && x < 520 + y))),
            // Rows repeating the one above, in part and whole.
            (
                1601,
                rows(1600, 40, &|x, y| if y % 5 == 0 { (x * 31 % 256) as u8 } else { (x / 3 % 200) as u8 }),
            ),
            // Every byte value, nothing to match.
            (257, rows(256, 4, &|x, y| (x * 167 + y * 89) as u8)),
            // Rows too long for a match with the row above.
            (40_001, rows(40_000, 3, &|x, y| ((x / 300 + y) % 3) as u8)),
        ];
        for (stride, data) in cases {
            assert_eq!(inflate(&zlib(&data, stride)), data, "stride {stride}, {} bytes", data.len());
        }
    }

    proptest::proptest! {
        /// Scanlines of a few colours, each row new or a copy of the one
        /// above, as charts are.
        #[test]
        fn any_scanlines_inflate_to_themselves(
            width in 0usize..40,
            rows in proptest::collection::vec((proptest::bool::ANY, proptest::collection::vec(0u8..4, 40)), 0..30),
        ) {
            let mut data: Vec<u8> = Vec::new();
            for (copy, row) in rows {
                if copy && !data.is_empty() {
                    data.extend_from_within(data.len() - width - 1..);
                } else {
                    data.push(0);
                    data.extend(&row[..width]);
                }
            }
            proptest::prop_assert_eq!(inflate(&zlib(&data, width + 1)), data);
        }
    }

    #[test]
    fn repeats_are_found_and_made_small() {
        // A 1,600 x 1,000 chart-like canvas: white, bars, a row of text-like noise.
        let mut data = Vec::new();
        let mut noise = 0x2545_f491_u32;
        for y in 0..1000usize {
            data.push(0);
            data.extend((0..1600usize).map(|x| match (y, x) {
                (500..=510, _) => {
                    noise ^= noise << 13;
                    noise ^= noise >> 17;
                    noise ^= noise << 5;
                    (noise % 251) as u8
                }
                (100..=900, 200..=700) => 1,
                _ => 0,
            }));
        }
        let stream = zlib(&data, 1601);
        assert_eq!(inflate(&stream), data);
        // The 11 rows with nothing to match cost at most 9 bits a byte; each
        // of the 989 others at most 7 matches of 258 bytes (27 bits each).
        let bound = (11 * 1601 * 9 + 989 * 7 * 27) / 8;
        assert!(stream.len() < bound, "{} bytes, more than {bound}", stream.len());
        // And no larger than zlib's fastest level, which looks everywhere.
        let mut zlib_fast = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut zlib_fast, &data).expect("compress");
        let zlib_fast = zlib_fast.finish().expect("compress");
        assert!(stream.len() <= zlib_fast.len(), "{} bytes, zlib {}", stream.len(), zlib_fast.len());
    }
}

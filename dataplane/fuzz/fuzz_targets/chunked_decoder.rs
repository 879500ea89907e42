//! The chunked body decoder on arbitrary bytes: it never panics, never uses more input
//! than it was given, never exceeds its body limit, and decodes the same whether the body
//! arrives in one read or split at any two points.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use rust_edge_gateway_dataplane::http::body::ChunkedDecoder;

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    max: u16,
    cuts: (u16, u16),
    wire: &'a [u8],
}

/// Feeds `pieces` in order the way a session does (unused bytes stay in its buffer and
/// are offered again with the next read); returns the outcome.
fn decode(max: usize, wire: &[u8], cuts: &[usize]) -> Result<(bool, Vec<u8>, usize), String> {
    let mut d = ChunkedDecoder::new(max);
    let mut used = 0;
    for &end in cuts.iter().chain(std::iter::once(&wire.len())) {
        let end = end.clamp(used, wire.len());
        let n = d.feed(&wire[used..end]).map_err(|e| e.to_string())?;
        assert!(n <= end - used, "used {n} of {} bytes", end - used);
        used += n;
        if d.is_done() {
            break;
        }
    }
    let done = d.is_done();
    let body = d.into_body();
    assert!(
        body.len() <= max,
        "{} body bytes over a limit of {max}",
        body.len()
    );
    Ok((done, body, used))
}

fuzz_target!(|input: Input<'_>| {
    let max = usize::from(input.max);
    let whole = decode(max, input.wire, &[]);
    let (a, b) = (usize::from(input.cuts.0), usize::from(input.cuts.1));
    let split = decode(max, input.wire, &[a.min(b), a.max(b)]);
    match (&whole, &split) {
        (Ok((true, body, used)), other) => assert_eq!(
            other,
            &Ok((true, body.clone(), *used)),
            "a complete body decoded differently when split"
        ),
        // Incomplete in one read: split reads may not finish or fail differently.
        (Ok((false, ..)), Ok((done, ..))) => assert!(!done, "split finished, whole did not"),
        (Err(_), Ok((true, ..))) => panic!("split accepted what whole refused: {whole:?}"),
        _ => {}
    }
});

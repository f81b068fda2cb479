//! The STIX bundle reader: any bytes, read whole and in short uneven reads (so the scanner's
//! chunk boundaries fall everywhere), must give the same objects, errors and error positions;
//! a read with a lower size limit must agree with the unlimited one up to where it stops.
#![no_main]
use libfuzzer_sys::fuzz_target;
use normwatch_stix::bundle::{
    SpecVersion, StixObject, TlpResolver, check_json, read_bundle, read_bundle_limited, timestamp_key,
};
use std::io::{self, Read};

/// Hands out the input a few bytes at a time, the sizes taken from the input itself.
struct Dribble<'a> {
    data: &'a [u8],
    at: usize,
}

impl Read for Dribble<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let rest = &self.data[self.at..];
        let want = rest.first().map_or(1, |b| 1 + (*b as usize * 7 + self.at) % 13);
        let n = want.min(rest.len()).min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.at += n;
        Ok(n)
    }
}

/// Everything one read reports, as text: each sink call in order, then the outcome.
fn read(reader: impl Read, limit: Option<usize>) -> (Vec<String>, Result<String, String>) {
    let mut events = Vec::new();
    let mut resolver = TlpResolver::new();
    let sink = |object: Result<StixObject, _>| {
        if let Ok(o) = &object {
            assert_eq!(SpecVersion::parse(o.spec_version.name()), Some(o.spec_version));
            assert!(serde_json::from_str::<serde_json::Value>(o.raw.get()).is_ok(), "raw is JSON");
            match &o.modified {
                Some(m) => assert_eq!(timestamp_key(m).as_deref(), Some(o.version_key.as_str())),
                None => assert_eq!(o.version_key, ""),
            }
        }
        events.push(format!("{object:?}"));
        Ok::<(), String>(())
    };
    let outcome = match limit {
        None => read_bundle(reader, &mut resolver, sink),
        Some(limit) => read_bundle_limited(reader, limit, &mut resolver, sink),
    };
    (events, outcome.map(|s| format!("{s:?}")).map_err(|e| format!("{e:?}")))
}

fuzz_target!(|data: &[u8]| {
    let whole = read(data, None);
    let dribbled = read(Dribble { data, at: 0 }, None);
    assert_eq!(whole, dribbled, "reading in short reads changes the result");

    // A limit below some values: the same up to the value that is too large.
    let limit = data.len() / 3 + 1;
    let (events, outcome) = read(data, Some(limit));
    match outcome {
        Err(e) if e.starts_with("TooLarge") => {
            assert!(events.len() <= whole.0.len() && events[..] == whole.0[..events.len()], "a prefix")
        }
        other => assert_eq!((events, other), whole, "a limit that is not reached changes nothing"),
    }

    if let Ok(text) = std::str::from_utf8(data) {
        let _ = check_json(text, &mut TlpResolver::new());
        if let Some(v) = SpecVersion::parse(text) {
            assert_eq!(v.name(), text);
        }
        if let Some(key) = timestamp_key(text) {
            assert_eq!(key.len(), "YYYY-MM-DDTHH:MM:SS.ffffffZ".len(), "{text:?} → {key:?}");
        }
    }
});

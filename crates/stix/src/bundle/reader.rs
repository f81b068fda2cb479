//! The streaming reader: frames one object at a time out of a bundle or TAXII envelope.
use super::*;

/// Streams a STIX 2.1 or 2.0 bundle, or a TAXII 2.1 envelope (`{"objects": [...]}`, `more` and
/// `next` ignored), from `reader`, one object at a time, never holding more than the largest
/// single object. Each object is checked; accepted objects and per-object errors go to `sink` in
/// input order, and a bad object is reported while the rest go on. The top-level keys may come
/// in any order. `sink` returning `Err` stops the read with [`BundleError::Sink`].
pub fn read_bundle<R: Read, E: fmt::Display>(
    reader: R,
    resolver: &mut TlpResolver,
    sink: impl FnMut(Result<StixObject, ObjectError>) -> Result<(), E>,
) -> Result<BundleSummary, BundleError> {
    read_bundle_limited(reader, MAX_OBJECT_BYTES, resolver, sink)
}

/// [`read_bundle`] with a different limit on the size of one object (in bytes).
pub fn read_bundle_limited<R: Read, E: fmt::Display>(
    reader: R,
    max_object_bytes: usize,
    resolver: &mut TlpResolver,
    sink: impl FnMut(Result<StixObject, ObjectError>) -> Result<(), E>,
) -> Result<BundleSummary, BundleError> {
    let mut r = BundleReader {
        scan: Scanner::new(reader),
        limit: max_object_bytes,
        resolver,
        sink,
        summary: BundleSummary::default(),
        buf: Vec::new(),
        _err: PhantomData,
    };
    r.run()?;
    Ok(r.summary)
}

/// A place in the input: 1-based line, 1-based column in bytes.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pos {
    pub(super) line: u64,
    pub(super) column: u64,
}

impl Pos {
    /// The place `offset` bytes into `text`, which starts here.
    pub(super) fn advance(self, text: &[u8]) -> Pos {
        match text.iter().rposition(|&b| b == b'\n') {
            None => Pos { line: self.line, column: self.column + text.len() as u64 },
            Some(last) => Pos {
                line: self.line + text.iter().filter(|&&b| b == b'\n').count() as u64,
                column: (text.len() - last) as u64,
            },
        }
    }

    /// Where serde_json's 1-based (line, column) inside a value starting here falls.
    pub(super) fn within(self, line: usize, column: usize) -> Pos {
        if line <= 1 {
            Pos { line: self.line, column: self.column + (column as u64).saturating_sub(1) }
        } else {
            Pos { line: self.line + line as u64 - 1, column: column as u64 }
        }
    }
}

/// Why capturing one value stopped early.
enum Stop {
    Eof,
    TooLarge,
    Io(io::Error),
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Stop {
        Stop::Io(e)
    }
}

/// A buffered byte reader that knows its line and column and can copy out one JSON value by
/// framing alone (strings, escapes, bracket depth); serde_json validates the copy afterwards.
struct Scanner<R> {
    reader: R,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    /// Absolute offset of `buf[0]`.
    base: u64,
    /// `buf[..counted]` is already reflected in `line` / `line_start`.
    counted: usize,
    line: u64,
    /// Absolute offset of the first byte of `line`.
    line_start: u64,
}

impl<R: Read> Scanner<R> {
    fn new(reader: R) -> Scanner<R> {
        Scanner { reader, buf: vec![0; CHUNK], pos: 0, len: 0, base: 0, counted: 0, line: 1, line_start: 0 }
    }

    /// Brings line accounting up to `upto` (newlines are counted once each, lazily, so the hot
    /// copying loop need not look for them).
    fn count_lines(&mut self, upto: usize) {
        let seg = &self.buf[self.counted..upto];
        if let Some(last) = memchr::memrchr(b'\n', seg) {
            self.line += memchr::memchr_iter(b'\n', seg).count() as u64;
            self.line_start = self.base + (self.counted + last + 1) as u64;
        }
        self.counted = upto;
    }

    /// Reads the next chunk once the current one is used up; `false` at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        self.count_lines(self.len);
        self.base += self.len as u64;
        self.pos = 0;
        self.len = 0;
        self.counted = 0;
        loop {
            match self.reader.read(&mut self.buf) {
                Ok(n) => {
                    self.len = n;
                    return Ok(n > 0);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    fn peek(&mut self) -> io::Result<Option<u8>> {
        if self.pos == self.len && !self.fill()? {
            return Ok(None);
        }
        Ok(Some(self.buf[self.pos]))
    }

    /// Steps over the byte `peek` returned.
    fn bump(&mut self) {
        self.pos += 1;
    }

    fn skip_ws(&mut self) -> io::Result<Option<u8>> {
        loop {
            match self.peek()? {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                other => return Ok(other),
            }
        }
    }

    /// Where the next byte sits.
    fn position(&mut self) -> Pos {
        self.count_lines(self.pos);
        Pos { line: self.line, column: self.base + self.pos as u64 - self.line_start + 1 }
    }

    /// Appends the bytes of the JSON value starting at the next byte to `out`. Framing only: a
    /// string ends at its unescaped quote, an object or array where its depth returns to zero,
    /// a literal or number at the first byte that cannot belong to one.
    fn capture(&mut self, out: &mut Vec<u8>, limit: usize) -> Result<(), Stop> {
        let Some(first) = self.peek()? else { return Err(Stop::Eof) };
        if !matches!(first, b'{' | b'[' | b'"') {
            return self.capture_scalar(out, limit);
        }
        let (mut depth, mut in_str, mut esc) = (0usize, false, false);
        loop {
            if self.pos == self.len && !self.fill()? {
                return Err(Stop::Eof);
            }
            let chunk = &self.buf[self.pos..self.len];
            let mut used = chunk.len();
            let mut done = false;
            let mut i = 0;
            while i < chunk.len() {
                if in_str {
                    if esc {
                        esc = false;
                        i += 1;
                        continue;
                    }
                    // Most of a STIX object is string text: jump to the next quote or backslash.
                    match memchr::memchr2(b'"', b'\\', &chunk[i..]) {
                        None => i = chunk.len(),
                        Some(n) => {
                            i += n + 1;
                            if chunk[i - 1] == b'\\' {
                                esc = true;
                            } else {
                                in_str = false;
                                if depth == 0 {
                                    (used, done) = (i, true);
                                    break;
                                }
                            }
                        }
                    }
                    continue;
                }
                let b = chunk[i];
                i += 1;
                match b {
                    b'"' => in_str = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            (used, done) = (i, true);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            if out.len() + used > limit {
                return Err(Stop::TooLarge);
            }
            out.extend_from_slice(&chunk[..used]);
            self.pos += used;
            if done {
                return Ok(());
            }
        }
    }

    /// A number or literal: the bytes that may belong to one (serde_json judges them after).
    fn capture_scalar(&mut self, out: &mut Vec<u8>, limit: usize) -> Result<(), Stop> {
        while let Some(b) = self.peek()? {
            if !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')) {
                break;
            }
            if out.len() >= limit {
                return Err(Stop::TooLarge);
            }
            out.push(b);
            self.bump();
        }
        Ok(())
    }
}

struct BundleReader<'r, R, S, E> {
    scan: Scanner<R>,
    limit: usize,
    resolver: &'r mut TlpResolver,
    sink: S,
    summary: BundleSummary,
    /// Reused for each captured value, so it holds at most the largest one.
    buf: Vec<u8>,
    _err: PhantomData<fn() -> E>,
}

impl<R, S, E> BundleReader<'_, R, S, E>
where
    R: Read,
    S: FnMut(Result<StixObject, ObjectError>) -> Result<(), E>,
    E: fmt::Display,
{
    fn syntax_at(pos: Pos, message: impl Into<String>) -> BundleError {
        BundleError::Json { line: pos.line, column: pos.column, message: message.into() }
    }

    fn syntax(&mut self, message: impl Into<String>) -> BundleError {
        Self::syntax_at(self.scan.position(), message)
    }

    /// End of input where more was due; placed on the last byte, as serde_json does.
    fn eof(&mut self, what: &str) -> BundleError {
        let p = self.scan.position();
        Self::syntax_at(Pos { line: p.line, column: p.column.saturating_sub(1) }, format!("EOF while parsing {what}"))
    }

    fn shape(pos: Pos, reason: impl Into<String>) -> BundleError {
        BundleError::NotABundle { line: pos.line, column: pos.column, reason: reason.into() }
    }

    /// Copies the next value into `self.buf` (cleared first).
    fn capture(&mut self, start: Pos, what: &str) -> Result<(), BundleError> {
        self.buf.clear();
        match self.scan.capture(&mut self.buf, self.limit) {
            Ok(()) if self.buf.is_empty() => match self.scan.peek()? {
                Some(b) => Err(self.syntax(format!("expected a value, found `{}`", char::from(b)))),
                None => Err(self.eof(what)),
            },
            Ok(()) => Ok(()),
            Err(Stop::Eof) => Err(self.eof(what)),
            Err(Stop::TooLarge) => {
                Err(BundleError::TooLarge { line: start.line, column: start.column, limit: self.limit })
            }
            Err(Stop::Io(e)) => Err(BundleError::Io(e)),
        }
    }

    /// Places a serde_json error in the value captured at `start`. A number or literal cut
    /// short (`tru]`) ends, for serde_json, at the end of the copy; in the input the fault is
    /// the byte after it, where the scanner stands.
    fn value_error(&mut self, start: Pos, e: &serde_json::Error) -> BundleError {
        // Skipping and building a value report some faults one byte apart; the slow path
        // places them as a plain parse of the document would.
        let rebuilt = serde_json::from_slice::<Value>(&self.buf).err();
        let e = rebuilt.as_ref().unwrap_or(e);
        let scalar = !matches!(self.buf.first(), Some(b'{' | b'[' | b'"'));
        if scalar && e.classify() == serde_json::error::Category::Eof {
            return self.syntax("expected a value: a number, a string, true, false, null, an object or an array");
        }
        Self::syntax_at(start.within(e.line(), e.column()), bare_message(e))
    }

    /// `self.buf` as text, or the place of its first invalid UTF-8 byte.
    fn text(&self, start: Pos) -> Result<&str, BundleError> {
        std::str::from_utf8(&self.buf).map_err(|e| {
            let at = start.advance(&self.buf[..e.valid_up_to()]);
            Self::syntax_at(at, "invalid UTF-8: a bundle must be UTF-8 encoded")
        })
    }

    fn run(&mut self) -> Result<(), BundleError> {
        // RFC 8259 §8.1 lets a parser ignore a leading byte order mark; some Windows tools write one.
        if self.scan.peek()? == Some(0xEF) {
            for expected in [0xEF, 0xBB, 0xBF] {
                if self.scan.peek()? != Some(expected) {
                    return Err(self.syntax("expected value"));
                }
                self.scan.bump();
            }
        }
        let first = self.scan.skip_ws()?;
        let start = self.scan.position();
        match first {
            Some(b'{') => self.scan.bump(),
            Some(b'[') => {
                return Err(Self::shape(
                    start,
                    "the top level is an array; expected a bundle {\"type\": \"bundle\", \"objects\": [...]}",
                ));
            }
            Some(_) => {
                return Err(Self::shape(
                    start,
                    "the top level is not a JSON object; expected a bundle {\"type\": \"bundle\", \"objects\": [...]}",
                ));
            }
            None => return Err(self.eof("a value")),
        }
        let (mut seen_objects, mut is_bundle, mut is_envelope) = (false, false, false);
        let mut key_start = self.scan.position();
        if self.scan.skip_ws()? == Some(b'}') {
            self.scan.bump();
        } else {
            loop {
                match self.scan.skip_ws()? {
                    Some(b'"') => {}
                    Some(_) => return Err(self.syntax("key must be a string")),
                    None => return Err(self.eof("an object")),
                }
                let at = self.scan.position();
                self.capture(at, "a string")?;
                let key: String = serde_json::from_str(self.text(at)?)
                    .map_err(|e| Self::syntax_at(at.within(e.line(), e.column()), bare_message(&e)))?;
                match self.scan.skip_ws()? {
                    Some(b':') => self.scan.bump(),
                    Some(_) => return Err(self.syntax("expected `:`")),
                    None => return Err(self.eof("an object")),
                }
                if self.scan.skip_ws()?.is_none() {
                    return Err(self.eof("a value"));
                }
                let at = self.scan.position();
                if key == "objects" {
                    if seen_objects {
                        return Err(Self::shape(at, "`objects` appears twice; a bundle has one array of objects"));
                    }
                    seen_objects = true;
                    self.objects(at)?;
                } else {
                    self.capture(at, "a value")?;
                    let text = self.text(at)?;
                    let wanted = matches!(key.as_str(), "type" | "id" | "spec_version");
                    // Other values are only validated, not built: they may be large.
                    let parsed = if wanted {
                        serde_json::from_str::<Value>(text)
                    } else {
                        serde_json::from_str::<IgnoredAny>(text).map(|_| Value::Null)
                    };
                    let value = parsed.map_err(|e| self.value_error(at, &e))?;
                    match key.as_str() {
                        "type" => match value.as_str() {
                            Some("bundle") => is_bundle = true,
                            Some(other) => {
                                return Err(Self::shape(
                                    at,
                                    format!(
                                        "the top level is a `{other}`, not a bundle; wrap objects in {{\"type\": \"bundle\", \"objects\": [...]}}"
                                    ),
                                ));
                            }
                            None => return Err(Self::shape(at, "`type` of the top level must be \"bundle\"")),
                        },
                        "id" => self.summary.bundle_id = value.as_str().map(str::to_owned),
                        "spec_version" => self.summary.spec_version = value.as_str().map(str::to_owned),
                        "more" | "next" => is_envelope = true,
                        _ => {}
                    }
                }
                match self.scan.skip_ws()? {
                    Some(b',') => self.scan.bump(),
                    Some(b'}') => {
                        self.scan.bump();
                        break;
                    }
                    Some(_) => return Err(self.syntax("expected `,` or `}`")),
                    None => return Err(self.eof("an object")),
                }
                key_start = self.scan.position();
                if self.scan.skip_ws()? == Some(b'}') {
                    return Err(self.syntax("trailing comma"));
                }
            }
        }
        if self.scan.skip_ws()?.is_some() {
            return Err(self.syntax("trailing characters"));
        }
        // STIX 2.1 makes `objects` optional in a bundle and TAXII omits empty lists, so only a
        // top level that is neither is refused for lacking it.
        if !seen_objects && !is_bundle && !is_envelope {
            return Err(Self::shape(
                key_start,
                "no `objects` array: expected a bundle {\"type\": \"bundle\", \"objects\": [...]} or a TAXII envelope {\"objects\": [...]}",
            ));
        }
        Ok(())
    }

    /// The `objects` array, at its opening bracket.
    fn objects(&mut self, at: Pos) -> Result<(), BundleError> {
        match self.scan.peek()? {
            Some(b'[') => self.scan.bump(),
            Some(b'n') => return Err(Self::shape(at, "`objects` is null; it must be an array of STIX objects")),
            _ => return Err(Self::shape(at, "`objects` must be an array of STIX objects")),
        }
        if self.scan.skip_ws()? == Some(b']') {
            self.scan.bump();
            return Ok(());
        }
        loop {
            if self.scan.skip_ws()?.is_none() {
                return Err(self.eof("a list"));
            }
            let start = self.scan.position();
            self.capture(start, "a list")?;
            self.element(start)?;
            match self.scan.skip_ws()? {
                Some(b',') => self.scan.bump(),
                Some(b']') => {
                    self.scan.bump();
                    return Ok(());
                }
                Some(_) => return Err(self.syntax("expected `,` or `]`")),
                None => return Err(self.eof("a list")),
            }
            if self.scan.skip_ws()? == Some(b']') {
                return Err(self.syntax("trailing comma"));
            }
        }
    }

    /// Validates, checks and hands on the element in `self.buf`.
    fn element(&mut self, start: Pos) -> Result<(), BundleError> {
        let parsed = serde_json::from_str::<Box<RawValue>>(self.text(start)?);
        let raw = parsed.map_err(|e| self.value_error(start, &e))?;
        let index = self.summary.objects;
        self.summary.objects += 1;
        let checked = check_object(raw, index, &format!("/objects/{index}"), self.resolver);
        if checked.is_err() {
            self.summary.rejected += 1;
        }
        (self.sink)(checked).map_err(|e| BundleError::Sink { index, message: e.to_string() })
    }
}

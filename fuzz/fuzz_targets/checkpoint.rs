//! C2SP checkpoints: whatever parses renders back to exactly the same text (one spelling per
//! checkpoint), and what renders parses back to the same checkpoint.
#![no_main]
use libfuzzer_sys::fuzz_target;
use normwatch_ledger::Checkpoint;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(checkpoint) = Checkpoint::parse(text) else { return };
    let rendered = checkpoint.to_text();
    assert_eq!(rendered, text, "one spelling per checkpoint");
    assert_eq!(Checkpoint::parse(&rendered).as_ref(), Ok(&checkpoint));
});

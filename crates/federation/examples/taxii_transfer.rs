//! The baseline of `scripts/bench-federation`: the same records a sync takes, transferred over
//! plain TAXII 2.1 by the same client (every collection the reader may read, 500 objects a page,
//! from the start) with nothing verified or stored. Prints `RECORDS SECONDS`.
//!
//! Usage: cargo run --release -p normwatch-federation --example taxii_transfer -- URL
use normwatch_federation::PeerClient;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).ok_or("usage: taxii_transfer URL")?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let client = PeerClient::new(&url, None)?;
        let started = Instant::now();
        let mut records = 0usize;
        for collection in client.collections().await? {
            let mut next: Option<String> = None;
            loop {
                let page = client.objects(&collection, None, next.as_deref(), 500).await?;
                records += page.records.len();
                if !page.more || page.next.is_none() {
                    break;
                }
                next = page.next;
            }
        }
        println!("{records} {:.3}", started.elapsed().as_secs_f64());
        Ok(())
    })
}

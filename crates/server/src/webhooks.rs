//! Webhook delivery: signed POSTs of hotline messages to the endpoints stakeholders register,
//! retried with exponential backoff, every attempt in the delivery log.
use normwatch_store::Store;
use sha2::{Digest, Sha256};
use std::time::Duration;

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new().chain_update(pad(0x36)).chain_update(message).finalize();
    Sha256::new().chain_update(pad(0x5c)).chain_update(inner).finalize().into()
}

/// The `X-Normwatch-Signature` value: HMAC-SHA256 over `<timestamp>.<body>` with the endpoint's
/// secret, so a receiver checks both the body and its freshness.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    format!("sha256={}", hex::encode(hmac_sha256(secret.as_bytes(), format!("{timestamp}.{body}").as_bytes())))
}

/// How the dispatcher paces itself.
#[derive(Debug, Clone, Copy)]
pub struct Dispatcher {
    pub poll: Duration,
    /// The first retry waits this long; each later one twice as long as the one before.
    pub retry_base: Duration,
    pub max_attempts: i64,
}

impl Default for Dispatcher {
    fn default() -> Self {
        Dispatcher { poll: Duration::from_secs(1), retry_base: Duration::from_secs(30), max_attempts: 5 }
    }
}

impl Dispatcher {
    /// Delivers what is due, forever (until the runtime stops).
    pub fn spawn(self, store: Store) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let client = match reqwest::Client::builder().timeout(Duration::from_secs(10)).build() {
                Ok(c) => c,
                Err(e) => {
                    tracing::error!(error = %e, "webhook client could not start; deliveries wait");
                    return;
                }
            };
            loop {
                if let Err(e) = self.round(&store, &client).await {
                    tracing::warn!(error = %e, "webhook round failed; retrying");
                }
                tokio::time::sleep(self.poll).await;
            }
        })
    }

    async fn round(&self, store: &Store, client: &reqwest::Client) -> Result<(), normwatch_store::StoreError> {
        // Deadlines passed since the last round become escalation events first.
        store.escalate_overdue().await?;
        for d in store.due_deliveries(20).await? {
            let ts = time::OffsetDateTime::now_utc().unix_timestamp();
            let sent = client
                .post(&d.url)
                .header("content-type", "application/json")
                .header("x-normwatch-delivery", &d.id)
                .header("x-normwatch-timestamp", ts.to_string())
                .header("x-normwatch-signature", signature(&d.secret, ts, &d.body))
                .body(d.body.clone())
                .send()
                .await;
            let (ok, status, error) = match sent {
                Ok(r) => (r.status().is_success(), Some(i64::from(r.status().as_u16())), None),
                Err(e) => (false, None, Some(e.to_string())),
            };
            let attempts = d.attempts + 1;
            let retry_at = (!ok && attempts < self.max_attempts).then(|| {
                let wait = self.retry_base * 2u32.saturating_pow(u32::try_from(attempts - 1).unwrap_or(0));
                normwatch_store::timestamp(time::OffsetDateTime::now_utc() + wait)
            });
            store.record_attempt(&d.id, ok, status, error.as_deref(), retry_at.as_deref()).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_test_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(hex::encode(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
}

//! The background work `serve` runs beside the listener: the collection poller and the peer
//! sync, each a round shortly after start and then one every so often.
use std::future::Future;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// Runs `round` after `first`, then every `every`, until `stop` turns true (a round in flight
/// finishes) or its sender is dropped.
async fn periodically<F, Fut>(
    first: Duration,
    every: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
    mut round: F,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    let mut wait = first;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            // A dropped sender (the server gone) stops the loop too.
            changed = stop.changed() => if changed.is_err() { break },
        }
        if *stop.borrow() {
            break;
        }
        wait = every;
        round().await;
    }
}

/// The poller of `serve`: a first run shortly after start, then one every `every`; it ends at
/// the next source once `stop` turns true (a poll in flight finishes and is recorded).
pub fn spawn_poller(
    state: normwatch_server::AppState,
    every: Duration,
    stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        tracing::info!(every_secs = every.as_secs(), "collection poller started");
        let halt = stop.clone();
        periodically(every.min(Duration::from_secs(2)), every, stop, || {
            let (state, halt) = (state.clone(), halt.clone());
            async move {
                let started = Instant::now();
                let run = state
                    .app()
                    .collect_due_by(
                        &state.collector,
                        OffsetDateTime::now_utc(),
                        || *halt.borrow(),
                        |p| {
                            if let Some(e) = &p.error {
                                tracing::warn!(source = %p.name, error = %e, "collection source failed");
                            }
                        },
                    )
                    .await;
                match run {
                    Ok(r) if r.sources.is_empty() => tracing::debug!("collection run: no source due"),
                    Ok(r) => tracing::info!(
                        sources = r.sources.len(),
                        new_items = r.new_items(),
                        failed = r.failed(),
                        secs = started.elapsed().as_secs_f64(),
                        "collection run"
                    ),
                    // The next run tries again: a database hiccup must not stop the server.
                    Err(e) => tracing::error!(error = %e, "collection run failed"),
                }
            }
        })
        .await;
        tracing::info!("collection poller stopped");
    })
}

/// The peer sync of `serve`: every active peer, shortly after start and then every `every`.
pub fn spawn_peer_sync(
    state: normwatch_server::AppState,
    every: Duration,
    stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        periodically(every.min(Duration::from_secs(3)), every, stop, || {
            let state = state.clone();
            async move {
                let results = match state.app().sync_peers(state.log.key()).await {
                    Ok(results) => results,
                    Err(e) => return tracing::error!(error = %e, "peer sync failed"),
                };
                for r in results {
                    match r {
                        Ok(r) if r.fork.is_some() => tracing::error!(peer = %r.origin, fork = ?r.fork, "peer forked"),
                        Ok(r) if r.received + r.refused > 0 => tracing::info!(
                            peer = %r.origin, size = r.checkpoint_size, received = r.received, refused = r.refused, "peer synced"
                        ),
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "peer sync failed"),
                    }
                }
            }
        })
        .await;
    })
}

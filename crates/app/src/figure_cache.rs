//! Figures kept until the next write. A figure over published records (the metrics, the
//! attribution trends) reads every standing finding the viewer may read — hundreds of thousands
//! of rows at scale — yet changes only when something is written. Each figure is kept under its
//! name, the viewer and its query, with the write clock's value when it was computed
//! ([`normwatch_store::Store::audit_version`]; migration 0027): every write audits and every
//! audit entry moves the clock, in commit order, so a figure whose version is still the latest is
//! still true. Reading the version is one row, and works the same when several servers share one
//! PostgreSQL database.
use crate::AppError;
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How many figures are kept at once (per viewer and query); past it, stale ones go first, then all.
const CAPACITY: usize = 512;

type Entry = (i64, Arc<dyn Any + Send + Sync>);

#[derive(Default)]
pub struct FigureCache {
    entries: Mutex<HashMap<String, Entry>>,
    /// One lock per figure being computed: after a write, a burst of readers of one figure
    /// (seconds of work at 100,000 incidents) computes it once; the others wait for it.
    computing: Mutex<HashMap<String, Arc<futures_util::lock::Mutex<()>>>>,
}

impl std::fmt::Debug for FigureCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.entries.lock().map(|e| e.len()).unwrap_or(0);
        f.debug_struct("FigureCache").field("entries", &n).finish()
    }
}

impl FigureCache {
    /// The figure under `key` computed at `version`, or `compute`'s answer, kept for the next
    /// request at the same version. Requests that miss at once compute it once: the first
    /// computes, the others wait and take its answer (or compute, if it failed).
    pub async fn get_or<T, F>(&self, key: String, version: i64, compute: F) -> Result<Arc<T>, AppError>
    where
        T: Send + Sync + 'static,
        F: Future<Output = Result<T, AppError>>,
    {
        if let Some(hit) = self.lookup::<T>(&key, version) {
            return Ok(hit);
        }
        let lock = match self.computing.lock() {
            Ok(mut computing) => computing.entry(key.clone()).or_default().clone(),
            // A poisoned map only loses the sharing, not the figure.
            Err(_) => Arc::default(),
        };
        let guard = lock.lock().await;
        let value = match self.lookup::<T>(&key, version) {
            Some(hit) => Ok(hit),
            None => self.compute_and_keep(&key, version, compute).await,
        };
        drop(guard);
        // The last one out forgets the lock, so that the map holds only figures in progress.
        if let Ok(mut computing) = self.computing.lock()
            && Arc::strong_count(&lock) == 2
        {
            computing.remove(&key);
        }
        value
    }

    async fn compute_and_keep<T, F>(&self, key: &str, version: i64, compute: F) -> Result<Arc<T>, AppError>
    where
        T: Send + Sync + 'static,
        F: Future<Output = Result<T, AppError>>,
    {
        let value = Arc::new(compute.await?);
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CAPACITY {
                entries.retain(|_, (v, _)| *v == version);
                if entries.len() >= CAPACITY {
                    entries.clear();
                }
            }
            entries.insert(key.to_owned(), (version, value.clone()));
        }
        Ok(value)
    }

    fn lookup<T: Send + Sync + 'static>(&self, key: &str, version: i64) -> Option<Arc<T>> {
        let entries = self.entries.lock().ok()?;
        let (v, value) = entries.get(key)?;
        if *v != version {
            return None;
        }
        value.clone().downcast::<T>().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_figure_is_computed_again_once_the_version_moves() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let cache = FigureCache::default();
        let runs = Arc::new(AtomicUsize::new(0));
        let compute = |n: usize| {
            let runs = runs.clone();
            async move {
                runs.fetch_add(1, Ordering::SeqCst);
                Ok::<usize, AppError>(n)
            }
        };
        assert_eq!(*cache.get_or("a".into(), 1, compute(10)).await.expect("first"), 10);
        // Same version: kept, not computed.
        assert_eq!(*cache.get_or("a".into(), 1, compute(11)).await.expect("kept"), 10);
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        // A write moved the version: computed again.
        assert_eq!(*cache.get_or("a".into(), 2, compute(12)).await.expect("again"), 12);
        assert_eq!(runs.load(Ordering::SeqCst), 2);
        // A different type under a key is computed, not mistaken for the kept one.
        let s = cache.get_or("a".into(), 2, async { Ok::<String, AppError>("x".into()) }).await.expect("typed");
        assert_eq!(*s, "x");
        // An error is not kept.
        let failed =
            cache.get_or::<usize, _>("c".into(), 2, async { Err(AppError::Unauthenticated("no".into())) }).await;
        assert!(failed.is_err());
        assert_eq!(*cache.get_or("c".into(), 2, compute(14)).await.expect("after an error"), 14);
    }

    #[tokio::test]
    async fn readers_that_miss_at_once_compute_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let cache = Arc::new(FigureCache::default());
        let runs = Arc::new(AtomicUsize::new(0));
        // The first computation waits until every reader has asked.
        let (release, wait) = tokio::sync::watch::channel(false);
        let mut readers = Vec::new();
        for _ in 0..8 {
            let (cache, runs, mut wait) = (cache.clone(), runs.clone(), wait.clone());
            readers.push(tokio::spawn(async move {
                cache
                    .get_or("figure".into(), 7, async move {
                        runs.fetch_add(1, Ordering::SeqCst);
                        let _ = wait.wait_for(|go| *go).await;
                        Ok::<usize, AppError>(42)
                    })
                    .await
            }));
        }
        while cache.computing.lock().map(|c| c.get("figure").map_or(0, Arc::strong_count)).unwrap_or(0) < 9 {
            tokio::task::yield_now().await;
        }
        release.send(true).expect("release");
        for r in readers {
            assert_eq!(*r.await.expect("reader").expect("figure"), 42);
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1, "computed once for eight readers");
        assert!(cache.computing.lock().expect("map").is_empty(), "no lock left behind");
    }
}

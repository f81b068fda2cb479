//! Evidence bytes in a content-addressed blob store (`object_store`: a local folder by default,
//! S3-compatible storage at scale). Bytes are streamed in, hashed on the way, and stored once
//! under their SHA-256; identical uploads share one blob.
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use object_store::ObjectStore;
use object_store::path::Path as BlobPath;
use sha2::{Digest, Sha256};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("the upload is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the upload was cut off: {0}")]
    Interrupted(String),
    #[error("the blob store failed: {0}")]
    Store(#[from] object_store::Error),
    #[error("cannot open the blob folder {path}: {reason}")]
    Open { path: String, reason: String },
}

/// A stored blob: its SHA-256 (hex) and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobRef {
    pub sha256: String,
    pub size: u64,
}

/// The evidence blob store.
#[derive(Debug, Clone)]
pub struct BlobStore {
    inner: Arc<dyn ObjectStore>,
}

fn blob_path(sha256: &str) -> BlobPath {
    BlobPath::from(format!("sha256/{}/{}", &sha256[..2], sha256))
}

impl BlobStore {
    /// A blob store in a local folder (created if missing).
    pub fn local(dir: &std::path::Path) -> Result<BlobStore, BlobError> {
        let open = |reason: String| BlobError::Open { path: dir.display().to_string(), reason };
        std::fs::create_dir_all(dir).map_err(|e| open(e.to_string()))?;
        let fs = object_store::local::LocalFileSystem::new_with_prefix(dir).map_err(|e| open(e.to_string()))?;
        Ok(BlobStore { inner: Arc::new(fs) })
    }

    /// Streams bytes in, refusing more than `limit`; stores them under their hash unless a blob
    /// with that hash exists already. Nothing is left behind when the upload fails.
    pub async fn put_stream<S, E>(&self, mut stream: S, limit: u64) -> Result<BlobRef, BlobError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let staging = BlobPath::from(format!("staging/{}", uuid::Uuid::now_v7()));
        let upload = self.inner.put_multipart(&staging).await?;
        let mut writer = object_store::WriteMultipart::new(upload);
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let result: Result<(), BlobError> = async {
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(|e| BlobError::Interrupted(e.to_string()))?;
                size += chunk.len() as u64;
                if size > limit {
                    return Err(BlobError::TooLarge { limit });
                }
                hasher.update(&chunk);
                writer.write(&chunk);
                // Back-pressure: no more than a few parts in flight, so memory stays bounded.
                writer.wait_for_capacity(4).await?;
            }
            Ok(())
        }
        .await;
        if let Err(e) = result {
            let _ = writer.abort().await;
            return Err(e);
        }
        writer.finish().await?;
        let sha256 = hex::encode(hasher.finalize());
        let target = blob_path(&sha256);
        match self.inner.rename_if_not_exists(&staging, &target).await {
            Ok(()) => {}
            // Identical bytes are stored once.
            Err(object_store::Error::AlreadyExists { .. }) => self.inner.delete(&staging).await?,
            Err(e) => {
                let _ = self.inner.delete(&staging).await;
                return Err(e.into());
            }
        }
        Ok(BlobRef { sha256, size })
    }

    /// Stores bytes held in memory (small uploads, tests).
    pub async fn put_bytes(&self, bytes: Bytes, limit: u64) -> Result<BlobRef, BlobError> {
        let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(bytes) });
        self.put_stream(Box::pin(stream), limit).await
    }

    /// The bytes of a blob, as a stream.
    pub async fn get(
        &self,
        sha256: &str,
    ) -> Result<impl Stream<Item = Result<Bytes, object_store::Error>> + Send + 'static, BlobError> {
        Ok(self.inner.get(&blob_path(sha256)).await?.into_stream())
    }

    /// How many blobs are stored (for tests of deduplication and clean-up).
    pub async fn count(&self) -> Result<usize, BlobError> {
        let prefix = BlobPath::from("sha256");
        let listed: Vec<_> = self.inner.list(Some(&prefix)).collect().await;
        Ok(listed.into_iter().filter(Result::is_ok).count())
    }
}

//! Evidence bytes in a content-addressed blob store (`object_store`: a local folder by default,
//! an S3-compatible bucket with `--blobs s3://BUCKET/PREFIX`). Bytes are streamed in, hashed on the way, and stored once
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
    #[error("cannot open the blob store {path}: {reason}")]
    Open { path: String, reason: String },
    #[error("`{0}` is neither a folder nor an S3 location: give a path, or s3://BUCKET or s3://BUCKET/PREFIX")]
    Location(String),
}

/// Where evidence bytes live: a local folder (the default, in the data directory) or an
/// S3-compatible bucket, optionally under a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobLocation {
    Folder(std::path::PathBuf),
    S3 { bucket: String, prefix: String },
}

impl BlobLocation {
    /// `s3://BUCKET[/PREFIX]` or a folder path; any other URL scheme is refused rather than
    /// taken for a folder named `gs:`.
    pub fn parse(text: &str) -> Result<BlobLocation, BlobError> {
        let refuse = || BlobError::Location(text.to_owned());
        if let Some(rest) = text.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            let bucket_ok = (3..=63).contains(&bucket.len())
                && bucket.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
            if !bucket_ok {
                return Err(refuse());
            }
            let prefix = prefix.trim_matches('/').to_owned();
            BlobPath::parse(&prefix).map_err(|_| refuse())?;
            return Ok(BlobLocation::S3 { bucket: bucket.to_owned(), prefix });
        }
        if text.is_empty() || text.contains("://") {
            return Err(refuse());
        }
        Ok(BlobLocation::Folder(text.into()))
    }
}

impl serde::Serialize for BlobLocation {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl std::fmt::Display for BlobLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BlobLocation::Folder(path) => write!(f, "{}", path.display()),
            BlobLocation::S3 { bucket, prefix } if prefix.is_empty() => write!(f, "s3://{bucket}"),
            BlobLocation::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
        }
    }
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

    /// The blob store at `location`. An S3 bucket is configured from the usual AWS environment
    /// variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, and `AWS_ENDPOINT`
    /// with `AWS_ALLOW_HTTP=true` for a server other than AWS) and listed once, so that a wrong
    /// bucket or key stops the start rather than the first upload.
    pub async fn open(location: &BlobLocation) -> Result<BlobStore, BlobError> {
        let (bucket, prefix) = match location {
            BlobLocation::Folder(dir) => return BlobStore::local(dir),
            BlobLocation::S3 { bucket, prefix } => (bucket, prefix),
        };
        let open = |reason: String| BlobError::Open {
            path: location.to_string(),
            reason: format!(
                "{reason}; check the bucket and AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION (and AWS_ENDPOINT, AWS_ALLOW_HTTP for a server other than AWS)"
            ),
        };
        let s3 = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()
            .map_err(|e| open(e.to_string()))?;
        let inner: Arc<dyn ObjectStore> = if prefix.is_empty() {
            Arc::new(s3)
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(s3, prefix.as_str()))
        };
        inner.list_with_delimiter(Some(&BlobPath::from("sha256"))).await.map_err(|e| open(e.to_string()))?;
        Ok(BlobStore { inner })
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
        let placed = match self.inner.rename_if_not_exists(&staging, &target).await {
            Ok(()) => Ok(()),
            // Identical bytes are stored once.
            Err(object_store::Error::AlreadyExists { .. }) => self.inner.delete(&staging).await,
            // S3 has no atomic "rename unless it exists": look, then move. Two uploads of the
            // same bytes racing here both write the same content under the same name.
            Err(object_store::Error::NotSupported { .. }) => match self.inner.head(&target).await {
                Ok(_) => self.inner.delete(&staging).await,
                Err(object_store::Error::NotFound { .. }) => self.inner.rename(&staging, &target).await,
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        };
        if let Err(e) = placed {
            let _ = self.inner.delete(&staging).await;
            return Err(e.into());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse_or_say_what_is_wrong() {
        assert_eq!(
            BlobLocation::parse("s3://evidence/nw/prod/").ok(),
            Some(BlobLocation::S3 { bucket: "evidence".into(), prefix: "nw/prod".into() })
        );
        assert_eq!(
            BlobLocation::parse("s3://evidence").ok(),
            Some(BlobLocation::S3 { bucket: "evidence".into(), prefix: String::new() })
        );
        assert_eq!(
            BlobLocation::parse("/var/lib/nw/blobs").ok(),
            Some(BlobLocation::Folder("/var/lib/nw/blobs".into()))
        );
        for bad in ["gs://bucket", "s3://", "s3://Upper", "s3://ab", "s3://b_x/p", ""] {
            let e = BlobLocation::parse(bad).expect_err(bad);
            assert!(e.to_string().contains("s3://BUCKET"), "{bad}: {e}");
        }
        assert_eq!(
            BlobLocation::parse("s3://evidence/nw").map(|l| l.to_string()).ok().as_deref(),
            Some("s3://evidence/nw")
        );
    }
}

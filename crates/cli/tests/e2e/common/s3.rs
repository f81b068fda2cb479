//! A real S3-compatible server on loopback for the tests whose server keeps evidence in a
//! bucket: moto's server, from the test venv (`scripts/test-requirements.txt`).
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One moto server with one bucket; killed when dropped.
pub struct S3Server {
    pub endpoint: String,
    pub bucket: String,
    child: Child,
}

impl S3Server {
    pub async fn start() -> S3Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        let child = Command::new(super::test_python())
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto's S3 server: run `bash scripts/test`, which installs moto[server] in the test venv");
        let endpoint = format!("http://127.0.0.1:{port}");
        let mut server = S3Server { endpoint, bucket: "normwatch-evidence".into(), child };
        let started = Instant::now();
        let http = reqwest::Client::new();
        loop {
            // Unsigned requests are accepted by moto: creating the bucket is the readiness check.
            match http.put(format!("{}/{}", server.endpoint, server.bucket)).send().await {
                Ok(r) if r.status().is_success() => break,
                _ if started.elapsed() > Duration::from_secs(60) => {
                    let _ = server.child.kill();
                    panic!("moto's S3 server did not answer on {} within 60 s", server.endpoint);
                }
                _ => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        server
    }

    /// The settings a `normwatch serve` needs to keep its blobs here, under `prefix`.
    pub fn env(&self, prefix: &str) -> Vec<(String, String)> {
        [
            ("NORMWATCH_BLOBS", format!("s3://{}/{prefix}", self.bucket)),
            ("AWS_ACCESS_KEY_ID", "test".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", "test".to_owned()),
            ("AWS_REGION", "us-east-1".to_owned()),
            ("AWS_ENDPOINT", self.endpoint.clone()),
            ("AWS_ALLOW_HTTP", "true".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    /// The keys stored under `prefix`, read back from the server (ListObjectsV2).
    pub async fn keys(&self, prefix: &str) -> Vec<String> {
        let url = format!("{}/{}?list-type=2&prefix={prefix}", self.endpoint, self.bucket);
        let body = reqwest::get(url).await.expect("list the bucket").text().await.expect("listing");
        body.split("<Key>").skip(1).filter_map(|k| k.split_once("</Key>").map(|(key, _)| key.to_owned())).collect()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

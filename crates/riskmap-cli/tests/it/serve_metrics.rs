//! `riskmap serve --metrics-addr`: `/metrics` without a token on its own address, while the
//! main address keeps asking for one.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use super::support::{serve, sqlite_db};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The status line of `GET path`, retried until the address answers.
fn status_of(addr: SocketAddr, path: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(mut stream) = TcpStream::connect(addr) {
            let request = format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
            stream.write_all(request.as_bytes()).unwrap();
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer);
            return answer.lines().next().unwrap_or_default().to_owned()
                + "\n"
                + answer.split("\r\n\r\n").nth(1).unwrap_or_default();
        }
        assert!(Instant::now() < deadline, "{addr} never answered");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test]
async fn metrics_address_serves_without_a_token() {
    let db = sqlite_db();
    let metrics: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let (server, main) = serve(
        &db.url,
        &db.dir.path().join("spool"),
        &["--metrics-addr", &metrics.to_string()],
    );
    let answer = status_of(metrics, "/metrics");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("riskmap_"), "{answer}");
    let answer = status_of(main, "/metrics");
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    let answer = status_of(metrics, "/api/v1/meta");
    assert!(
        answer.starts_with("HTTP/1.1 404"),
        "only /metrics on that address: {answer}"
    );
    drop(server);
    db.finish().await;
}

//! The listener's timeouts on a real socket: half-sent request heads are closed after the
//! header-read timeout (however many there are), a stalled body ends in a 4xx answer after the
//! body timeout, and complete requests are served as usual.

#![allow(clippy::unwrap_used, reason = "tests")]

use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::{get, post};
use riskmap_server::listen::{Timeouts, serve_router};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn start(timeouts: Timeouts) -> std::net::SocketAddr {
    let router = Router::new()
        .route("/ok", get(|| async { "ok" }))
        .route("/echo", post(|body: String| async move { body }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve_router(
        listener,
        router,
        timeouts,
        std::future::pending(),
    ));
    addr
}

fn short() -> Timeouts {
    Timeouts {
        header_read: Duration::from_secs(1),
        request_body: Duration::from_secs(1),
    }
}

/// Reads until the server closes the connection (or `limit` passes); the bytes read.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = [0u8; 1024];
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(out),
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
            Err(_) => return None,
        }
    }
}

#[tokio::test]
async fn complete_requests_are_served() {
    let addr = start(short()).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /ok HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let answer = read_until_closed(&mut stream, Duration::from_secs(5))
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.ends_with("ok"), "{text}");
}

#[tokio::test]
async fn half_sent_heads_are_closed_after_the_header_timeout() {
    let addr = start(short()).await;
    let mut streams = Vec::new();
    for _ in 0..200 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(b"GET /ok HTTP/1.1\r\nHost: te")
            .await
            .unwrap();
        streams.push(stream);
    }
    let started = Instant::now();
    for stream in &mut streams {
        let closed = read_until_closed(stream, Duration::from_secs(10)).await;
        assert!(closed.is_some(), "a half-sent request stayed open 10 s");
    }
    assert!(started.elapsed() < Duration::from_secs(10));
    // The server still answers.
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /ok HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let answer = read_until_closed(&mut stream, Duration::from_secs(5))
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn a_stalled_body_ends_after_the_body_timeout() {
    let addr = start(short()).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\nab")
        .await
        .unwrap();
    let started = Instant::now();
    let answer = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    assert!(answer.is_some(), "a stalled body kept the connection 10 s");
    let answer = answer.unwrap();
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 400"), "{text}");
    assert!(text.contains("timeout"), "{text}");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "answered before the timeout"
    );
}

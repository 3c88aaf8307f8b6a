//! A minimal HTTP/1.1 GET client over `std::net` for the harness's single timed requests
//! (readiness polls, cold first requests, tokens): one connection per request, body read to
//! the end and de-chunked, so a timing covers the whole answer.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

/// One answer, timed from connect to the last byte.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    pub(crate) elapsed: Duration,
}

impl Answer {
    pub(crate) fn millis(&self) -> f64 {
        self.elapsed.as_secs_f64() * 1000.0
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// `GET path` with the given headers; waits at most `timeout` for each read.
pub(crate) fn get(
    addr: SocketAddr,
    path: &str,
    headers: &[(String, String)],
    timeout: Duration,
) -> anyhow::Result<Answer> {
    let started = Instant::now();
    let mut stream = TcpStream::connect_timeout(&addr, timeout)
        .with_context(|| format!("cannot connect to {addr}"))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_nodelay(true)?;
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes())?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .with_context(|| format!("GET {path}: no complete answer"))?;
    let elapsed = started.elapsed();
    let (status, body) = parse(&raw).with_context(|| format!("GET {path}"))?;
    Ok(Answer {
        status,
        body,
        elapsed,
    })
}

/// Status code and (de-chunked) body of a raw HTTP/1.1 response.
fn parse(raw: &[u8]) -> anyhow::Result<(u16, Vec<u8>)> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .context("the answer has no end of headers")?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let body = &raw[split + 4..];
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .context("the answer has no status code")?;
    let chunked = head.lines().any(|line| {
        let line = line.to_ascii_lowercase();
        line.starts_with("transfer-encoding:") && line.contains("chunked")
    });
    let body = if chunked {
        dechunk(body)?
    } else {
        body.to_vec()
    };
    Ok((status, body))
}

fn dechunk(mut rest: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .context("a chunk has no size line")?;
        let size_text = String::from_utf8_lossy(&rest[..line_end]);
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16)
            .with_context(|| format!("bad chunk size {size_text:?}"))?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        if rest.len() < size {
            bail!("a chunk is cut short");
        }
        body.extend_from_slice(&rest[..size]);
        rest = rest.get(size + 2..).unwrap_or_default();
    }
}

/// The first string or number value of `"key":` in a JSON text (enough for the few flat
/// fields the harness reads: `data_version`, `role`, `token`).
pub(crate) fn json_field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let needle = format!("\"{key}\":");
    let start = text.find(&needle)? + needle.len();
    let value = text[start..].trim_start();
    if let Some(quoted) = value.strip_prefix('"') {
        quoted.split('"').next()
    } else {
        let end = value
            .find(|c: char| c == ',' || c == '}' || c.is_whitespace())
            .unwrap_or(value.len());
        Some(&value[..end])
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn plain_and_chunked_answers_are_read() {
        let plain = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello";
        assert_eq!(super::parse(plain).unwrap(), (200, b"hello".to_vec()));
        let chunked =
            b"HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
        assert_eq!(super::parse(chunked).unwrap(), (403, b"abcde".to_vec()));
        assert!(super::parse(b"HTTP/1.1 200 OK\r\n").is_err());
        let short = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nff\r\nabc";
        assert!(super::parse(short).is_err());
    }

    #[test]
    fn flat_json_fields_are_found() {
        let text = r#"{"status": "ready", "data_version": 12, "role":"public"}"#;
        assert_eq!(super::json_field(text, "data_version"), Some("12"));
        assert_eq!(super::json_field(text, "role"), Some("public"));
        assert_eq!(super::json_field(text, "status"), Some("ready"));
        assert_eq!(super::json_field(text, "missing"), None);
    }
}

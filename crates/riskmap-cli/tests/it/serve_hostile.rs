//! Hostile files through the upload endpoint of a real `riskmap serve` process: each of
//! `riskmap_ingest::hostile` is posted by the steward, gets its decision (200, or 422 with its
//! limit's code), the server still answers `/healthz` after each, and the server's peak
//! resident memory (`VmHWM`, the kernel's high-water mark since it started) stays under the
//! 300 MB of issue 14 over all of them.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use riskmap_ingest::hostile::{Expect, hostile_files};

use crate::support::{
    demo_files, geography_dir, high_water_kb, ingest, report_codes, riskmap, serve, sqlite_db,
};

/// The memory goal of issue 14: peak RSS of the server whatever is uploaded.
const PEAK_RSS_LIMIT_KB: u64 = 300 * 1024;

/// Sends `request` and returns the status code and body of the answer.
fn exchange(addr: SocketAddr, request: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let code = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (
        code,
        text.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned(),
    )
}

/// A multipart upload of one file as the `file` field.
fn upload(addr: SocketAddr, token: &str, name: &str, bytes: &[u8]) -> (u16, String) {
    let boundary = "riskmap-hostile-boundary-7d1c";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut request = format!(
        "POST /api/v1/ingest HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(&body);
    exchange(addr, &request)
}

/// Whether every error of a load report is `E_REVISION_STORED`.
fn only_resubmissions(body: &str) -> bool {
    let report: serde_json::Value = serde_json::from_str(body).unwrap();
    report_codes(&report)
        .iter()
        .filter(|code| code.starts_with("E_"))
        .all(|code| code == "E_REVISION_STORED")
}

fn get(addr: SocketAddr, path: &str) -> u16 {
    let request = format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    exchange(addr, request.as_bytes()).0
}

#[test]
fn hostile_uploads_keep_the_server_small_and_answering() {
    let corpus = tempfile::tempdir().unwrap();
    let files = demo_files(corpus.path(), 12, 1, 7, &[]);
    let quarter = std::fs::read(&files[1]).unwrap();
    let db = sqlite_db();
    assert_eq!(ingest(&db.url, &[&files[0].display().to_string()]).0, 0);
    let geography = geography_dir().display().to_string();
    let token_out = riskmap(&[
        "token",
        "create",
        "--role",
        "steward",
        "--database",
        &db.url,
        "--geography",
        &geography,
    ]);
    let token = String::from_utf8_lossy(&token_out.stdout)
        .split_whitespace()
        .find(|w| w.starts_with("rmk_"))
        .unwrap_or_else(|| {
            panic!(
                "no token in {:?}",
                String::from_utf8_lossy(&token_out.stdout)
            )
        })
        .to_owned();
    let (server, addr) = serve(&db.url, &db.dir.path().join("spool"), &[]);
    let mut decisions = Vec::new();
    for hostile in hostile_files(&quarter).unwrap() {
        let (code, body) = upload(addr, &token, &hostile.file_name, &hostile.bytes);
        match hostile.expect {
            // The first accepted file stores its rows; the next ones hold the same revisions,
            // which the store then refuses as resubmissions, and nothing else.
            Expect::Accepted => assert!(
                code == 200 || (code == 422 && only_resubmissions(&body)),
                "{}: {code} {body}",
                hostile.file_name
            ),
            Expect::Refused(expected) => {
                assert_eq!(code, 422, "{}: {body}", hostile.file_name);
                assert!(
                    body.contains(expected.as_str()),
                    "{}: {body}",
                    hostile.file_name
                );
            }
        }
        assert!(
            body.len() < 64 * 1024,
            "{}: {} bytes answered",
            hostile.file_name,
            body.len()
        );
        assert_eq!(
            get(addr, "/healthz"),
            200,
            "alive after {}",
            hostile.file_name
        );
        decisions.push(format!(
            "{} {code} {} kB",
            hostile.file_name,
            high_water_kb(server.0.id()).unwrap()
        ));
    }
    let peak = high_water_kb(server.0.id()).unwrap();
    eprintln!(
        "server peak RSS after each upload: {}",
        decisions.join(", ")
    );
    assert!(
        peak <= PEAK_RSS_LIMIT_KB,
        "server peak RSS {peak} kB over {PEAK_RSS_LIMIT_KB} kB"
    );
}

//! `riskmap token create` checks the scope against the geography: unknown codes, a district of
//! another region, and a district scope that leaves exactly one district of its region outside
//! are refused with a message naming the code; sound scopes are issued.

use super::support::{geography_dir, riskmap, sqlite_db};

fn create(url: &str, extra: &[&str]) -> (bool, String) {
    let geography = geography_dir().display().to_string();
    let mut args = vec![
        "token",
        "create",
        "--database",
        url,
        "--geography",
        &geography,
    ];
    args.extend_from_slice(extra);
    let output = riskmap(&args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[tokio::test]
async fn scopes_are_checked_against_the_geography() {
    let db = sqlite_db();
    let geography = riskmap_geo::load_dir(&geography_dir()).unwrap();
    let almaty = riskmap_model::Kato::parse("750000000").unwrap();
    let districts: Vec<String> = geography
        .districts_of(&almaty)
        .map(|d| d.kato.to_string())
        .collect();
    assert!(
        districts.len() >= 4,
        "Almaty city has {} districts",
        districts.len()
    );
    let other = geography
        .districts()
        .iter()
        .find(|d| d.region != almaty)
        .unwrap()
        .kato
        .to_string();

    let (ok, text) = create(&db.url, &["--role", "crisis", "--districts", "000000000"]);
    assert!(!ok, "an unknown district must be refused: {text}");
    assert!(text.contains("000000000"), "{text}");

    let (ok, text) = create(&db.url, &["--role", "akimat", "--region", "990000000"]);
    assert!(!ok, "an unknown region must be refused: {text}");

    let (ok, text) = create(
        &db.url,
        &[
            "--role",
            "akimat",
            "--region",
            "750000000",
            "--districts",
            &other,
        ],
    );
    assert!(!ok, "a district of another region must be refused: {text}");
    assert!(text.contains(&other), "{text}");

    let all_but_one = districts[1..].join(",");
    let (ok, text) = create(&db.url, &["--role", "crisis", "--districts", &all_but_one]);
    assert!(
        !ok,
        "a scope leaving one district outside must be refused: {text}"
    );
    assert!(text.contains("one district"), "{text}");

    let two = districts[..2].join(",");
    let (ok, text) = create(&db.url, &["--role", "crisis", "--districts", &two]);
    assert!(ok, "two districts of eight leave six outside: {text}");
    let all = districts.join(",");
    let (ok, text) = create(&db.url, &["--role", "crisis", "--districts", &all]);
    assert!(ok, "the whole region is a sound scope: {text}");
    let (ok, text) = create(&db.url, &["--role", "akimat", "--region", "750000000"]);
    assert!(ok, "{text}");
    db.finish().await;
}

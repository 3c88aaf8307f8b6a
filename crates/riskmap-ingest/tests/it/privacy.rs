//! The privacy guard refuses the whole file and never echoes the offending value.

use riskmap_ingest::defects::{DefectClass, DefectPlan, PLANTED_IIN, make_defects};
use riskmap_ingest::{Code, Decision, NoContext, Options, Policy, TableName, read_table};

use crate::fixtures::{ASTANA_ESIL, csv_of, kato, rows};

/// Reads `text` as `table` under accept-partial and asserts a privacy refusal that does not
/// contain `secret` anywhere in the report, the text summary, the refusal error or the rows.
fn refused_without_echo(table: TableName, text: &[u8], secret: &str) -> riskmap_ingest::Outcome {
    let collected = read_table(
        table,
        "upload.csv",
        text,
        &Options::new(Policy::AcceptPartial),
        &NoContext,
    )
    .unwrap();
    let outcome = collected.outcome.clone();
    assert_eq!(outcome.decision, Decision::Refused);
    assert!(outcome.has(Code::Privacy), "{}", outcome.summary_text());
    assert!(collected.rows.is_empty() && collected.refused.is_empty());
    let error = outcome.clone().ensure_accepted().unwrap_err().to_string();
    for text in [outcome.to_json(), outcome.summary_text(), error] {
        assert!(!text.contains(secret), "the value leaked: {text}");
    }
    outcome
}

#[test]
fn an_iin_in_notes_refuses_the_file_without_echoing_it() {
    let valid = csv_of(&rows(4, 3));
    let plan = DefectPlan {
        unknown_kato: kato("751799999"),
        foreign_kato: kato(ASTANA_ESIL),
    };
    let defect = make_defects(&valid, &plan)
        .unwrap()
        .into_iter()
        .find(|d| d.class == DefectClass::PersonalData)
        .unwrap();
    let outcome = refused_without_echo(TableName::SchoolQuarter, &defect.bytes, PLANTED_IIN);
    let finding = outcome.findings_of(Code::Privacy).next().unwrap();
    assert_eq!(
        (finding.row, finding.column.as_deref()),
        (Some(3), Some("notes"))
    );
}

#[test]
fn an_iin_in_a_count_column_is_refused_not_type_checked() {
    let mut text = String::from_utf8(csv_of(&rows(2, 5))).unwrap();
    let line = text.lines().nth(1).unwrap().to_owned();
    let fields: Vec<&str> = line.split(',').collect();
    let replaced = line.replacen(&format!(",{},", fields[9]), ",051231500123,", 1);
    text = text.replacen(&line, &replaced, 1);
    let outcome = refused_without_echo(TableName::SchoolQuarter, text.as_bytes(), "051231500123");
    assert!(!outcome.has(Code::Type) && !outcome.has(Code::Range));
}

#[test]
fn phone_and_email_in_free_text_are_refused() {
    for (note, secret) in [
        ("звонить +7 701 555 12 34", "555 12 34"),
        ("пишите ivanova@mail.kz", "ivanova@mail.kz"),
    ] {
        let mut rows = rows(2, 9);
        rows[1].set("notes", riskmap_ingest::Value::Text(note.into()));
        refused_without_echo(TableName::SchoolQuarter, &csv_of(&rows), secret);
    }
}

#[test]
fn a_child_name_column_is_refused_outside_contacts() {
    let text =
        "nobd_org_id,role,full_name,valid_from\nORG-1,psychologist,Айгерим Сапарова,2024-01-01\n";
    let contacts = read_table(
        TableName::SchoolContacts,
        "c.csv",
        text.as_bytes(),
        &Options::new(Policy::RefuseFile),
        &NoContext,
    )
    .unwrap();
    assert_eq!(
        contacts.outcome.decision,
        Decision::Accepted,
        "{}",
        contacts.outcome.summary_text()
    );
    for header in ["child_name", "ФИО", "аты-жөні", "full_name"] {
        let mut csv = String::from_utf8(csv_of(&rows(2, 1))).unwrap();
        let first_line_end = csv.find('\n').unwrap();
        csv.insert_str(first_line_end, &format!(",{header}"));
        let with_names: String = csv
            .lines()
            .enumerate()
            .map(|(i, l)| {
                if i == 0 {
                    format!("{l}\n")
                } else {
                    format!("{l},Сапарова Айгерим\n")
                }
            })
            .collect();
        let outcome =
            refused_without_echo(TableName::SchoolQuarter, with_names.as_bytes(), "Сапарова");
        let finding = outcome.findings_of(Code::Privacy).next().unwrap();
        assert_eq!(finding.row, Some(1), "{header}");
    }
}

#[test]
fn contacts_may_hold_work_phones_but_not_iins() {
    let ok = "nobd_org_id,role,full_name,work_phone,work_email,valid_from\n\
              ORG-1,director,Нурлан Абаев,+7 727 123 45 67,director@school.kz,2024-01-01\n";
    let read = |text: &str| {
        read_table(
            TableName::SchoolContacts,
            "c.csv",
            text.as_bytes(),
            &Options::new(Policy::RefuseFile),
            &NoContext,
        )
        .unwrap()
    };
    assert_eq!(read(ok).outcome.decision, Decision::Accepted);
    let with_iin = ok.replace("Нурлан Абаев", "Нурлан Абаев 800101300123");
    refused_without_echo(
        TableName::SchoolContacts,
        with_iin.as_bytes(),
        "800101300123",
    );
}

/// The quarter CSV of `rows(3, seed)` with `notes` of the first data row set to `note`.
fn with_note(note: &str, seed: u64) -> Vec<u8> {
    let text = csv_of(&rows(3, seed));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&text[..]);
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let notes = records[0].iter().position(|h| h == "notes").unwrap();
    let mut out = csv::Writer::from_writer(Vec::new());
    for (i, record) in records.iter().enumerate() {
        let mut fields: Vec<String> = record.iter().map(str::to_owned).collect();
        if i == 1 {
            fields[notes] = note.to_owned();
        }
        out.write_record(&fields).unwrap();
    }
    out.into_inner().unwrap()
}

#[test]
fn a_person_name_in_notes_refuses_the_file_without_echoing_it() {
    for (name, seed) in [
        ("Нурсултанов Ерлан Маратович", 21),
        ("ученица Ахметова А.Б. переведена", 22),
        ("Серік Маратұлы", 23),
    ] {
        let outcome = refused_without_echo(TableName::SchoolQuarter, &with_note(name, seed), name);
        let finding = outcome.findings_of(Code::Privacy).next().unwrap();
        assert_eq!(
            (finding.row, finding.column.as_deref()),
            (Some(2), Some("notes")),
            "{name}"
        );
        for part in name.split_whitespace().filter(|p| p.chars().count() > 3) {
            assert!(!outcome.to_json().contains(part), "{part} echoed");
        }
    }
}

#[test]
fn a_header_that_is_a_person_name_refuses_the_file_and_is_never_echoed() {
    let name = "Нурсултанов Ерлан Маратович";
    let text = String::from_utf8(csv_of(&rows(2, 24))).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[0].push_str(&format!(",{name}"));
    for line in &mut lines[1..] {
        line.push(',');
    }
    let text = lines.join("\n") + "\n";
    let outcome = refused_without_echo(TableName::SchoolQuarter, text.as_bytes(), "Нурсултанов");
    assert!(!outcome.has(Code::UnknownColumn) || !outcome.to_json().contains("Маратович"));
}

#[test]
fn ordinary_notes_and_school_names_pass() {
    for note in [
        "Без замечаний; ескерту жоқ",
        "Ахмет Байтұрсынұлы атындағы мектепте семинар өтті",
        "Проведён семинар для родителей",
    ] {
        let collected = read_table(
            TableName::SchoolQuarter,
            "quarter.csv",
            &with_note(note, 25)[..],
            &Options::new(Policy::RefuseFile),
            &NoContext,
        )
        .unwrap();
        assert!(!collected.outcome.has(Code::Privacy), "{note}");
    }
}

/// The Russian names of the 16,000 places of the KATO 2022 registry (an outside list of real
/// place names: villages, districts, cities) are not person names, so a school's address or
/// name that mentions its place passes.
#[test]
fn kato_place_names_are_not_person_names() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/kz/kato-2022-10-17-full.csv");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("SKIPPED: {} not found", path.display());
        return;
    };
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let names: Vec<String> = reader.records().map(|r| r.unwrap()[3].to_owned()).collect();
    assert!(names.len() > 10_000);
    let flagged: Vec<&String> = names
        .iter()
        .filter(|name| {
            let mut csv = Vec::new();
            let mut writer = csv::Writer::from_writer(&mut csv);
            writer.write_record([name.as_str()]).unwrap();
            drop(writer);
            let collected = read_table(
                TableName::LegalStats,
                "names.csv",
                [b"district\n".as_slice(), &csv].concat().as_slice(),
                &Options::new(Policy::AcceptPartial),
                &NoContext,
            )
            .unwrap();
            collected.outcome.has(Code::Privacy)
        })
        .collect();
    // Peasant farms are named after their owners («кр.хоз. «Иванов А.Б.»»): those are names.
    let (farms, places): (Vec<&String>, Vec<&String>) =
        flagged.into_iter().partition(|n| n.contains("кр.хоз."));
    assert!(
        farms.len() >= 10,
        "farms named after people are caught: {farms:?}"
    );
    assert!(
        places.len() * 1000 <= names.len(),
        "{} of {} place names look like person names: {places:?}",
        places.len(),
        names.len(),
    );
}

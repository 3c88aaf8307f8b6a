-- riskmap schema v4: a quarantined row is identified by its table as well as its row, so a
-- workbook with several sheets can quarantine row 5 of each (one file = one batch).

create table quarantine_v4 (
    batch_id integer not null references ingest_batch (batch_id),
    table_name text not null,
    sheet text,
    row_number integer not null,
    row_json text not null,
    findings_json text not null,
    primary key (batch_id, table_name, row_number)
);

insert into quarantine_v4 (batch_id, table_name, sheet, row_number, row_json, findings_json)
select batch_id, coalesce(sheet, 'school_quarter'), sheet, row_number, row_json, findings_json from quarantine;

drop table quarantine;

alter table quarantine_v4 rename to quarantine;


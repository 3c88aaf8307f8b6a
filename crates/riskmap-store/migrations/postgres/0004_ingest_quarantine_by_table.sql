-- riskmap schema v4: a quarantined row is identified by its table as well as its row, so a
-- workbook with several sheets can quarantine row 5 of each (one file = one batch).

alter table quarantine add column table_name text;
update quarantine set table_name = coalesce(sheet, 'school_quarter');
alter table quarantine alter column table_name set not null;
alter table quarantine drop constraint quarantine_pkey;
alter table quarantine add primary key (batch_id, table_name, row_number);


-- riskmap schema v12 (SQLite): no change. PostgreSQL's v12 checks a record's school and batch
-- once per statement instead of by foreign key; SQLite keeps its foreign keys, which it checks
-- in process for a small part of an insert's cost. The number is kept in step with PostgreSQL.
select 1;

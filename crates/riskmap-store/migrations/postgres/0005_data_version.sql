-- riskmap schema v5: the data version is a counter raised by every batch commit, inside the
-- committing transaction. `max(batch_id)` was not enough on PostgreSQL: batch ids are taken
-- when a batch begins, so a batch begun earlier and committed later added data without raising
-- the maximum, and caches keyed on the version kept serving the data without it. The update
-- takes the row's lock until commit, so concurrent commits raise the counter in commit order.

create table data_version (
    singleton integer primary key check (singleton = 1),
    version bigint not null check (version >= 0)
);

insert into data_version (singleton, version)
select 1, coalesce(max(batch_id), 0) from ingest_batch;

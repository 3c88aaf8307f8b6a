-- riskmap schema v12 (PostgreSQL): a school's quarter record still needs its school and its
-- ingest batch, but the rule is checked once per statement over all the statement's new rows
-- instead of row by row. The two foreign keys ran one lookup and took one row lock in each
-- parent for every record: of a 980,000-record load in `COPY` chunks they were 10 of 20 s.
-- The same rule, set-based, costs 3 s of it. SQLite keeps its foreign keys (checked in
-- process, a small part of its insert).
--
-- What the foreign keys also did is kept: a parent cannot be deleted, nor its key changed,
-- while a record names it. riskmap never deletes schools or batches; the triggers say so if
-- anything tries.

alter table school_quarter drop constraint school_quarter_school_id_fkey;
alter table school_quarter drop constraint school_quarter_batch_id_fkey;

create function school_quarter_parents_exist() returns trigger
language plpgsql as $$
begin
    if exists (
        select 1 from new_records n
        where not exists (select 1 from school s where s.school_id = n.school_id)
    ) then
        raise exception using
            errcode = 'foreign_key_violation',
            message = 'a school_quarter record names a school that is not stored',
            constraint = 'school_quarter_school_id_fkey';
    end if;
    if exists (
        select 1 from new_records n
        where not exists (select 1 from ingest_batch b where b.batch_id = n.batch_id)
    ) then
        raise exception using
            errcode = 'foreign_key_violation',
            message = 'a school_quarter record names an ingest batch that is not stored',
            constraint = 'school_quarter_batch_id_fkey';
    end if;
    return null;
end
$$;

create trigger school_quarter_inserted_parents
    after insert on school_quarter
    referencing new table as new_records
    for each statement execute function school_quarter_parents_exist();

create trigger school_quarter_updated_parents
    after update on school_quarter
    referencing new table as new_records
    for each statement execute function school_quarter_parents_exist();

create function school_quarter_parent_kept() returns trigger
language plpgsql as $$
begin
    if tg_table_name = 'school' and exists (
        select 1 from school_quarter q where q.school_id = old.school_id
    ) and (tg_op = 'DELETE' or new.school_id is distinct from old.school_id) then
        raise exception using
            errcode = 'foreign_key_violation',
            message = 'school_quarter records name this school',
            constraint = 'school_quarter_school_id_fkey';
    end if;
    if tg_table_name = 'ingest_batch' and exists (
        select 1 from school_quarter q where q.batch_id = old.batch_id
    ) and (tg_op = 'DELETE' or new.batch_id is distinct from old.batch_id) then
        raise exception using
            errcode = 'foreign_key_violation',
            message = 'school_quarter records name this ingest batch',
            constraint = 'school_quarter_batch_id_fkey';
    end if;
    if tg_op = 'DELETE' then
        return old;
    end if;
    return new;
end
$$;

create trigger school_keeps_its_records
    before delete or update of school_id on school
    for each row execute function school_quarter_parent_kept();

create trigger ingest_batch_keeps_its_records
    before delete or update of batch_id on ingest_batch
    for each row execute function school_quarter_parent_kept();

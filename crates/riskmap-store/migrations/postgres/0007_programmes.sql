-- riskmap schema v7: crisis-management programmes (Resolution 748, measure 2): programmes,
-- their problems (with the frozen snapshot of disclosed values, JSON), actions (editable
-- fields, JSON, including the responsible person's work contact), quarterly progress, the
-- event history (who, when, what, before/after) and idempotency keys of creates.
-- `version` is the optimistic-concurrency counter: every change raises it by one.

create table programme (
    programme_id bigserial primary key,
    region_kato text not null check (length(region_kato) = 9),
    period text not null,
    title text not null,
    status text not null check (status in ('draft', 'approved', 'acknowledged', 'returned', 'closed', 'superseded')),
    version bigint not null check (version >= 1),
    data_version bigint not null check (data_version >= 0),
    methodology_version text not null,
    amends bigint references programme (programme_id),
    synthetic boolean not null default false,
    created_at timestamptz not null,
    updated_at timestamptz not null
);

create index programme_region_status on programme (region_kato, status);

create table programme_problem (
    programme_id bigint not null references programme (programme_id),
    problem_id bigint not null check (problem_id >= 1),
    district_kato text not null check (length(district_kato) = 9),
    school_id text,
    name_kk text not null,
    name_ru text not null,
    snapshot text not null,
    primary key (programme_id, problem_id)
);

create table programme_action (
    programme_id bigint not null references programme (programme_id),
    action_id bigint not null check (action_id >= 1),
    fields text not null,
    primary key (programme_id, action_id)
);

create table programme_progress (
    programme_id bigint not null references programme (programme_id),
    action_id bigint not null,
    quarter text not null,
    report_id bigint not null check (report_id >= 1),
    status text not null check (status in ('not_started', 'on_track', 'delayed', 'done', 'cancelled')),
    percent bigint not null check (percent between 0 and 100),
    comment text not null,
    submitted_on text not null,
    primary key (programme_id, action_id, quarter),
    foreign key (programme_id, action_id) references programme_action (programme_id, action_id)
);

create table programme_event (
    event_id bigserial primary key,
    programme_id bigint not null references programme (programme_id),
    version bigint not null,
    at timestamptz not null,
    token_id bigint references api_token (token_id),
    role text not null,
    kind text not null,
    comment text not null,
    before text,
    after text
);

create index programme_event_programme on programme_event (programme_id, event_id);

create table programme_idempotency (
    actor text not null,
    idempotency_key text not null,
    request_sha256 text not null,
    programme_id bigint not null references programme (programme_id),
    created_at timestamptz not null,
    primary key (actor, idempotency_key)
);

-- riskmap schema v1 (PostgreSQL). Mirrors ../sqlite/0001_initial.sql; keep the two in step.
-- Holds aggregates only: counts per school and quarter, never person-level data.

create table ingest_batch (
    batch_id bigserial primary key,
    source text not null,
    kind text not null,
    content_sha256 text not null unique,
    synthetic boolean not null,
    row_count bigint not null,
    created_at timestamptz not null
);

create table admin_unit (
    kato text primary key check (length(kato) = 9),
    level text not null check (level in ('country', 'region', 'district')),
    parent_kato text references admin_unit (kato),
    unit_type text not null,
    name_kk text not null,
    name_ru text not null,
    name_en text not null,
    population bigint
);

create table school (
    school_id text primary key,
    name_kk text not null,
    name_ru text not null,
    district_kato text not null references admin_unit (kato),
    region_kato text not null references admin_unit (kato),
    lon double precision,
    lat double precision,
    settlement_type text not null check (settlement_type in ('urban', 'rural')),
    synthetic boolean not null,
    batch_id bigint not null references ingest_batch (batch_id)
);

create index school_district on school (district_kato);

create table school_quarter (
    school_id text not null references school (school_id),
    period text not null check (length(period) = 7),
    revision bigint not null check (revision >= 1),
    submitted_at timestamptz not null,
    synthetic boolean not null,
    batch_id bigint not null references ingest_batch (batch_id),
    pupils_total bigint check (pupils_total >= 0),
    class_sets bigint check (class_sets >= 0),
    psych_fte_norm double precision check (psych_fte_norm >= 0),
    psych_fte_filled double precision check (psych_fte_filled >= 0),
    socped_fte_norm double precision check (socped_fte_norm >= 0),
    socped_fte_filled double precision check (socped_fte_filled >= 0),
    isu_opened bigint check (isu_opened >= 0),
    isu_open_end bigint check (isu_open_end >= 0),
    isu_open_over_90d bigint check (isu_open_over_90d >= 0),
    viol_total bigint check (viol_total >= 0),
    viol_sexual bigint check (viol_sexual >= 0),
    bullying_cases bigint check (bullying_cases >= 0),
    cyberbullying_cases bigint check (cyberbullying_cases >= 0),
    suicide_deaths bigint check (suicide_deaths >= 0),
    suicide_attempts bigint check (suicide_attempts >= 0),
    selfharm_episodes bigint check (selfharm_episodes >= 0),
    pupils_criminal_offence bigint check (pupils_criminal_offence >= 0),
    offences_against_pupils bigint check (offences_against_pupils >= 0),
    primary key (school_id, period, revision)
);

create index school_quarter_period on school_quarter (period);

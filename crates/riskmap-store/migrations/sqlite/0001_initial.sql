-- riskmap schema v1 (SQLite). Mirrors ../postgres/0001_initial.sql; keep the two in step.
-- Holds aggregates only: counts per school and quarter, never person-level data.

create table ingest_batch (
    batch_id integer primary key autoincrement,
    source text not null,
    kind text not null,
    content_sha256 text not null unique,
    synthetic integer not null check (synthetic in (0, 1)),
    row_count integer not null,
    created_at text not null
);

create table admin_unit (
    kato text primary key check (length(kato) = 9),
    level text not null check (level in ('country', 'region', 'district')),
    parent_kato text references admin_unit (kato),
    unit_type text not null,
    name_kk text not null,
    name_ru text not null,
    name_en text not null,
    population integer
);

create table school (
    school_id text primary key,
    name_kk text not null,
    name_ru text not null,
    district_kato text not null references admin_unit (kato),
    region_kato text not null references admin_unit (kato),
    lon real,
    lat real,
    settlement_type text not null check (settlement_type in ('urban', 'rural')),
    synthetic integer not null check (synthetic in (0, 1)),
    batch_id integer not null references ingest_batch (batch_id)
);

create index school_district on school (district_kato);

create table school_quarter (
    school_id text not null references school (school_id),
    period text not null check (length(period) = 7),
    revision integer not null check (revision >= 1),
    submitted_at text not null,
    synthetic integer not null check (synthetic in (0, 1)),
    batch_id integer not null references ingest_batch (batch_id),
    pupils_total integer check (pupils_total >= 0),
    class_sets integer check (class_sets >= 0),
    psych_fte_norm real check (psych_fte_norm >= 0),
    psych_fte_filled real check (psych_fte_filled >= 0),
    socped_fte_norm real check (socped_fte_norm >= 0),
    socped_fte_filled real check (socped_fte_filled >= 0),
    isu_opened integer check (isu_opened >= 0),
    isu_open_end integer check (isu_open_end >= 0),
    isu_open_over_90d integer check (isu_open_over_90d >= 0),
    viol_total integer check (viol_total >= 0),
    viol_sexual integer check (viol_sexual >= 0),
    bullying_cases integer check (bullying_cases >= 0),
    cyberbullying_cases integer check (cyberbullying_cases >= 0),
    suicide_deaths integer check (suicide_deaths >= 0),
    suicide_attempts integer check (suicide_attempts >= 0),
    selfharm_episodes integer check (selfharm_episodes >= 0),
    pupils_criminal_offence integer check (pupils_criminal_offence >= 0),
    offences_against_pupils integer check (offences_against_pupils >= 0),
    primary key (school_id, period, revision)
);

create index school_quarter_period on school_quarter (period);

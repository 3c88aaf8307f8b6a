-- riskmap schema v3: bearer tokens (stored hashed) and the audit log (domain §4.3).

create table api_token (
    token_id integer primary key autoincrement,
    token_sha256 text not null unique,
    role text not null check (role in ('public', 'akimat', 'crisis', 'ministry', 'steward')),
    region_kato text check (length(region_kato) = 9),
    district_katos text not null default '',
    label text not null default '',
    created_at text not null,
    expires_at text,
    revoked_at text
);

create table audit_event (
    event_id integer primary key autoincrement,
    at text not null,
    token_id integer references api_token (token_id),
    role text not null,
    action text not null,
    scope text not null,
    filters text not null,
    row_count integer not null
);

create index audit_event_at on audit_event (at);

-- riskmap schema v2: the full NOBD export contract v1 (domain §6), quarantine, legal statistics.

alter table school_quarter add column pupils_female integer check (pupils_female >= 0);
alter table school_quarter add column pupils_male integer check (pupils_male >= 0);
alter table school_quarter add column pupils_g1_4 integer check (pupils_g1_4 >= 0);
alter table school_quarter add column pupils_g5_9 integer check (pupils_g5_9 >= 0);
alter table school_quarter add column pupils_g10_12 integer check (pupils_g10_12 >= 0);
alter table school_quarter add column pupils_orphan_or_no_parental_care integer check (pupils_orphan_or_no_parental_care >= 0);
alter table school_quarter add column pupils_sen integer check (pupils_sen >= 0);
alter table school_quarter add column pupils_disability integer check (pupils_disability >= 0);
alter table school_quarter add column pupils_low_income integer check (pupils_low_income >= 0);
alter table school_quarter add column pupils_boarding integer check (pupils_boarding >= 0);
alter table school_quarter add column psych_headcount integer check (psych_headcount >= 0);
alter table school_quarter add column psych_vacancy_quarters integer check (psych_vacancy_quarters >= 0);
alter table school_quarter add column staff_trained_child_protection integer check (staff_trained_child_protection >= 0);
alter table school_quarter add column isu_open_start integer check (isu_open_start >= 0);
alter table school_quarter add column isu_closed_resolved integer check (isu_closed_resolved >= 0);
alter table school_quarter add column isu_closed_other integer check (isu_closed_other >= 0);
alter table school_quarter add column isu_median_days_to_close real check (isu_median_days_to_close >= 0);
alter table school_quarter add column isu_reason_bullying integer check (isu_reason_bullying >= 0);
alter table school_quarter add column isu_reason_family integer check (isu_reason_family >= 0);
alter table school_quarter add column isu_reason_truancy integer check (isu_reason_truancy >= 0);
alter table school_quarter add column isu_reason_offence integer check (isu_reason_offence >= 0);
alter table school_quarter add column isu_reason_selfharm_risk integer check (isu_reason_selfharm_risk >= 0);
alter table school_quarter add column isu_reason_substance integer check (isu_reason_substance >= 0);
alter table school_quarter add column isu_reason_other integer check (isu_reason_other >= 0);
alter table school_quarter add column pupils_on_police_register integer check (pupils_on_police_register >= 0);
alter table school_quarter add column viol_physical integer check (viol_physical >= 0);
alter table school_quarter add column viol_psychological integer check (viol_psychological >= 0);
alter table school_quarter add column viol_neglect integer check (viol_neglect >= 0);
alter table school_quarter add column viol_other integer check (viol_other >= 0);
alter table school_quarter add column viol_set_school integer check (viol_set_school >= 0);
alter table school_quarter add column viol_set_family integer check (viol_set_family >= 0);
alter table school_quarter add column viol_set_community integer check (viol_set_community >= 0);
alter table school_quarter add column viol_set_online integer check (viol_set_online >= 0);
alter table school_quarter add column viol_perp_peer integer check (viol_perp_peer >= 0);
alter table school_quarter add column viol_perp_staff integer check (viol_perp_staff >= 0);
alter table school_quarter add column viol_perp_family integer check (viol_perp_family >= 0);
alter table school_quarter add column viol_perp_other_adult integer check (viol_perp_other_adult >= 0);
alter table school_quarter add column viol_perp_unknown integer check (viol_perp_unknown >= 0);
alter table school_quarter add column viol_reported_police integer check (viol_reported_police >= 0);
alter table school_quarter add column viol_referred_health integer check (viol_referred_health >= 0);
alter table school_quarter add column viol_referred_psych_centre integer check (viol_referred_psych_centre >= 0);
alter table school_quarter add column viol_referred_social integer check (viol_referred_social >= 0);
alter table school_quarter add column suicidal_risk_identified integer check (suicidal_risk_identified >= 0);
alter table school_quarter add column suicidal_risk_with_plan integer check (suicidal_risk_with_plan >= 0);
alter table school_quarter add column screen_assessed integer check (screen_assessed >= 0);
alter table school_quarter add column screen_high_risk integer check (screen_high_risk >= 0);
alter table school_quarter add column pupils_admin_offence integer check (pupils_admin_offence >= 0);
alter table school_quarter add column appeals_111_qr integer check (appeals_111_qr >= 0);
alter table school_quarter add column safety_lessons_held integer check (safety_lessons_held >= 0);
alter table school_quarter add column parent_sessions_held integer check (parent_sessions_held >= 0);
alter table school_quarter add column completeness_self real check (completeness_self >= 0);
alter table school_quarter add column nil_return integer;
alter table school_quarter add column antibullying_programme integer;
alter table school_quarter add column schema_version text;
alter table school_quarter add column notes text check (length(notes) <= 500);

-- Contract table A (school_reference): the organisation's current version.
alter table school add column bin text check (length(bin) = 12);
alter table school add column locality_kato text check (length(locality_kato) = 9);
alter table school add column kato_version text;
alter table school add column address_kk text;
alter table school add column address_ru text;
alter table school add column ownership text;
alter table school add column org_type text;
alter table school add column instruction_lang text;
alter table school add column grade_min integer;
alter table school add column grade_max integer;
alter table school add column shifts integer;
alter table school add column valid_from text;
alter table school add column valid_to text;
alter table school add column status text;
alter table school add column successor_org_id text;

-- Contract table C (school_contacts): restricted; work contacts of staff only (Role C, Tier M).
create table school_contact (
    school_id text not null references school (school_id),
    role text not null,
    full_name text not null,
    work_phone text,
    work_email text,
    fte real,
    valid_from text not null,
    valid_to text,
    batch_id integer not null references ingest_batch (batch_id),
    primary key (school_id, role, full_name, valid_from)
);

-- Rows refused under --accept-partial, kept with their findings (JSON) for the steward.
create table quarantine (
    batch_id integer not null references ingest_batch (batch_id),
    sheet text,
    row_number integer not null,
    row_json text not null,
    findings_json text not null,
    primary key (batch_id, row_number)
);

-- Committee on Legal Statistics (КПСиСУ) tables: offences by and against minors.
create table legal_stat (
    unit_kato text not null check (length(unit_kato) = 9),
    period text not null,
    measure text not null,
    value integer not null check (value >= 0),
    source text not null,
    batch_id integer not null references ingest_batch (batch_id),
    primary key (unit_kato, period, measure)
);

alter table ingest_batch add column report_json text;

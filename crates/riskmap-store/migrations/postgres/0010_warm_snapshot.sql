-- riskmap schema v10: the warm snapshot. What a server's warm-up computes that costs most (the
-- partition sums and the scored priority lists of every region, before disclosure), saved per
-- data version and build so that a server starting on a data version that was already warmed
-- restores them instead of summing and scoring again. Only the latest data version's rows are
-- kept; a build reads only its own. Derived from the stored records: dropping a row loses
-- nothing but time.

create table warm_snapshot (
    build text not null,
    data_version bigint not null,
    payload bytea not null,
    created_at timestamptz not null,
    primary key (build, data_version)
);

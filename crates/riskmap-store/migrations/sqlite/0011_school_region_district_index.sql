-- riskmap schema v11: schools by region and district. The partition sums (every measure by
-- region × district of one quarter, the warm-up's largest query) scan the schools in this
-- order and read each school's record of the quarter, so the groups arrive in order and are
-- summed as they come, without sorting every record first. The index serves the region
-- lookups of v8's `school_region` (its first column), which it replaces.

create index school_region_district on school (region_kato, district_kato);
drop index school_region;

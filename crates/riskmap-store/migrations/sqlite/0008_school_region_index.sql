-- riskmap schema v8: schools by region, so that reading one region's schools (the priority
-- list's inputs) visits that region's records instead of every record of the quarters.

create index school_region on school (region_kato);

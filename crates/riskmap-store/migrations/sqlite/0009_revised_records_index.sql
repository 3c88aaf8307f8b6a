-- riskmap schema v9: the records with a revision above 1 (corrections: few), so that "is there
-- a newer revision of this record?" — asked of every record each time the current revisions
-- are read — probes this small index instead of the whole primary key. The queries that ask it
-- repeat `revision > 1` (implied by `newer.revision > q.revision >= 1`) so the planner may use it.

create index school_quarter_revised on school_quarter (school_id, period, revision) where revision > 1;

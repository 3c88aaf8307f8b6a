//! Property test of the workflow as a state machine: no sequence of requests by any role
//! reaches a state that role may not reach, and an approved programme's content never changes
//! except through an approved amendment. The expected rules are written out here, from the
//! issue's text, independently of the crate's rule table.

use std::collections::HashMap;

use proptest::prelude::*;
use riskmap_model::{Kato, Period, Role};
use riskmap_programme::programme::Content;
use riskmap_programme::workflow::{self, Actor, Status};
use riskmap_programme::{
    Action, ActionFields, Catalogue, Problem, ProblemUnit, Programme, ProgrammePeriod,
    ProgressReport, ProgressStatus, Snapshot,
};
use time::Date;
use time::macros::date;

fn kato(text: &str) -> Kato {
    Kato::parse(text).expect("test KATO")
}

const REGION: &str = "750000000";
const DISTRICTS: [&str; 3] = ["751210000", "751410000", "751510000"];
const OTHER_DISTRICT: &str = "711110000";

fn actors() -> Vec<Actor> {
    let region = kato(REGION);
    let d0 = kato(DISTRICTS[0]);
    vec![
        Actor {
            role: Role::Akimat,
            region: Some(region),
            districts: vec![],
        },
        Actor {
            role: Role::Akimat,
            region: Some(kato("710000000")),
            districts: vec![],
        },
        Actor {
            role: Role::Akimat,
            region: Some(region),
            districts: vec![d0],
        },
        Actor {
            role: Role::Crisis,
            region: None,
            districts: vec![d0],
        },
        Actor {
            role: Role::Crisis,
            region: None,
            districts: vec![kato(OTHER_DISTRICT)],
        },
        Actor {
            role: Role::Ministry,
            region: None,
            districts: vec![],
        },
        Actor {
            role: Role::Public,
            region: None,
            districts: vec![],
        },
        Actor {
            role: Role::Steward,
            region: None,
            districts: vec![],
        },
    ]
}

/// Who may make a transition, as the issue states it.
fn expected_transition(from: Status, to: Status, actor: &Actor, past_end: bool) -> bool {
    let region_akimat = actor.role == Role::Akimat
        && actor.region == Some(kato(REGION))
        && actor.districts.is_empty();
    match (from, to) {
        (Status::Draft | Status::Returned, Status::Approved) => region_akimat,
        (Status::Approved, Status::Acknowledged | Status::Returned) => actor.role == Role::Ministry,
        (Status::Approved | Status::Acknowledged, Status::Closed) => region_akimat && past_end,
        _ => false,
    }
}

/// Who may change content about `district`, as the issue states it.
fn expected_content_writer(actor: &Actor, district: &Kato) -> bool {
    match actor.role {
        Role::Akimat if actor.region == Some(kato(REGION)) => {
            actor.districts.is_empty() || actor.districts.contains(district)
        }
        Role::Crisis => actor.districts.contains(district),
        _ => false,
    }
}

#[derive(Debug, Clone)]
enum Op {
    AddProblem {
        actor: usize,
        district: usize,
    },
    AddAction {
        actor: usize,
        problem: usize,
    },
    Patch {
        actor: usize,
        action: usize,
        budget: u64,
    },
    Progress {
        actor: usize,
        action: usize,
        quarter: u8,
    },
    Transition {
        actor: usize,
        to: usize,
    },
    Amend {
        actor: usize,
    },
    Advance,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..8usize, 0..3usize).prop_map(|(actor, district)| Op::AddProblem { actor, district }),
        (0..8usize, 0..4usize).prop_map(|(actor, problem)| Op::AddAction { actor, problem }),
        (0..8usize, 0..4usize, 0..1_000_000u64).prop_map(|(actor, action, budget)| Op::Patch {
            actor,
            action,
            budget
        }),
        (0..8usize, 0..4usize, 1..=4u8).prop_map(|(actor, action, quarter)| Op::Progress {
            actor,
            action,
            quarter
        }),
        (0..8usize, 0..6usize).prop_map(|(actor, to)| Op::Transition { actor, to }),
        (0..8usize).prop_map(|actor| Op::Amend { actor }),
        Just(Op::Advance),
    ]
}

fn snapshot() -> Snapshot {
    Snapshot {
        taken_at: "2025-01-15T00:00:00Z".to_owned(),
        data_version: 1,
        data_quarter: "2024-Q4".to_owned(),
        methodology_version: "test".to_owned(),
        rank: None,
        triggers: vec![],
        drivers: vec![],
        values: vec![],
    }
}

fn fields(problem: i64, budget: u64) -> ActionFields {
    ActionFields {
        action_type: "anti_bullying_programme".to_owned(),
        problems: vec![problem],
        organisation: "Org".to_owned(),
        responsible: "Person".to_owned(),
        contact: "+7 700 000 00 00".to_owned(),
        start: "2025-01-01".to_owned(),
        due: "2025-12-31".to_owned(),
        budget_tenge: budget,
        funding_source: "local budget".to_owned(),
        indicator: "bullying_rate".to_owned(),
        expected_change_percent: -5.0,
    }
}

struct World {
    programmes: Vec<Programme>,
    locked: HashMap<i64, Content>,
    today: Date,
    next_id: i64,
}

impl World {
    fn new() -> Self {
        let programme = Programme {
            id: 1,
            region: kato(REGION),
            period: ProgrammePeriod::Year(2025),
            title: "Programme".to_owned(),
            status: Status::Draft,
            version: 1,
            data_version: 1,
            methodology_version: "test".to_owned(),
            amends: None,
            problems: vec![],
            actions: vec![],
            progress: vec![],
        };
        Self {
            programmes: vec![programme],
            locked: HashMap::new(),
            today: date!(2025 - 02 - 01),
            next_id: 100,
        }
    }

    fn id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    fn apply(
        &mut self,
        target: usize,
        op: &Op,
        catalogue: &Catalogue,
    ) -> Result<(), TestCaseError> {
        let actors = actors();
        let index = target % self.programmes.len();
        match op {
            Op::AddProblem { actor, district } => {
                let actor = &actors[*actor];
                let district = kato(DISTRICTS[*district]);
                let id = self.id();
                let problem = Problem {
                    id,
                    unit: ProblemUnit {
                        district,
                        school: None,
                        name_kk: "аудан".to_owned(),
                        name_ru: "район".to_owned(),
                    },
                    snapshot: snapshot(),
                };
                let editable = self.programmes[index].status.editable();
                let result = workflow::add_problem(&mut self.programmes[index], actor, problem);
                if result.is_ok() {
                    prop_assert!(editable, "content added to a locked programme");
                    prop_assert!(
                        expected_content_writer(actor, &district),
                        "{actor:?} added a problem in {district}"
                    );
                }
            }
            Op::AddAction { actor, problem } => {
                let actor = &actors[*actor];
                let Some(problem) = self.programmes[index].problems.get(*problem).cloned() else {
                    return Ok(());
                };
                let id = self.id();
                let action = Action {
                    id,
                    fields: fields(problem.id, 1000),
                };
                let editable = self.programmes[index].status.editable();
                let result =
                    workflow::add_action(&mut self.programmes[index], actor, catalogue, action);
                if result.is_ok() {
                    prop_assert!(editable, "action added to a locked programme");
                    prop_assert!(expected_content_writer(actor, &problem.unit.district));
                }
            }
            Op::Patch {
                actor,
                action,
                budget,
            } => {
                let actor = &actors[*actor];
                let Some(action) = self.programmes[index].actions.get(*action).cloned() else {
                    return Ok(());
                };
                let patch = serde_json::json!({ "budget_tenge": budget });
                let editable = self.programmes[index].status.editable();
                let result = workflow::patch_action(
                    &mut self.programmes[index],
                    actor,
                    catalogue,
                    action.id,
                    &patch,
                );
                if result.is_ok() {
                    prop_assert!(editable, "action patched in a locked programme");
                    let district = self.programmes[index]
                        .problem(action.fields.problems[0])
                        .expect("problem")
                        .unit
                        .district;
                    prop_assert!(expected_content_writer(actor, &district));
                }
            }
            Op::Progress {
                actor,
                action,
                quarter,
            } => {
                let actor = &actors[*actor];
                let Some(action) = self.programmes[index].actions.get(*action).cloned() else {
                    return Ok(());
                };
                let id = self.id();
                let report = ProgressReport {
                    id,
                    action_id: action.id,
                    quarter: Period::new(2025, *quarter).expect("quarter"),
                    status: ProgressStatus::OnTrack,
                    percent: 10,
                    comment: String::new(),
                    submitted_on: self.today,
                };
                let in_force = self.programmes[index].status.in_force();
                let result = workflow::report_progress(&mut self.programmes[index], actor, report);
                if result.is_ok() {
                    prop_assert!(in_force, "progress on a programme not in force");
                }
            }
            Op::Transition { actor, to } => {
                let actor = &actors[*actor];
                let to = Status::ALL[*to];
                let from = self.programmes[index].status;
                let past_end = self.today > self.programmes[index].period.end();
                let result = workflow::transition(
                    &mut self.programmes[index],
                    actor,
                    to,
                    "comment",
                    self.today,
                );
                match result {
                    Ok(done) => {
                        prop_assert!(
                            expected_transition(from, to, actor, past_end),
                            "{actor:?} moved {from} to {to}"
                        );
                        if to == Status::Approved {
                            self.locked.insert(
                                self.programmes[index].id,
                                self.programmes[index].content(),
                            );
                        }
                        if to == Status::Returned {
                            self.locked.remove(&self.programmes[index].id);
                        }
                        if let Some(original) = done.supersedes {
                            let position = self
                                .programmes
                                .iter()
                                .position(|p| p.id == original)
                                .expect("original");
                            workflow::supersede(&mut self.programmes[position])
                                .map_err(|e| TestCaseError::fail(e.to_string()))?;
                        }
                    }
                    Err(_) => prop_assert_eq!(self.programmes[index].status, from),
                }
            }
            Op::Amend { actor } => {
                let actor = &actors[*actor];
                let id = self.id();
                if let Ok(amendment) = workflow::amend(&self.programmes[index], actor, id) {
                    prop_assert!(self.programmes[index].status.in_force());
                    prop_assert!(actor.role == Role::Akimat && actor.districts.is_empty());
                    self.programmes.push(amendment);
                }
            }
            Op::Advance => self.today = self.today.saturating_add(time::Duration::days(120)),
        }
        Ok(())
    }

    fn check_locks(&self) -> Result<(), TestCaseError> {
        for programme in &self.programmes {
            let locked = matches!(
                programme.status,
                Status::Approved | Status::Acknowledged | Status::Closed | Status::Superseded
            );
            if locked {
                let content = self.locked.get(&programme.id);
                prop_assert!(
                    content.is_some(),
                    "programme {} is {} without an approval",
                    programme.id,
                    programme.status
                );
                prop_assert_eq!(
                    content,
                    Some(&programme.content()),
                    "approved content changed"
                );
            }
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn no_role_reaches_a_state_it_may_not(ops in proptest::collection::vec((0..4usize, op()), 1..80)) {
        let catalogue = Catalogue::builtin().expect("catalogue");
        let mut world = World::new();
        for (target, op) in &ops {
            world.apply(*target, op, &catalogue)?;
            world.check_locks()?;
        }
    }
}

#[test]
fn the_happy_path_reaches_every_status() {
    let catalogue = Catalogue::builtin().expect("catalogue");
    let mut world = World::new();
    let ops = [
        Op::AddProblem {
            actor: 0,
            district: 1,
        },
        Op::AddAction {
            actor: 0,
            problem: 0,
        },
        Op::Transition { actor: 0, to: 1 },
        Op::Transition { actor: 5, to: 3 },
        Op::Patch {
            actor: 0,
            action: 0,
            budget: 5,
        },
        Op::Transition { actor: 0, to: 1 },
        Op::Transition { actor: 5, to: 2 },
        Op::Amend { actor: 0 },
    ];
    for op in &ops {
        world.apply(0, op, &catalogue).expect("step");
        world.check_locks().expect("locks");
    }
    assert_eq!(world.programmes[0].status, Status::Acknowledged);
    assert_eq!(world.programmes[0].actions[0].fields.budget_tenge, 5);
    world
        .apply(1, &Op::Transition { actor: 0, to: 1 }, &catalogue)
        .expect("approve amendment");
    assert_eq!(world.programmes[0].status, Status::Superseded);
    assert_eq!(world.programmes[1].status, Status::Approved);
    world.check_locks().expect("locks");
}

//! Roles of bearer tokens and the grant a token carries (domain §4.3).

use std::fmt;

use time::OffsetDateTime;

use crate::{Audience, Error, Kato, Result};

/// The role a token is issued for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Tier P.
    Public,
    /// Tier A: one region (or one district).
    Akimat,
    /// Role C: assigned districts, time-bound.
    Crisis,
    /// Tier M.
    Ministry,
    /// Steward: ingestion, tokens, audit; no analytic access.
    Steward,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [
        Role::Public,
        Role::Akimat,
        Role::Crisis,
        Role::Ministry,
        Role::Steward,
    ];

    /// The lowercase name used on the command line and in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Public => "public",
            Role::Akimat => "akimat",
            Role::Crisis => "crisis",
            Role::Ministry => "ministry",
            Role::Steward => "steward",
        }
    }

    /// Parses the lowercase name.
    pub fn parse(text: &str) -> Result<Self> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == text)
            .ok_or_else(|| Error::UnknownName {
                what: "role",
                got: text.to_owned(),
            })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a token grants: a role and its scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The role.
    pub role: Role,
    /// Region of an akimat token.
    pub region: Option<Kato>,
    /// The district of a district official (akimat) or the districts of a crisis team.
    pub districts: Vec<Kato>,
    /// When the grant ends (crisis teams are time-bound).
    pub expires_at: Option<OffsetDateTime>,
}

impl Grant {
    /// Checks that the scope fits the role: an akimat needs a region (and at most one district
    /// in it), a crisis team one or more districts, the other roles no scope.
    pub fn validate(&self) -> Result<()> {
        let fail = |message: &str| {
            Err(Error::Scope {
                message: message.to_owned(),
            })
        };
        match self.role {
            Role::Akimat => {
                let Some(region) = self.region else {
                    return fail("an akimat token needs --region");
                };
                if region.region() != region {
                    return fail("--region must be a region code (AB0000000)");
                }
                if self.districts.len() > 1
                    || self.districts.iter().any(|d| !d.same_region(&region))
                {
                    return fail(
                        "an akimat token takes at most one --districts code, inside its region",
                    );
                }
                Ok(())
            }
            Role::Crisis if self.districts.is_empty() => fail("a crisis token needs --districts"),
            Role::Crisis => Ok(()),
            Role::Public | Role::Ministry | Role::Steward
                if self.region.is_some() || !self.districts.is_empty() =>
            {
                fail("only akimat and crisis tokens take a scope")
            }
            Role::Public | Role::Ministry | Role::Steward => Ok(()),
        }
    }

    /// Checks the districts of a crisis team or district official against the districts of
    /// their regions (`districts_of(region)`, every district of that region): each must exist,
    /// and in each region the scope must cover every district or leave at least two outside,
    /// so that the region's released total minus what the scope knows exactly is never a
    /// single district (`docs/disclosure.md` §7).
    ///
    /// # Examples
    /// ```
    /// use riskmap_model::{Grant, Kato, Role};
    /// let k = |t: &str| Kato::parse(t).unwrap();
    /// let region = [k("710000000"), k("711110000"), k("711210000"), k("711310000")];
    /// let districts_of = |r: &Kato| if *r == region[0] { region[1..].to_vec() } else { vec![] };
    /// let grant = |d: Vec<Kato>| Grant { role: Role::Crisis, region: None, districts: d, expires_at: None };
    /// assert!(grant(vec![region[1]]).validate_coverage(districts_of).is_ok());
    /// assert!(grant(vec![region[1], region[2]]).validate_coverage(districts_of).is_err());
    /// assert!(grant(region[1..].to_vec()).validate_coverage(districts_of).is_ok());
    /// ```
    pub fn validate_coverage(&self, districts_of: impl Fn(&Kato) -> Vec<Kato>) -> Result<()> {
        let mut regions: Vec<Kato> = self.districts.iter().map(Kato::region).collect();
        regions.sort();
        regions.dedup();
        for region in regions {
            let all = districts_of(&region);
            let mut held: Vec<&Kato> = self
                .districts
                .iter()
                .filter(|d| d.same_region(&region))
                .collect();
            held.sort();
            held.dedup();
            if let Some(unknown) = held.iter().find(|d| !all.contains(d)) {
                return Err(Error::Scope {
                    message: format!("{unknown} is not a district of region {region}"),
                });
            }
            let outside = all.len().saturating_sub(held.len());
            if outside == 1 {
                return Err(Error::Scope {
                    message: format!(
                        "the scope leaves one district of region {region} outside: its values \
                         would follow from the region's published total; take all {} districts \
                         or leave at least two outside",
                        all.len()
                    ),
                });
            }
        }
        Ok(())
    }

    /// True when the grant has expired at `now`.
    pub fn is_expired(&self, now: OffsetDateTime) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }

    /// The audience whose disclosure rules apply to the holder.
    pub fn audience(&self) -> Audience {
        match self.role {
            Role::Public => Audience::Public,
            Role::Akimat => match self.region {
                Some(region) => Audience::Regional {
                    region,
                    district: self.districts.first().copied(),
                },
                None => Audience::Public,
            },
            Role::Crisis => Audience::Crisis {
                districts: self.districts.clone(),
            },
            Role::Ministry => Audience::Ministry,
            Role::Steward => Audience::Steward,
        }
    }
}

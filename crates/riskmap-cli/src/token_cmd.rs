//! `riskmap token create|revoke`: bearer tokens for the API, stored hashed; the clear token is
//! printed once and never stored.

use anyhow::Context;
use rand::RngCore;
use riskmap_model::{Grant, Kato, Role};
use riskmap_store::Store;

/// `riskmap token ...`
#[derive(Debug, clap::Subcommand)]
pub(crate) enum TokenCommand {
    /// Issue a token and print it once.
    Create(CreateArgs),
    /// Revoke a token by its id (printed when it was created).
    Revoke(RevokeArgs),
}

/// Options of `riskmap token create`.
#[derive(Debug, clap::Args)]
pub(crate) struct CreateArgs {
    /// public, akimat, crisis, ministry or steward.
    #[arg(long)]
    role: String,
    /// The akimat's region (AB0000000).
    #[arg(long)]
    region: Option<String>,
    /// Comma-separated district codes: the crisis team's districts, or one district for a
    /// district education department (akimat role).
    #[arg(long, value_delimiter = ',')]
    districts: Vec<String>,
    /// Days until the token expires (crisis activations are time-bound).
    #[arg(long)]
    expires_days: Option<u32>,
    /// Who the token is for (kept with the token and in the audit log).
    #[arg(long, default_value = "")]
    label: String,
    /// Database URL.
    #[arg(
        long,
        env = "RISKMAP_DATABASE_URL",
        default_value = "sqlite://riskmap.sqlite3"
    )]
    database: String,
    /// Folder with the reference geography: the scope's codes are checked against it.
    #[arg(long, env = "RISKMAP_GEOGRAPHY", default_value = riskmap_geo::DEFAULT_DIR, value_parser = crate::geography_arg::parse)]
    geography: std::path::PathBuf,
}

/// Options of `riskmap token revoke`.
#[derive(Debug, clap::Args)]
pub(crate) struct RevokeArgs {
    /// The token id.
    id: i64,
    /// Database URL.
    #[arg(
        long,
        env = "RISKMAP_DATABASE_URL",
        default_value = "sqlite://riskmap.sqlite3"
    )]
    database: String,
}

pub(crate) fn run(command: &TokenCommand) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        match command {
            TokenCommand::Create(args) => create(args).await,
            TokenCommand::Revoke(args) => revoke(args).await,
        }
    })
}

async fn create(args: &CreateArgs) -> anyhow::Result<()> {
    let role = Role::parse(&args.role)?;
    let region = args
        .region
        .as_deref()
        .map(Kato::parse)
        .transpose()
        .context("--region")?;
    let districts = args
        .districts
        .iter()
        .map(|d| Kato::parse(d.trim()))
        .collect::<Result<Vec<_>, _>>()
        .context("--districts")?;
    let expires_at = args
        .expires_days
        .map(|days| time::OffsetDateTime::now_utc() + time::Duration::days(i64::from(days)));
    let grant = Grant {
        role,
        region,
        districts,
        expires_at,
    };
    if grant.region.is_some() || !grant.districts.is_empty() {
        let geography = riskmap_geo::load_dir(&args.geography).with_context(|| {
            format!(
                "cannot load the geography from {} (needed to check the scope; use --geography)",
                args.geography.display()
            )
        })?;
        check_scope(&grant, &geography)?;
    }
    grant.validate()?;
    let store = Store::connect(&args.database)
        .await
        .context("cannot open the store")?;
    let (id, token) = issue(&store, &grant, &args.label).await?;
    #[allow(
        clippy::print_stdout,
        reason = "the token is the command's output, shown once"
    )]
    {
        println!("{token}");
    }
    #[allow(
        clippy::print_stderr,
        reason = "a note for the operator, not part of the output"
    )]
    {
        eprintln!(
            "token id {id} ({}); it is shown only now, store it safely",
            grant.role
        );
    }
    Ok(())
}

/// The scope's codes exist in the geography, its districts lie in its region, and a scope of
/// districts covers its region or leaves at least two of them outside (docs/disclosure.md §7).
fn check_scope(grant: &Grant, geography: &riskmap_geo::Geography) -> anyhow::Result<()> {
    if let Some(region) = &grant.region
        && geography.region(region).is_none()
    {
        anyhow::bail!("--region {region} is not a region of the geography (20 regions, AB0000000)");
    }
    for district in &grant.districts {
        let Some(found) = geography.district(district) else {
            anyhow::bail!("--districts: {district} is not a district of the geography");
        };
        if let Some(region) = &grant.region
            && found.region != *region
        {
            anyhow::bail!("--districts: {district} is not in region {region}");
        }
    }
    grant
        .validate_coverage(|region| geography.districts_of(region).map(|d| d.kato).collect())
        .context("--districts")?;
    Ok(())
}

async fn revoke(args: &RevokeArgs) -> anyhow::Result<()> {
    let store = Store::connect(&args.database)
        .await
        .context("cannot open the store")?;
    if !store.revoke_token(args.id).await? {
        anyhow::bail!("no active token with id {}", args.id);
    }
    #[allow(clippy::print_stdout, reason = "confirmation is the command's output")]
    {
        println!("token {} revoked", args.id);
    }
    Ok(())
}

/// Generates a token (256 random bits), stores its hash and returns its id and the clear text.
pub(crate) async fn issue(
    store: &Store,
    grant: &Grant,
    label: &str,
) -> anyhow::Result<(i64, String)> {
    issue_marked(store, grant, label, false).await
}

/// Issues a token; `demo` marks a demo server's token (valid only while the store holds
/// synthetic data only, revoked when a server starts without `--demo`).
pub(crate) async fn issue_marked(
    store: &Store,
    grant: &Grant,
    label: &str,
    demo: bool,
) -> anyhow::Result<(i64, String)> {
    let mut secret = [0_u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let token = format!(
        "rmk_{}",
        secret
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let id = store
        .create_token_marked(&riskmap_store::token_hash(&token), grant, label, demo)
        .await
        .context("cannot store the token")?;
    Ok((id, token))
}

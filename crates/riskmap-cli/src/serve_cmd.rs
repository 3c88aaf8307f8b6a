//! `riskmap serve`: load the geography, open the store (filling it with demo data on request)
//! and serve the API and the map.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use riskmap_model::{Audience, Catalogue, SuppressionPolicy};
use riskmap_server::{AppState, ServerConfig};
use riskmap_store::{BatchOutcome, NewBatch, Store};
use sha2::{Digest, Sha256};

/// Options of `riskmap serve`.
#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "RISKMAP_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Database URL: sqlite://FILE (created on first start) or postgres://...
    #[arg(
        long,
        env = "RISKMAP_DATABASE_URL",
        default_value = "sqlite://riskmap.sqlite3"
    )]
    database: String,
    /// Folder with the reference geography (kz-adm1.geojson, kz-adm2.geojson, ...).
    #[arg(long, env = "RISKMAP_GEOGRAPHY", default_value = riskmap_geo::DEFAULT_DIR, value_parser = crate::geography_arg::parse)]
    geography: PathBuf,
    /// Serve the web page from this folder (index.html, its scripts, MapLibre under
    /// node_modules/) instead of the copy embedded in the binary: a development override.
    #[arg(long, env = "RISKMAP_WEB_DIR")]
    web_dir: Option<PathBuf>,
    /// Fill an empty store with synthetic demo data first, and show anonymous visitors the
    /// ministry view while the store holds synthetic data only.
    #[arg(long)]
    demo: bool,
    /// Megabytes of gzipped tiles kept in memory (0 switches the tile cache off).
    #[arg(long, env = "RISKMAP_TILE_CACHE_MB", default_value_t = 96)]
    tile_cache_mb: u64,
    /// Serve requests without a token under the public tier (off until the ministry approves
    /// public access; without it such requests get 401).
    #[arg(long, env = "RISKMAP_PUBLIC_ACCESS")]
    public_access: bool,
    /// Largest upload accepted by `POST /api/v1/ingest`, in megabytes.
    #[arg(long, env = "RISKMAP_UPLOAD_LIMIT_MB", default_value_t = 1024)]
    upload_limit_mb: u64,
    /// Private folder (0700) where uploads wait while they are checked; by default
    /// `riskmap-spool` beside the SQLite file (the system's temporary folder for PostgreSQL).
    /// Upload folders left in it by a crash are removed at start.
    #[arg(long, env = "RISKMAP_SPOOL_DIR")]
    spool_dir: Option<PathBuf>,
    /// Seconds a client may take to send a request's line and headers; a connection that
    /// stalls longer is closed.
    #[arg(long, env = "RISKMAP_HEADER_TIMEOUT_SECS", default_value_t = 10)]
    header_timeout_secs: u64,
    /// Seconds a client may take to send a request's body (the request fails after it).
    #[arg(long, env = "RISKMAP_BODY_TIMEOUT_SECS", default_value_t = 120)]
    body_timeout_secs: u64,
    /// Also serve `/metrics` without a token on this address (e.g. 127.0.0.1:9100, for a
    /// Prometheus scraper on a private network); on the main address it needs a token.
    #[arg(long, env = "RISKMAP_METRICS_ADDR")]
    metrics_addr: Option<std::net::SocketAddr>,
}

pub(crate) fn run(args: &ServeArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(serve(args))
}

async fn serve(args: &ServeArgs) -> anyhow::Result<()> {
    let geography = riskmap_geo::load_dir(&args.geography).with_context(|| {
        format!(
            "cannot load the geography from {}",
            args.geography.display()
        )
    })?;
    let geography = Arc::new(geography);
    let store = Store::connect(&args.database)
        .await
        .context("cannot open the store")?;
    store
        .upsert_admin_units(&riskmap_load::admin_units::admin_units(&geography))
        .await
        .context("cannot store the administrative units")?;
    if args.demo {
        load_demo(&store, &geography).await?;
    }
    let demo_view = args.demo && !store.has_real_data().await?;
    if !demo_view {
        let revoked = store.revoke_demo_tokens().await?;
        if revoked > 0 {
            tracing::info!(
                revoked,
                "demo tokens revoked (not serving the synthetic demo)"
            );
        }
    }
    let anonymous_audience = args.public_access.then_some(Audience::Public);
    let web_dir = args.web_dir.clone();
    match &web_dir {
        Some(dir) if !dir.join("index.html").exists() => {
            anyhow::bail!("--web-dir {}: no index.html there", dir.display())
        }
        Some(dir)
            if !dir
                .join("node_modules/maplibre-gl/dist/maplibre-gl.mjs")
                .exists() =>
        {
            anyhow::bail!(
                "--web-dir {}: MapLibre is not installed there (run `npm ci` in it), or leave --web-dir out to serve the page embedded in the binary",
                dir.display()
            )
        }
        Some(dir) => tracing::info!(dir = %dir.display(), "serving the web page from a folder"),
        None => tracing::info!(
            files = riskmap_server::web_assets::embedded_count(),
            "serving the web page embedded in the binary"
        ),
    }
    let issued = if demo_view {
        demo_tokens(&store).await?
    } else {
        Vec::new()
    };
    let demo_tokens = issued
        .iter()
        .map(|(grant, token)| riskmap_server::DemoToken {
            role: grant.role.as_str().to_owned(),
            scope: describe(grant),
            region: grant.region.map(|k| k.to_string()),
            districts: grant.districts.iter().map(ToString::to_string).collect(),
            token: token.clone(),
            expires_at: grant.expires_at.and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            }),
        })
        .collect();
    let config = ServerConfig {
        web_dir,
        anonymous_audience,
        demo: demo_view,
        demo_tokens,
        tile_cache_bytes: args.tile_cache_mb * 1024 * 1024,
        kato_registry: Some(Arc::new(
            riskmap_load::load_registry(&args.geography)
                .context("cannot read the KATO registry the upload checks use")?,
        )),
        upload_limit_bytes: args.upload_limit_mb * 1024 * 1024,
        spool_dir: spool_dir(args)?,
    };
    let state = AppState::new(
        geography,
        store.clone(),
        Catalogue::builtin(),
        riskmap_server::view::Views::new(SuppressionPolicy::recommended()),
        config,
    );
    if demo_view {
        let demo_state = state.clone();
        tokio::spawn(async move {
            match riskmap_server::demo_programmes::fill(&demo_state).await {
                Ok(count) => tracing::info!(count, "demo programmes stored (synthetic)"),
                Err(error) => tracing::warn!(%error, "demo programmes not stored"),
            }
        });
    }
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let address = listener
        .local_addr()
        .context("cannot read the listening address")?;
    #[allow(
        clippy::print_stdout,
        reason = "the URL and the demo tokens are the command's output"
    )]
    {
        println!(
            "riskmap is serving on http://{address}/ ({} store{})",
            store.backend().as_str(),
            if demo_view {
                ", demo data, ministry view"
            } else {
                ""
            }
        );
        for (grant, token) in &issued {
            println!(
                "  demo token {:<8} {token}  ({})",
                grant.role.as_str(),
                describe(grant)
            );
        }
    }
    let timeouts = riskmap_server::listen::Timeouts {
        header_read: std::time::Duration::from_secs(args.header_timeout_secs.max(1)),
        request_body: std::time::Duration::from_secs(args.body_timeout_secs.max(1)),
    };
    let metrics = match args.metrics_addr {
        Some(addr) => Some(serve_metrics(addr, state.clone(), timeouts).await?),
        None => None,
    };
    riskmap_server::serve(listener, state, timeouts, shutdown_signal())
        .await
        .context("server failed")?;
    if let Some(metrics) = metrics {
        metrics.abort();
    }
    store.close().await;
    Ok(())
}

/// `/metrics` without a token on its own address, until the process ends.
async fn serve_metrics(
    addr: std::net::SocketAddr,
    state: AppState,
    timeouts: riskmap_server::listen::Timeouts,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on --metrics-addr {addr}"))?;
    tracing::info!(%addr, "serving /metrics without a token on the metrics address");
    let router = riskmap_server::http::metrics_app(state);
    Ok(tokio::spawn(async move {
        let never = std::future::pending::<()>();
        if let Err(error) =
            riskmap_server::listen::serve_router(listener, router, timeouts, never).await
        {
            tracing::warn!(%error, "the metrics address stopped");
        }
    }))
}

/// The spool folder, created private and swept of what a previous run left.
fn spool_dir(args: &ServeArgs) -> anyhow::Result<PathBuf> {
    let dir = args
        .spool_dir
        .clone()
        .unwrap_or_else(|| riskmap_server::spool::default_dir(&args.database));
    let swept = riskmap_server::spool::prepare(&dir)
        .with_context(|| format!("cannot prepare the spool folder {}", dir.display()))?;
    if swept > 0 {
        tracing::info!(swept, dir = %dir.display(), "upload folders left by an earlier run removed");
    }
    Ok(dir)
}

/// Generates the standard demo data set and stores it, unless the store already has data.
async fn load_demo(store: &Store, geography: &riskmap_geo::Geography) -> anyhow::Result<()> {
    if !store.is_empty().await? {
        tracing::info!("the store already has data; demo data not added");
        return Ok(());
    }
    let config = riskmap_demo::DemoConfig::standard();
    let started = std::time::Instant::now();
    let data = riskmap_demo::generate(geography, &config);
    let description = format!(
        "riskmap-demo standard seed={} periods={}..{} v1",
        config.seed,
        config
            .periods
            .first()
            .map(ToString::to_string)
            .unwrap_or_default(),
        config
            .periods
            .last()
            .map(ToString::to_string)
            .unwrap_or_default()
    );
    let hash = Sha256::digest(description.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    let batch = NewBatch {
        source: description,
        kind: "demo".to_owned(),
        content_sha256: hash,
        synthetic: true,
    };
    let outcome = store
        .import_batch(&batch, &data.schools, &data.records)
        .await
        .context("cannot store the demo data")?;
    if let BatchOutcome::Stored { batch_id } = outcome {
        tracing::info!(
            batch_id,
            schools = data.schools.len(),
            records = data.records.len(),
            elapsed_ms = started.elapsed().as_millis(),
            "demo data stored (synthetic)"
        );
    }
    store_demo_contacts(store, &data.schools, &config).await
}

/// Stores the demo schools' synthetic work contacts as a synthetic batch of their own.
async fn store_demo_contacts(
    store: &Store,
    schools: &[riskmap_model::School],
    config: &riskmap_demo::DemoConfig,
) -> anyhow::Result<()> {
    let valid_from = config
        .periods
        .first()
        .map(|p| p.start_date())
        .context("the demo has no quarters")?;
    let contacts: Vec<_> = crate::demo_contacts::demo_contacts(
        schools.iter().map(|s| s.id.clone()),
        config.seed,
        valid_from,
    )
    .collect();
    let source = format!("riskmap-demo contacts seed={} v1", config.seed);
    let batch = NewBatch {
        content_sha256: Sha256::digest(source.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        source,
        kind: "demo".to_owned(),
        synthetic: true,
    };
    let riskmap_store::BatchStart::Open(mut writer) = store.begin_batch(&batch).await? else {
        return Ok(());
    };
    let count = contacts.len();
    for contact in contacts {
        writer
            .push(riskmap_store::BatchItem::Contact(Box::new(contact)))
            .await?;
    }
    writer
        .commit("{}")
        .await
        .context("cannot store the demo contacts")?;
    tracing::info!(contacts = count, "demo contacts stored (synthetic)");
    Ok(())
}

/// How long a demo token works.
const DEMO_TOKEN_HOURS: i64 = 12;

/// One token per role for the demo (synthetic data only): an akimat of Almaty city, a crisis
/// team for two of its districts, and the other roles without scope; each expires after
/// [`DEMO_TOKEN_HOURS`] and works only while the store holds synthetic data only.
async fn demo_tokens(store: &Store) -> anyhow::Result<Vec<(riskmap_model::Grant, String)>> {
    use riskmap_model::{Grant, Kato, Role};
    let kato = |text: &str| Kato::parse(text).expect("literal KATO code");
    let expires = Some(time::OffsetDateTime::now_utc() + time::Duration::hours(DEMO_TOKEN_HOURS));
    let grants = [
        Grant {
            role: Role::Public,
            region: None,
            districts: vec![],
            expires_at: expires,
        },
        Grant {
            role: Role::Akimat,
            region: Some(kato("750000000")),
            districts: vec![],
            expires_at: expires,
        },
        Grant {
            role: Role::Crisis,
            region: None,
            districts: vec![kato("751110000"), kato("751210000")],
            expires_at: expires,
        },
        Grant {
            role: Role::Ministry,
            region: None,
            districts: vec![],
            expires_at: expires,
        },
        Grant {
            role: Role::Steward,
            region: None,
            districts: vec![],
            expires_at: expires,
        },
    ];
    let mut issued = Vec::with_capacity(grants.len());
    for grant in grants {
        let (_, token) = crate::token_cmd::issue_marked(store, &grant, "demo", true).await?;
        issued.push((grant, token));
    }
    Ok(issued)
}

fn describe(grant: &riskmap_model::Grant) -> String {
    let mut parts = Vec::new();
    if let Some(region) = grant.region {
        parts.push(format!("region {region}"));
    }
    if !grant.districts.is_empty() {
        parts.push(format!(
            "districts {}",
            grant
                .districts
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",")
        ));
    }
    if grant.expires_at.is_some() {
        parts.push(format!("expires in {DEMO_TOKEN_HOURS} hours"));
    }
    if parts.is_empty() {
        "no scope".to_owned()
    } else {
        parts.join(", ")
    }
}

async fn shutdown_signal() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

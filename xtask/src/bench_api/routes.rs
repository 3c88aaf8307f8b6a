//! The routes `bench-api` drives: each a name, the paths the load generator rotates through
//! (the first is the cold probe) and its headers; the default list covers every read route of
//! the API and the vector tiles over Kazakhstan.

/// Almaty city: the demo akimat's region, the priority list's parent.
pub(crate) const REGION: &str = "750000000";
/// Two districts of Almaty city (in the demo akimat's scope).
pub(crate) const DISTRICTS: [&str; 2] = ["751110000", "751210000"];
/// Kazakhstan's extent (lon, lat), slightly rounded out from the geokz boundaries.
const BBOX: [f64; 4] = [46.4, 40.5, 87.4, 55.5];

/// One route under load.
#[derive(Clone, Debug)]
pub(crate) struct RouteSpec {
    pub(crate) name: String,
    /// Rotated through by the load generator; the first is the cold probe.
    pub(crate) paths: Vec<String>,
    /// Sent with every request, besides the caller's `Authorization`.
    pub(crate) headers: Vec<(String, String)>,
}

impl RouteSpec {
    fn new(name: &str, path: String) -> Self {
        Self::rotating(name, vec![path])
    }

    /// A route over several paths; a browser's `Accept-Encoding: gzip` on every request.
    pub(crate) fn rotating(name: &str, paths: Vec<String>) -> Self {
        Self {
            name: name.to_owned(),
            paths,
            headers: vec![("Accept-Encoding".to_owned(), "gzip".to_owned())],
        }
    }
}

/// Every route of the benchmark, in the order they are measured.
pub(crate) fn default_routes() -> Vec<RouteSpec> {
    let [first, second] = DISTRICTS;
    let mut tiles = tile_paths("regions", 3..=6);
    tiles.extend(tile_paths("districts", 3..=8));
    vec![
        RouteSpec::new("regions", "/api/v1/regions".to_owned()),
        RouteSpec::new("districts", format!("/api/v1/regions/{REGION}/districts")),
        RouteSpec::new(
            "units",
            format!("/api/v1/units?level=district&parent={REGION}"),
        ),
        RouteSpec::new("profile", format!("/api/v1/units/{first}/profile")),
        RouteSpec::new("compare", format!("/api/v1/compare?units={first},{second}")),
        RouteSpec::new("priority", format!("/api/v1/priority?parent={REGION}")),
        RouteSpec::new(
            "priority-xlsx",
            format!("/api/v1/priority?parent={REGION}&format=xlsx"),
        ),
        RouteSpec::new(
            "hotspots",
            "/api/v1/hotspots?level=district&indicator=viol_rate".to_owned(),
        ),
        RouteSpec::new("reporting", "/api/v1/reporting".to_owned()),
        RouteSpec::new("meta", "/api/v1/meta".to_owned()),
        RouteSpec::rotating("tiles", tiles),
    ]
}

/// The routes whose name is in `filter` (all when it is empty); an unknown name is an error.
pub(crate) fn select(routes: Vec<RouteSpec>, filter: &[String]) -> anyhow::Result<Vec<RouteSpec>> {
    if let Some(unknown) = filter
        .iter()
        .find(|name| !routes.iter().any(|r| &r.name == *name))
    {
        let known: Vec<_> = routes.iter().map(|r| r.name.as_str()).collect();
        anyhow::bail!("unknown route {unknown:?}; routes: {}", known.join(","));
    }
    Ok(routes
        .into_iter()
        .filter(|r| filter.is_empty() || filter.contains(&r.name))
        .collect())
}

/// `/tiles/{layer}/{z}/{x}/{y}.mvt` for every tile over Kazakhstan's extent at these zooms.
fn tile_paths(layer: &str, zooms: std::ops::RangeInclusive<u8>) -> Vec<String> {
    let mut paths = Vec::new();
    for z in zooms {
        let (x0, y0) = tile_of(BBOX[0], BBOX[3], z);
        let (x1, y1) = tile_of(BBOX[2], BBOX[1], z);
        for x in x0..=x1 {
            for y in y0..=y1 {
                paths.push(format!("/tiles/{layer}/{z}/{x}/{y}.mvt"));
            }
        }
    }
    paths
}

/// The Web Mercator tile holding (lon, lat) at zoom `z`.
fn tile_of(lon: f64, lat: f64, z: u8) -> (u32, u32) {
    let n = f64::from(1_u32 << z);
    let lat = lat.to_radians();
    let x = (lon + 180.0) / 360.0 * n;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n;
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "coordinates inside the world at zoom <= 16"
    )]
    (x.floor() as u32, y.floor() as u32)
}

#[cfg(test)]
mod tests {
    #[test]
    fn tiles_cover_kazakhstan() {
        // Astana (71.4 E, 51.2 N) lies in tile 6/44/21 (OSM slippy-map formula).
        assert_eq!(super::tile_of(71.4, 51.2, 6), (44, 21));
        let paths = super::tile_paths("districts", 6..=6);
        assert!(paths.contains(&"/tiles/districts/6/44/21.mvt".to_owned()));
        assert_eq!(
            super::tile_paths("regions", 0..=0),
            ["/tiles/regions/0/0/0.mvt"]
        );
    }

    #[test]
    fn routes_are_filtered_by_name() {
        let routes = super::default_routes();
        let names =
            |routes: &[super::RouteSpec]| routes.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
        let kept =
            super::select(routes.clone(), &["meta".to_owned(), "regions".to_owned()]).unwrap();
        assert_eq!(names(&kept), ["regions", "meta"]);
        assert_eq!(
            super::select(routes.clone(), &[]).unwrap().len(),
            routes.len()
        );
        assert!(super::select(routes, &["nope".to_owned()]).is_err());
    }
}

//! The one error type of `riskmap-tiles`.

/// Everything that can go wrong while addressing, building or encoding tiles.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A tile address outside the pyramid: `z` above the maximum zoom, or `x`/`y` not below `2^z`.
    #[error("tile {z}/{x}/{y} is out of range (zoom 0..={max_zoom}, x and y below 2^z)")]
    TileOutOfRange {
        /// Requested zoom.
        z: u32,
        /// Requested column.
        x: u32,
        /// Requested row.
        y: u32,
        /// Highest zoom accepted by the check that refused the tile.
        max_zoom: u8,
    },
    /// A configured maximum zoom above what the tile addressing supports.
    #[error("maximum zoom {max_zoom} is above the supported {supported}")]
    MaxZoomUnsupported {
        /// The configured value.
        max_zoom: u8,
        /// The highest value this crate supports.
        supported: u8,
    },
    /// Layer options that contradict each other or the MVT format.
    #[error("layer {layer:?}: {reason}")]
    BadLayerOptions {
        /// Layer name.
        layer: String,
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// A feature whose geometry cannot be tiled (a non-finite coordinate, for example).
    #[error("layer {layer:?}, feature #{index}: {reason}")]
    BadFeature {
        /// Layer name.
        layer: String,
        /// Position of the feature in the input.
        index: usize,
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// [`crate::TileLayer::with_properties`] got a different number of property sets than the
    /// layer has features.
    #[error("layer {layer:?} has {features} features but {given} property sets were given")]
    PropertiesMismatch {
        /// Layer name.
        layer: String,
        /// Features in the layer.
        features: usize,
        /// Property sets given.
        given: usize,
    },
    /// The same property key given twice for one feature.
    #[error("property {key:?} is given twice")]
    DuplicateProperty {
        /// The repeated key.
        key: String,
    },
    /// The MVT writer refused the tile (too many keys, values or commands).
    #[error("mvt encoding failed")]
    Encode(#[source] fast_mvt::MvtError),
    /// The gzip stream could not be written.
    #[error("gzip compression failed")]
    Gzip(#[source] std::io::Error),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

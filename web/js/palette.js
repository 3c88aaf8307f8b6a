// riskmap web: colour-blind-safe ColorBrewer palettes, the classing of values into them
// (quintiles for the sequential scale, ratio to the median for the diverging one; darker or
// redder always means higher risk, whatever the indicator's direction), and the hatch pattern
// drawn over unstable values.

// ColorBrewer YlOrRd 5 (sequential) and RdBu 5 (diverging), both marked colour-blind safe.
export const SEQUENTIAL = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"];
export const DIVERGING = ["#0571b0", "#92c5de", "#f7f7f7", "#f4a582", "#ca0020"]; // better → worse
export const SUPPRESSED = "#8c8c8c";
export const NO_DATA = "#d4d4d4";
export const HOTSPOT_COLOURS = { hot: "#b2182b", cold: "#2166ac", HH: "#b2182b", LL: "#2166ac", HL: "#e7298a", LH: "#4dac26" };
/** Diverging class limits as ratios to the median (±5 % is "near the median"). */
const RATIO_LIMITS = [0.75, 0.95, 1.05, 1.25];

const finite = (v) => v !== null && v !== undefined && Number.isFinite(v);

/** Quintile breaks (4 cut points) over the finite values. */
export function quintiles(values) {
  const sorted = values.filter(finite).sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const cuts = [0.2, 0.4, 0.6, 0.8].map((q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
  return cuts;
}

function median(values) {
  const sorted = values.filter(finite).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * A classifier for the values shown: `classOf(value)` gives 0 (lowest risk) … 4 (highest) or
 * null; `classes` lists each class's colour and its [low, high) value range for the legend.
 */
export function classify(values, { scheme, direction }) {
  const worseIsHigh = direction !== "lower_is_worse";
  if (scheme === "diverging") {
    const centre = median(values);
    if (!finite(centre) || centre === 0) return classify(values, { scheme: "sequential", direction });
    const limits = RATIO_LIMITS.map((r) => r * centre);
    const index = (v) => { let i = 0; while (i < limits.length && v >= limits[i]) i++; return i; };
    const riskClass = (v) => (worseIsHigh ? index(v) : 4 - index(v));
    const bounds = [null, ...limits, null];
    const classes = DIVERGING.map((colour, risk) => {
      const i = worseIsHigh ? risk : 4 - risk;
      return { colour, low: bounds[i], high: bounds[i + 1], ratio: [i === 0 ? null : RATIO_LIMITS[i - 1], i === 4 ? null : RATIO_LIMITS[i]] };
    });
    return { scheme: "diverging", centre, classOf: (v) => (finite(v) ? riskClass(v) : null), colourOf: (v) => (finite(v) ? DIVERGING[riskClass(v)] : null), classes };
  }
  // Quintile cut points without repeats: few distinct values give fewer classes, spread over
  // the palette so that the colours still run from light (low risk) to dark (high risk).
  const breaks = [...new Set(quintiles(values))];
  const count = breaks.length + 1;
  const colourAt = (risk) => SEQUENTIAL[count === 1 ? 2 : Math.round((risk * 4) / (count - 1))];
  const index = (v) => { let i = 0; while (i < breaks.length && v >= breaks[i]) i++; return i; };
  const riskClass = (v) => (worseIsHigh ? index(v) : breaks.length - index(v));
  const bounds = [null, ...breaks, null];
  const any = values.some(finite);
  const classes = any
    ? Array.from({ length: count }, (_, risk) => {
      const i = worseIsHigh ? risk : count - 1 - risk;
      return { colour: colourAt(risk), low: bounds[i], high: bounds[i + 1] };
    })
    : [];
  return { scheme: "sequential", breaks, classOf: (v) => (finite(v) ? riskClass(v) : null), colourOf: (v) => (finite(v) && any ? colourAt(riskClass(v)) : null), classes };
}

/**
 * A classifier with fixed limits (the composite's five classes over 0–10): same interface as
 * `classify`'s sequential one; class labels keep one decimal (`fixed`).
 */
export function classifyFixed(values, { breaks, min, max }) {
  const index = (v) => { let i = 0; while (i < breaks.length && v >= breaks[i]) i++; return i; };
  const bounds = [min, ...breaks, max];
  const classes = SEQUENTIAL.slice(0, breaks.length + 1).map((colour, i) => ({ colour, low: bounds[i], high: bounds[i + 1], fixed: true, level: i }));
  return { scheme: "sequential", breaks, classOf: (v) => (finite(v) ? index(v) : null), colourOf: (v) => (finite(v) ? SEQUENTIAL[index(v)] : null), classes };
}

/** The 16×16 diagonal hatch (dark lines on transparent) for MapLibre's `fill-pattern`. */
export function hatchImage() {
  const size = 16;
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = size;
  const ctx = canvas.getContext("2d");
  ctx.strokeStyle = "rgba(20,20,20,0.85)";
  ctx.lineWidth = 2;
  ctx.beginPath();
  for (let offset = -size; offset <= size; offset += 8) {
    ctx.moveTo(offset, size);
    ctx.lineTo(offset + size, 0);
  }
  ctx.stroke();
  return ctx.getImageData(0, 0, size, size);
}

/** CSS for a legend swatch of the hatch. */
export const HATCH_CSS = "repeating-linear-gradient(135deg, #fff 0 3px, #222 3px 5px)";

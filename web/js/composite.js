// riskmap web: the composite risk index (0–10) as the map's first "indicator": its catalogue
// entry in kk/ru/en, one unit's reading of `properties.composite`, and its fixed classes.
export const COMPOSITE = "composite";

export const COMPOSITE_META = {
  code: COMPOSITE,
  label: { kk: "Тәуекел индексі (0–10)", ru: "Индекс риска (0–10)", en: "Composite risk index (0–10)" },
  unit: { kk: "балл (0–10)", ru: "баллы (0–10)", en: "points (0–10)" },
  direction: "higher_is_worse",
  dimension: "composite",
};

/** Class limits over 0–10, INFORM's risk classes (very low … very high), the same for every level and quarter. */
export const COMPOSITE_BREAKS = [2, 3.5, 5, 6.5];
export const DIMENSIONS = ["harm", "vulnerability", "coping"];

/** The composite of one unit as an entry like entryOf's (value, flag, band, rank, dimensions). */
export function compositeEntry(props) {
  const c = props?.composite;
  if (!c || typeof c !== "object") return { value: null, flag: ":", smoothed: null, band: null, rank: null, topDecile: false, quarters: [] };
  return {
    value: typeof c.value === "number" ? c.value : null,
    flag: c.flag ?? null,
    smoothed: null,
    band: c.band ?? null,
    rank: c.rank ?? null,
    topDecile: false,
    quarters: [],
    dimensions: c.dimensions ?? {},
    availability: c.availability ?? null,
  };
}

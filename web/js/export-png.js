// riskmap web: "save map as PNG". Composes title, the map frame (read inside MapLibre's render
// event, while the WebGL buffer still holds it), unit labels, legend, date and source onto one
// canvas and downloads it.
import { t, date, quarter } from "./i18n.js";
import { saveBlob } from "./api.js";

/** The current map frame as an image, read in the same frame it was drawn. */
function grabFrame(map) {
  return new Promise((resolve) => {
    map.once("render", () => {
      const canvas = map.getCanvas();
      const copy = document.createElement("canvas");
      copy.width = canvas.width; copy.height = canvas.height;
      copy.getContext("2d").drawImage(canvas, 0, 0);
      resolve(copy);
    });
    map.triggerRepaint();
  });
}

function wrap(ctx, text, maxWidth) {
  const lines = []; let line = "";
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (ctx.measureText(next).width > maxWidth && line) { lines.push(line); line = word; } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

function hatchPattern(ctx) {
  const tile = document.createElement("canvas");
  tile.width = tile.height = 8;
  const c = tile.getContext("2d");
  c.fillStyle = "#fff"; c.fillRect(0, 0, 8, 8);
  c.strokeStyle = "#222"; c.lineWidth = 2;
  c.beginPath(); c.moveTo(0, 8); c.lineTo(8, 0); c.stroke();
  return ctx.createPattern(tile, "repeat");
}

/** Builds the PNG; returns the blob (also used by the tests). */
export async function composePng({ map, labels, legend, title, subtitle, attribution, synthetic, period }) {
  const frame = await grabFrame(map);
  const ratio = frame.width / map.getCanvas().clientWidth || 1;
  const width = frame.width;
  const margin = Math.round(16 * ratio);
  const scratch = document.createElement("canvas").getContext("2d");
  scratch.font = `${Math.round(12 * ratio)}px sans-serif`;
  const footer = [`${t("date")}: ${date(new Date())} · ${t("period")}: ${quarter(period)}`, ...(synthetic ? [t("synthetic")] : []), ...wrap(scratch, `${t("source")}: riskmap (${window.location.host}); ${attribution}`, width - 2 * margin)];
  const line = Math.round(16 * ratio);
  const header = Math.round(60 * ratio);
  const canvas = document.createElement("canvas");
  canvas.width = width;
  scratch.font = `${Math.round(12 * ratio)}px sans-serif`;
  const legendLines = 1 + wrap(scratch, legend.lines.join(" · "), width - 2 * margin).length + Math.ceil(legend.entries.length / 2);
  canvas.height = header + frame.height + margin + (legendLines + 1) * line + margin / 2 + footer.length * line + margin;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = "#1a1a1a";
  ctx.font = `bold ${Math.round(20 * ratio)}px sans-serif`;
  ctx.fillText(title, margin, Math.round(26 * ratio));
  ctx.font = `${Math.round(14 * ratio)}px sans-serif`;
  ctx.fillText(subtitle, margin, Math.round(48 * ratio));
  ctx.drawImage(frame, 0, header);
  // Labels, as on screen.
  ctx.font = `600 ${Math.round(11 * ratio)}px sans-serif`;
  ctx.textAlign = "center"; ctx.lineWidth = 3 * ratio; ctx.strokeStyle = "#fff";
  for (const { text, point } of labels) {
    const x = point.x * ratio; const y = header + point.y * ratio;
    ctx.strokeText(text, x, y); ctx.fillText(text, x, y);
  }
  ctx.textAlign = "left";
  // Legend under the map: title, notes, then the entries in columns.
  let y = header + frame.height + margin + line;
  ctx.fillStyle = "#1a1a1a";
  ctx.font = `bold ${Math.round(13 * ratio)}px sans-serif`;
  ctx.fillText(legend.title, margin, y);
  y += line;
  ctx.font = `${Math.round(12 * ratio)}px sans-serif`;
  for (const text of wrap(ctx, legend.lines.join(" · "), width - 2 * margin)) { ctx.fillText(text, margin, y); y += line; }
  const columns = 2;
  const columnWidth = (width - 2 * margin) / columns;
  const perColumn = Math.ceil(legend.entries.length / columns);
  legend.entries.forEach((entry, i) => {
    const sx = margin + Math.floor(i / perColumn) * columnWidth;
    const ey = y + (i % perColumn) * line;
    const sw = 20 * ratio; const sh = 12 * ratio; const sy = ey - 10 * ratio;
    if (entry.kind === "fill") { ctx.fillStyle = entry.colour; ctx.fillRect(sx, sy, sw, sh); ctx.strokeStyle = "#555"; ctx.lineWidth = 1; ctx.strokeRect(sx, sy, sw, sh); }
    if (entry.kind === "hatch") { ctx.fillStyle = hatchPattern(ctx); ctx.fillRect(sx, sy, sw, sh); ctx.strokeStyle = "#555"; ctx.lineWidth = 1; ctx.strokeRect(sx, sy, sw, sh); }
    if (entry.kind === "ring") { ctx.strokeStyle = entry.colour; ctx.lineWidth = 3; ctx.strokeRect(sx, sy, sw, sh); }
    ctx.fillStyle = "#1a1a1a";
    ctx.fillText(entry.text, entry.kind === "text" ? sx : sx + sw + 6 * ratio, ey, columnWidth - sw - 12 * ratio);
  });
  y += perColumn * line + margin / 2;
  // Footer: date, synthetic notice, source.
  ctx.fillStyle = "#333";
  footer.forEach((text) => { ctx.fillText(text, margin, y); y += line; });
  return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
}

export async function savePng(options) {
  const blob = await composePng(options);
  const stamp = new Date().toISOString().slice(0, 10);
  saveBlob(blob, `riskmap-${options.indicatorCode}-${options.period}-${stamp}.png`);
  return blob;
}

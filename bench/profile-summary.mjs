// `node bench/profile-summary.mjs <file.cpuprofile> [top]`: where a V8 CPU profile spent its time, by
// package or source file (self and inclusive) and by function. Used with bench/profile.ts.
import { readFileSync } from "node:fs";
const prof = JSON.parse(readFileSync(process.argv[2], "utf8"));
const top = Number(process.argv[3] ?? 40);
const byId = new Map(); const parent = new Map();
for (const n of prof.nodes) { byId.set(n.id, n); for (const c of n.children ?? []) parent.set(c, n.id); }
const cat = (n) => {
  const u = n.callFrame.url || "";
  const fn = n.callFrame.functionName || "(anon)";
  if (!u) return `[${fn}]`;
  const m = u.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  if (m) return `pkg:${m[1]}`;
  if (u.startsWith("node:")) return `node:${u.slice(5).split("/")[0]}`;
  const s = u.match(/dist\/(src\/.*)$/) ?? u.match(/(src\/.*)$/);
  return s ? s[1] : u;
};
const fnKey = (n) => `${n.callFrame.functionName || "(anon)"} ${cat(n)}:${n.callFrame.lineNumber + 1}`;
const self = new Map(), selfFn = new Map(), incl = new Map();
let total = 0;
const samples = prof.samples, deltas = prof.timeDeltas;
for (let i = 0; i < samples.length; i++) {
  const d = (deltas[i + 1] ?? deltas[i]) / 1000; total += d;
  let n = byId.get(samples[i]);
  self.set(cat(n), (self.get(cat(n)) ?? 0) + d);
  selfFn.set(fnKey(n), (selfFn.get(fnKey(n)) ?? 0) + d);
  const seen = new Set();
  for (let id = samples[i]; id !== undefined; id = parent.get(id)) { const c = cat(byId.get(id)); if (!seen.has(c)) { seen.add(c); incl.set(c, (incl.get(c) ?? 0) + d); } }
}
const show = (title, m) => { console.log(`\n== ${title} (total ${total.toFixed(0)} ms)`); [...m].sort((a, b) => b[1] - a[1]).slice(0, top).forEach(([k, v]) => console.log(`${(100 * v / total).toFixed(1).padStart(5)}%  ${v.toFixed(0).padStart(6)} ms  ${k}`)); };
show("self by category", self); show("inclusive by category", incl); show("self by function", selfFn);

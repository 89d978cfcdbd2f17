/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): top functions by self time, and self time per file.
 * Run: `node dist/test/bench/cpuprofile-top.js <file.cpuprofile|dir> [top=25]` (a directory: every profile in it).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  idleMs: number;
  gcMs: number;
  top: { fn: string; where: string; selfMs: number; pct: number }[];
  byFile: { file: string; selfMs: number; pct: number }[];
}

function shortUrl(url: string): string {
  if (!url) return '(native)';
  const u = url.replace(/^file:\/\//, '');
  const i = u.indexOf('/node_modules/');
  if (i >= 0) return u.slice(i + 1);
  const d = u.indexOf('/dist/');
  if (d >= 0) return u.slice(d + 1);
  return u.startsWith('node:') ? u : path.basename(u);
}

export function summariseProfile(file: string, top = 25): ProfileSummary {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  for (const n of prof.nodes) byId.set(n.id, n);
  const self = new Map<number, number>();
  for (let i = 0; i < prof.samples.length; i++) {
    const id = prof.samples[i]!;
    // timeDeltas[i] is the time before sample i; attribute the next delta to this sample (as DevTools does).
    const dt = prof.timeDeltas[i + 1] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
  }
  const totalUs = prof.endTime - prof.startTime;
  const fnSelf = new Map<string, { fn: string; where: string; us: number }>();
  const fileSelf = new Map<string, number>();
  let idle = 0;
  let gc = 0;
  for (const [id, us] of self) {
    const cf = byId.get(id)!.callFrame;
    const name = cf.functionName || '(anonymous)';
    if (name === '(idle)') {
      idle += us;
      continue;
    }
    if (name === '(garbage collector)') gc += us;
    const where = cf.url ? `${shortUrl(cf.url)}:${cf.lineNumber + 1}` : '';
    const key = `${name}|${where}`;
    const cur = fnSelf.get(key) ?? { fn: name, where, us: 0 };
    cur.us += us;
    fnSelf.set(key, cur);
    const f = cf.url ? shortUrl(cf.url) : name.startsWith('(') ? name : '(native)';
    fileSelf.set(f, (fileSelf.get(f) ?? 0) + us);
  }
  const busy = totalUs - idle;
  const pct = (us: number) => Math.round((us / Math.max(1, busy)) * 1000) / 10;
  return {
    file,
    totalMs: Math.round(totalUs / 1000),
    idleMs: Math.round(idle / 1000),
    gcMs: Math.round(gc / 1000),
    top: [...fnSelf.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((x) => ({ fn: x.fn, where: x.where, selfMs: Math.round(x.us / 100) / 10, pct: pct(x.us) })),
    byFile: [...fileSelf.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([f, us]) => ({ file: f, selfMs: Math.round(us / 100) / 10, pct: pct(us) })),
  };
}

export function formatSummary(s: ProfileSummary): string {
  const lines = [`${s.file}: ${s.totalMs} ms profiled, ${s.totalMs - s.idleMs} ms busy, idle ${s.idleMs} ms, GC ${s.gcMs} ms (percentages of busy time)`];
  lines.push('  top self time:');
  for (const t of s.top) lines.push(`  ${t.pct.toFixed(1).padStart(5)}%  ${t.selfMs.toFixed(1).padStart(8)} ms  ${t.fn}  ${t.where}`);
  lines.push('  self time by file:');
  for (const f of s.byFile.slice(0, 15)) lines.push(`  ${f.pct.toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(1).padStart(8)} ms  ${f.file}`);
  return lines.join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const target = process.argv[2];
  if (!target) {
    console.error('usage: node dist/test/bench/cpuprofile-top.js <file.cpuprofile|dir> [top]');
    process.exit(2);
  }
  const top = Number(process.argv[3]) || 25;
  const files = statSync(target).isDirectory()
    ? readdirSync(target)
        .filter((f) => f.endsWith('.cpuprofile'))
        .sort()
        .map((f) => path.join(target, f))
    : [target];
  for (const f of files) console.log(formatSummary(summariseProfile(f, top)) + '\n');
}

/**
 * A user rule from the configuration file, compiled: service and container-name globs, container
 * labels, minimum level, keyword, a linear-time regex, a JSON field's value; it fires when N lines
 * match within its window (each firing starts the count afresh). Pure; times passed in.
 */
import { compileSafeRegex, type SafeRegex } from '../buffer/safe-regex.js';
import type { LogEntry } from '../model/log-entry.js';
import type { UserRuleSettings } from './alert-settings.js';

const globRe = (g: string): RegExp => new RegExp('^' + g.replace(/^\//, '').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');

export class UserRule {
  private readonly services?: RegExp[];
  private readonly containers?: RegExp[];
  private readonly regex?: SafeRegex;
  private readonly keyword?: string;
  /** Per service: times of the matches within the window. */
  private readonly hits = new Map<string, number[]>();

  constructor(readonly settings: UserRuleSettings) {
    if (settings.services) this.services = settings.services.map(globRe);
    if (settings.containers) this.containers = settings.containers.map(globRe);
    if (settings.keyword) this.keyword = settings.keyword.toLowerCase();
    if (settings.regex) {
      const c = compileSafeRegex(settings.regex);
      if ('error' in c) throw new Error(`rule ${settings.name}: ${c.error}`);
      this.regex = c;
    }
  }

  get name(): string {
    return this.settings.name;
  }

  matches(e: LogEntry, labels: Record<string, string> | undefined): boolean {
    const s = this.settings;
    if (s.minLevel !== undefined && e.level < s.minLevel) return false;
    if (this.services && !this.services.some((r) => r.test(e.service))) return false;
    if (this.containers && !this.containers.some((r) => r.test(e.containerName))) return false;
    if (s.labels) for (const [k, v] of Object.entries(s.labels)) if (labels?.[k] !== v) return false;
    if (this.keyword && !e.message.toLowerCase().includes(this.keyword)) return false;
    if (s.field) {
      const v = e.fields?.[s.field.name];
      if (v === undefined || String(v) !== String(s.field.value)) return false;
    }
    if (this.regex && !this.regex.test(e.message)) return false;
    return true;
  }

  /** Counts a match; true when it completes N matches within the window. */
  hit(service: string, atMs: number): boolean {
    if (this.settings.count <= 1) return true;
    let h = this.hits.get(service);
    if (!h) this.hits.set(service, (h = []));
    h.push(atMs);
    while (h.length > 0 && atMs - h[0]! > this.settings.windowMs) h.shift();
    if (h.length >= this.settings.count) {
      this.hits.delete(service);
      return true;
    }
    return false;
  }
}

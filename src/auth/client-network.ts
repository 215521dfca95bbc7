/**
 * Client addresses as rate-limit keys. A budget keyed on the full IPv6 address is no budget at
 * all: every VPS gets a /64 (2^64 addresses), so IPv6 clients are keyed by their network prefix.
 * IPv4-mapped IPv6 (`::ffff:192.0.2.1`, what a dual-stack socket reports for IPv4 peers) is the
 * IPv4 address it carries, so one client has one key whichever way it arrives. So is an address
 * in the NAT64 well-known prefix 64:ff9b::/96 (RFC 6052): an IPv6-only server behind stateless
 * translation sees every IPv4 client there, and keyed by /64 they would all share one budget.
 */

export const DEFAULT_IPV6_PREFIX_LENGTH = 64;
const MAX_RAW_KEY = 100;

type Parsed = { v: 4; octets: number[] } | { v: 6; groups: number[] };

/** The address to record (sessions, audit trail): mapped IPv4 unwrapped, brackets/ports/zones dropped. */
export function normalizeClientIp(raw: string): string {
  const parsed = parseIp(raw);
  if (!parsed) return raw.trim().slice(0, MAX_RAW_KEY);
  return parsed.v === 4 ? parsed.octets.join(".") : formatV6(parsed.groups);
}

/**
 * The rate-limit key of a client address: IPv4 as is, IPv6 masked to `prefixLength` bits and
 * written with its length (`2001:db8:1:2::/64`). Something that is not an address (a
 * proxy header we were told to trust) is its own key, bounded in length.
 */
export function clientNetworkKey(ip: string | null, prefixLength: number): string {
  if (ip === null) return "unknown";
  const parsed = parseIp(ip);
  if (!parsed) return `raw:${ip.trim().slice(0, MAX_RAW_KEY)}`;
  if (parsed.v === 4) return parsed.octets.join(".");
  return `${formatV6(maskGroups(parsed.groups, prefixLength))}/${prefixLength}`;
}

function parseIp(raw: string): Parsed | null {
  const text = stripDecorations(raw.trim());
  const v4 = parseV4(text);
  if (v4) return { v: 4, octets: v4 };
  const groups = parseV6(text);
  if (!groups) return null;
  return embedsIpv4(groups) ? { v: 4, octets: v4FromGroups(groups[6] ?? 0, groups[7] ?? 0) } : { v: 6, groups };
}

/** `[::1]:443` → `::1`, `192.0.2.1:80` → `192.0.2.1`, `fe80::1%eth0` → `fe80::1`. */
function stripDecorations(text: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  const inner = bracketed?.[1] ?? text.replace(/^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/, "$1");
  const zone = inner.indexOf("%");
  return zone >= 0 ? inner.slice(0, zone) : inner;
}

function parseV4(text: string): number[] | null {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) return null;
  const octets = text.split(".").map(Number);
  return octets.every((o) => o <= 255) ? octets : null;
}

function parseV6(text: string): number[] | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.split("::").length > 2) return null;
  const [head = "", tail] = text.split("::");
  const left = groupsOf(head);
  const right = tail === undefined ? [] : groupsOf(tail);
  if (!left || !right) return null;
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  return [...left, ...new Array<number>(tail === undefined ? 0 : missing).fill(0), ...right];
}

/** Colon-separated hex groups; the last may be a dotted IPv4 address (two groups). */
function groupsOf(part: string): number[] | null {
  if (part === "") return [];
  const pieces = part.split(":");
  const groups: number[] = [];
  for (const [index, piece] of pieces.entries()) {
    const last = index === pieces.length - 1;
    const v4 = last ? parseV4(piece) : null;
    if (v4) groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) groups.push(parseInt(piece, 16));
    else return null;
  }
  return groups;
}

/** `::ffff:0:0/96` (IPv4-mapped) or `64:ff9b::/96` (NAT64 well-known prefix). */
function embedsIpv4(groups: number[]): boolean {
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  const nat64 = groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0);
  return mapped || nat64;
}

function v4FromGroups(high: number, low: number): number[] {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff];
}

function maskGroups(groups: number[], prefixLength: number): number[] {
  return groups.map((group, index) => {
    const bits = Math.min(16, Math.max(0, prefixLength - index * 16));
    return bits === 0 ? 0 : group & ((0xffff << (16 - bits)) & 0xffff);
  });
}

/** RFC 5952 text: lower-case hex, the longest run (≥ 2) of zero groups written as `::`. */
function formatV6(groups: number[]): string {
  let best = { start: -1, length: 1 };
  for (let start = 0; start < groups.length; start++) {
    let length = 0;
    while (groups[start + length] === 0) length++;
    if (length > best.length) best = { start, length };
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(":");
  return `${hex.slice(0, best.start).join(":")}::${hex.slice(best.start + best.length).join(":")}`;
}

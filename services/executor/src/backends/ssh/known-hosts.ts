// Pinned host keys for the ssh backend (issue #7 item 5: "unknown or changed key refuses to
// connect"). Reads OpenSSH's known_hosts format (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): plain and
// hashed (`|1|salt|hmac`) host names, `[host]:port` for non-22 ports, comma-separated patterns with
// `*`/`?` wildcards and `!` negation, and `@revoked` lines. `@cert-authority` lines are ignored:
// certificates are not accepted, only keys pinned one by one.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface KnownHostLine {
  readonly marker: 'revoked' | 'cert-authority' | undefined;
  readonly patterns: string;
  readonly keyType: string;
  readonly blob: Buffer;
}

export type HostKeyVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'unknown' | 'changed' | 'revoked'; readonly fingerprint: string };

export function parseKnownHosts(text: string): KnownHostLine[] {
  const out: KnownHostLine[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: KnownHostLine['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') {
      marker = fields[0] === '@revoked' ? 'revoked' : 'cert-authority';
      fields.shift();
    }
    const [patterns, keyType, b64] = fields;
    if (patterns === undefined || keyType === undefined || b64 === undefined) continue;
    const blob = Buffer.from(b64, 'base64');
    // A blob starts with its own type name; a mismatch means a corrupt line, which pins nothing.
    if (blobKeyType(blob) !== keyType) continue;
    out.push({ marker, patterns, keyType, blob });
  }
  return out;
}

/** The name known_hosts uses for a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Key type named inside an SSH public key blob (RFC 4253 §6.6: string "ssh-ed25519", …). */
export function blobKeyType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > 64 || blob.length < 4 + len) return undefined;
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** OpenSSH's fingerprint form: `SHA256:` + unpadded base64 of the blob's SHA-256. */
export function keyFingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function hashedMatches(pattern: string, name: string): boolean {
  const parts = pattern.split('|'); // ['', '1', salt, hash]
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2] ?? '', 'base64');
  const want = Buffer.from(parts[3] ?? '', 'base64');
  const got = createHmac('sha1', salt).update(name).digest();
  return want.length === got.length && timingSafeEqual(want, got);
}

/** sshd(8): a negated pattern that matches makes the whole line not apply, whatever else matches. */
export function patternsMatch(patterns: string, name: string): boolean {
  if (patterns.startsWith('|')) return hashedMatches(patterns, name);
  let matched = false;
  for (const p of patterns.split(',')) {
    if (p.startsWith('!')) {
      if (globToRegExp(p.slice(1)).test(name)) return false;
    } else if (globToRegExp(p).test(name)) {
      matched = true;
    }
  }
  return matched;
}

/** Keys pinned for `host:port` (revoked and CA lines excluded). */
export function pinnedKeys(lines: readonly KnownHostLine[], host: string, port: number): KnownHostLine[] {
  const name = knownHostName(host, port);
  return lines.filter((l) => l.marker === undefined && patternsMatch(l.patterns, name));
}

/**
 * Host key algorithms to offer so the server presents a key type we have pinned (otherwise a host
 * with both an RSA and an Ed25519 key could present the unpinned one and look "changed").
 */
export function hostKeyAlgorithms(pinned: readonly KnownHostLine[]): string[] {
  const algs = new Set<string>();
  for (const p of pinned) {
    if (p.keyType === 'ssh-rsa') for (const a of ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']) algs.add(a);
    else algs.add(p.keyType);
  }
  return [...algs];
}

/** Decides on the key a server presented: accepted only when pinned for this host and not revoked. */
export function verifyHostKey(
  lines: readonly KnownHostLine[],
  host: string,
  port: number,
  offered: Buffer,
): HostKeyVerdict {
  const fingerprint = keyFingerprint(offered);
  if (lines.some((l) => l.marker === 'revoked' && l.blob.equals(offered))) {
    return { ok: false, reason: 'revoked', fingerprint };
  }
  const pinned = pinnedKeys(lines, host, port);
  if (pinned.length === 0) return { ok: false, reason: 'unknown', fingerprint };
  if (pinned.some((l) => l.blob.equals(offered))) return { ok: true };
  return { ok: false, reason: 'changed', fingerprint };
}

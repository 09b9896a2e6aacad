import type { Redactor } from '@hermes/security';
import type { ChainedEvent, JsonValue } from './domain/chain-hash.ts';

function scrubJson(v: JsonValue | null, r: Redactor): JsonValue | null {
  if (typeof v === 'string') return r.redact(v);
  if (Array.isArray(v)) return v.map((x) => scrubJson(x, r) as JsonValue);
  if (v !== null && typeof v === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, x] of Object.entries(v)) out[k] = scrubJson(x, r) as JsonValue;
    return out;
  }
  return v;
}

/**
 * Redacts every free-text field again before it is stored. Emitters redact already (audit-sink.ts);
 * this catches an emitter in another process whose redactor knew fewer secrets, because a secret
 * that reaches an append-only table can never be removed (issue #8: "secrets never enter it").
 */
export function scrubEvent(e: ChainedEvent, r: Redactor): ChainedEvent {
  return {
    ...e,
    sessionId: r.redact(e.sessionId),
    actor: r.redact(e.actor),
    attributes: scrubJson(e.attributes, r),
  };
}

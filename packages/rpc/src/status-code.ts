/** gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). A closed set. */
export const Code = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export type Code = (typeof Code)[keyof typeof Code];
export type CodeName = keyof typeof Code;

const names = new Map<number, CodeName>(Object.entries(Code).map(([k, v]) => [v, k as CodeName]));

export function codeName(code: number): CodeName {
  return names.get(code) ?? 'UNKNOWN';
}

/** Parses a numeric code from the wire; anything that is not a known code becomes UNKNOWN. */
export function parseCode(raw: string | number | undefined | null): Code {
  const n = typeof raw === 'number' ? raw : Number.parseInt(raw ?? '', 10);
  return names.has(n) ? (n as Code) : Code.UNKNOWN;
}

export function isCodeName(name: string): name is CodeName {
  return Object.hasOwn(Code, name);
}

import type { z } from 'zod';

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  valueType?: z.ZodType;
  in?: z.ZodType;
}

const defOf = (schema: z.ZodType): SchemaDef => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** Peel wrappers (default, prefault, optional, nullable, pipe) down to the structural schema. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let i = 0; i < 16; i++) {
    const def = defOf(s);
    if (def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else break;
  }
  return s;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Key paths present in `value` that `schema` does not know. zod strips unknown keys silently;
 * this lists them so a typo (`approvals.tiemout`) is a warning, not an invisible no-op.
 * Hermes's own config.yaml has many keys this platform does not use, hence warn, not fail.
 */
export function findUnknownKeys(schema: z.ZodType, value: unknown, prefix: readonly string[] = []): string[][] {
  const s = unwrap(schema);
  const def = defOf(s);
  if (!isPlainObject(value)) return [];
  if (def.type === 'object' && def.shape) {
    const out: string[][] = [];
    for (const [key, child] of Object.entries(value)) {
      const childSchema = def.shape[key];
      if (childSchema === undefined) out.push([...prefix, key]);
      else out.push(...findUnknownKeys(childSchema, child, [...prefix, key]));
    }
    return out;
  }
  if (def.type === 'record' && def.valueType) {
    const valueType = def.valueType;
    return Object.entries(value).flatMap(([key, child]) => findUnknownKeys(valueType, child, [...prefix, key]));
  }
  return [];
}

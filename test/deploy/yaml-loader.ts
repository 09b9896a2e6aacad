import { createRequire } from 'node:module';

/**
 * The `yaml` package, resolved through @hermes/config (which depends on it): the workspace root
 * does not list it, and pnpm does not hoist it. Typed by hand for the same reason.
 */
interface YamlDocument {
  readonly errors: readonly { message: string }[];
  toJS(): unknown;
}
interface YamlModule {
  parse(src: string, options?: { merge?: boolean }): unknown;
  parseAllDocuments(src: string, options?: { merge?: boolean }): YamlDocument[];
}

const requireFromConfig = createRequire(new URL('../../packages/config/package.json', import.meta.url));
export const YAML = requireFromConfig('yaml') as YamlModule;

// Placeholder replaced by the content-security work (issue #4): url, context and text kinds.
export interface ContentCheckItem {
  readonly id: string;
  readonly kind: 'url' | 'context' | 'text';
  readonly input: string;
  readonly filename?: string;
}
export interface ContentCheckOptions {
  readonly noDns: boolean;
}
export async function checkContentItem(item: ContentCheckItem, _opts: ContentCheckOptions): Promise<Record<string, unknown>> {
  return { id: item.id, error: `kind '${item.kind}' is not supported by this build of hermes check` };
}

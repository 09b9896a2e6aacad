/**
 * Removes the password (and the user, when a password was present) from a connection URL or any
 * text embedding one, so errors and logs never echo a credential (HOUSE_STYLE rule 10).
 * `postgres://app:s3cret@db:5432/x` → `postgres://***@db:5432/x`.
 */
export function redactUrl(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s:]*:[^/@\s]*@/gi, '$1***@')
    .replace(/([?&]password=)[^&\s]*/gi, '$1***');
}

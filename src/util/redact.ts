/**
 * Secrets scrubbed at the point of output (Renovate's approach): every API key octosync is given is
 * registered here, and every line octosync prints or logs passes through `redact`.
 */
const secrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  // Very short strings would blank out ordinary words; real API keys are long.
  if (value && value.length >= 8) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  return out.replace(/(API-[A-Z0-9]{4})[A-Z0-9]{12,}/g, '$1***');
}

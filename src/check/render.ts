import type { CheckResult, RoleCheck } from './check.js';

/** The check's result for people, one fact a line. */
export function renderCheck(r: CheckResult): string {
  const lines: string[] = [];
  lines.push(`Server:          ${r.server.url}, Octopus ${r.server.version}`);
  lines.push(`Space:           ${r.space.name} (${r.space.id})`);
  lines.push(
    `Tenant variables: ${r.tenantVariablesApi === 'v2' ? 'v2 API (/commonvariables, /projectvariables; environment-scoped common values)' : 'v1 API (/tenants/{id}/variables)'}`,
  );
  const toggles = r.featureToggles.map((t) => `${t.Name} ${t.IsEnabled ? 'on' : 'off'}`);
  lines.push(`Feature toggles: ${toggles.length ? toggles.join(', ') : 'none listed'}`);
  if (r.permissions) {
    lines.push(`API key's user:  ${r.permissions.user}`);
    lines.push(`  as a source:      ${role(r.permissions.source)}`);
    lines.push(`  as a destination: ${role(r.permissions.destination)}`);
  } else lines.push('API key:         permissions unknown (the server did not say)');
  lines.push(`Config as code:  ${r.contentRead ? (r.versionControlledProjects.length ? r.versionControlledProjects.map((p) => `'${p}'`).join(', ') : 'no version-controlled projects') : 'not read'}`);
  if (r.cannotSync.length) {
    lines.push('Not synced:');
    for (const f of r.cannotSync) lines.push(`  - ${f.subject}: ${f.what}`);
  } else if (r.contentRead) lines.push('Not synced:      nothing found');
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  lines.push(`${r.requests} requests, nothing written.`);
  return lines.join('\n') + '\n';
}

function role(c: RoleCheck): string {
  if (c.ready) return 'ready';
  const parts = [];
  if (c.missing.length) parts.push(`missing ${c.missing.join(', ')}`);
  if (c.restricted.length) parts.push(`only for some environments/projects/tenants: ${c.restricted.join(', ')}`);
  return parts.join('; ');
}

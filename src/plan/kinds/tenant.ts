import type { Decision } from '../../plan-format/types.js';

type Json = Record<string, any>;

export type TenantPlan = { skip: string } | { desired: Json; decisions: Decision[] };

/**
 * A tenant's project links through the environment map (the guide's "Internal" versus "Development Team
 * A"): links whose environments all fall away are dropped, and a tenant left with no link at all, though it
 * had some on the source, is not synced. Links that only the destination has are kept: never deleted.
 */
export function planTenant(translated: Json, source: Json, dest: Json | undefined): TenantPlan {
  const decisions: Decision[] = [];
  const links: Record<string, string[]> = {};
  for (const [project, envs] of Object.entries<string[]>(translated.ProjectEnvironments ?? {})) {
    if (envs.length) links[project] = [...envs].sort();
    else decisions.push({ subject: `link to project '${project}'`, action: 'skip', reason: 'none of its environments carry over to the destination', reasonCode: 'environment-dropped' });
  }
  const sourceLinks = Object.keys(source.ProjectEnvironments ?? {}).length;
  if (sourceLinks > 0 && Object.keys(links).length === 0 && !dest) {
    return { skip: `none of its project links carries over: its environments (${describeEnvs(source)}) are not on the destination` };
  }
  const merged: Record<string, string[]> = structuredClone(dest?.ProjectEnvironments ?? {});
  for (const [project, envs] of Object.entries(links)) merged[project] = [...new Set([...(merged[project] ?? []), ...envs])].sort();
  return { desired: { ...translated, ProjectEnvironments: merged }, decisions };
}

function describeEnvs(source: Json): string {
  const envs = new Set<string>();
  for (const list of Object.values<string[]>(source.ProjectEnvironments ?? {})) list.forEach((e) => envs.add(e));
  return [...envs].sort().map((e) => `'${e}'`).join(', ');
}

/**
 * Step template usages (`Octopus.Action.Template.Id` + `Octopus.Action.Template.Version` on an action). The
 * version is a per-instance save counter of the template (API-FACTS §2.11, §3.14): the same template is at
 * version 3 on one instance and 0 on another. A snapshot therefore records a usage that is at its template's
 * current version as `current:<the template's content fingerprint>` — the same on every instance whose
 * template has that content — and a usage behind its template as the number it holds. Apply writes the
 * destination template's own `Version` where the plan says `current:…` (as SpaceCloner `ActionCloner.ps1`
 * rewrites it to the destination template's `Version`), so Octopus shows no false "update available".
 */

export const TEMPLATE_ID = 'Octopus.Action.Template.Id';
export const TEMPLATE_VERSION = 'Octopus.Action.Template.Version';

/** What a usage needs to know of its template on one instance. */
export interface TemplateState {
  version: number;
  /** The template's snapshot fingerprint (of its normalised content). */
  fingerprint: string;
}

const MARKER = 'current:';

export const currentMarker = (fingerprint: string): string => MARKER + fingerprint;
export const isCurrentMarker = (value: unknown): value is string => typeof value === 'string' && value.startsWith(MARKER);

type Json = Record<string, any>;

/** The actions of a process document (or normalised content). */
export function actionsOf(process: Json): Json[] {
  return ((process.Steps as Json[] | undefined) ?? []).flatMap((s) => (s.Actions as Json[] | undefined) ?? []);
}

/**
 * In normalised process content (template ids already names): each usage at its template's current version
 * gets the marker. `templates` looks a template up by name on the same instance.
 */
export function markCurrentUsages(content: Json, templates: (name: string) => TemplateState | undefined): void {
  for (const action of actionsOf(content)) {
    const props = action.Properties;
    const name = props?.[TEMPLATE_ID];
    if (typeof name !== 'string' || name === '') continue;
    const state = templates(name);
    if (state && String(props[TEMPLATE_VERSION]) === String(state.version)) props[TEMPLATE_VERSION] = currentMarker(state.fingerprint);
  }
}

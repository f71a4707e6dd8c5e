/**
 * Apply's table of special handling: one entry per special module of the registry (`Record<SpecialModule, …>`:
 * a module added to the registry without one here does not compile). What a module does to the body that
 * toApiBody (denormalize.ts) builds for it; variable sets and tenant variables have bodies of their own
 * (apply.ts builds them), so they add nothing here.
 */
import { ServerError } from '../errors.js';
import type { SpecialModule } from '../registry/types.js';
import { actionsOf, isCurrentMarker, TEMPLATE_ID, TEMPLATE_VERSION } from '../snapshot/modules/template-usage.js';
import type { BodyContext } from './denormalize.js';

type Json = Record<string, any>;

export interface ApplyModule {
  /** Completes the API body of the module's kinds before references are resolved. */
  prepareBody?(body: Json, ctx: BodyContext): void;
}

export const APPLY_MODULES: Record<SpecialModule, ApplyModule> = {
  process: { prepareBody: resolveTemplateVersions },
  variables: {},
  tenantVariables: {},
  scopedUserRole: {},
};

/**
 * Usages planned "at the template's current version" get the destination template's `Version`, read after
 * this run's writes (a template created or updated by the plan is written before its usages).
 */
function resolveTemplateVersions(body: Json, ctx: BodyContext): void {
  for (const action of actionsOf(body)) {
    const props = action.Properties ?? {};
    if (!isCurrentMarker(props[TEMPLATE_VERSION])) continue;
    const name = String(props[TEMPLATE_ID]);
    const template = ctx.dest.template(name);
    if (!template) throw new ServerError(`cannot find step template '${name}' on the destination (used by action '${action.Name}')`);
    props[TEMPLATE_VERSION] = String(template.version);
  }
}

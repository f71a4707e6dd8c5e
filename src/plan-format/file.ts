import { parseJsonInput, readInputFile } from '../util/input-file.js';
import { InputFileError } from '../errors.js';
import { describeErrors, validatorFor } from '../schemas.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { canonicalJson, fingerprint } from '../util/canonical.js';
import { planChecksum } from './checksum.js';
import { PLAN_FORMAT_VERSION, type Plan } from './types.js';

export function writePlanFile(file: string, plan: Plan): void {
  const validate = validatorFor('plan');
  if (!validate(plan)) throw new Error(`the plan does not fit schemas/plan.schema.json: ${describeErrors(validate.errors).join('; ')}`);
  writeFileAtomic(file, canonicalJson(plan));
}

/**
 * Reads a plan: valid JSON, a format this octosync reads, the schema, the embedded policy's hash, and the
 * checksum over everything but `createdAt` (a hand-edited plan is refused: plan again instead).
 */
export function readPlanFile(file: string): Plan {
  const data = parseJsonInput(file, readInputFile(file, 'plan')) as any;
  if (data && typeof data === 'object' && 'resources' in data && !('operations' in data)) {
    // A snapshot where a plan belongs (show, apply): say what it is and what to do with it.
    const of = typeof data.space?.name === 'string' ? ` of space '${data.space.name}'` : '';
    const on = typeof data.server?.url === 'string' ? ` on ${data.server.url}` : '';
    const taken = typeof data.takenAt === 'string' ? `, taken ${data.takenAt}` : '';
    throw new InputFileError(
      file,
      `this is a snapshot${of}${on}${taken}, not a plan: make a plan with octosync plan --source SOURCE.json --destination DESTINATION.json --out plan.json, then use that`,
    );
  }
  if (typeof data?.formatVersion === 'number' && data.formatVersion !== PLAN_FORMAT_VERSION) {
    throw new InputFileError(file, `/formatVersion: plan format ${data.formatVersion} was made by another octosync version; this one reads format ${PLAN_FORMAT_VERSION}: plan again`);
  }
  const validate = validatorFor('plan');
  if (!validate(data)) throw new InputFileError(file, `not a valid plan: ${describeErrors(validate.errors, 3).join('; ')}`);
  const plan = data as Plan;
  // The embedded policy first: it names the more precise place.
  if (fingerprint(plan.policy.content) !== plan.policy.hash) {
    throw new InputFileError(file, '/policy/hash: the policy does not match its hash: the plan was edited after it was made; plan again instead of editing it');
  }
  if (planChecksum(plan) !== plan.checksum) {
    throw new InputFileError(file, '/checksum: the plan does not match its checksum: it was edited after it was made; plan again instead of editing it');
  }
  checkOperations(file, plan);
  return plan;
}

/**
 * What the schema cannot say and a hand-made plan (its checksum recomputed) may get wrong: operation ids are
 * unique, and dependencies form no cycle (apply would wait for ever). A dependency on an operation the plan
 * does not hold is no order to keep (apply passes over it).
 */
function checkOperations(file: string, plan: Plan): void {
  const index = new Map<string, number>();
  plan.operations.forEach((op, i) => {
    if (index.has(op.id)) throw new InputFileError(file, `/operations/${i}/id: operation '${op.id}' is also /operations/${index.get(op.id)}: a plan holds each operation once; plan again`);
    index.set(op.id, i);
  });
  // Depth-first, without recursion: 0 unvisited, 1 on the current path, 2 done.
  const state = new Map<string, 0 | 1 | 2>();
  const byId = new Map(plan.operations.map((op) => [op.id, op]));
  for (const start of plan.operations) {
    if (state.get(start.id)) continue;
    const path: { id: string; next: number }[] = [{ id: start.id, next: 0 }];
    state.set(start.id, 1);
    while (path.length) {
      const top = path[path.length - 1];
      const deps = byId.get(top.id)!.dependsOn;
      if (top.next >= deps.length) {
        state.set(top.id, 2);
        path.pop();
        continue;
      }
      const dep = deps[top.next++];
      if (!byId.has(dep)) continue;
      if (state.get(dep) === 1) {
        const cycle = [...path.slice(path.findIndex((p) => p.id === dep)).map((p) => p.id), dep];
        throw new InputFileError(file, `/operations/${index.get(top.id)}/dependsOn: a dependency cycle: ${cycle.join(' → ')}; plan again`);
      }
      if (!state.get(dep)) {
        state.set(dep, 1);
        path.push({ id: dep, next: 0 });
      }
    }
  }
}

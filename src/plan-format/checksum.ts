import { fingerprint } from '../util/canonical.js';
import type { Plan } from './types.js';

/**
 * The checksum of a plan: everything in it but `createdAt` and the checksum itself — operations, source and
 * destination, policy, counts, warnings. A plan edited by hand (retargeted, loosened, or its operations
 * changed) is refused; plan again instead.
 */
export function planChecksum(plan: Omit<Plan, 'checksum'> | Plan): string {
  const { checksum: _checksum, createdAt: _createdAt, ...covered } = plan as Plan;
  return fingerprint(covered);
}

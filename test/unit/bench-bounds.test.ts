/**
 * The read bound of an apply (issue 17.4): the destination's reads, then what the parents a plan creates bring
 * along, in bulk — owned documents in `ids=` batches, deployment settings one per project, a kind the server
 * makes inside a new parent in one listing per page. Pure counting, no server.
 */
import { describe, expect, it } from '@jest/globals';
import { applyReadBound, CONNECT_REQUESTS, IDS_PER_REQUEST } from '../../src/bench/bounds.js';
import { operationId } from '../../src/plan-format/operations.js';
import type { Plan } from '../../src/plan-format/types.js';

const op = (action: 'create' | 'update' | 'skip', kind: string, keyPath: string[]) => ({ id: operationId(kind as never, keyPath), action, kind, keyPath });
const destination = { requests: 30, kinds: {} };

/** `n` new projects, each with its process, variables, settings, a "Default" channel and one runbook with its process. */
function plan(n: number, extra: ReturnType<typeof op>[] = []): Plan {
  const ops = Array.from({ length: n }, (_, i) => {
    const p = `Project ${i}`;
    return [
      op('create', 'project', [p]),
      op('create', 'deploymentProcess', [p]),
      op('create', 'projectVariables', [p]),
      op('create', 'deploymentSettings', [p]),
      op('create', 'channel', [p, 'Default']),
      op('create', 'runbook', [p, 'Backup']),
      op('create', 'runbookProcess', [p, 'Backup']),
    ];
  }).flat();
  return { operations: [...ops, ...extra] } as unknown as Plan;
}

describe('the read bound of an apply', () => {
  it('is the destination read alone when the plan creates no parent', () => {
    expect(applyReadBound(destination, plan(0, [op('update', 'deploymentProcess', ['Old'])]), '2024.3')).toBe(30);
  });

  it('is the connection alone (server, space, key) when the plan writes nothing, however large the destination', () => {
    expect(applyReadBound(destination, plan(0), '2024.3')).toBe(CONNECT_REQUESTS);
    expect(applyReadBound(destination, plan(0, [op('skip', 'variableSet', ['Old'])]), '2024.3')).toBe(CONNECT_REQUESTS);
  });

  it('reads what created parents bring along in bulk: batches of ids, settings per project, one listing per kind', () => {
    // 250 projects: processes, variable sets and runbook processes 3 batches each; 250 settings; channels and runbooks 1 listing each.
    const batches = Math.ceil(250 / IDS_PER_REQUEST);
    expect(applyReadBound(destination, plan(250), '2024.3')).toBe(30 + 3 * batches + 250 + 2);
  });

  it('counts nothing for the children of a parent that exists already', () => {
    expect(applyReadBound(destination, plan(0, [op('create', 'channel', ['Old', 'Hotfix']), op('create', 'runbookProcess', ['Old', 'Backup'])]), '2024.3')).toBe(30);
  });
});

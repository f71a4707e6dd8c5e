import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChalkInstance } from 'chalk';
import { randomBytes } from 'node:crypto';
import { applyPlanFile } from '../cli/commands/apply-files.js';
import { hasChanges } from '../plan-format/operations.js';
import { makePlans } from '../plan/make.js';
import { renderMarkdown } from '../render/markdown.js';
import { noChangesLine } from '../render/model.js';
import { renderText } from '../render/text.js';
import { startSimulator, type RunningSimulator } from '../simulator/server.js';
import { writeSnapshotFile } from '../snapshot/file.js';
import { takeSnapshot } from '../snapshot/take.js';
import { PACKAGE_ROOT } from '../version.js';
import { registerSecret } from '../util/sanitize.js';
import { writeTextFile } from '../util/write-out.js';
import { OctosyncError } from '../errors.js';

export interface DemoOptions {
  outDir?: string;
  chalk: ChalkInstance;
  print: (text: string) => void;
}

export interface DemoResult {
  outDir: string;
  files: Record<string, string>;
  firstPlan: { create: number; update: number; skip: number };
  secondPlanHasChanges: boolean;
}

const key = () => `API-${randomBytes(12).toString('hex').toUpperCase()}`;

/**
 * The whole job on two embedded simulators: snapshot both, plan under the use-case-1 policy, show, apply,
 * then snapshot and plan again to show that nothing is left to do.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { chalk, print } = options;
  const outDir = options.outDir ?? mkdtempSync(join(tmpdir(), 'octosync-demo-'));
  const sourceKey = key();
  const readOnlyKey = key();
  const destKey = key();
  [sourceKey, readOnlyKey, destKey].forEach(registerSecret);
  const sims: RunningSimulator[] = [];
  try {
    const source = await startSimulator({ apiKey: sourceKey, readOnlyApiKey: readOnlyKey, seed: join(PACKAGE_ROOT, 'fixtures', 'source.json') });
    sims.push(source);
    const dest = await startSimulator({ apiKey: destKey, seed: join(PACKAGE_ROOT, 'fixtures', 'destination.json') });
    sims.push(dest);
    print(chalk.bold(`Two Octopus API simulators: source ${source.url} (Dev/Test/Staging/Production), destination ${dest.url} (Staging/Production).\n`));
    const files: Record<string, string> = {
      sourceSnapshot: join(outDir, 'source.snapshot.json'),
      destinationSnapshot: join(outDir, 'destination.snapshot.json'),
      policy: join(PACKAGE_ROOT, 'examples', 'dev-test-to-staging-prod.yaml'),
      plan: join(outDir, 'plan.json'),
      planMarkdown: join(outDir, 'plan.md'),
      log: join(outDir, 'apply.log.jsonl'),
      cleanupMarkdown: join(outDir, 'plan.cleanup.md'),
      cleanupJson: join(outDir, 'plan.cleanup.json'),
      journal: join(outDir, 'plan.json.journal.jsonl'),
      destinationAfter: join(outDir, 'destination.after.snapshot.json'),
      secondPlan: join(outDir, 'plan.after.json'),
    };

    print(chalk.bold('1. Snapshot the source (read-only key) and the destination'));
    const s = await takeSnapshot({ server: source.url, apiKey: readOnlyKey, space: 'Default' });
    writeSnapshotFile(files.sourceSnapshot, s.snapshot);
    const d = await takeSnapshot({ server: dest.url, apiKey: destKey, space: 'Default' });
    writeSnapshotFile(files.destinationSnapshot, d.snapshot);
    print(`   source: ${s.requests} requests, no writes (${source.stats.writes}); destination: ${d.requests} requests\n`);

    print(chalk.bold('2. Plan under examples/dev-test-to-staging-prod.yaml'));
    const [made] = makePlans({ source: files.sourceSnapshot, destinations: [files.destinationSnapshot], policy: files.policy, out: files.plan });
    writeTextFile(files.planMarkdown, renderMarkdown(made.plan));
    print(renderText(made.plan, chalk));

    print(chalk.bold('\n3. Apply the plan to the destination'));
    const applied = await applyPlanFile({ server: dest.url, apiKey: destKey, space: 'Default', planFile: files.plan, logFile: files.log, journalFile: files.journal });
    print(`   Apply complete: ${applied.created} created, ${applied.updated} updated, ${applied.failed.length} failed; ${applied.cleanup.length} placeholder(s) to fill in.\n`);

    print(chalk.bold('4. Snapshot the destination again and plan again'));
    const after = await takeSnapshot({ server: dest.url, apiKey: destKey, space: 'Default' });
    writeSnapshotFile(files.destinationAfter, after.snapshot);
    const [again] = makePlans({ source: files.sourceSnapshot, destinations: [files.destinationAfter], policy: files.policy, out: files.secondPlan });
    const changes = hasChanges(again.plan);
    // Never "matches the source" where differences are held back (skipped steps, dropped scopes): say so.
    print(changes ? chalk.red('   The second plan still has changes: this is a bug.') : chalk.green(`   ${noChangesLine(again.plan)}`));

    print(chalk.bold('\nFiles:'));
    for (const [name, file] of Object.entries(files)) print(`   ${name.padEnd(20)} ${file}`);
    if (changes) throw new OctosyncError('the demo did not converge: the plan after apply has changes');
    return { outDir, files, firstPlan: made.plan.counts, secondPlanHasChanges: changes };
  } finally {
    await Promise.all(sims.map((sim) => sim.close()));
  }
}

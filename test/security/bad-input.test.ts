import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planChecksum } from '../../src/plan-format/checksum.js';
import { API_KEY } from '../helpers/simulator.js';
import { runCli } from '../helpers/cli.js';
import { EXAMPLE_POLICY_FILE, FixtureSync } from '../helpers/reliability.js';
import { PLAN_FORMAT_VERSION } from '../../src/plan-format/types.js';
import { SNAPSHOT_FORMAT_VERSION } from '../../src/snapshot/types.js';

/**
 * Hundreds of malformed snapshots, plans and policies, generated from good ones: truncated at many offsets,
 * wrong types at many JSON pointers, unknown kinds and members, huge strings, tampered checksums, plans for
 * another destination or from another format version. Each goes through the CLI (`run`, in this process):
 * exit 1, one `octosync:` line naming the file (and the JSON pointer where one applies), never "internal
 * error", no plan written, and no write on the destination.
 */

type Json = any;
type Role = 'source' | 'destination' | 'plan' | 'policy' | 'policy-yaml';

interface Case {
  role: Role;
  label: string;
  text: string;
  /** The error must name this pointer or one of its ancestors (not the root). */
  pointer?: string;
  /** Other pointers that may be named instead (a plan's checksum, its policy hash). */
  orPointers?: string[];
  /** The input may be acceptable (data inside an item's content, a YAML document cut at a line end). */
  mayPass?: boolean;
}

const esc = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every JSON pointer of a document with its value, depth first. */
function pointers(doc: Json, at = ''): { pointer: string; value: Json }[] {
  const out = [{ pointer: at, value: doc }];
  if (doc && typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc)) out.push(...pointers(v, `${at}/${esc(k)}`));
  }
  return out;
}

function setAt(doc: Json, pointer: string, value: Json | typeof REMOVE): Json {
  const copy = structuredClone(doc);
  const keys = pointer.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node = copy;
  for (const k of keys.slice(0, -1)) node = node[k];
  if (value === REMOVE) delete node[keys[keys.length - 1]];
  else node[keys[keys.length - 1]] = value;
  return copy;
}
const REMOVE = Symbol('remove');

/** A value of another type than `v`. */
function wrongType(v: Json): Json {
  if (typeof v === 'string') return 12345;
  if (typeof v === 'number') return String(v) + 'x';
  if (typeof v === 'boolean') return 'yes';
  if (v === null) return { unexpected: true };
  if (Array.isArray(v)) return 'not-a-list';
  return ['not', 'an', 'object'];
}

/** `n` items spread evenly over a list (deterministic). */
function spread<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]);
}

/** Content inside a snapshot item or a plan operation's documents: free-form data, not the file's structure. */
const isItemData = (role: Role, pointer: string) =>
  ((role === 'source' || role === 'destination') && /\/content(\/|$)/.test(pointer)) || (role === 'plan' && /^\/operations\//.test(pointer));

describe('malformed input files', () => {
  let sync: FixtureSync;
  let dst: Awaited<ReturnType<FixtureSync['destination']>>;
  let dir: string;
  const good: Record<Role, string> = {} as Record<Role, string>;
  const goodFile: Record<'source' | 'destination' | 'policy', string> = {} as any;
  const tally: Record<string, number> = {};
  const failures: string[] = [];
  let planServer = '';

  beforeAll(async () => {
    sync = await FixtureSync.start(false);
    dst = await sync.destination();
    const made = await sync.planFor(dst, 'good');
    planServer = dst.url;
    dir = join(sync.dir, 'bad');
    mkdirSync(dir);
    good.source = readFileSync(sync.sourceFile, 'utf8');
    good.destination = readFileSync(join(sync.dir, 'good-destination.json'), 'utf8');
    good.plan = readFileSync(made.planFile, 'utf8');
    good.policy = readFileSync(sync.policyFile, 'utf8');
    good['policy-yaml'] = readFileSync(EXAMPLE_POLICY_FILE, 'utf8');
    goodFile.source = sync.sourceFile;
    goodFile.destination = join(sync.dir, 'good-destination.json');
    goodFile.policy = sync.policyFile;
    dst.stats.reset();
  }, 60_000);

  afterAll(async () => {
    await dst?.close();
    await sync?.close();
    const total = Object.values(tally).reduce((a, b) => a + b, 0);
    process.stdout.write(`bad input: ${total} malformed files tried ${JSON.stringify(tally)}\n`);
  });

  /** The command that reads a file of this role, and where a plan it makes would go. */
  function command(role: Role, file: string, out: string): string[] {
    const plan = (source: string, destination: string, policy: string) => ['plan', '--source', source, '--destination', destination, '--policy', policy, '--out', out, '--quiet'];
    if (role === 'source') return plan(file, goodFile.destination, goodFile.policy);
    if (role === 'destination') return plan(goodFile.source, file, goodFile.policy);
    if (role === 'policy' || role === 'policy-yaml') return plan(goodFile.source, goodFile.destination, file);
    return ['apply', file, '--server', planServer, '--api-key', API_KEY, '--space', 'Default', '--timeout', '5'];
  }

  let n = 0;
  async function check(c: Case): Promise<void> {
    const file = join(dir, `case-${++n}.${c.role === 'policy-yaml' ? 'yaml' : 'json'}`);
    const out = join(dir, `case-${n}.plan.json`);
    writeFileSync(file, c.text);
    const r = await runCli(command(c.role, file, out));
    const key = `${c.role}`;
    tally[key] = (tally[key] ?? 0) + 1;
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('octosync:'));
    const problems: string[] = [];
    if (r.stderr.includes('internal error')) problems.push(`internal error: ${r.stderr.slice(0, 300)}`);
    if (c.mayPass && r.code === 0) {
      rmSync(out, { force: true });
    } else {
      if (r.code !== 1) problems.push(`exit ${r.code}: ${r.stderr.slice(0, 300)}`);
      if (errors.length !== 1) problems.push(`${errors.length} error lines`);
      const line = errors[0] ?? '';
      if (!line.includes(file)) problems.push(`does not name the file: ${line.slice(0, 300)}`);
      if (line.length > 2000) problems.push(`error line of ${line.length} characters`);
      if (/\bundefined\b/.test(r.stderr)) problems.push(`names undefined: ${line.slice(0, 300)}`);
      if (c.pointer !== undefined) {
        const ancestors = c.pointer.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/')).filter((p) => p !== '');
        const named = [...ancestors, ...(c.orPointers ?? [])].some((p) => new RegExp(`${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(/|:|\\s|$)`).test(line));
        if (!named) problems.push(`does not name ${c.pointer}: ${line.slice(0, 300)}`);
      }
      if (existsSync(out)) problems.push('a plan was written');
    }
    if (problems.length) failures.push(`${c.role} ${c.label}: ${problems.join('; ')}`);
    rmSync(file, { force: true });
  }

  async function checkAll(cases: Case[]): Promise<void> {
    failures.length = 0;
    for (const c of cases) await check(c);
    expect(failures).toEqual([]);
  }

  const roles: Role[] = ['source', 'destination', 'plan', 'policy', 'policy-yaml'];

  it('truncated files, at many offsets', async () => {
    const cases: Case[] = [];
    for (const role of roles) {
      const text = good[role];
      const offsets = [0, 1, 2, ...spread(Array.from({ length: text.length - 3 }, (_, i) => i + 3), 30)];
      // JSON cut anywhere is invalid; YAML cut at a line end may still be a (smaller) valid policy.
      for (const at of offsets) cases.push({ role, label: `cut at ${at}`, text: text.slice(0, at), mayPass: role === 'policy-yaml' });
    }
    await checkAll(cases);
  }, 120_000);

  it('wrong types at many JSON pointers', async () => {
    const cases: Case[] = [];
    for (const role of ['source', 'destination', 'plan', 'policy'] as Role[]) {
      const doc = JSON.parse(good[role]);
      const all = pointers(doc).filter((p) => p.pointer !== '');
      const structure = all.filter((p) => !isItemData(role, p.pointer));
      const data = all.filter((p) => isItemData(role, p.pointer));
      for (const { pointer, value } of [...spread(structure, 40), ...spread(data, 20)]) {
        const itemData = isItemData(role, pointer);
        cases.push({
          role,
          label: `${pointer} → ${JSON.stringify(wrongType(value)).slice(0, 20)}`,
          text: JSON.stringify(setAt(doc, pointer, wrongType(value))),
          pointer: itemData && role !== 'plan' ? undefined : pointer,
          // Any change to a plan's operations breaks its checksum; to its policy, the policy's hash.
          orPointers: role === 'plan' ? ['/checksum', '/policy/hash'] : undefined,
          mayPass: itemData && role !== 'plan',
        });
      }
    }
    await checkAll(cases);
  }, 120_000);

  it('unknown kinds, unknown members, missing members, other top-level values', async () => {
    const cases: Case[] = [];
    for (const role of ['source', 'destination', 'plan', 'policy'] as Role[]) {
      const doc = JSON.parse(good[role]);
      const objects = pointers(doc).filter((p) => p.value && typeof p.value === 'object' && !Array.isArray(p.value) && !isItemData(role, p.pointer));
      for (const { pointer, value } of spread(objects, 15)) {
        // Within a tree of items, an unknown member is read as an item name: give it the shape of nothing.
        cases.push({ role, label: `unknown member at ${pointer || '/'}`, text: JSON.stringify(setAt(doc, `${pointer}/bogusMember`, 1)), pointer: `${pointer}/bogusMember`, orPointers: [pointer || '/'] });
        // A missing member: an error, except where members are optional (a policy's) or names (a tree of items).
        const keys = Object.keys(value);
        const tree = /^\/resources(\/|$)/.test(pointer) && !('content' in value);
        if (keys.length) cases.push({ role, label: `missing ${pointer}/${keys[0]}`, text: JSON.stringify(setAt(doc, `${pointer}/${esc(keys[0])}`, REMOVE)), pointer: pointer || '/', orPointers: role === 'plan' ? ['/checksum', '/policy/hash'] : undefined, mayPass: role === 'policy' || tree });
      }
      for (const top of ['[]', '"text"', '42', 'null', 'true', '{}', '{"formatVersion": 1}']) {
        // An empty policy (`{}`, or `null` as an empty YAML document reads) is the defaults.
        // `{"formatVersion": 1}`: a snapshot or a plan of the older format is refused by its version first.
        const older = top.includes('formatVersion') && role !== 'policy' ? ['/formatVersion'] : undefined;
        cases.push({ role, label: `top level ${top}`, text: top, pointer: role === 'policy' ? undefined : '/', orPointers: older, mayPass: role === 'policy' && (top === '{}' || top === 'null') });
      }
    }
    for (const role of ['source', 'destination'] as Role[]) {
      const doc = JSON.parse(good[role]);
      for (const kind of ['widgets', 'Projects', 'project', 'machines', 'releases']) {
        cases.push({ role, label: `unknown kind ${kind}`, text: JSON.stringify(setAt(doc, `/resources/${kind}`, {})), pointer: `/resources`, orPointers: [`/resources/${kind}`] });
      }
      // An item without its meta, an item whose meta has no fingerprint, a fingerprint of another shape.
      const item = pointers(doc).find((p) => /^\/resources\/projects\/[^/]+$/.test(p.pointer))!.pointer;
      cases.push({ role, label: 'item without meta', text: JSON.stringify(setAt(doc, `${item}/meta`, REMOVE)), pointer: item });
      cases.push({ role, label: 'fingerprint of another shape', text: JSON.stringify(setAt(doc, `${item}/meta/fingerprint`, 'md5:1234')), pointer: `${item}/meta/fingerprint`, orPointers: [item] });
    }
    const plan = JSON.parse(good.plan);
    for (const kind of ['widget', 'machine', 'release', 'Project']) {
      cases.push({ role: 'plan', label: `operation of unknown kind ${kind}`, text: JSON.stringify(setAt(plan, '/operations/0/kind', kind)), pointer: '/operations/0/kind' });
    }
    for (const action of ['delete', 'remove', 'CREATE']) {
      cases.push({ role: 'plan', label: `operation action ${action}`, text: JSON.stringify(setAt(plan, '/operations/0/action', action)), pointer: '/operations/0/action' });
    }
    const policy = JSON.parse(good.policy);
    for (const [pointer, value] of [
      ['/filters/widgets', { include: ['x'] }],
      ['/filters/projects', { include: ['x'], only: ['y'] }],
      ['/environments/unmapped', 'keep'],
      ['/variables/overwrite', 'sometimes'],
      ['/variables/placeholder', ''],
      ['/scopeMismatch/variables/environment', 'skip'],
      ['/scopeMismatch/targets', {}],
      ['/version', 2],
      ['/processes/destinationOnlySteps', 'delete'],
      ['/tenants/variables', 'copy-secrets'],
    ] as [string, Json][]) {
      cases.push({ role: 'policy', label: `${pointer} = ${JSON.stringify(value)}`, text: JSON.stringify(setAt(policy, pointer, value)), pointer });
      const yamlText = JSON.stringify(setAt(policy, pointer, value)); // JSON is YAML
      cases.push({ role: 'policy-yaml', label: `${pointer} = ${JSON.stringify(value)}`, text: yamlText, pointer });
    }
    cases.push({ role: 'policy-yaml', label: 'duplicate key', text: 'version: 1\nversion: 1\n' });
    cases.push({ role: 'policy-yaml', label: 'a tab-indented document', text: 'filters:\n\tprojects: {}\n' });
    cases.push({ role: 'policy-yaml', label: 'a list', text: '- a\n- b\n', pointer: '/' });
    await checkAll(cases);
  }, 120_000);

  it('huge strings', async () => {
    const huge = 'x'.repeat(3_000_000);
    const cases: Case[] = [];
    for (const role of ['source', 'destination', 'plan', 'policy'] as Role[]) {
      const doc = JSON.parse(good[role]);
      const strings = pointers(doc).filter((p) => typeof p.value === 'string' && !isItemData(role, p.pointer));
      for (const { pointer } of spread(strings, 6)) {
        cases.push({ role, label: `huge string at ${pointer}`, text: JSON.stringify(setAt(doc, pointer, huge)), mayPass: role !== 'plan' });
      }
    }
    const source = JSON.parse(good.source);
    const item = pointers(source).find((p) => /^\/resources\/projects\/[^/]+\/content\/Description$/.test(p.pointer))!.pointer;
    cases.push({ role: 'source', label: 'huge description', text: JSON.stringify(setAt(source, item, huge)), mayPass: true });
    cases.push({ role: 'policy-yaml', label: 'huge YAML scalar', text: `variables:\n  placeholder: ${huge}\n`, mayPass: true });
    await checkAll(cases);
  }, 120_000);

  it('tampered checksums, a plan for another destination, other format versions', async () => {
    const plan = JSON.parse(good.plan);
    const cases: Case[] = [];
    const hex = plan.checksum.slice('sha256:'.length);
    for (const i of [0, 1, 7, 20, 31, 42, 63]) {
      const flipped = hex.slice(0, i) + (hex[i] === '0' ? '1' : '0') + hex.slice(i + 1);
      cases.push({ role: 'plan', label: `checksum digit ${i} changed`, text: JSON.stringify({ ...plan, checksum: `sha256:${flipped}` }), pointer: '/checksum' });
    }
    for (const checksum of ['', 'sha256:', 'md5:abc', hex, `sha256:${hex.toUpperCase()}`]) {
      cases.push({ role: 'plan', label: `checksum ${JSON.stringify(checksum.slice(0, 12))}`, text: JSON.stringify({ ...plan, checksum }), pointer: '/checksum' });
    }
    const edits: [string, (p: Json) => void][] = [
      ['an operation removed', (p) => p.operations.pop()],
      ['operations reordered', (p) => p.operations.reverse()],
      ['an operation duplicated', (p) => p.operations.push(p.operations[0])],
      ['a reason reworded', (p) => (p.operations[0].reason = 'approved by nobody')],
      ['a desired value changed', (p) => (p.operations.find((o: Json) => o.desired).desired.Description = 'changed after review')],
      ['a dependency dropped', (p) => (p.operations.find((o: Json) => o.dependsOn.length).dependsOn = [])],
      ['a placeholder changed', (p) => (p.policy.content.variables.placeholder = 'changed after review')],
      ['allowSkew turned on', (p) => (p.policy.content.versions.allowSkew = true)],
      ['the policy content emptied', (p) => (p.policy.content = {})],
    ];
    for (const [label, edit] of edits) {
      const copy = structuredClone(plan);
      edit(copy);
      cases.push({ role: 'plan', label, text: JSON.stringify(copy), pointer: '/checksum', orPointers: ['/policy/hash'] });
    }
    const port = Number(new URL(planServer).port);
    for (const url of [`http://127.0.0.1:${port + 1}`, `https://127.0.0.1:${port}`, `http://localhost:${port}`, 'https://octopus.example.com', `http://127.0.0.1:${port}/octopus`]) {
      cases.push({ role: 'plan', label: `made for ${url}`, text: JSON.stringify(setAt(plan, '/destination/url', url)) });
    }
    for (const space of ['Other', 'default', 'Default ']) {
      cases.push({ role: 'plan', label: `made for space ${space}`, text: JSON.stringify(setAt(plan, '/destination/space', space)) });
    }
    for (const v of [0, PLAN_FORMAT_VERSION + 1, 99, String(PLAN_FORMAT_VERSION), 1.5, null]) {
      cases.push({ role: 'plan', label: `formatVersion ${JSON.stringify(v)}`, text: JSON.stringify({ ...plan, formatVersion: v }), pointer: '/formatVersion' });
    }
    for (const v of [0, SNAPSHOT_FORMAT_VERSION - 1, SNAPSHOT_FORMAT_VERSION + 1, 99, String(SNAPSHOT_FORMAT_VERSION), 1.5, null]) {
      for (const role of ['source', 'destination'] as Role[]) {
        cases.push({ role, label: `formatVersion ${JSON.stringify(v)}`, text: JSON.stringify({ ...JSON.parse(good[role]), formatVersion: v }), pointer: '/formatVersion' });
      }
    }
    cases.push({ role: 'plan', label: 'made by another tool', text: JSON.stringify(setAt(plan, '/tool/name', 'terraform')), pointer: '/tool/name' });
    cases.push({ role: 'source', label: 'made by another tool', text: JSON.stringify(setAt(JSON.parse(good.source), '/tool/name', 'octoterra')), pointer: '/tool/name' });
    await checkAll(cases);
  }, 120_000);

  it('files that are not files: missing, a directory, binary, a byte-order mark', async () => {
    const cases: Case[] = [
      ...roles.map((role): Case => ({ role, label: 'binary', text: '\u0000\u0001\u0002\u00ff\ufffd garbage \u0007' })),
      // A UTF-8 byte-order mark is read past: the files are good (the plan, made for another server, is then refused as such).
      ...roles.filter((r) => r !== 'plan').map((role): Case => ({ role, label: 'byte-order mark', text: '\ufeff' + good[role], mayPass: true })),
      { role: 'plan', label: 'byte-order mark', text: '\ufeff' + JSON.stringify(setAt(JSON.parse(good.plan), '/destination/url', 'https://octopus.example.com')), pointer: '/destination', orPointers: ['/checksum'] },
    ];
    await checkAll(cases);
    for (const role of roles) {
      for (const path of [join(dir, 'missing.json'), dir]) {
        const r = await runCli(command(role, path, join(dir, 'never.plan.json')));
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(`${path}: cannot read`);
        tally[role]++;
      }
    }
  });

  it('hand-made plans and files no octosync made: nesting without end, cycles, duplicate ids, a duplicate policy key, a file that never ends', async () => {
    const plan = JSON.parse(good.plan);
    // A hand-made plan whose checksum was recomputed: past the checksum, its operations are checked.
    const resealed = (edit: (p: Json) => void): string => {
      const copy = structuredClone(plan);
      edit(copy);
      copy.checksum = planChecksum(copy);
      return JSON.stringify(copy);
    };
    const withDeps = plan.operations.findIndex((o: Json) => o.dependsOn.length);
    const dep = plan.operations[withDeps].dependsOn[0];
    const depIndex = plan.operations.findIndex((o: Json) => o.id === dep);
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    const cases: Case[] = [
      { role: 'plan', label: 'duplicate operation id', text: resealed((p) => p.operations.push(structuredClone(p.operations[depIndex]))), pointer: `/operations/${plan.operations.length}/id` },
      { role: 'plan', label: 'a dependency cycle', text: resealed((p) => p.operations[depIndex].dependsOn.push(p.operations[withDeps].id)), pointer: '/operations' },
      { role: 'plan', label: 'a dependency on itself', text: resealed((p) => p.operations[withDeps].dependsOn.push(p.operations[withDeps].id)), pointer: `/operations/${withDeps}/dependsOn` },
      { role: 'policy', label: 'a duplicate key', text: good.policy.replace(/^\{/, '{"version": 1, '), pointer: undefined },
      ...(['source', 'destination', 'plan', 'policy', 'policy-yaml'] as Role[]).flatMap((role): Case[] => [
        { role, label: 'nested 100,000 deep', text: nested(100_000) },
        { role, label: 'objects nested 5,000 deep', text: '{"a":'.repeat(5000) + '1' + '}'.repeat(5000) },
      ]),
    ];
    await checkAll(cases);
    expect(good.policy).toMatch(/"version"/);

    // A file that never ends: a size limit, not all the memory.
    for (const role of roles) {
      const out = join(dir, 'never-ends.plan.json');
      const r = await runCli(command(role, '/dev/zero', out));
      expect({ role, code: r.code, stderr: r.stderr }).toEqual({ role, code: 1, stderr: expect.stringMatching(/(^|\n)octosync: \/dev\/zero: the \w+ is larger than 256 MiB \(or never ends\): not a file octosync made\n$/) });
      expect(existsSync(out)).toBe(false);
      tally[role]++;
    }
  }, 180_000);

  it("the simulator's port already in use: one line naming the port", async () => {
    const port = new URL(dst.url).port;
    const r = await runCli(['simulator', '--port', port, '--api-key', API_KEY]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`octosync: port ${port} on 127.0.0.1 is already in use: stop what listens there, or choose another with --port (0 picks a free one)\n`);
  });

  it('no write reached the destination', () => {
    expect(dst.stats.writes).toBe(0);
  });
});

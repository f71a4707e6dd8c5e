/**
 * Each command's usage and one-line description, in the order `octosync --help` lists them. Here, apart from the
 * command modules, so that the top-level page loads none of them (issue 17.6: start-up); each module takes its
 * strings from here, so there is one copy of each.
 */
export const CATALOG = {
  check: {
    command: 'check',
    describe: 'Check a server and API key before a first sync (writes nothing): version, tenant-variable API, permissions, config-as-code projects, feature toggles, what cannot be synced',
  },
  snapshot: {
    command: 'snapshot',
    describe: 'Read a space into a normalised, name-keyed JSON snapshot (no ids, no secrets); a read-only API key suffices',
  },
  plan: {
    command: 'plan',
    describe: 'Diff a source and destination snapshot under a policy into a reviewable plan file (no network); or read either side live from its server first',
  },
  show: {
    command: 'show <plan>',
    describe: 'Render a plan file for people: a terminal diff (text), a pull-request comment (markdown), or canonical JSON',
  },
  validate: {
    command: 'validate <file>',
    describe: 'Check a policy (YAML or JSON), plan, snapshot or baseline against its schema; the kind is read from the content unless --kind names it',
  },
  apply: {
    command: 'apply <plan>',
    describe: 'Execute an approved plan on the destination, in dependency order; refuses a stale or edited plan',
  },
  demo: {
    command: 'demo',
    describe: 'The whole job on two embedded simulators: snapshot, plan, show, apply, and plan again (no changes)',
  },
  simulator: {
    command: 'simulator',
    describe: 'Run the Octopus REST API simulator (for tests, demos and trying octosync without a server)',
  },
} as const satisfies Record<string, { command: string; describe: string }>;

export type CommandName = keyof typeof CATALOG;

/** The commands in the order of the help page. */
export const CATALOG_ORDER = Object.values(CATALOG);

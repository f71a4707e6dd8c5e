import type { ArgumentsCamelCase, Argv } from 'yargs';
import { ExitCode, OctosyncError, UsageError } from '../../errors.js';
import type { OctosyncCommand } from '../command.js';
import { CATALOG } from './catalog.js';

interface SimulatorArgs {
  port: number;
  host: string;
  apiKey: string[];
  readOnlyApiKey: string[];
  limitedApiKey: string[];
  featureToggle: string[];
  accessToken: string[];
  seed?: string;
  state?: string;
  version: string;
  latencyMs: number;
  jitterMs: number;
  faultRate: number;
  faultSeed: number;
}

export const simulatorCommand: OctosyncCommand<SimulatorArgs> = {
  ...CATALOG.simulator,
  builder: (y: Argv) =>
    y
      .option('port', { type: 'number', default: 8065, describe: 'Port to listen on (0 = any free port)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
      .option('api-key', { type: 'string', array: true, default: [], describe: 'A valid API key (repeatable)' })
      .option('read-only-api-key', { type: 'string', array: true, default: [], describe: 'A key that gets 403 on every write (repeatable)' })
      .option('limited-api-key', {
        type: 'string',
        array: true,
        default: [],
        describe: 'A read-only key whose user lacks VariableViewUnscoped, TeamView and UserRoleView (repeatable)',
      })
      .option('feature-toggle', {
        type: 'string',
        array: true,
        default: [],
        describe: 'NAME=true|false over the version\'s defaults, e.g. CommonVariableScopingFeatureToggle=false (repeatable)',
      })
      .option('access-token', { type: 'string', array: true, default: [], describe: 'A valid access token, accepted as Authorization: Bearer (repeatable)' })
      .option('seed', { type: 'string', describe: 'Fixture file to load at start (see fixtures/)' })
      .option('state', { type: 'string', describe: 'Load state from this file if it exists, and save it after every write' })
      .option('version', { type: 'string', default: '2024.3.10989', describe: 'Server version reported by GET /api' })
      .option('latency-ms', { type: 'number', default: 0, describe: 'Latency added to every API request' })
      .option('jitter-ms', { type: 'number', default: 0, describe: 'Random extra latency, up to this many ms' })
      .option('fault-rate', { type: 'number', default: 0, describe: 'Fraction of requests answered 500/503/429 or reset (0..1)' })
      .option('fault-seed', { type: 'number', default: 1, describe: 'Seed of the fault schedule' }) as unknown as Argv<SimulatorArgs>,
  run: async (argv: ArgumentsCamelCase<SimulatorArgs>) => {
    if (argv.apiKey.length + argv.readOnlyApiKey.length + argv.accessToken.length === 0) throw new UsageError('give the simulator at least one --api-key or --access-token');
    if (argv.faultRate < 0 || argv.faultRate > 1) throw new UsageError('--fault-rate must be between 0 and 1');
    // Loaded here, not above: `octosync --help` must not pay for the simulator.
    const { startSimulator } = await import('../../simulator/server.js');
    const { LIMITED_KEY_LACKS } = await import('../../simulator/permissions.js');
    const sim = await startSimulator({
      port: argv.port,
      host: argv.host,
      apiKeys: [
        ...argv.apiKey.map((key) => ({ key })),
        ...argv.readOnlyApiKey.map((key) => ({ key, readOnly: true })),
        ...argv.limitedApiKey.map((key) => ({ key, readOnly: true, missingPermissions: [...LIMITED_KEY_LACKS] })),
      ],
      featureToggles: parseToggles(argv.featureToggle),
      accessTokens: argv.accessToken.map((key) => ({ key })),
      seed: argv.seed,
      stateFile: argv.state,
      version: argv.version,
      latencyMs: argv.latencyMs,
      jitterMs: argv.jitterMs,
      faultRate: argv.faultRate,
      faultSeed: argv.faultSeed,
    }).catch((err: NodeJS.ErrnoException) => {
      if (err?.code === 'EADDRINUSE') throw new OctosyncError(`port ${argv.port} on ${argv.host} is already in use: stop what listens there, or choose another with --port (0 picks a free one)`);
      if (err?.code === 'EACCES') throw new OctosyncError(`port ${argv.port} on ${argv.host}: not allowed to listen there (EACCES): choose a port above 1023 with --port`);
      if (err?.code === 'EADDRNOTAVAIL') throw new OctosyncError(`--host ${argv.host}: no such address on this machine (EADDRNOTAVAIL)`);
      throw err;
    });
    const { writeStderr } = await import('../../util/write-out.js');
    writeStderr(`Octopus API simulator ${argv.version} listening on ${sim.url} (Ctrl-C to stop)\n`);
    await new Promise<void>((resolve) => {
      const stop = () => void sim.close().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return { exitCode: ExitCode.ok, data: undefined };
  },
};

function parseToggles(items: string[]): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const item of items) {
    const m = /^([A-Za-z0-9]+)=(true|false)$/.exec(item);
    if (!m) throw new UsageError(`--feature-toggle ${item}: expected NAME=true or NAME=false`);
    out[m[1]] = m[2] === 'true';
  }
  return out;
}

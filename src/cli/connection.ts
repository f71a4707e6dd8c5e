import { readFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { InputFileError, UsageError } from '../errors.js';
import { normaliseServerUrl } from '../octopus/url.js';
import { registerSecret } from '../util/sanitize.js';

export interface ConnectionArgs {
  server?: string;
  apiKey?: string;
  apiKeyFile?: string;
  accessToken?: string;
  space?: string;
  parallelism: number;
  timeout: number;
  caFile?: string;
}

/** Options every command that talks to Octopus takes, with the Octopus CLI's environment variables. */
export function connectionOptions<T>(y: Argv<T>): Argv<T & ConnectionArgs> {
  return requestOptions(
    y
    .option('server', { type: 'string', describe: 'Octopus server URL (or OCTOPUS_URL)' })
    .option('api-key', { type: 'string', describe: 'API key (or OCTOPUS_API_KEY; prefer --api-key-file to keep it out of shell history)' })
    .option('api-key-file', { type: 'string', describe: 'File holding the API key' })
    .option('access-token', { type: 'string', describe: 'Access token, sent as a bearer token (or OCTOPUS_ACCESS_TOKEN, as the OctopusDeploy/login action sets)' })
    .option('space', { type: 'string', describe: 'Space name or id, e.g. Spaces-1 (or OCTOPUS_SPACE)' })
    .option('ca-file', { type: 'string', describe: 'PEM file of an extra certificate authority (or NODE_EXTRA_CA_CERTS)' }),
  ) as Argv<T & ConnectionArgs>;
}

/** How requests are made, for every server a command reads: `--parallelism` and `--timeout`. */
export function requestOptions<T>(y: Argv<T>): Argv<T & { parallelism: number; timeout: number }> {
  return y
    .option('parallelism', { type: 'number', default: 8, describe: 'Requests in flight at once (per server)' })
    .option('timeout', { type: 'number', default: 30, describe: 'Seconds before a request, retries included, is abandoned' }) as Argv<T & { parallelism: number; timeout: number }>;
}

export interface Connection {
  server: string;
  /** Exactly one of apiKey and accessToken. */
  apiKey?: string;
  accessToken?: string;
  space: string;
  parallelism: number;
  timeoutMs: number;
  caFile?: string;
}

/** The flag and environment-variable names of one connection: `snapshot`'s, or one side of a live `plan`. */
interface ConnectionNames {
  server: string;
  apiKey: string;
  apiKeyFile: string;
  accessToken: string;
  space: string;
  env: { url?: string; apiKey: string; accessToken: string; space?: string };
}

const PLAIN: ConnectionNames = {
  server: '--server',
  apiKey: '--api-key',
  apiKeyFile: '--api-key-file',
  accessToken: '--access-token',
  space: '--space',
  env: { url: 'OCTOPUS_URL', apiKey: 'OCTOPUS_API_KEY', accessToken: 'OCTOPUS_ACCESS_TOKEN', space: 'OCTOPUS_SPACE' },
};

/**
 * Flags first, then OCTOPUS_URL / OCTOPUS_API_KEY / OCTOPUS_ACCESS_TOKEN / OCTOPUS_SPACE. One credential: an
 * API key or an access token (a flag wins over the environment; two of one kind are refused rather than
 * guessed between). The credential is registered for redaction at once.
 */
export function resolveConnection(args: ConnectionArgs, env: NodeJS.ProcessEnv = process.env): Connection {
  return resolveWith(args, PLAIN, env);
}

export type Side = 'source' | 'destination';

/** One side of a live plan: `--source-server` and so on, `OCTOSYNC_SOURCE_API_KEY` and so on. */
export interface SideArgs {
  server?: string;
  apiKey?: string;
  apiKeyFile?: string;
  accessToken?: string;
  space?: string;
  caFile?: string;
}

/** The flags of one side of a live plan (`--source-server`, `--destination-api-key-file`, …). */
export function sideOptions<T>(y: Argv<T>, side: Side): Argv<T> {
  const env = sideEnv(side);
  return y
    .option(`${side}-server`, { type: 'string', describe: `Read the ${side} live from this Octopus server instead of a snapshot file` })
    .option(`${side}-space`, { type: 'string', describe: `Space name or id on the ${side} server` })
    .option(`${side}-api-key-file`, { type: 'string', describe: `File holding the ${side} server's API key (or ${env.apiKey})` })
    .option(`${side}-api-key`, { type: 'string', describe: `The ${side} server's API key (prefer --${side}-api-key-file)` })
    .option(`${side}-access-token`, { type: 'string', describe: `Access token for the ${side} server (or ${env.accessToken})` })
    .option(`${side}-ca-file`, { type: 'string', describe: `PEM file of an extra certificate authority for the ${side} server` }) as Argv<T>;
}

/** The flags of one side, as yargs parsed them (`sourceApiKeyFile` → `apiKeyFile`). */
export function sideArgs(argv: Record<string, unknown>, side: Side): SideArgs {
  const get = (name: string) => argv[`${side}${name}`] as string | undefined;
  return { server: get('Server'), apiKey: get('ApiKey'), apiKeyFile: get('ApiKeyFile'), accessToken: get('AccessToken'), space: get('Space'), caFile: get('CaFile') };
}

/** Whether any flag of a side's connection was given (a side named by a file must not have any). */
export function sideFlagsGiven(args: SideArgs, side: Side): string[] {
  const names = sideNames(side);
  return (
    [
      [args.server, names.server],
      [args.space, names.space],
      [args.apiKey, names.apiKey],
      [args.apiKeyFile, names.apiKeyFile],
      [args.accessToken, names.accessToken],
      [args.caFile, `--${side}-ca-file`],
    ] as const
  )
    .filter(([v]) => v !== undefined)
    .map(([, n]) => n);
}

/**
 * One side of a live plan. Neither OCTOPUS_URL nor OCTOPUS_API_KEY applies here: which side would they be? Its
 * own variables (OCTOSYNC_SOURCE_API_KEY, OCTOSYNC_DESTINATION_ACCESS_TOKEN, …) keep keys off the command line.
 */
export function resolveSide(side: Side, args: SideArgs, shared: { parallelism: number; timeout: number }, env: NodeJS.ProcessEnv = process.env): Connection {
  return resolveWith({ ...args, ...shared }, sideNames(side), env);
}

function sideEnv(side: Side): ConnectionNames['env'] {
  const prefix = `OCTOSYNC_${side.toUpperCase()}`;
  return { apiKey: `${prefix}_API_KEY`, accessToken: `${prefix}_ACCESS_TOKEN` };
}

function sideNames(side: Side): ConnectionNames {
  return {
    server: `--${side}-server`,
    apiKey: `--${side}-api-key`,
    apiKeyFile: `--${side}-api-key-file`,
    accessToken: `--${side}-access-token`,
    space: `--${side}-space`,
    env: sideEnv(side),
  };
}

const orEnv = (flag: string, variable?: string) => (variable ? `${flag} (or ${variable})` : flag);

function resolveWith(args: ConnectionArgs, names: ConnectionNames, env: NodeJS.ProcessEnv): Connection {
  const given = [args.apiKey !== undefined && names.apiKey, args.apiKeyFile && names.apiKeyFile, args.accessToken !== undefined && names.accessToken].filter(Boolean);
  if (given.length > 1) throw new UsageError(`give one of ${given.join(', ')}, not several`);
  let apiKey = args.apiKey ?? undefined;
  let accessToken = args.accessToken ?? undefined;
  if (args.apiKeyFile) {
    try {
      apiKey = readFileSync(args.apiKeyFile, 'utf8').trim();
    } catch (err) {
      throw new InputFileError(args.apiKeyFile, `cannot read the API key file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (!apiKey) throw new InputFileError(args.apiKeyFile, 'the API key file is empty');
  }
  const { env: vars } = names;
  if (!given.length) {
    if (env[vars.apiKey] && env[vars.accessToken]) {
      throw new UsageError(`both ${vars.apiKey} and ${vars.accessToken} are set: unset one, or pass ${names.apiKeyFile} or ${names.accessToken}`);
    }
    apiKey = env[vars.apiKey] || undefined;
    accessToken = env[vars.accessToken] || undefined;
  }
  // Before anything can fail: the errors below come before any client exists (the client registers it too).
  registerSecret(apiKey);
  registerSecret(accessToken);
  const server = args.server ?? (vars.url ? env[vars.url] : undefined);
  const space = args.space ?? (vars.space ? env[vars.space] : undefined);
  const missing = [
    !server && orEnv(names.server, vars.url),
    !apiKey && !accessToken && `${names.apiKeyFile}, ${names.apiKey}, ${names.accessToken} (or ${vars.apiKey}, ${vars.accessToken})`,
    !space && orEnv(names.space, vars.space),
  ].filter(Boolean);
  if (missing.length) throw new UsageError(`missing ${missing.join(', ')}`);
  if (!Number.isInteger(args.parallelism) || args.parallelism < 1 || args.parallelism > 64) throw new UsageError('--parallelism must be a whole number from 1 to 64');
  if (!(args.timeout > 0)) throw new UsageError('--timeout must be a positive number of seconds');
  const credential = accessToken ? { accessToken } : { apiKey };
  // The URL is judged before anything is read or printed (a browser address, no scheme).
  return { server: normaliseServerUrl(server!, names.server), ...credential, space: space!, parallelism: args.parallelism, timeoutMs: args.timeout * 1000, caFile: args.caFile };
}

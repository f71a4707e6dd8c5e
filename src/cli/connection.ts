import { readFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { InputFileError, UsageError } from '../errors.js';
import { normaliseServerUrl } from '../octopus/client.js';
import { registerSecret } from '../util/redact.js';

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
  return y
    .option('server', { type: 'string', describe: 'Octopus server URL (or OCTOPUS_URL)' })
    .option('api-key', { type: 'string', describe: 'API key (or OCTOPUS_API_KEY; prefer --api-key-file to keep it out of shell history)' })
    .option('api-key-file', { type: 'string', describe: 'File holding the API key' })
    .option('access-token', { type: 'string', describe: 'Access token, sent as a bearer token (or OCTOPUS_ACCESS_TOKEN, as the OctopusDeploy/login action sets)' })
    .option('space', { type: 'string', describe: 'Space name or id, e.g. Spaces-1 (or OCTOPUS_SPACE)' })
    .option('parallelism', { type: 'number', default: 8, describe: 'Requests in flight at once' })
    .option('timeout', { type: 'number', default: 30, describe: 'Seconds before a request, retries included, is abandoned' })
    .option('ca-file', { type: 'string', describe: 'PEM file of an extra certificate authority (or NODE_EXTRA_CA_CERTS)' }) as Argv<
    T & ConnectionArgs
  >;
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

/**
 * Flags first, then OCTOPUS_URL / OCTOPUS_API_KEY / OCTOPUS_ACCESS_TOKEN / OCTOPUS_SPACE. One credential: an
 * API key or an access token (a flag wins over the environment; two of one kind are refused rather than
 * guessed between). The credential is registered for redaction at once.
 */
export function resolveConnection(args: ConnectionArgs, env: NodeJS.ProcessEnv = process.env): Connection {
  const given = [args.apiKey !== undefined && '--api-key', args.apiKeyFile && '--api-key-file', args.accessToken !== undefined && '--access-token'].filter(Boolean);
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
  if (!given.length) {
    if (env.OCTOPUS_API_KEY && env.OCTOPUS_ACCESS_TOKEN) {
      throw new UsageError('both OCTOPUS_API_KEY and OCTOPUS_ACCESS_TOKEN are set: unset one, or pass --api-key-file or --access-token');
    }
    apiKey = env.OCTOPUS_API_KEY || undefined;
    accessToken = env.OCTOPUS_ACCESS_TOKEN || undefined;
  }
  registerSecret(apiKey);
  registerSecret(accessToken);
  const server = args.server ?? env.OCTOPUS_URL;
  const space = args.space ?? env.OCTOPUS_SPACE;
  const missing = [
    !server && '--server (or OCTOPUS_URL)',
    !apiKey && !accessToken && '--api-key, --api-key-file, --access-token (or OCTOPUS_API_KEY, OCTOPUS_ACCESS_TOKEN)',
    !space && '--space (or OCTOPUS_SPACE)',
  ].filter(Boolean);
  if (missing.length) throw new UsageError(`missing ${missing.join(', ')}`);
  if (!Number.isInteger(args.parallelism) || args.parallelism < 1 || args.parallelism > 64) throw new UsageError('--parallelism must be a whole number from 1 to 64');
  if (!(args.timeout > 0)) throw new UsageError('--timeout must be a positive number of seconds');
  const credential = accessToken ? { accessToken } : { apiKey };
  // The URL is judged before anything is read or printed (a browser address, no scheme).
  return { server: normaliseServerUrl(server!), ...credential, space: space!, parallelism: args.parallelism, timeoutMs: args.timeout * 1000, caFile: args.caFile };
}

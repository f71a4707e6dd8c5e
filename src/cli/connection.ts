import { readFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { InputFileError, UsageError } from '../errors.js';
import { registerSecret } from '../util/redact.js';

export interface ConnectionArgs {
  server?: string;
  apiKey?: string;
  apiKeyFile?: string;
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
    .option('space', { type: 'string', describe: 'Space name (or OCTOPUS_SPACE)' })
    .option('parallelism', { type: 'number', default: 8, describe: 'Requests in flight at once' })
    .option('timeout', { type: 'number', default: 30, describe: 'Seconds before a request, retries included, is abandoned' })
    .option('ca-file', { type: 'string', describe: 'PEM file of an extra certificate authority (or NODE_EXTRA_CA_CERTS)' }) as Argv<
    T & ConnectionArgs
  >;
}

export interface Connection {
  server: string;
  apiKey: string;
  space: string;
  parallelism: number;
  timeoutMs: number;
  caFile?: string;
}

/** Flags first, then OCTOPUS_URL / OCTOPUS_API_KEY / OCTOPUS_SPACE. The key is registered for redaction at once. */
export function resolveConnection(args: ConnectionArgs, env: NodeJS.ProcessEnv = process.env): Connection {
  let apiKey = args.apiKey ?? undefined;
  if (args.apiKeyFile) {
    if (apiKey) throw new UsageError('give --api-key or --api-key-file, not both');
    try {
      apiKey = readFileSync(args.apiKeyFile, 'utf8').trim();
    } catch (err) {
      throw new InputFileError(args.apiKeyFile, `cannot read the API key file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (!apiKey) throw new InputFileError(args.apiKeyFile, 'the API key file is empty');
  }
  apiKey ??= env.OCTOPUS_API_KEY;
  registerSecret(apiKey);
  const server = args.server ?? env.OCTOPUS_URL;
  const space = args.space ?? env.OCTOPUS_SPACE;
  const missing = [!server && '--server (or OCTOPUS_URL)', !apiKey && '--api-key, --api-key-file (or OCTOPUS_API_KEY)', !space && '--space (or OCTOPUS_SPACE)'].filter(Boolean);
  if (missing.length) throw new UsageError(`missing ${missing.join(', ')}`);
  if (!Number.isInteger(args.parallelism) || args.parallelism < 1 || args.parallelism > 64) throw new UsageError('--parallelism must be a whole number from 1 to 64');
  if (!(args.timeout > 0)) throw new UsageError('--timeout must be a positive number of seconds');
  return { server: server!, apiKey: apiKey!, space: space!, parallelism: args.parallelism, timeoutMs: args.timeout * 1000, caFile: args.caFile };
}

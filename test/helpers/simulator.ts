import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/server.js';

export const API_KEY = 'API-TESTKEY0000000000000000000001';
export const READ_ONLY_KEY = 'API-READONLY000000000000000000001';

export interface ApiResponse {
  status: number;
  body: any;
  headers: Headers;
}

/** A simulator on a free loopback port, with a full-access and a read-only key. */
export async function withSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator & { api: ApiClient }> {
  const sim = await startSimulator({ apiKey: API_KEY, readOnlyApiKey: READ_ONLY_KEY, ...options });
  return Object.assign(sim, { api: apiClient(sim.url) });
}

export type ApiClient = (method: string, path: string, body?: unknown, key?: string | null) => Promise<ApiResponse>;

/** Raw HTTP against the simulator: tests see exactly what a client would. */
export function apiClient(url: string): ApiClient {
  return async (method, path, body, key = API_KEY) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (key) headers['X-Octopus-ApiKey'] = key;
    const res = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
}

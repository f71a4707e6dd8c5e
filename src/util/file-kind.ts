import { parse as parseYaml } from 'yaml';
import { readInputFile } from './input-file.js';

/**
 * `formatVersion` and `operations` make a plan, `resources` a snapshot, `formatVersion` and `items` a baseline
 * (apply --baseline), anything else a policy. A file that
 * does not parse (a truncated one) is judged by the member names in its text, so that the right reader
 * reports the parse error.
 */
export function detectKind(file: string): 'snapshot' | 'plan' | 'policy' | 'baseline' {
  const text = readInputFile(file, 'file');
  const data = parsed(text);
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    if ('formatVersion' in data && 'operations' in data) return 'plan';
    if ('resources' in data) return 'snapshot';
    if ('formatVersion' in data && 'items' in data) return 'baseline';
    return 'policy';
  }
  // Canonical files sort their keys, so a plan cut short may show only `checksum` and `counts`.
  if (/"(operations|checksum|counts)"\s*:/.test(text)) return 'plan';
  if (/"(resources|inventory|takenAt)"\s*:/.test(text)) return 'snapshot';
  if (/"items"\s*:/.test(text)) return 'baseline';
  return 'policy';
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    try {
      return parseYaml(text);
    } catch {
      return undefined;
    }
  }
}

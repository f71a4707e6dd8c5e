/** The baseline file (schemas/baseline.schema.json): the merge base of a three-way plan. */
import type { KindName } from '../registry/kinds.js';

export const BASELINE_FORMAT_VERSION = 1;

export interface BaselineItem {
  kind: KindName;
  keyPath: string[];
  /** The item's content as the source snapshot held it when the plan that wrote it was made. */
  source: Record<string, unknown>;
  /** The destination's item as written: its fingerprint and a short print per element (src/baseline/elements.ts). */
  destination: { fingerprint: string; elements: Record<string, string> };
}

export interface Baseline {
  formatVersion: number;
  tool: { name: 'octosync'; version: string };
  source: { url: string; space: string; snapshotFingerprint: string };
  destination: { url: string; space: string };
  items: BaselineItem[];
}

/**
 * Input files (src/util/input-file.ts): read whole into one buffer sized by the file, or grown when the size is
 * unknown (a pipe), never past the limit; nesting refused past the depth limit with the pointer of where.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkDepth, parseJsonInput, readInputFile } from '../../src/util/input-file.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'octosync-input-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readInputFile', () => {
  it('reads a file whole, multi-byte characters intact, a byte-order mark dropped', () => {
    const text = JSON.stringify({ Name: 'Prod – 名前 ✓', Items: Array.from({ length: 5000 }, (_, i) => `ünï ${i}`) });
    const file = join(dir, 'bom.json');
    writeFileSync(file, '\ufeff' + text);
    expect(readInputFile(file, 'snapshot')).toBe(text);
  });

  it('refuses a file larger than the limit, naming it', () => {
    const file = join(dir, 'large.json');
    writeFileSync(file, 'x'.repeat(5000));
    expect(() => readInputFile(file, 'plan', 4096)).toThrow(`${file}: the plan is larger than ${4096 / 1024 / 1024} MiB (or never ends): not a file octosync made`);
    expect(readInputFile(file, 'plan', 5000)).toHaveLength(5000);
  });

  const fifo = process.platform === 'win32' || spawnSync('mkfifo', ['--help']).error ? it.skip : it;
  fifo('reads a pipe, whose size is unknown, past the first megabyte without losing a byte at the joins', async () => {
    const pipe = join(dir, 'pipe.json');
    expect(spawnSync('mkfifo', [pipe]).status).toBe(0);
    // 3 MB of three-byte characters: the buffer grows twice, and characters straddle its old ends.
    // Made by the writer itself: 3 MB is past what one command-line argument may hold.
    const text = JSON.stringify({ v: '名'.repeat(1_000_000) });
    const writer = spawn(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(pipe)}, JSON.stringify({ v: '名'.repeat(1000000) }))`], { stdio: 'ignore' });
    const done = new Promise((resolve) => writer.on('close', resolve));
    const read = readInputFile(pipe, 'snapshot');
    await done;
    expect(read.length).toBe(text.length);
    expect(read === text).toBe(true);
  });
});

describe('checkDepth', () => {
  it('lets a value nested up to the limit pass', () => {
    expect(() => checkDepth('f.json', { a: { b: [1, { c: 'x' }] } }, 4)).not.toThrow();
  });

  it('names the pointer of the first value too deep, its keys escaped as in RFC 6901', () => {
    const data = { ok: { fine: 1 }, 'a/b': { '~x': [0, [{ deep: true }]] } };
    expect(() => checkDepth('f.json', data, 4)).toThrow('f.json: /a~1b/~0x/1/0: nested more than 4 levels deep: not a file octosync made');
  });

  it('refuses text nested without end through parseJsonInput, at the root of the nesting', () => {
    const text = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(() => parseJsonInput('f.json', text)).toThrow(`f.json: ${'/0'.repeat(200)}: nested more than 200 levels deep`);
  });
});

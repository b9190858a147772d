import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serveVersion, versionInfo } from '../src/index.ts';
import { withServer } from './helpers.ts';

const input = { gitVersion: 'v1.33.0', gitCommit: 'a'.repeat(40), gitTreeState: 'clean', buildDate: '2025-04-23T13:07:43Z', goVersion: 'node24.21.0', compiler: 'tsc', platform: 'linux/amd64' } as const;

describe('version', () => {
  it('derives major/minor and keeps kube field order', () => {
    const v = versionInfo({ ...input, withCompatibility: true });
    assert.deepEqual(Object.keys(v), ['major', 'minor', 'emulationMajor', 'emulationMinor', 'minCompatibilityMajor', 'minCompatibilityMinor', 'gitVersion', 'gitCommit', 'gitTreeState', 'buildDate', 'goVersion', 'compiler', 'platform']);
    assert.deepEqual([v.major, v.minor, v.minCompatibilityMinor], ['1', '33', '32']);
    assert.equal(versionInfo({ ...input, gitVersion: 'v1.29.14+logbook.1' }).minor, '29');
    assert.equal('emulationMajor' in versionInfo(input), false);
  });

  it('rejects a malformed gitVersion', () => {
    for (const g of ['1.33.0', 'v1.33', 'v1.x.0', '']) assert.throws(() => versionInfo({ ...input, gitVersion: g }), RangeError, g);
  });

  it('serves indented JSON', async () => {
    await withServer((_q, res) => serveVersion(res, versionInfo(input)), async (base) => {
      const r = await fetch(`${base}/version?timeout=32s`);
      assert.equal(r.headers.get('content-type'), 'application/json');
      const text = await r.text();
      assert.ok(text.startsWith('{\n  "major": "1",\n  "minor": "33",'));
      assert.equal((JSON.parse(text) as { gitVersion: string }).gitVersion, 'v1.33.0');
    });
  });
});

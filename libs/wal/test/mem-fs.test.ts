import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FsError, MemFs } from '../src/fs/mem-fs.ts';
import { fsVariants, prng, text } from './helpers.ts';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('WalFs semantics shared by NodeFs and MemFs', () => {
  for (const v of fsVariants) {
    it(`${v.name}: open modes, write at offset, append, readRange, truncate`, async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        await fs.mkdir(dir);
        const p = `${dir}/f`;
        await assert.rejects(fs.open(p, 'read-write'), { code: 'ENOENT' });
        const f = await fs.open(p, 'create-new');
        await assert.rejects(fs.open(p, 'create-new'), { code: 'EEXIST' });
        await f.write(bytes('hello'), 0);
        await f.append(bytes(' world'));
        await f.write(bytes('J'), 0);
        await f.write(bytes('!'), 13); // past the end: a zero-filled gap
        assert.equal(await f.size(), 14);
        await f.datasync();
        await f.close();
        const all = await fs.readFile(p);
        assert.equal(text(all.subarray(0, 11)), 'Jello world');
        assert.deepEqual([...all.subarray(11, 13)], [0, 0]);
        assert.equal(text(await fs.readRange(p, 6, 5)), 'world');
        assert.equal((await fs.readRange(p, 12, 100)).byteLength, 2);
        await fs.truncate(p, 5);
        assert.equal(text(await fs.readFile(p)), 'Jello');
        const g = await fs.open(p, 'read-write');
        await g.append(bytes('!'));
        await g.close();
        assert.equal(text(await fs.readFile(p)), 'Jello!');
      } finally {
        await cleanup();
      }
    });

    it(`${v.name}: readdir, rename over a file, unlink, mkdir is idempotent, directory rename`, async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        await fs.mkdir(`${dir}/a/b`);
        await fs.mkdir(`${dir}/a/b`);
        for (const n of ['x', 'y']) {
          const f = await fs.open(`${dir}/a/b/${n}`, 'create-new');
          await f.append(bytes(n));
          await f.close();
        }
        assert.deepEqual((await fs.readdir(`${dir}/a/b`)).sort(), ['x', 'y']);
        await fs.rename(`${dir}/a/b/x`, `${dir}/a/b/y`);
        assert.deepEqual(await fs.readdir(`${dir}/a/b`), ['y']);
        assert.equal(text(await fs.readFile(`${dir}/a/b/y`)), 'x');
        await fs.fsyncDir(`${dir}/a/b`);
        await fs.unlink(`${dir}/a/b/y`);
        assert.deepEqual(await fs.readdir(`${dir}/a/b`), []);
        await assert.rejects(fs.unlink(`${dir}/a/b/y`), { code: 'ENOENT' });
        await assert.rejects(fs.readFile(`${dir}/a/b/nope`), { code: 'ENOENT' });
        await assert.rejects(fs.readdir(`${dir}/nope`), { code: 'ENOENT' });
        await fs.mkdir(`${dir}/empty`);
        await fs.rename(`${dir}/a/b`, `${dir}/empty`); // onto an empty directory
        assert.deepEqual(await fs.readdir(`${dir}/a`), []);
      } finally {
        await cleanup();
      }
    });
  }
});

describe('MemFs crashes', () => {
  async function fileWith(fs: MemFs, path: string, synced: string, unsynced: string[]): Promise<void> {
    await fs.mkdir('/d');
    const f = await fs.open(path, 'create-new');
    await f.append(bytes(synced));
    await f.datasync();
    await fs.fsyncDir('/d');
    for (const u of unsynced) await f.append(bytes(u));
  }

  it('loses exactly the unsynced writes when no randomness is given', async () => {
    const fs = new MemFs();
    await fileWith(fs, '/d/f', 'durable', ['-lost1', '-lost2']);
    assert.equal(text(await fs.readFile('/d/f')), 'durable-lost1-lost2');
    assert.equal(fs.hasUnsynced('/d/f'), true);
    fs.crash();
    assert.equal(text(await fs.readFile('/d/f')), 'durable');
    assert.equal(fs.hasUnsynced('/d/f'), false);
  });

  it('undoes overwrites and truncations that were not synced', async () => {
    const fs = new MemFs();
    await fileWith(fs, '/d/f', 'abcdef', []);
    const f = await fs.open('/d/f', 'read-write');
    await f.write(bytes('XY'), 2);
    await f.truncate(3);
    await f.append(bytes('tail'));
    fs.crash();
    assert.equal(text(await fs.readFile('/d/f')), 'abcdef');
  });

  it('with randomness keeps an in-order prefix of the unsynced writes, the next one torn', async () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 200; seed++) {
      const fs = new MemFs();
      await fileWith(fs, '/d/f', 'S', ['aaaa', 'bbbb', 'cccc']);
      fs.crash({ random: prng(seed) });
      const got = text(await fs.readFile('/d/f'));
      assert.match(got, /^S(a{0,4}|aaaab{0,4}|aaaabbbbc{0,4})$/, `seed ${seed}: ${got}`);
      seen.add(got);
    }
    // The draws reach every class of outcome: nothing, partial, several writes.
    assert.ok(seen.has('S'));
    assert.ok([...seen].some((s) => /^Sa{1,3}$/.test(s)));
    assert.ok(seen.has('Saaaabbbbcccc'));
  });

  it('is deterministic for a given random function', async () => {
    const run = async (): Promise<string> => {
      const fs = new MemFs();
      await fileWith(fs, '/d/f', 'S', ['one', 'two', 'three']);
      fs.crash({ random: prng(7) });
      return text(await fs.readFile('/d/f'));
    };
    assert.equal(await run(), await run());
  });

  it('forgets a file created without a directory fsync, even if its data was synced', async () => {
    const fs = new MemFs();
    await fs.mkdir('/d');
    const f = await fs.open('/d/new', 'create-new');
    await f.append(bytes('x'));
    await f.datasync();
    fs.crash();
    assert.deepEqual(await fs.readdir('/d'), []);
  });

  it('reverts a rename and an unlink not followed by a directory fsync', async () => {
    const fs = new MemFs();
    await fileWith(fs, '/d/a', 'A', []);
    const b = await fs.open('/d/b', 'create-new');
    await b.append(bytes('B'));
    await b.datasync();
    await fs.fsyncDir('/d');
    await fs.rename('/d/a', '/d/c');
    await fs.unlink('/d/b');
    assert.deepEqual((await fs.readdir('/d')).sort(), ['c']);
    fs.crash();
    assert.deepEqual((await fs.readdir('/d')).sort(), ['a', 'b']);
    assert.equal(text(await fs.readFile('/d/a')), 'A');
    // And with the fsync, it sticks.
    await fs.rename('/d/a', '/d/c');
    await fs.fsyncDir('/d');
    fs.crash();
    assert.deepEqual((await fs.readdir('/d')).sort(), ['b', 'c']);
  });

  it('invalidates handles opened before the crash', async () => {
    const fs = new MemFs();
    await fileWith(fs, '/d/f', 'x', []);
    const f = await fs.open('/d/f', 'read-write');
    fs.crash();
    await assert.rejects(f.append(bytes('y')), { code: 'EBADF' });
    await assert.rejects(f.datasync(), FsError);
  });

  it('runs the fault hook before each operation; a failed operation has no effect', async () => {
    const fs = new MemFs();
    await fileWith(fs, '/d/f', 'x', []);
    const f = await fs.open('/d/f', 'read-write');
    fs.setFaultHook((op, path) => (op === 'write' && path === '/d/f' ? new FsError('EIO', op, path) : undefined));
    await assert.rejects(f.append(bytes('y')), { code: 'EIO' });
    assert.equal(text(await fs.readFile('/d/f')), 'x');
    fs.setFaultHook(undefined);
    await f.append(bytes('y'));
    assert.equal(text(await fs.readFile('/d/f')), 'xy');
  });

  it('corrupt() changes durable bytes behind the writer’s back', async () => {
    const fs = new MemFs();
    await fileWith(fs, '/d/f', 'abc', []);
    fs.corrupt('/d/f', 1, bytes('Z'));
    fs.crash();
    assert.equal(text(await fs.readFile('/d/f')), 'aZc');
  });
});

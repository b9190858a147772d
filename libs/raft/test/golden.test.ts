import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runDataDriven } from './helpers/datadriven.ts';
import { Interaction } from './helpers/interaction.ts';

const dir = join(import.meta.dirname, '..', 'testdata');

describe('golden interaction tests (testdata/*.txt; REWRITE=1 updates them)', () => {
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.txt')).sort()) {
    it(f, () => {
      const h = new Interaction();
      runDataDriven(join(dir, f), (c) => h.handle(c));
    });
  }
});

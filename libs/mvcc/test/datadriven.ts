// A small golden-file runner. A file is a sequence of blocks:
//
//   command args...
//   optional input lines
//   ----
//   expected output
//   <blank line>
//
// '#' lines between blocks are comments. REWRITE=1 rewrites expectations.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';

export interface Block {
  readonly command: string;
  readonly input: readonly string[];
  readonly line: number;
}

interface Parsed extends Block {
  readonly pre: readonly string[];
  readonly expected: string;
}

function parse(path: string, text: string): { blocks: Parsed[]; trailer: string[] } {
  const lines = text.split('\n');
  const blocks: Parsed[] = [];
  let pre: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i]!;
    if (l.trim() === '' || l.startsWith('#')) {
      pre.push(l);
      i++;
      continue;
    }
    const line = i + 1;
    const head: string[] = [];
    while (i < lines.length && lines[i] !== '----') {
      assert.notEqual(lines[i], '', `${path}:${i + 1}: blank line before ----`);
      head.push(lines[i++]!);
    }
    assert.equal(lines[i], '----', `${path}:${line}: missing ----`);
    i++;
    const out: string[] = [];
    while (i < lines.length && lines[i] !== '') out.push(lines[i++]!);
    blocks.push({ pre, command: head[0]!, input: head.slice(1), expected: out.join('\n'), line });
    pre = [];
  }
  return { blocks, trailer: pre };
}

export function runDataDriven(path: string, handle: (b: Block) => string): void {
  const { blocks, trailer } = parse(path, readFileSync(path, 'utf8'));
  const rewrite = process.env['REWRITE'] === '1';
  const out: string[] = [];
  for (const b of blocks) {
    const actual = handle(b).trimEnd();
    if (rewrite) out.push(...b.pre, b.command, ...b.input, '----', ...(actual === '' ? [] : [actual]));
    else assert.equal(actual, b.expected, `${path}:${b.line}: ${b.command}`);
  }
  if (rewrite) writeFileSync(path, [...out, ...trailer].join('\n').replace(/\n*$/, '\n'));
}

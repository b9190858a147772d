// A small data-driven test runner: a file is a sequence of blocks
//
//   command arg key=value ...
//   ----
//   expected output
//   <blank line>
//
// Lines starting with '#' between blocks are comments. With REWRITE=1 in the
// environment the expected outputs are replaced by the actual ones.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';

export interface Command {
  readonly name: string;
  readonly args: readonly string[];
  readonly kv: ReadonlyMap<string, string>;
  readonly line: number;
}

interface Block {
  readonly pre: string[];
  readonly command: string;
  readonly expected: string;
  readonly line: number;
}

function parse(text: string): { blocks: Block[]; trailer: string[] } {
  const lines = text.split('\n');
  const blocks: Block[] = [];
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
    const command = l;
    i++;
    assert.equal(lines[i], '----', `line ${i + 1}: expected ---- after command`);
    i++;
    const out: string[] = [];
    while (i < lines.length && lines[i] !== '') out.push(lines[i++]!);
    blocks.push({ pre, command, expected: out.join('\n'), line });
    pre = [];
  }
  return { blocks, trailer: pre };
}

export function parseCommand(text: string, line: number): Command {
  const parts = text.trim().split(/\s+/);
  const args: string[] = [];
  const kv = new Map<string, string>();
  for (const p of parts.slice(1)) {
    const eq = p.indexOf('=');
    if (eq > 0) kv.set(p.slice(0, eq), p.slice(eq + 1));
    else args.push(p);
  }
  return { name: parts[0]!, args, kv, line };
}

export function runDataDriven(path: string, handle: (c: Command) => string): void {
  const { blocks, trailer } = parse(readFileSync(path, 'utf8'));
  const rewrite = process.env['REWRITE'] === '1';
  const outText: string[] = [];
  for (const b of blocks) {
    const actual = handle(parseCommand(b.command, b.line)).trimEnd();
    if (rewrite) outText.push(...b.pre, b.command, '----', ...(actual === '' ? [] : [actual]));
    else assert.equal(actual, b.expected, `${path}:${b.line}: ${b.command}`);
  }
  if (rewrite) writeFileSync(path, [...outText, ...trailer].join('\n').replace(/\n*$/, '\n'));
}

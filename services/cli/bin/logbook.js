#!/usr/bin/env node
// The `logbook` command. Plain JavaScript so the shebang works everywhere;
// the implementation is TypeScript, run by Node's type stripping (Node >= 24).
import process from 'node:process';
import { main } from '../src/main.ts';

process.exitCode = await main(process.argv.slice(2));

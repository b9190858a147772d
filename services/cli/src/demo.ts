// `logbook demo`: a local 3-member key/value cluster as three child processes
// (each one `logbook member`), a write and a read through it to show it
// works, then it keeps running until Ctrl-C and stops its children.

import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatFlagsHelp, intFlag, parseFlags, type FlagSpec } from '@logbook/cli-kit';
import { LocalCluster, type MainIo } from '@logbook/raftkv';

const LOGBOOK_BIN = fileURLToPath(new URL('../bin/logbook.js', import.meta.url));

const DEMO_FLAGS: readonly FlagSpec[] = [
  { name: 'dir', arg: 'DIR', default: './.logbook/demo', help: 'where the members keep their data and logs (wiped at start)' },
  { name: 'size', arg: 'N', default: '3', help: 'number of members (1, 3, 5 or 7)' },
];

function demoHelp(): string {
  return `usage: logbook demo [flags]\n\nStarts a local replicated key/value cluster and keeps it running until Ctrl-C.\n\nflags:\n${formatFlagsHelp(DEMO_FLAGS)}\n`;
}

/** `stop` ends the demo; by default SIGINT/SIGTERM do. */
export async function demoMain(argv: readonly string[], io: MainIo, stopSignal?: AbortSignal): Promise<number> {
  const { values, problems, help } = parseFlags(argv, DEMO_FLAGS);
  if (help) {
    io.stdout.write(demoHelp());
    return 0;
  }
  const size = intFlag(values, 'size', problems, 1, 7);
  if (size % 2 === 0) problems.push('--size must be odd');
  if (problems.length > 0) {
    io.stderr.write(`logbook demo: invalid flags:\n${problems.map((p) => `  - ${p}\n`).join('')}\n${demoHelp()}`);
    return 2;
  }
  const dir = resolve(values.get('dir') ?? './.logbook/demo');
  const stop = stopSignal ?? signalsToAbort();
  rmSync(dir, { recursive: true, force: true });

  const cluster = await LocalCluster.start({ size, baseDir: dir, command: [LOGBOOK_BIN, 'member'] });
  try {
    const leader = await cluster.waitForLeader(15_000);
    const first = cluster.members[0]!;
    const last = cluster.members[cluster.members.length - 1]!;
    io.stdout.write(`logbook demo: ${size}-member cluster running (data and logs in ${dir})\n\n`);
    for (const m of cluster.members) {
      io.stdout.write(`  member ${m.id}  client ${m.clientUrl}  peer ${m.peerAddress}${m.id === leader.id ? '  (leader)' : ''}\n`);
    }
    const put = await first.client.put('hello', 'world');
    const got = await last.client.get('hello');
    if (put.status !== 200 || got.status !== 200) throw new Error(`demo write/read failed: PUT ${put.status}, GET ${got.status}`);
    io.stdout.write(
      [
        '',
        `wrote hello=world through member ${first.id}, read it back through member ${last.id}: ${JSON.stringify(got.body)}`,
        '',
        'try:',
        `  curl -X PUT --data-binary 'bar' ${first.clientUrl}/kv/foo`,
        `  curl ${last.clientUrl}/kv/foo`,
        `  curl ${leader.clientUrl}/status`,
        '',
        'Ctrl-C stops the cluster.',
        '',
      ].join('\n'),
    );
    const exited = new Promise<void>((resolveExit) => {
      for (const m of cluster.members) m.process?.once('exit', () => resolveExit());
    });
    await Promise.race([new Promise<void>((r) => stop.addEventListener('abort', () => r(), { once: true })), exited]);
    if (!stop.aborted) {
      io.stderr.write(`logbook demo: a member exited unexpectedly; see the logs in ${dir}\n`);
      return 1;
    }
    io.stdout.write('\nstopping the cluster...\n');
    return 0;
  } catch (err) {
    io.stderr.write(`logbook demo: ${err instanceof Error ? err.message : String(err)}; see the logs in ${dir}\n`);
    return 1;
  } finally {
    await cluster.stop();
  }
}

/** An AbortSignal that fires on SIGINT or SIGTERM (and stops listening once it has). */
function signalsToAbort(): AbortSignal {
  const ac = new AbortController();
  const onSignal = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    ac.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return ac.signal;
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWriteOptions, StatusError } from '../src/index.ts';

const q = (s: string): URLSearchParams => new URLSearchParams(s);

test('defaults: no dry run, no manager, Warn', () => {
  assert.deepEqual(parseWriteOptions(q(''), 'CreateOptions'), { dryRun: false, fieldManager: '', fieldValidation: 'Warn' });
  assert.deepEqual(parseWriteOptions(q('dryRun=All&fieldManager=kubectl-create&fieldValidation=Strict'), 'CreateOptions'), { dryRun: true, fieldManager: 'kubectl-create', fieldValidation: 'Strict' });
  assert.deepEqual(parseWriteOptions(q('fieldManager=m&force=true'), 'PatchOptions', { applyPatch: true }), { dryRun: false, fieldManager: 'm', fieldValidation: 'Warn', force: true });
});

function invalid(query: string, kind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions', message: string, applyPatch = false): void {
  assert.throws(() => parseWriteOptions(q(query), kind, { applyPatch }), (err: unknown) => err instanceof StatusError && err.status.code === 422 && err.message === message, message);
}

test('bad options are one 422 for the options kind, in kube\'s words', () => {
  invalid('fieldValidation=strict', 'CreateOptions', 'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"');
  invalid(`fieldManager=${'m'.repeat(129)}`, 'UpdateOptions', 'UpdateOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes');
  invalid('fieldManager=a%07b', 'CreateOptions', 'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Invalid value: "a\\ab": must only contain printable characters');
  invalid('force=true', 'PatchOptions', 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
  invalid('', 'PatchOptions', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', true);
});

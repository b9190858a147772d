import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatusError } from '@logbook/apimachinery';
import { catalogue } from '@logbook/resources';
import { gnosticType } from '@logbook/openapi';
import { builtinSchemas } from '@logbook/schemas';
import { OpenApiHandler, OPENAPI_V2_PROTOBUF } from '../src/openapi-handler.ts';
import { withServer } from './helpers.ts';

const handler = new OpenApiHandler({ resources: catalogue(), schemas: builtinSchemas, gitVersion: 'v1.33.0', now: () => Date.UTC(2026, 0, 1) });

async function serve(fn: (base: string) => Promise<void>): Promise<void> {
  await withServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    try {
      if (!handler.serve(url.pathname, url.searchParams, req, res)) {
        res.writeHead(404);
        res.end('not openapi');
      }
    } catch (err) {
      if (!(err instanceof StatusError)) throw err;
      res.writeHead(err.status.code ?? 500);
      res.end(err.message);
    }
  }, fn);
}

test('/openapi/v3 lists the group-versions; a listed URL answers with the document, its ETag and a year of caching', async () => {
  await serve(async (base) => {
    const index = await fetch(`${base}/openapi/v3`, { headers: { accept: 'application/json, */*' } });
    assert.equal(index.status, 200);
    assert.match(index.headers.get('etag') ?? '', /^"[0-9A-F]{128}"$/);
    const { paths } = (await index.json()) as { paths: Record<string, { serverRelativeURL: string }> };
    const url = paths['apis/apps/v1']!.serverRelativeURL;
    const hash = url.split('hash=')[1]!;
    const doc = await fetch(`${base}${url}&timeout=32s`, { headers: { accept: 'application/json' } });
    assert.equal(doc.status, 200);
    assert.equal(doc.headers.get('content-type'), 'application/json');
    assert.equal(doc.headers.get('etag'), `"${hash}"`);
    assert.equal(doc.headers.get('cache-control'), 'public, immutable');
    assert.equal(doc.headers.get('expires'), new Date(Date.UTC(2027, 0, 1)).toUTCString());
    const body = (await doc.json()) as { openapi: string; info: { version: string } };
    assert.equal(body.openapi, '3.0.0');
    assert.equal(body.info.version, 'v1.33.0');
    // Revalidation with the ETag is a 304 without a body.
    const again = await fetch(`${base}/openapi/v3/apis/apps/v1`, { headers: { 'if-none-match': `"${hash}"` } });
    assert.equal(again.status, 304);
    // Without a hash: no immutable caching.
    const plain = await fetch(`${base}/openapi/v3/apis/apps/v1`);
    assert.equal(plain.headers.get('cache-control'), null);
  });
});

test('a stale hash is redirected to the current one; unknown documents are 404; a JSON-less Accept is 406', async () => {
  await serve(async (base) => {
    const stale = await fetch(`${base}/openapi/v3/api/v1?hash=ABC`, { redirect: 'manual' });
    assert.equal(stale.status, 301);
    assert.match(stale.headers.get('location') ?? '', /^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
    assert.equal((await fetch(`${base}/openapi/v3/apis/nope.example.com/v1`)).status, 404);
    assert.equal((await fetch(`${base}/openapi/v3/api/v1`, { headers: { accept: 'application/vnd.kubernetes.protobuf' } })).status, 406);
  });
});

test('/openapi/v2 answers JSON to JSON clients and the same document as gnostic protobuf to kubectl 1.27/1.28', async () => {
  await serve(async (base) => {
    const json = await fetch(`${base}/openapi/v2`, { headers: { accept: 'application/json' } });
    assert.equal(json.status, 200);
    const etag = json.headers.get('etag') ?? '';
    assert.match(etag, /^"[0-9A-F]{128}"$/);
    const doc = (await json.json()) as { swagger: string; definitions: Record<string, unknown>; paths: Record<string, unknown> };
    assert.equal(doc.swagger, '2.0');
    assert.ok(doc.definitions['io.k8s.api.core.v1.Pod'] !== undefined);
    const pb = await fetch(`${base}/openapi/v2?timeout=32s`, { headers: { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' } });
    assert.equal(pb.status, 200);
    assert.equal(pb.headers.get('content-type'), OPENAPI_V2_PROTOBUF);
    assert.equal(pb.headers.get('vary'), 'Accept');
    // kube-openapi serves the protobuf form under the JSON form's ETag.
    assert.equal(pb.headers.get('etag'), etag);
    const bytes = new Uint8Array(await pb.arrayBuffer());
    assert.equal(Number(pb.headers.get('content-length')), bytes.byteLength);
    const type = gnosticType('Document');
    const decoded = type.toObject(type.decode(bytes)) as { swagger: string; definitions: { additional_properties: { name: string }[] }; paths: { path: { name: string }[] } };
    assert.equal(decoded.swagger, '2.0');
    assert.deepEqual(decoded.definitions.additional_properties.map((d) => d.name), Object.keys(doc.definitions));
    assert.deepEqual(decoded.paths.path.map((p) => p.name), Object.keys(doc.paths));
    // The dotted form is accepted too, and a second request serves the same cached bytes.
    const again = await fetch(`${base}/openapi/v2`, { headers: { accept: OPENAPI_V2_PROTOBUF } });
    assert.deepEqual(new Uint8Array(await again.arrayBuffer()), bytes);
    const revalidate = await fetch(`${base}/openapi/v2`, { headers: { accept: OPENAPI_V2_PROTOBUF, 'if-none-match': etag } });
    assert.equal(revalidate.status, 304);
    assert.equal((await revalidate.arrayBuffer()).byteLength, 0);
    assert.equal((await fetch(`${base}/openapi/v2`, { headers: { accept: 'text/html' } })).status, 406);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoveryContentType, negotiateDiscovery } from '../src/index.ts';
import type { DiscoveryChoice } from '../src/index.ts';

const V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';
const aggregated = (version: 'v2' | 'v2beta1'): DiscoveryChoice => ({ kind: 'aggregated', version });
const legacy: DiscoveryChoice = { kind: 'legacy' };
const none: DiscoveryChoice = { kind: 'not-acceptable' };

describe('negotiateDiscovery', () => {
  const table: readonly [string, string | undefined, DiscoveryChoice][] = [
    ['kubectl 1.30+', `${V2},${V2BETA1},application/json`, aggregated('v2')],
    ['kubectl 1.27-1.29 (v2beta1 fallback)', `${V2BETA1},application/json`, aggregated('v2beta1')],
    ['plain application/json', 'application/json', legacy],
    ['client-node', 'application/json, */*;q=0.8', legacy],
    ['kubectl legacy per-GV', 'application/json, */*', legacy],
    ['no header', undefined, legacy],
    ['empty header', '', legacy],
    ['wildcard', '*/*', legacy],
    ['application wildcard', 'application/*', legacy],
    ['charset is ignored', 'application/json; charset=utf-8', legacy],
    ['parameter order and spaces do not matter', 'application/json; as=APIGroupDiscoveryList; v=v2; g=apidiscovery.k8s.io', aggregated('v2')],
    ['quoted values', 'application/json;g="apidiscovery.k8s.io";v="v2";as="APIGroupDiscoveryList"', aggregated('v2')],
    ['more specific wins over plain json at equal q', `application/json,${V2}`, aggregated('v2')],
    ['q ranks before order', `${V2};q=0.5,${V2BETA1}`, aggregated('v2beta1')],
    ['legacy preferred by q', `${V2};q=0.1,application/json`, legacy],
    ['q=0 refuses a type', `${V2};q=0,application/json`, legacy],
    ['profile=nopeer is served', `${V2};profile=nopeer`, aggregated('v2')],
    ['unknown profile skipped', `${V2};profile=peer,${V2BETA1}`, aggregated('v2beta1')],
    ['unknown discovery version skipped', 'application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json', legacy],
    ['Table request is not discovery', 'application/json;as=Table;v=v1;g=meta.k8s.io', none],
    ['wrong group', 'application/json;g=meta.k8s.io;v=v2;as=APIGroupDiscoveryList', none],
    ['yaml only', 'application/yaml', none],
    ['protobuf only', 'application/vnd.kubernetes.protobuf', none],
    ['everything refused', 'application/json;q=0', none],
    ['malformed ranges are skipped', `garbage, /json, application/;x, ${V2BETA1}`, aggregated('v2beta1')],
    ['bad q spoils only its range', `${V2};q=high,${V2BETA1}`, aggregated('v2beta1')],
    ['q above 1 is malformed', `${V2};q=2,application/json`, legacy],
    ['case-insensitive type', 'Application/JSON', legacy],
  ];
  for (const [name, accept, want] of table) it(name, () => assert.deepEqual(negotiateDiscovery(accept), want));

  it('a huge header is cut at the bound rather than parsed whole', () => {
    const filler = 'text/plain,'.repeat(1000);
    assert.deepEqual(negotiateDiscovery(`${filler}${V2}`), none);
  });
});

describe('discoveryContentType', () => {
  it('names exactly the served form', () => {
    assert.equal(discoveryContentType({ kind: 'aggregated', version: 'v2' }), V2);
    assert.equal(discoveryContentType({ kind: 'aggregated', version: 'v2beta1' }), V2BETA1);
    assert.equal(discoveryContentType({ kind: 'legacy' }), 'application/json');
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  StatusError, alreadyExists, badRequest, conflict, continueExpired, field, forbidden, gone, internalError, invalid,
  listResourceVersionTooOld, methodNotSupported, notAcceptable, notFound, notFoundPath, optimisticLockConflict,
  requestEntityTooLarge, resourceExpired, serverTimeout, serviceUnavailable, statusFromUnknown, successStatus, timeout,
  tooLargeResourceVersion, tooManyRequests, tooOldResourceVersion, unauthorized, unsupportedMediaType, FieldPath,
} from '../src/index.ts';

const pods = { group: '', resource: 'pods' };
const deployments = { group: 'apps', resource: 'deployments' };
const head = '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",';

// Exact wire JSON (key order included) for every constructor.
const cases: ReadonlyArray<readonly [string, () => StatusError, string]> = [
  ['notFound core', () => notFound(pods, 'x'), head + '"message":"pods \\"x\\" not found","reason":"NotFound","details":{"name":"x","kind":"pods"},"code":404}'],
  ['notFound group', () => notFound(deployments, 'web'), head + '"message":"deployments.apps \\"web\\" not found","reason":"NotFound","details":{"name":"web","group":"apps","kind":"deployments"},"code":404}'],
  ['notFound path', () => notFoundPath(), head + '"message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}'],
  ['alreadyExists', () => alreadyExists({ group: '', resource: 'namespaces' }, 'x'), head + '"message":"namespaces \\"x\\" already exists","reason":"AlreadyExists","details":{"name":"x","kind":"namespaces"},"code":409}'],
  ['optimistic lock conflict', () => optimisticLockConflict(deployments, 'web'), head + '"message":"Operation cannot be fulfilled on deployments.apps \\"web\\": the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","details":{"name":"web","group":"apps","kind":"deployments"},"code":409}'],
  ['conflict with Error', () => conflict(pods, 'p', new Error('Precondition failed: UID in precondition: a, UID in object meta: b')), head + '"message":"Operation cannot be fulfilled on pods \\"p\\": Precondition failed: UID in precondition: a, UID in object meta: b","reason":"Conflict","details":{"name":"p","kind":"pods"},"code":409}'],
  ['badRequest', () => badRequest('bad'), head + '"message":"bad","reason":"BadRequest","code":400}'],
  ['forbidden named', () => forbidden(pods, 'p', 'User "bob" cannot get resource "pods"'), head + '"message":"pods \\"p\\" is forbidden: User \\"bob\\" cannot get resource \\"pods\\"","reason":"Forbidden","details":{"name":"p","kind":"pods"},"code":403}'],
  ['forbidden collection', () => forbidden(deployments, '', 'no'), head + '"message":"deployments.apps is forbidden: no","reason":"Forbidden","details":{"group":"apps","kind":"deployments"},"code":403}'],
  ['forbidden nothing', () => forbidden({ group: '', resource: '' }, '', 'no'), head + '"message":"forbidden: no","reason":"Forbidden","details":{},"code":403}'],
  ['methodNotSupported', () => methodNotSupported(deployments, 'create'), head + '"message":"create is not supported on resources of kind \\"deployments.apps\\"","reason":"MethodNotAllowed","details":{"group":"apps","kind":"deployments"},"code":405}'],
  ['unsupportedMediaType', () => unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']), head + '"message":"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml","reason":"UnsupportedMediaType","code":415}'],
  ['notAcceptable', () => notAcceptable(['application/json', 'application/yaml']), head + '"message":"only the following media types are accepted: application/json, application/yaml","reason":"NotAcceptable","code":406}'],
  ['requestEntityTooLarge', () => requestEntityTooLarge('limit is 3145728'), head + '"message":"Request entity too large: limit is 3145728","reason":"RequestEntityTooLarge","code":413}'],
  ['tooManyRequests', () => tooManyRequests('too many requests, please try again later', 1), head + '"message":"too many requests, please try again later","reason":"TooManyRequests","details":{"retryAfterSeconds":1},"code":429}'],
  ['gone', () => gone('old'), head + '"message":"old","reason":"Gone","code":410}'],
  ['resourceExpired', () => resourceExpired('old'), head + '"message":"old","reason":"Expired","code":410}'],
  ['tooOldResourceVersion', () => tooOldResourceVersion(5, 9), head + '"message":"too old resource version: 5 (9)","reason":"Expired","code":410}'],
  ['continueExpired', () => continueExpired(), head + '"message":"The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.","reason":"Expired","code":410}'],
  ['listResourceVersionTooOld', () => listResourceVersionTooOld(), head + '"message":"The resourceVersion for the provided list is too old.","reason":"Expired","code":410}'],
  ['timeout', () => timeout('request did not complete within 60s', 2), head + '"message":"Timeout: request did not complete within 60s","reason":"Timeout","details":{"retryAfterSeconds":2},"code":504}'],
  ['tooLargeResourceVersion', () => tooLargeResourceVersion(100, 42, 1), head + '"message":"Timeout: Too large resource version: 100, current: 42","reason":"Timeout","details":{"causes":[{"reason":"ResourceVersionTooLarge","message":"Too large resource version"}],"retryAfterSeconds":1},"code":504}'],
  ['serverTimeout', () => serverTimeout(pods, 'create', 2), head + '"message":"The create operation against pods could not be completed at this time, please try again.","reason":"ServerTimeout","details":{"name":"create","kind":"pods","retryAfterSeconds":2},"code":500}'],
  ['serviceUnavailable', () => serviceUnavailable('store unavailable'), head + '"message":"store unavailable","reason":"ServiceUnavailable","code":503}'],
  ['internalError', () => internalError(new Error('boom')), head + '"message":"Internal error occurred: boom","reason":"InternalError","details":{"causes":[{"message":"boom"}]},"code":500}'],
  ['internalError non-Error', () => internalError('plain'), head + '"message":"Internal error occurred: plain","reason":"InternalError","details":{"causes":[{"message":"plain"}]},"code":500}'],
  ['unauthorized default', () => unauthorized(), head + '"message":"not authorized","reason":"Unauthorized","code":401}'],
  ['unauthorized message', () => unauthorized('Unauthorized'), head + '"message":"Unauthorized","reason":"Unauthorized","code":401}'],
];

describe('Status constructors', () => {
  for (const [name, make, json] of cases) {
    it(name, () => {
      const err = make();
      assert.ok(err instanceof StatusError);
      assert.ok(err instanceof Error);
      assert.equal(JSON.stringify(err.status), json);
      assert.equal(err.code, err.status.code);
      assert.equal(err.message, err.status.message);
    });
  }

  it('quotes names the way Go %q does', () => {
    assert.equal(notFound(pods, 'a"b\n').status.message, 'pods "a\\"b\\n" not found');
  });

  it('invalid: 422 with causes and kube\'s single-error message; details.kind is the Kind', () => {
    const err = invalid({ group: 'apps', kind: 'Deployment' }, 'web', [
      field.invalid(FieldPath.root('spec', 'replicas'), -1, 'must be greater than or equal to 0'),
    ]);
    assert.equal(JSON.stringify(err.status), head + '"message":"Deployment.apps \\"web\\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0","reason":"Invalid","details":{"name":"web","group":"apps","kind":"Deployment","causes":[{"reason":"FieldValueInvalid","message":"Invalid value: -1: must be greater than or equal to 0","field":"spec.replicas"}]},"code":422}');
  });

  it('invalid: several errors are bracketed, duplicates printed once but kept as causes', () => {
    const req = field.required(FieldPath.root('metadata', 'name'), 'name or generateName is required');
    const err = invalid({ group: '', kind: 'ConfigMap' }, '', [req, field.forbidden('spec', 'nope'), req]);
    assert.equal(err.status.message, 'ConfigMap "" is invalid: [metadata.name: Required value: name or generateName is required, spec: Forbidden: nope]');
    assert.equal(err.status.details?.causes?.length, 3);
    assert.deepEqual(err.status.details?.causes?.[0], { reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' });
    assert.equal(JSON.stringify(err.status.details), '{"kind":"ConfigMap","causes":[{"reason":"FieldValueRequired","message":"Required value: name or generateName is required","field":"metadata.name"},{"reason":"FieldValueForbidden","message":"Forbidden: nope","field":"spec"},{"reason":"FieldValueRequired","message":"Required value: name or generateName is required","field":"metadata.name"}]}');
  });

  it('invalid with no errors says just "is invalid"', () => {
    assert.equal(invalid({ group: '', kind: 'Pod' }, 'p', []).status.message, 'Pod "p" is invalid');
  });

  it('internalError never exposes a stack, keeps the error as cause', () => {
    const boom = new Error('boom');
    const err = internalError(boom);
    assert.equal(err.cause, boom);
    assert.ok(!JSON.stringify(err.status).includes('at '));
  });

  it('statusFromUnknown passes StatusErrors through and wraps anything else as 500', () => {
    const nf = notFound(pods, 'x');
    assert.equal(statusFromUnknown(nf), nf);
    assert.equal(statusFromUnknown(new TypeError('x is undefined')).status.message, 'Internal error occurred: x is undefined');
    assert.equal(statusFromUnknown(undefined).code, 500);
  });

  it('successStatus has no code and no message', () => {
    assert.equal(JSON.stringify(successStatus({ name: 'web', group: 'apps', kind: 'deployments', uid: 'u-1' })),
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"web","group":"apps","kind":"deployments","uid":"u-1"}}');
    assert.equal(JSON.stringify(successStatus({ name: 'cm', group: '', kind: 'configmaps' })),
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"cm","kind":"configmaps"}}');
  });

  it('refuses a StatusError with a non-error code', () => {
    assert.throws(() => new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'm', reason: 'BadRequest', code: 200 }), RangeError);
  });
});

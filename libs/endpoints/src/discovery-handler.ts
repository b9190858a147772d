// /api, /apis, /api/v1, /apis/G, /apis/G/V: the legacy documents, and the
// aggregated ones (apidiscovery.k8s.io v2/v2beta1) for /api and /apis when
// the client's Accept asks for them. Built once: the catalogue is fixed.

import { notFoundPath } from '@logbook/apimachinery';
import {
  aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, discoveryContentType, negotiateDiscovery,
  type ResourceInfo,
} from '@logbook/resources';
import { notAcceptableError } from './respond.ts';
import type { ResponseSink } from './http-types.ts';

export class DiscoveryHandler {
  readonly #resources: readonly ResourceInfo[];
  readonly #serverAddress: string;

  constructor(resources: readonly ResourceInfo[], serverAddress: string) {
    this.#resources = resources;
    this.#serverAddress = serverAddress;
  }

  /** Serves a discovery path; false when `path` is not one. */
  serve(path: string, accept: string | undefined, res: ResponseSink): boolean {
    const parts = path.replace(/^\/+|\/+$/g, '').split('/');
    if (parts[0] !== 'api' && parts[0] !== 'apis') return false;
    let doc: unknown;
    let contentType = 'application/json';
    if (parts.length === 1) {
      const choice = negotiateDiscovery(accept);
      if (choice.kind === 'not-acceptable') throw notAcceptableError();
      if (choice.kind === 'aggregated') {
        doc = aggregatedDiscovery(this.#resources, parts[0] === 'api' ? 'core' : 'groups', choice.version);
        contentType = discoveryContentType(choice);
      } else {
        doc = parts[0] === 'api' ? apiVersions(this.#resources, this.#serverAddress) : apiGroupList(this.#resources);
      }
    } else if (parts[0] === 'api' && parts.length === 2) {
      doc = apiResourceList(this.#resources, '', parts[1]!);
    } else if (parts[0] === 'apis' && parts.length === 2) {
      doc = apiGroup(this.#resources, parts[1]!);
    } else if (parts[0] === 'apis' && parts.length === 3) {
      doc = apiResourceList(this.#resources, parts[1]!, parts[2]!);
    } else {
      return false;
    }
    if (doc === undefined) throw notFoundPath();
    const body = Buffer.from(`${JSON.stringify(doc)}\n`);
    res.statusCode = 200;
    res.setHeader('Content-Type', contentType);
    res.setHeader('Content-Length', String(body.byteLength));
    res.setHeader('Vary', 'Accept');
    res.end(body);
    return true;
  }
}

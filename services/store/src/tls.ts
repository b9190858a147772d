// Credentials from etcd's TLS flags: --cert-file/--key-file/--trusted-ca-file/
// --client-cert-auth for clients, and the --peer-* set for members.

import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { insecureCredentials, type TransportCredentials } from '@logbook/transport';
import type { GrpcTls } from '@logbook/grpc-server';

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly trustedCaFile?: string;
  readonly clientCertAuth: boolean;
}

function read(file: string, flag: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`cannot read ${flag} ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** The client port's TLS settings from --cert-file/--key-file/--trusted-ca-file/--client-cert-auth. */
export function clientTlsOptions(tls: TlsFiles | undefined): GrpcTls | undefined {
  if (tls === undefined) return undefined;
  return {
    cert: read(tls.certFile, '--cert-file'),
    key: read(tls.keyFile, '--key-file'),
    ...(tls.trustedCaFile === undefined ? {} : { ca: read(tls.trustedCaFile, '--trusted-ca-file') }),
    clientCertAuth: tls.clientCertAuth,
  };
}

export function peerCredentials(tls: TlsFiles | undefined): TransportCredentials {
  if (tls === undefined) return insecureCredentials();
  const ca = tls.trustedCaFile === undefined ? null : read(tls.trustedCaFile, '--peer-trusted-ca-file');
  const cert = read(tls.certFile, '--peer-cert-file');
  const key = read(tls.keyFile, '--peer-key-file');
  return {
    serverTls: { cert, key, ...(ca === null ? {} : { ca }), clientCertAuth: tls.clientCertAuth },
    channel: grpc.credentials.createSsl(ca, key, cert),
    clientTls: { ...(ca === null ? {} : { ca }), cert, key },
  };
}

// Baseline: only the namespaced, isolated ("safe") sysctls; the safe set
// grew in v1.27, v1.29 and v1.32.

import type { PodSpecView } from '../pod-spec.ts';
import type { Check, Violation } from './check.ts';

const SAFE_1_0 = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
const SAFE_1_27 = [...SAFE_1_0, 'net.ipv4.ip_local_reserved_ports'];
const SAFE_1_29 = [...SAFE_1_27, 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const SAFE_1_32 = [...SAFE_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];

function sysctlsAllowed(safe: readonly string[]) {
  const allowed = new Set(safe);
  return (_meta: unknown, spec: PodSpecView): Violation | undefined => {
    // Listed in pod order, duplicates kept: kube reports them as it finds them.
    const bad = (spec.securityContext?.sysctls ?? []).filter((s) => !allowed.has(s));
    return bad.length === 0 ? undefined : { reason: 'forbidden sysctls', detail: bad.join(', ') };
  };
}

export const sysctls: Check = {
  id: 'sysctls',
  level: 'baseline',
  versions: [
    { minimumVersion: 0, checkPod: sysctlsAllowed(SAFE_1_0) },
    { minimumVersion: 27, checkPod: sysctlsAllowed(SAFE_1_27) },
    { minimumVersion: 29, checkPod: sysctlsAllowed(SAFE_1_29) },
    { minimumVersion: 32, checkPod: sysctlsAllowed(SAFE_1_32) },
  ],
};

// Cluster-level and configuration kinds: Node, Namespace, ConfigMap, Secret,
// ServiceAccount, Event, Lease, PriorityClass.

import { DOCS, REF_DOCS } from './docs.ts';
import { since } from './human-duration.ts';
import { arr, at, bool, num, optNum, optStr, present, rec, str } from './json-path.ts';
import { AGE_COLUMN, col, creationTimestamp, name, NAME_COLUMN, type Printer } from './printer.ts';

const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';
const NODE_ROLE_LABEL = 'kubernetes.io/role';

/** Roles from `node-role.kubernetes.io/<role>` keys and the legacy `kubernetes.io/role=<role>` label, sorted, unique. */
export function nodeRoles(node: unknown): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(rec(node, 'metadata', 'labels'))) {
    if (k.startsWith(NODE_ROLE_PREFIX)) {
      const role = k.slice(NODE_ROLE_PREFIX.length);
      if (role !== '') roles.add(role);
    } else if (k === NODE_ROLE_LABEL && typeof v === 'string' && v !== '') {
      roles.add(v);
    }
  }
  return [...roles].sort();
}

function nodeStatus(node: unknown): string {
  // Only Ready is reported; the last Ready condition wins, as kube's map does.
  const ready = arr(node, 'status', 'conditions').filter((c) => str(c, 'type') === 'Ready').at(-1);
  const status = ready === undefined ? ['Unknown'] : [str(ready, 'status') === 'True' ? 'Ready' : 'NotReady'];
  if (bool(node, 'spec', 'unschedulable')) status.push('SchedulingDisabled');
  return status.join(',');
}

function nodeAddress(node: unknown, type: string): string {
  const a = arr(node, 'status', 'addresses').find((x) => str(x, 'type') === type);
  return a === undefined ? '<none>' : str(a, 'address');
}

function orUnknown(s: string): string {
  return s === '' ? '<unknown>' : s;
}

export const NODE_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    col('Status', 'string', 'The status of the node'),
    col('Roles', 'string', 'The roles of the node'),
    AGE_COLUMN,
    col('Version', 'string', DOCS.V1NodeSystemInfo.kubeletVersion),
    col('Internal-IP', 'string', DOCS.V1NodeStatus.addresses, 1),
    col('External-IP', 'string', DOCS.V1NodeStatus.addresses, 1),
    col('OS-Image', 'string', DOCS.V1NodeSystemInfo.osImage, 1),
    col('Kernel-Version', 'string', DOCS.V1NodeSystemInfo.kernelVersion, 1),
    col('Container-Runtime', 'string', DOCS.V1NodeSystemInfo.containerRuntimeVersion, 1),
  ],
  print: (o, now) => {
    const info = rec(o, 'status', 'nodeInfo');
    const roles = nodeRoles(o);
    return {
      cells: [
        name(o), nodeStatus(o), roles.length === 0 ? '<none>' : roles.join(','), since(creationTimestamp(o), now), str(info, 'kubeletVersion'),
        nodeAddress(o, 'InternalIP'), nodeAddress(o, 'ExternalIP'), orUnknown(str(info, 'osImage')), orUnknown(str(info, 'kernelVersion')),
        orUnknown(str(info, 'containerRuntimeVersion')),
      ],
    };
  },
};

export const NAMESPACE_PRINTER: Printer = {
  columns: [NAME_COLUMN, col('Status', 'string', 'The status of the namespace'), AGE_COLUMN],
  print: (o, now) => ({ cells: [name(o), str(o, 'status', 'phase'), since(creationTimestamp(o), now)] }),
};

export const CONFIG_MAP_PRINTER: Printer = {
  columns: [NAME_COLUMN, col('Data', 'string', DOCS.V1ConfigMap.data), AGE_COLUMN],
  print: (o, now) => ({ cells: [name(o), Object.keys(rec(o, 'data')).length + Object.keys(rec(o, 'binaryData')).length, since(creationTimestamp(o), now)] }),
};

export const SECRET_PRINTER: Printer = {
  columns: [NAME_COLUMN, col('Type', 'string', DOCS.V1Secret.type), col('Data', 'string', DOCS.V1Secret.data), AGE_COLUMN],
  print: (o, now) => ({ cells: [name(o), str(o, 'type'), Object.keys(rec(o, 'data')).length, since(creationTimestamp(o), now)] }),
};

export const SERVICE_ACCOUNT_PRINTER: Printer = {
  columns: [NAME_COLUMN, col('Secrets', 'string', DOCS.V1ServiceAccount.secrets), AGE_COLUMN],
  print: (o, now) => ({ cells: [name(o), arr(o, 'secrets').length, since(creationTimestamp(o), now)] }),
};

function eventSource(ev: unknown): string {
  const component = str(ev, 'source', 'component') || str(ev, 'reportingComponent');
  const instance = str(ev, 'source', 'host') || str(ev, 'reportingInstance');
  return instance === '' ? component : `${component}, ${instance}`;
}

export const EVENT_PRINTER: Printer = {
  columns: [
    col('Last Seen', 'string', DOCS.V1Event.lastTimestamp),
    col('Type', 'string', DOCS.V1Event.type),
    col('Reason', 'string', DOCS.V1Event.reason),
    col('Object', 'string', REF_DOCS.eventInvolvedObject),
    col('Subobject', 'string', DOCS.V1ObjectReference.fieldPath, 1),
    col('Source', 'string', REF_DOCS.eventSource, 1),
    col('Message', 'string', DOCS.V1Event.message),
    col('First Seen', 'string', DOCS.V1Event.firstTimestamp, 1),
    col('Count', 'string', DOCS.V1Event.count, 1),
    { ...NAME_COLUMN, priority: 1 },
  ],
  print: (o, now) => {
    const first = present(o, 'firstTimestamp') ? since(at(o, 'firstTimestamp'), now) : since(at(o, 'eventTime'), now);
    let last = present(o, 'lastTimestamp') ? since(at(o, 'lastTimestamp'), now) : first;
    let count = num(o, 'count');
    if (present(o, 'series')) {
      last = since(at(o, 'series', 'lastObservedTime'), now);
      count = num(o, 'series', 'count');
    } else if (count === 0) {
      // Events of the events.k8s.io API leave count unset for singletons.
      count = 1;
    }
    const kind = str(o, 'involvedObject', 'kind').toLowerCase();
    const involved = str(o, 'involvedObject', 'name');
    const target = involved === '' ? kind : `${kind}/${involved}`;
    return {
      cells: [last, str(o, 'type'), str(o, 'reason'), target, str(o, 'involvedObject', 'fieldPath'), eventSource(o), str(o, 'message').trim(), first, count, name(o)],
    };
  },
};

export const LEASE_PRINTER: Printer = {
  columns: [NAME_COLUMN, col('Holder', 'string', DOCS.V1LeaseSpec.holderIdentity), AGE_COLUMN],
  print: (o, now) => ({ cells: [name(o), str(o, 'spec', 'holderIdentity'), since(creationTimestamp(o), now)] }),
};

export const PRIORITY_CLASS_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    col('Value', 'integer', DOCS.V1PriorityClass.value),
    col('Global-Default', 'boolean', DOCS.V1PriorityClass.globalDefault),
    AGE_COLUMN,
    col('PreemptionPolicy', 'string', DOCS.V1PriorityClass.preemptionPolicy, 1),
  ],
  print: (o, now) => ({
    cells: [name(o), optNum(o, 'value') ?? 0, bool(o, 'globalDefault'), since(creationTimestamp(o), now), optStr(o, 'preemptionPolicy') ?? ''],
  }),
};

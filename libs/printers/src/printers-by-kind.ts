// Which printer serves which kind, by group and kind (every served version
// of a kind prints alike, as kube converts to the internal type first).

import type { Printer } from './printer.ts';
import { POD_PRINTER } from './print-pod.ts';
import {
  CRON_JOB_PRINTER, DAEMON_SET_PRINTER, DEPLOYMENT_PRINTER, JOB_PRINTER, POD_DISRUPTION_BUDGET_PRINTER, REPLICA_SET_PRINTER,
  REPLICATION_CONTROLLER_PRINTER, STATEFUL_SET_PRINTER,
} from './print-workloads.ts';
import { HORIZONTAL_POD_AUTOSCALER_PRINTER } from './print-hpa.ts';
import { ENDPOINT_SLICE_PRINTER, ENDPOINTS_PRINTER, INGRESS_PRINTER, SERVICE_PRINTER } from './print-network.ts';
import {
  CONFIG_MAP_PRINTER, EVENT_PRINTER, LEASE_PRINTER, NAMESPACE_PRINTER, NODE_PRINTER, PRIORITY_CLASS_PRINTER, SECRET_PRINTER, SERVICE_ACCOUNT_PRINTER,
} from './print-cluster.ts';
import {
  CLUSTER_ROLE_BINDING_PRINTER, PERSISTENT_VOLUME_CLAIM_PRINTER, PERSISTENT_VOLUME_PRINTER, ROLE_BINDING_PRINTER, STORAGE_CLASS_PRINTER,
} from './print-storage-rbac.ts';

const PRINTERS: ReadonlyMap<string, Printer> = new Map<string, Printer>([
  ['/Pod', POD_PRINTER],
  ['/ReplicationController', REPLICATION_CONTROLLER_PRINTER],
  ['/Service', SERVICE_PRINTER],
  ['/Endpoints', ENDPOINTS_PRINTER],
  ['/Node', NODE_PRINTER],
  ['/Namespace', NAMESPACE_PRINTER],
  ['/ConfigMap', CONFIG_MAP_PRINTER],
  ['/Secret', SECRET_PRINTER],
  ['/ServiceAccount', SERVICE_ACCOUNT_PRINTER],
  ['/Event', EVENT_PRINTER],
  ['/PersistentVolume', PERSISTENT_VOLUME_PRINTER],
  ['/PersistentVolumeClaim', PERSISTENT_VOLUME_CLAIM_PRINTER],
  ['apps/Deployment', DEPLOYMENT_PRINTER],
  ['apps/ReplicaSet', REPLICA_SET_PRINTER],
  ['apps/StatefulSet', STATEFUL_SET_PRINTER],
  ['apps/DaemonSet', DAEMON_SET_PRINTER],
  ['batch/Job', JOB_PRINTER],
  ['batch/CronJob', CRON_JOB_PRINTER],
  ['autoscaling/HorizontalPodAutoscaler', HORIZONTAL_POD_AUTOSCALER_PRINTER],
  ['policy/PodDisruptionBudget', POD_DISRUPTION_BUDGET_PRINTER],
  ['discovery.k8s.io/EndpointSlice', ENDPOINT_SLICE_PRINTER],
  ['networking.k8s.io/Ingress', INGRESS_PRINTER],
  ['storage.k8s.io/StorageClass', STORAGE_CLASS_PRINTER],
  ['rbac.authorization.k8s.io/RoleBinding', ROLE_BINDING_PRINTER],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', CLUSTER_ROLE_BINDING_PRINTER],
  ['coordination.k8s.io/Lease', LEASE_PRINTER],
  ['scheduling.k8s.io/PriorityClass', PRIORITY_CLASS_PRINTER],
  // events.k8s.io/v1 Events are the same objects as core Events, under other field names; kube prints them with the default table.
]);

/** The kind's printer, or undefined for kube's default NAME / CREATED AT table. */
export function printerFor(group: string, kind: string): Printer | undefined {
  return PRINTERS.get(`${group}/${kind}`);
}

/** The group/kind pairs with a dedicated printer (for tests and docs). */
export function printedKinds(): readonly string[] {
  return [...PRINTERS.keys()];
}

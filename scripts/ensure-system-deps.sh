#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing.
# Each entry is <binary>:<Debian package>. The store's tests drive etcdctl
# (etcd-client), compare against a real etcd (etcd-server) and publish to a
# real nats-server; the apiserver e2e tests drive kubectl (kubernetes-client,
# used only when no kubectl is installed); `logbook cluster up` and its e2e
# test run haproxy in front of the apiserver replicas.
# The client-library e2e tests also run Debian's Python kubernetes client with
# /usr/bin/python3 (not whichever python3 is first on PATH), so it is checked
# by importing it there; LOGBOOK_SKIP_PYTHON_CLIENT=1 leaves it out.
set -euo pipefail
DEFAULT_DEPS="etcd:etcd-server etcdctl:etcd-client nats-server:nats-server kubectl:kubernetes-client haproxy:haproxy"
# nats-server and haproxy install into /usr/sbin, which is not on every user's PATH.
export PATH="$PATH:/usr/sbin:/sbin"
needed=()
for spec in ${LOGBOOK_SYSTEM_DEPS:-$DEFAULT_DEPS}; do
  bin=${spec%%:*}; pkg=${spec#*:}
  command -v "$bin" >/dev/null 2>&1 || needed+=("$pkg")
done
if [ "${LOGBOOK_SKIP_PYTHON_CLIENT:-}" != 1 ] && ! /usr/bin/python3 -c 'import kubernetes' >/dev/null 2>&1; then
  needed+=(python3-kubernetes)
fi
if [ ${#needed[@]} -gt 0 ]; then
  echo "== installing system packages: ${needed[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${needed[@]}"
fi

#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing.
# The list grows with the project (nats-server, haproxy, etcd-client,
# etcd-server, kubectl); today's tests need none beyond Node itself.
set -euo pipefail
needed=()
for spec in ${LOGBOOK_SYSTEM_DEPS:-}; do
  bin=${spec%%:*}; pkg=${spec#*:}
  command -v "$bin" >/dev/null 2>&1 || needed+=("$pkg")
done
if [ ${#needed[@]} -gt 0 ]; then
  echo "== installing system packages: ${needed[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${needed[@]}"
fi

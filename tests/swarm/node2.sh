#!/bin/sh
# A second Docker daemon in its own network namespace, joined to the local Swarm as a worker
# (tests/e2e_swarm.rs, multi-node test). Needs root, iproute2, nsenter and dockerd.
#   tests/swarm/node2.sh up IMAGE...   start it, join it, load the local IMAGEs into it
#   tests/swarm/node2.sh down          leave the Swarm, stop it, remove everything it made
# Its own data-root, exec-root, socket and pidfile under /tmp/stackctl-node2; `nsenter --net`
# rather than `ip netns exec`, which remounts /sys and hides the cgroup mounts dockerd needs.
set -eu
NS=stackctl-node2 D=/tmp/stackctl-node2 ADDR=10.99.0.2
SOCK=unix://$D/docker.sock
node2() { docker -H "$SOCK" "$@"; }

down() {
  if [ -S "$D/docker.sock" ]; then
    id=$(node2 info -f '{{.Swarm.NodeID}}' 2>/dev/null || true)
    node2 swarm leave --force >/dev/null 2>&1 || true
    [ -n "$id" ] && for _ in 1 2 3 4 5 6 7 8 9 10; do
      docker node rm --force "$id" >/dev/null 2>&1 && break; sleep 1; done
  fi
  [ -f "$D/docker.pid" ] && kill "$(cat "$D/docker.pid")" 2>/dev/null || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do [ -S "$D/docker.sock" ] || break; sleep 1; done
  ip netns del "$NS" 2>/dev/null || true
  ip link del sw-veth0 2>/dev/null || true
  umount -R "$D/exec" 2>/dev/null || true
  rm -rf "$D"
}

up() {
  down
  mkdir -p "$D"
  echo '{}' >"$D/daemon.json"
  ip netns add "$NS"
  ip link add sw-veth0 type veth peer name sw-veth1
  ip link set sw-veth1 netns "$NS"
  ip addr add 10.99.0.1/24 dev sw-veth0
  ip link set sw-veth0 up
  ip netns exec "$NS" ip addr add "$ADDR/24" dev sw-veth1
  ip netns exec "$NS" ip link set sw-veth1 up
  ip netns exec "$NS" ip link set lo up
  ip netns exec "$NS" ip route add default via 10.99.0.1
  nsenter --net="/var/run/netns/$NS" dockerd --storage-driver vfs --config-file "$D/daemon.json" \
    --data-root "$D/data" --exec-root "$D/exec" -H "$SOCK" --pidfile "$D/docker.pid" \
    --bip 172.31.0.1/24 >"$D/dockerd.log" 2>&1 &
  for _ in $(seq 1 30); do node2 info >/dev/null 2>&1 && break; sleep 1; done
  node2 info >/dev/null 2>&1 || { tail -5 "$D/dockerd.log" >&2; exit 1; }
  manager=$(docker info -f '{{.Swarm.NodeAddr}}')
  # VXLAN: the worker's forwarding table says the manager's tasks are at $manager (its data
  # path address), and the kernel drops an encapsulated packet whose outer source is another
  # address for a known MAC (drop reason VXLAN_ENTRY_EXISTS). Without this route the host
  # would send from the veth's 10.99.0.1, so every packet to the worker's tasks was dropped.
  ip route add "$ADDR/32" dev sw-veth0 src "$manager"
  node2 swarm join --token "$(docker swarm join-token -q worker)" --advertise-addr "$ADDR" "$manager:2377" >/dev/null
  for image in "$@"; do docker save "$image" | node2 load -q >/dev/null; done
  node2 info -f '{{.Swarm.NodeID}}'
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) down ;;
  *) echo "usage: $0 up IMAGE... | down" >&2; exit 2 ;;
esac

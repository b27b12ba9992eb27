#!/bin/sh
# Benchmark: `stackctl deploy --engine swarm` vs `docker stack deploy -c rendered/docker-stack.yml`
# on the same three-service stack (Prometheus, Alertmanager, global node exporter) from the
# local test images, side by side in one run, on the local single-node Swarm:
#   - cold deploy (nothing exists), for docker stack both "command returns" and "all tasks running"
#   - no-op deploy (everything is up)
#   - rollout of a config change of the node exporter (start-first) and the scrapes that failed
#     meanwhile (Prometheus' own `up` samples of job `node` over the window)
#
#   benches/swarm.sh                 uses target/debug/stackctl (STACKCTL=... to choose)
# Needs: docker in Swarm mode (`docker swarm init`), curl, python3, the test images.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STACKCTL=${STACKCTL:-$ROOT/target/debug/stackctl}
RUNS=${RUNS:-3}
[ "$(docker info -f '{{.Swarm.LocalNodeState}}')" = active ] || { echo "error: not a Swarm (docker swarm init)" >&2; exit 1; }
WORK=$(mktemp -d)
P=bench-swarm-$$
PP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
AP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { (cd "$WORK" && "$STACKCTL" down --volumes >/dev/null 2>&1) || true; docker stack rm $P >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
manifest() {
  cat >"$WORK/stackctl.yaml" <<YAML
version: 1
project: $P
engine: swarm
bind: 0.0.0.0
components:
  prometheus: {image: stackctl-test/prometheus:2.42.0, version: 2.42.0, port: $PP, scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
  alertmanager: {image: stackctl-test/alertmanager:0.25.0, version: 0.25.0, port: $AP}
  node_exporter: {image: stackctl-test/node-exporter:1.5.0, version: 1.5.0$1}
YAML
}
now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2])-float(sys.argv[1]):.2f}')" "$1" "$(now)"; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
all_running() {
  docker service ls --filter label=com.docker.stack.namespace=$P --format '{{.Replicas}}' \
    | awk -F/ '{ if ($1 != $2 || $2 == 0) bad=1 } END { exit bad }'
}
teardown() {
  docker stack rm $P >/dev/null 2>&1 || true; wait_gone
  docker volume ls -q --filter label=com.docker.stack.namespace=$P | xargs -r docker volume rm >/dev/null 2>&1 || true
  until ! docker network inspect ${P}_default >/dev/null 2>&1; do docker network rm ${P}_default >/dev/null 2>&1 || sleep 0.5; done
}
wait_gone() { while [ -n "$(docker ps -aq --filter label=com.docker.stack.namespace=$P)" ]; do sleep 0.5; done; }

manifest ""
cd "$WORK"
"$STACKCTL" render >/dev/null 2>&1
export DOCKER_GID=$(stat -c %g /var/run/docker.sock)

cold_s=""; noop_s=""; cold_d=""; cold_dr=""; noop_d=""
for _ in $(seq 1 "$RUNS"); do
  t=$(now); "$STACKCTL" deploy >/dev/null 2>&1; cold_s="$cold_s $(since "$t")"
  for _ in 1 2 3; do t=$(now); "$STACKCTL" deploy >/dev/null 2>&1; noop_s="$noop_s $(since "$t")"; done
  teardown
  t=$(now); (cd rendered && docker stack deploy -c docker-stack.yml $P >/dev/null 2>&1); cold_d="$cold_d $(since "$t")"
  until all_running; do sleep 0.2; done; cold_dr="$cold_dr $(since "$t")"
  for _ in 1 2 3; do t=$(now); (cd rendered && docker stack deploy -c docker-stack.yml $P >/dev/null 2>&1); noop_d="$noop_d $(since "$t")"; done
  teardown
done

# Rollout of a node exporter change, with Prometheus counting its own failed scrapes.
"$STACKCTL" deploy >/dev/null 2>&1
PW=$(sed -n "s/^STACKCTL_WEB_PASSWORD=['\"]\{0,1\}\([^'\"]*\).*/\1/p" .env)
sleep 5
manifest ", args: ['--web.max-requests=41']"
start=$(date +%s)
t=$(now); "$STACKCTL" deploy >/dev/null 2>&1; rollout=$(since "$t")
sleep 3
window=$(( $(date +%s) - start + 2 ))
failed=$(curl -s --cacert .stackctl/tls/tls.crt -u "stackctl:$PW" "https://127.0.0.1:$PP/api/v1/query" \
  --data-urlencode "query=sum(count_over_time(up{job=\"node\"}[${window}s])) - sum(sum_over_time(up{job=\"node\"}[${window}s]))" \
  | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(int(float(r[0]["value"][1])) if r else "n/a")')
samples=$(curl -s --cacert .stackctl/tls/tls.crt -u "stackctl:$PW" "https://127.0.0.1:$PP/api/v1/query" \
  --data-urlencode "query=sum(count_over_time(up{job=\"node\"}[${window}s]))" \
  | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(int(float(r[0]["value"][1])) if r else "n/a")')

echo "| (median of $RUNS runs, seconds) | stackctl deploy --engine swarm | docker stack deploy -c docker-stack.yml |"
echo "|---|---|---|"
echo "| cold | $(echo $cold_s | median) (returns when every task runs and is healthy) | $(echo $cold_d | median) to return, $(echo $cold_dr | median) until every task runs |"
echo "| no-op | $(echo $noop_s | median) (touches nothing) | $(echo $noop_d | median) (re-sends every service) |"
echo "| node exporter config change, rolled out | $rollout s, $failed failed of $samples scrapes of job node | - |"

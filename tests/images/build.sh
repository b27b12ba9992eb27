#!/bin/sh
# Builds the local test images stackctl's Docker tests run (no registry needed).
#
# Each image is a tiny root filesystem made from Debian's packaged binary, the libraries
# `ldd` lists, and busybox (for `sh`/`wget` healthchecks), imported with `docker import`
# under the upstream image's entrypoint, command, user and workdir.
#
#   tests/images/build.sh            build what is missing or out of date
#   tests/images/build.sh --force    rebuild every image
#
# Needs: docker, and the Debian packages prometheus, prometheus-alertmanager,
# prometheus-node-exporter, prometheus-blackbox-exporter, prometheus-pushgateway, busybox-static.
set -eu

FORCE=0
[ "${1:-}" = "--force" ] && FORCE=1

die() { echo "error: $*" >&2; exit 1; }
command -v docker >/dev/null || die "docker is not installed"
BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] || die "busybox is not installed (apt-get install busybox-static)"
case "$(file -b "$BUSYBOX" 2>/dev/null || echo static)" in
  *dynamically*) die "$BUSYBOX is dynamically linked; install busybox-static" ;;
esac
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# build NAME SOURCE_BINARY TARGET_NAME USER WORKDIR DATA_DIR CMD_JSON EXPOSE [CONFIG_PATH CONFIG_TEXT [SHARE_DIR]]
build() {
  name=$1 src=$2 bin=$3 user=$4 workdir=$5 data=$6 cmd=$7 expose=$8
  config_path=${9:-} config_text=${10:-} share=${11:-}
  [ -x "$src" ] || die "$src is missing (install the Debian package that ships it)"
  input=$(cat "$src" "$BUSYBOX" "$0" | sha256sum | cut -c1-16)
  if [ "$FORCE" = 0 ] && docker image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$name" 2>/dev/null \
      | grep -qx "STACKCTL_TEST_IMAGE=$input"; then
    echo "up to date: $name"
    return
  fi
  root="$WORK/$bin"
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/run" "$root/home"
  chmod 1777 "$root/tmp"
  cp "$src" "$root/bin/$bin"
  cp "$BUSYBOX" "$root/bin/busybox"
  for applet in sh wget ls cat ps kill sleep echo; do ln -sf busybox "$root/bin/$applet"; done
  # The shared libraries the binary loads (Debian's Go builds link libc dynamically).
  ldd "$src" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
    [ -e "$lib" ] || continue
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
  if [ -n "$data" ]; then mkdir -p "$root$data"; chown 65534:65534 "$root$data"; fi
  # Files the Debian build reads at run time (Alertmanager's default notification templates).
  if [ -n "$share" ]; then mkdir -p "$root$(dirname "$share")"; cp -r "$share" "$root$share"; fi
  if [ -n "$config_path" ]; then
    mkdir -p "$root$(dirname "$config_path")"
    printf '%s\n' "$config_text" >"$root$config_path"
  fi
  set -- --change "ENTRYPOINT [\"/bin/$bin\"]" --change "CMD $cmd" \
    --change "EXPOSE $expose" --change "ENV STACKCTL_TEST_IMAGE=$input" \
    --change "ENV PATH=/bin"
  [ -n "$user" ] && set -- "$@" --change "USER $user"
  [ -n "$workdir" ] && set -- "$@" --change "WORKDIR $workdir"
  [ -n "$data" ] && set -- "$@" --change "VOLUME $data"
  tar -C "$root" --numeric-owner -cf - . | docker import "$@" - "$name" >/dev/null
  echo "built: $name"
}

build stackctl-test/prometheus:2.42.0 /usr/bin/prometheus prometheus 65534 /prometheus /prometheus \
  '["--config.file=/etc/prometheus/prometheus.yml","--storage.tsdb.path=/prometheus"]' 9090 \
  /etc/prometheus/prometheus.yml 'scrape_configs: [{job_name: prometheus, static_configs: [{targets: ["localhost:9090"]}]}]'
build stackctl-test/alertmanager:0.25.0 /usr/bin/prometheus-alertmanager alertmanager 65534 /alertmanager /alertmanager \
  '["--config.file=/etc/alertmanager/alertmanager.yml","--storage.path=/alertmanager"]' 9093 \
  /etc/alertmanager/alertmanager.yml 'route: {receiver: default}
receivers: [{name: default}]' /usr/share/prometheus/alertmanager
build stackctl-test/node-exporter:1.5.0 /usr/bin/prometheus-node-exporter node_exporter 65534 "" "" '[]' 9100
# Upstream's blackbox image has no USER (ICMP probes need root).
build stackctl-test/blackbox-exporter:0.23.0 /usr/bin/prometheus-blackbox-exporter blackbox_exporter "" "" "" \
  '["--config.file=/etc/blackbox_exporter/config.yml"]' 9115 \
  /etc/blackbox_exporter/config.yml 'modules: {http_2xx: {prober: http}}'
build stackctl-test/pushgateway:1.5.1 /usr/bin/prometheus-pushgateway pushgateway 65534 /pushgateway /pushgateway '[]' 9091

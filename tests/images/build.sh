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
# prometheus-node-exporter, prometheus-blackbox-exporter, prometheus-pushgateway, busybox-static,
# victoria-metrics,
# and for the exporter images (the presets are proven against them, tests/e2e_exporters.rs):
# prometheus-redis-exporter, redis-server, prometheus-postgres-exporter, postgresql,
# prometheus-mysqld-exporter, mariadb-server, prometheus-nginx-exporter, nginx-light,
# prometheus-mongodb-exporter, prometheus-elasticsearch-exporter, rabbitmq-server.
#
# Servers (redis, postgres, mariadb, nginx) carry a data directory initialised here, with the
# test credentials below, so a container is ready within a second or two of starting.
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

# copy_binary ROOT SOURCE TARGET: the binary and the shared libraries `ldd` lists (Debian's Go
# builds link libc dynamically).
copy_binary() {
  mkdir -p "$1$(dirname "$3")"
  cp "$2" "$1$3"
  ldd "$2" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
    [ -e "$lib" ] || continue
    mkdir -p "$1$(dirname "$lib")"
    cp -L "$lib" "$1$lib"
  done
}

# build NAME SOURCE_BINARY TARGET_NAME USER WORKDIR DATA_DIR CMD_JSON EXPOSE [CONFIG_PATH CONFIG_TEXT [SHARE_DIR]]
# Optional, set before a call and reset by it: `prepare` (a function run with the image root,
# to add files) and `entry` (an ENTRYPOINT other than `["/bin/TARGET_NAME"]`).
build() {
  name=$1 src=$2 bin=$3 user=$4 workdir=$5 data=$6 cmd=$7 expose=$8
  config_path=${9:-} config_text=${10:-} share=${11:-}
  [ -x "$src" ] || die "$src is missing (install the Debian package that ships it)"
  image_prepare=${prepare:-} image_entry=${entry:-[\"/bin/$bin\"]}
  prepare='' entry=''
  # What the image is made of: the binaries, this call, and the text of `build` and of the
  # image's own prepare function (editing another image's lines rebuilds nothing else).
  input=$( (cat "$src" "$BUSYBOX"; printf '%s\n' "$@" "$image_entry"
            sed -n -e '/^copy_binary()/,/^}/p' -e '/^build()/,/^}/p' "$0"
            [ -n "$image_prepare" ] && sed -n -e "/^$image_prepare()/,/^}/p" -e '/^[A-Z_]*=/p' "$0") \
          | sha256sum | cut -c1-16)
  if [ "$FORCE" = 0 ] && docker image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$name" 2>/dev/null \
      | grep -qx "STACKCTL_TEST_IMAGE=$input"; then
    echo "up to date: $name"
    return
  fi
  root="$WORK/$bin"
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/run" "$root/home"
  chmod 1777 "$root/tmp"
  copy_binary "$root" "$src" "/bin/$bin"
  cp "$BUSYBOX" "$root/bin/busybox"
  for applet in sh wget ls cat ps kill sleep echo date mkdir; do ln -sf busybox "$root/bin/$applet"; done
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
  [ -n "$image_prepare" ] && "$image_prepare" "$root"
  set -- --change "ENTRYPOINT $image_entry" --change "CMD $cmd" \
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

# Single-node VictoriaMetrics from Debian's `victoria-metrics` (tests/e2e_victoriametrics.rs),
# tagged with the package's upstream version (1.79.5 on Debian 12). Upstream's image runs as
# root from `/`; stackctl passes `-storageDataPath` itself, the CMD here only matches it.
build_victoria_metrics() {
  vm_version=$(dpkg-query -W -f='${Version}' victoria-metrics 2>/dev/null | sed -e 's/^[0-9]*://' -e 's/[+~-].*//')
  [ -n "$vm_version" ] || die "victoria-metrics is not installed (apt-get install victoria-metrics)"
  build "stackctl-test/victoria-metrics:$vm_version" /usr/bin/victoria-metrics victoria-metrics "" / /victoria-metrics-data \
    '["-storageDataPath=/victoria-metrics-data"]' 8428
}
build_victoria_metrics

# --- Exporters and the servers they watch (tests/e2e_exporters.rs) ---------------------------
# Test credentials, also written in tests/e2e_exporters.rs.
PG_PASSWORD='pg-s3cret#1'  # postgres_exporter 0.11's DSN parser breaks on a space
MYSQL_PASSWORD='my s3cret#1'

# Upstream's redis_exporter image runs as uid 59000 (FROM scratch).
build stackctl-test/redis-exporter:1.45.0 /usr/bin/prometheus-redis-exporter redis_exporter 59000 "" "" '[]' 9121
build stackctl-test/postgres-exporter:0.11.1 /usr/bin/prometheus-postgres-exporter postgres_exporter 65534 "" "" '[]' 9187
build stackctl-test/mysqld-exporter:0.14.0 /usr/bin/prometheus-mysqld-exporter mysqld_exporter 65534 "" "" '[]' 9104
build stackctl-test/nginx-exporter:0.11.0 /usr/bin/prometheus-nginx-exporter nginx_exporter 65534 "" "" '[]' 9113
build stackctl-test/elasticsearch-exporter:1.5.0 /usr/bin/prometheus-elasticsearch-exporter elasticsearch_exporter 65534 "" "" '[]' 9114
# Debian's mongodb_exporter is the 2018 one (Go `flag`, default port 9001): listen where
# stackctl's catalog expects it.
entry='["/bin/mongodb_exporter","-web.listen-address=:9216"]'
build stackctl-test/mongodb-exporter:1.0.0 /usr/bin/prometheus-mongodb-exporter mongodb_exporter 65534 "" "" '[]' 9216

build stackctl-test/redis:7.0.15 /usr/bin/redis-server redis-server 65534 /tmp "" \
  '["--bind","0.0.0.0","--protected-mode","no","--save","","--dir","/tmp"]' 6379

# nginx with stub_status on :8080, run unprivileged in the foreground.
prepare_nginx() {
  mkdir -p "$1/etc/nginx" "$1/var/lib/nginx" "$1/var/log/nginx"
  chmod 1777 "$1/var/lib/nginx" "$1/var/log/nginx"
  cat >"$1/etc/nginx/nginx.conf" <<'CONF'
daemon off;
master_process off;
pid /tmp/nginx.pid;
error_log stderr;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path /tmp/body;
  proxy_temp_path /tmp/proxy;
  fastcgi_temp_path /tmp/fastcgi;
  uwsgi_temp_path /tmp/uwsgi;
  scgi_temp_path /tmp/scgi;
  server {
    listen 8080;
    location = /stub_status { stub_status; }
    location / { return 200 "ok\n"; }
  }
}
CONF
}
prepare=prepare_nginx
build stackctl-test/nginx:1.22.1 /usr/sbin/nginx nginx 65534 "" "" '["-c","/etc/nginx/nginx.conf"]' 8080

# postgres 15: a data directory made by initdb here (superuser `postgres`, password
# $PG_PASSWORD, scram over TCP from anywhere), run as the host's `postgres` user.
prepare_postgres() {
  pg=/usr/lib/postgresql/15
  uid=$(id -u postgres) gid=$(id -g postgres)
  copy_binary "$1" "$pg/bin/postgres" "$pg/bin/postgres"
  # Loadable modules, without the LLVM JIT (jit=off) and its bitcode.
  mkdir -p "$1$pg/lib"
  find "$pg/lib" -maxdepth 1 -name '*.so' ! -name 'llvmjit*' -exec cp {} "$1$pg/lib/" \;
  mkdir -p "$1/usr/share/postgresql" "$1/usr/share/zoneinfo"
  cp -r /usr/share/postgresql/15 "$1/usr/share/postgresql/15"
  cp -rL /usr/share/zoneinfo/UTC /usr/share/zoneinfo/Etc "$1/usr/share/zoneinfo/"
  printf 'postgres:x:%s:%s::/var/lib/postgresql:/bin/sh\n' "$uid" "$gid" >>"$1/etc/passwd"
  printf 'postgres:x:%s:\n' "$gid" >>"$1/etc/group"
  init=$(mktemp -d /tmp/stackctl-pg.XXXXXX)
  chmod 755 "$init"
  printf '%s\n' "$PG_PASSWORD" >"$init/pw"
  chown -R "$uid:$gid" "$init"
  runuser -u postgres -- "$pg/bin/initdb" -D "$init/data" -U postgres --pwfile="$init/pw" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C >/dev/null
  echo 'host all all 0.0.0.0/0 scram-sha-256' >>"$init/data/pg_hba.conf"
  mkdir -p "$1/var/lib/postgresql"
  cp -a "$init/data" "$1/var/lib/postgresql/data"
  rm -rf "$init"
}
prepare=prepare_postgres
entry='["/usr/lib/postgresql/15/bin/postgres"]'
build stackctl-test/postgres:15 /usr/lib/postgresql/15/bin/postgres postgres "$(id -u postgres 2>/dev/null || echo 0)" "" "" \
  '["-D","/var/lib/postgresql/data","-c","listen_addresses=*","-c","unix_socket_directories=/tmp","-c","timezone=UTC","-c","log_timezone=UTC","-c","jit=off","-c","shared_buffers=16MB"]' 5432

# MariaDB 10.11: system tables made by mariadb-install-db here; at start an init file sets
# the root password and makes the `exporter` user mysqld_exporter's README asks for.
prepare_mariadb() {
  uid=$(id -u mysql) gid=$(id -g mysql)
  copy_binary "$1" /usr/sbin/mariadbd /usr/sbin/mariadbd
  mkdir -p "$1/usr/share" "$1/etc/mysql"
  cp -r /usr/share/mysql "$1/usr/share/mysql"
  printf 'mysql:x:%s:%s::/var/lib/mysql:/bin/sh\n' "$uid" "$gid" >>"$1/etc/passwd"
  printf 'mysql:x:%s:\n' "$gid" >>"$1/etc/group"
  init=$(mktemp -d /tmp/stackctl-mariadb.XXXXXX)
  chmod 755 "$init"
  mariadb-install-db --no-defaults --datadir="$init/data" --user=mysql --skip-test-db \
    --auth-root-authentication-method=normal --innodb-log-file-size=8M >/dev/null 2>&1 || die "mariadb-install-db failed"
  mkdir -p "$1/var/lib"
  cp -a "$init/data" "$1/var/lib/mysql"
  rm -rf "$init"
  cat >"$1/etc/mysql/init.sql" <<SQL
ALTER USER 'root'@'localhost' IDENTIFIED BY '$MYSQL_PASSWORD';
CREATE USER IF NOT EXISTS 'exporter'@'%' IDENTIFIED BY '$MYSQL_PASSWORD' WITH MAX_USER_CONNECTIONS 3;
GRANT PROCESS, REPLICATION CLIENT, SLAVE MONITOR, SELECT ON *.* TO 'exporter'@'%';
SQL
}
prepare=prepare_mariadb
entry='["/usr/sbin/mariadbd"]'
build stackctl-test/mariadb:10.11 /usr/sbin/mariadbd mariadbd "$(id -u mysql 2>/dev/null || echo 0)" "" "" \
  '["--no-defaults","--datadir=/var/lib/mysql","--socket=/tmp/mysqld.sock","--pid-file=/tmp/mysqld.pid","--bind-address=0.0.0.0","--skip-name-resolve","--init-file=/etc/mysql/init.sql","--innodb-buffer-pool-size=16M","--innodb-log-file-size=8M","--performance-schema=OFF","--lc-messages-dir=/usr/share/mysql"]' 3306

# A webhook receiver for Alertmanager: busybox httpd; each POST body is kept in /tmp/hooks.
prepare_webhook() {
  mkdir -p "$1/www/cgi-bin"
  cat >"$1/www/cgi-bin/hook" <<'CGI'
#!/bin/sh
mkdir -p /tmp/hooks
cat >"/tmp/hooks/$(date +%s)-$$.json"
printf 'Content-Type: text/plain\r\n\r\nok\n'
CGI
  chmod 755 "$1/www/cgi-bin/hook"
}
prepare=prepare_webhook
entry='["/bin/busybox","httpd","-f","-p","8080","-h","/www"]'
build stackctl-test/webhook:1 "$BUSYBOX" busybox-webhook 65534 "" "" '[]' 8080

# --- RabbitMQ with its built-in Prometheus endpoint (tests/e2e_rabbitmq.rs) -----------------
# No RabbitMQ exporter is packaged; RabbitMQ 3.8+ serves Prometheus metrics itself through the
# rabbitmq_prometheus plugin on :15692. The image carries Debian's Erlang runtime and
# rabbitmq-server trees, the libraries their binaries and NIFs link, and busybox for the start
# scripts. Node name `rabbit@localhost` (no DNS needed), metrics aggregated per node (the default),
# and one queue `stackctl-test` declared from a definitions file so queue metrics exist.
prepare_rabbitmq() {
  cp -a /usr/lib/erlang /usr/lib/rabbitmq "$1/usr/lib/" 2>/dev/null || {
    mkdir -p "$1/usr/lib"; cp -a /usr/lib/erlang /usr/lib/rabbitmq "$1/usr/lib/"; }
  find /usr/lib/erlang /usr/lib/rabbitmq -type f \( -perm -u+x -o -name '*.so' \) | while read -r f; do
    ldd "$f" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
      [ -e "$lib" ] && [ ! -e "$1$lib" ] || continue
      mkdir -p "$1$(dirname "$lib")"; cp -L "$lib" "$1$lib"
    done
  done
  for applet in $("$BUSYBOX" --list); do [ -e "$1/bin/$applet" ] || ln -s busybox "$1/bin/$applet"; done
  mkdir -p "$1/etc/rabbitmq" "$1/var/lib/rabbitmq" "$1/var/log/rabbitmq"
  printf '[rabbitmq_prometheus].\n' >"$1/etc/rabbitmq/enabled_plugins"
  cat >"$1/etc/rabbitmq/rabbitmq.conf" <<'CONF'
listeners.tcp.default = 5672
prometheus.tcp.port = 15692
load_definitions = /etc/rabbitmq/definitions.json
log.console = true
log.file = false
CONF
  cat >"$1/etc/rabbitmq/definitions.json" <<'JSON'
{"vhosts": [{"name": "/"}],
 "queues": [{"name": "stackctl-test", "vhost": "/", "durable": true, "auto_delete": false, "arguments": {}}]}
JSON
  printf 'STACKCTLTESTCOOKIE' >"$1/var/lib/rabbitmq/.erlang.cookie"
  chmod 400 "$1/var/lib/rabbitmq/.erlang.cookie"
  chown -R 65534:65534 "$1/var/lib/rabbitmq" "$1/var/log/rabbitmq"
  printf 'rabbitmq:x:65534:65534:rabbitmq:/var/lib/rabbitmq:/bin/sh\n' >>"$1/etc/passwd"
  cat >"$1/etc/rabbitmq/start" <<'START'
#!/bin/sh
# Docker gives uid 65534 the home of `nobody`; the cookie lives in rabbitmq's.
export HOME=/var/lib/rabbitmq RABBITMQ_NODENAME=rabbit@localhost PATH=/usr/lib/erlang/bin:/bin
exec /usr/lib/rabbitmq/bin/rabbitmq-server "$@"
START
  chmod 755 "$1/etc/rabbitmq/start"
}
if [ -d /usr/lib/rabbitmq ]; then
  RABBITMQ_RELEASE=$(ls -d /usr/lib/rabbitmq/lib/rabbitmq_server-* | sed 's/.*-//' | head -n1)
  prepare=prepare_rabbitmq
  entry='["/etc/rabbitmq/start"]'
  build "stackctl-test/rabbitmq:$RABBITMQ_RELEASE" "$BUSYBOX" busybox-rabbitmq 65534 /var/lib/rabbitmq "" '[]' '15692'
else
  die "/usr/lib/rabbitmq is missing (apt-get install rabbitmq-server)"
fi

#!/usr/bin/env bash
# Local backing services for the Cloudify manager re-implementation, run as
# plain local processes (no Docker, no systemd):
#
#   RabbitMQ 3.x   amqp://127.0.0.1:5672, management API on 127.0.0.1:15672
#                  (Debian's rabbitmq-server; the machine's shared broker)
#   Elasticsearch  http://127.0.0.1:9200  (ES 8 from Maven Central, single node)
#   InfluxDB 1.x   http://127.0.0.1:8086  (Debian's influxdb)
#
# Usage: bash deploy/local/stack.sh <verb>
#   up              provision (if needed) and start everything; idempotent
#   status          one line per service; exit 0 only if all are up
#   down [--all]    stop ES and InfluxDB started by this script;
#                   --all also stops the local RabbitMQ node (rabbitmqctl stop)
#   logs [service]  log file locations and their tails
#                   (service: rabbitmq | elasticsearch | influxdb)
#
# Environment:
#   CFY_STACK_HOME  cache/data dir (default: $HOME/.cache/cfy-stack)
#   AMQP_URL, ES_URL, INFLUX_URL  point at an existing service instead: `up`
#                   then does not provision that service, it only checks that
#                   the URL answers. (Values equal to the defaults printed by
#                   env.sh mean "provision locally".)
#   RABBITMQ_MGMT_URL  management API (default http://guest:guest@127.0.0.1:15672)
#   ES_HEAP         ES heap size (default 512m)
#   ES_JAVA_HOME    Java 17+ for ES (default: Java 17 found under /usr/lib/jvm)
#   ES_START_TIMEOUT, INFLUX_START_TIMEOUT, RABBITMQ_START_TIMEOUT  seconds
#   LOG_LINES       lines shown per file by `logs` (default 40)
#
# Needs root for first-time provisioning (apt-get, useradd); root is also how
# CI runs it. Progress lines are prefixed with [stack].
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"
umask 022

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# --- pinned versions ---------------------------------------------------------
# Elasticsearch distribution from Maven Central:
#   org.elasticsearch.distribution.integ-test-zip:elasticsearch:<ver>:zip
# 8.19.21 is the newest 8.x in the Maven metadata and was verified to start and
# serve index/search on the machine's OpenJDK 17.0.15 (ES 8.x supports Java 17
# as a runtime; ES 9 would need Java 21 -- and is not published there anyway).
# The integ-test-zip is the minimal distribution: modules transport-netty4,
# apm, x-pack-core, x-pack-security only. Consequences for clients:
#   * GET / answers 405 (the rest-root module is missing; use /_nodes/_local),
#   * no _delete_by_query/_update_by_query/_reindex (reindex module),
#   * no scripting (lang-painless), no analysis-common (e.g. custom analyzers
#     using the keyword tokenizer / lowercase filter), no data streams, no ILM.
ES_VERSION=8.19.21
ES_ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ES_VERSION}:zip"
MAVEN_DEPENDENCY_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.6.1"

# --- defaults ----------------------------------------------------------------
DEFAULT_AMQP_URL="amqp://guest:guest@127.0.0.1:5672"
DEFAULT_ES_URL="http://127.0.0.1:9200"
DEFAULT_INFLUX_URL="http://127.0.0.1:8086"
DEFAULT_MGMT_URL="http://guest:guest@127.0.0.1:15672"

# shellcheck disable=SC2034  # *_PORT and *_DIR vars are read by render() via ${!name}
ES_HTTP_PORT=9200
# shellcheck disable=SC2034
ES_TRANSPORT_PORT=9300
INFLUX_HTTP_PORT=8086
INFLUX_RPC_PORT=8088
ES_USER=cfyes
ES_HEAP=${ES_HEAP:-512m}
ES_START_TIMEOUT=${ES_START_TIMEOUT:-180}
INFLUX_START_TIMEOUT=${INFLUX_START_TIMEOUT:-60}
RABBITMQ_START_TIMEOUT=${RABBITMQ_START_TIMEOUT:-120}
LOG_LINES=${LOG_LINES:-40}

if [[ -z "${HOME:-}" ]]; then
  HOME=$(getent passwd "$(id -u)" | cut -d: -f6)
  export HOME
fi
STACK_HOME=$(realpath -m -- "${CFY_STACK_HOME:-$HOME/.cache/cfy-stack}")

# A URL counts as "external" (skip provisioning, just check it) only when set
# to something other than the local default -- so that sourcing env.sh before
# calling `up` still provisions locally.
is_external() { # value default
  local v=${1%/} d=${2%/}
  [[ -n "$v" && "$v" != "$d" ]]
}
EXT_AMQP=0; EXT_ES=0; EXT_INFLUX=0; EXT_MGMT=0
is_external "${AMQP_URL:-}" "$DEFAULT_AMQP_URL" && EXT_AMQP=1
is_external "${ES_URL:-}" "$DEFAULT_ES_URL" && EXT_ES=1
is_external "${INFLUX_URL:-}" "$DEFAULT_INFLUX_URL" && EXT_INFLUX=1
is_external "${RABBITMQ_MGMT_URL:-}" "$DEFAULT_MGMT_URL" && EXT_MGMT=1
# shellcheck source=deploy/local/env.sh
source "$SCRIPT_DIR/env.sh"
ES_URL=${ES_URL%/}; INFLUX_URL=${INFLUX_URL%/}; RABBITMQ_MGMT_URL=${RABBITMQ_MGMT_URL%/}

# --- cache layout --------------------------------------------------------------
DOWNLOAD_DIR=$STACK_HOME/downloads
LOG_DIR=$STACK_HOME/logs
RUN_DIR=$STACK_HOME/run
ES_BASE=$STACK_HOME/elasticsearch
ES_HOME=$ES_BASE/elasticsearch-$ES_VERSION
ES_CONF=$ES_BASE/config
ES_TMP=$ES_BASE/tmp
ES_DATA=$STACK_HOME/data/elasticsearch
ES_LOGS=$LOG_DIR/elasticsearch
ES_PID=$RUN_DIR/elasticsearch.pid
ES_ZIP=$DOWNLOAD_DIR/elasticsearch-$ES_VERSION.zip
INFLUX_BASE=$STACK_HOME/influxdb
INFLUX_CONF=$INFLUX_BASE/influxdb.conf
INFLUX_DATA=$STACK_HOME/data/influxdb
INFLUX_LOG=$LOG_DIR/influxdb.log
INFLUX_PID=$RUN_DIR/influxdb.pid
RABBIT_START_LOG=$LOG_DIR/rabbitmq-start.log
APT_LOG=$LOG_DIR/apt.log

# --- helpers -----------------------------------------------------------------
log()  { printf '[stack] %s\n' "$*"; }
warn() { printf '[stack] WARNING: %s\n' "$*" >&2; }
die()  { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }
is_root() { [[ $(id -u) -eq 0 ]]; }

# Hide the password in user:password@ URLs.
mask_url() { sed -E 's#(://[^:/@]+):[^@/]*@#\1:***@#' <<<"$1"; }

# wait_until TIMEOUT_S INTERVAL_S CMD... -> 0 once CMD succeeds, 1 on timeout
wait_until() {
  local deadline=$((SECONDS + $1)) interval=$2
  shift 2
  until "$@"; do
    ((SECONDS >= deadline)) && return 1
    sleep "$interval"
  done
}

http_code() { # url [curl args...]
  local url=$1
  shift
  curl -s -o /dev/null -w '%{http_code}' --connect-timeout 3 --max-time 10 "$@" "$url" 2>/dev/null || true
}
http_get() { curl -sf --connect-timeout 3 --max-time 10 "$@" 2>/dev/null; }

# json_str KEY <json : first "KEY":"value" (no jq needed for these flat reads)
json_str() { grep -o "\"$1\" *: *\"[^\"]*\"" | head -n1 | sed -E 's/.*: *"([^"]*)"/\1/'; }

tcp_open() { timeout 3 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

# AMQP 0-9-1 handshake: send the protocol header, a broker answers with a
# method frame (type 1) carrying Connection.Start.
amqp_answers() { # host port
  local first
  first=$(timeout 5 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "AMQP\000\000\011\001" >&3
    head -c 1 <&3 | od -An -tx1' "$1" "$2" 2>/dev/null | tr -d ' \n') || true
  [[ "$first" == "01" ]]
}

# parse_url URL -> sets U_SCHEME U_HOST U_PORT
parse_url() {
  local rest=${1#*://}
  U_SCHEME=${1%%://*}
  rest=${rest%%/*}
  rest=${rest##*@}
  U_HOST=${rest%%:*}
  if [[ "$rest" == *:* ]]; then U_PORT=${rest##*:}; else U_PORT=""; fi
  U_HOST=${U_HOST#[}; U_HOST=${U_HOST%]}
}

# pid_alive PIDFILE PATTERN -> prints pid if the process lives and its command
# line matches PATTERN (guards against recycled pids)
pid_alive() {
  local pid
  [[ -s "$1" ]] || return 1
  pid=$(tr -dc '0-9' <"$1")
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2" || return 1
  echo "$pid"
}

# stop_pidfile NAME PIDFILE PATTERN TIMEOUT
stop_pidfile() {
  local name=$1 pidfile=$2 pattern=$3 timeout=$4 pid
  if ! pid=$(pid_alive "$pidfile" "$pattern"); then
    rm -f "$pidfile"
    log "$name: not running (no live pid file)"
    return 0
  fi
  log "$name: stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_until "$timeout" 1 eval "! kill -0 $pid 2>/dev/null"; then
    warn "$name: pid $pid did not stop within ${timeout}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_until 10 1 eval "! kill -0 $pid 2>/dev/null" || die "$name: could not stop pid $pid"
  fi
  rm -f "$pidfile"
  log "$name: stopped"
}

# Substitute @NAME@ placeholders in a template from the like-named variables,
# writing atomically. Returns 0 if the file changed, 1 if it was up to date.
render() { # template dest VAR...
  local tmpl=$1 dest=$2 content var
  shift 2
  content=$(<"$tmpl")
  for var in "$@"; do content=${content//"@${var}@"/"${!var}"}; done
  if [[ -f "$dest" ]] && [[ "$(<"$dest")" == "$content" ]]; then return 1; fi
  printf '%s\n' "$content" >"$dest.tmp"
  mv -f "$dest.tmp" "$dest"
}

apt_install() { # pkg... (returns non-zero on failure; caller says what to do)
  is_root || { warn "not root: cannot apt-get install $*"; return 1; }
  command -v apt-get >/dev/null || { warn "apt-get not found"; return 1; }
  mkdir -p "$LOG_DIR"
  local policy
  policy=$(apt-cache policy "$@" 2>/dev/null) || policy=""
  if [[ "$policy" != *"Candidate: "[0-9]* ]]; then
    log "apt-get update (package lists are missing or stale)"
    apt-get update -q >>"$APT_LOG" 2>&1 || warn "apt-get update failed (see $APT_LOG)"
  fi
  log "apt-get install -y $* (log: $APT_LOG)"
  if ! timeout 600 apt-get install -y -q -o Dpkg::Options::=--force-confold "$@" </dev/null >>"$APT_LOG" 2>&1 9>&-; then
    log "apt-get install failed; refreshing package lists and retrying once"
    apt-get update -q >>"$APT_LOG" 2>&1 || true
    timeout 600 apt-get install -y -q -o Dpkg::Options::=--force-confold "$@" </dev/null >>"$APT_LOG" 2>&1 9>&- || {
      tail -n 15 "$APT_LOG" >&2
      return 1
    }
  fi
}

ensure_base_dirs() {
  mkdir -p "$STACK_HOME" "$DOWNLOAD_DIR" "$LOG_DIR" "$RUN_DIR"
}

# Serialise up/down runs against each other. Everything that may leave a
# process behind (daemons, apt postinst scripts) is started with 9>&- so that
# it does not inherit -- and keep holding -- the lock.
take_lock() {
  ensure_base_dirs
  exec 9>"$STACK_HOME/.lock"
  flock -w 600 9 || die "timed out after 600s waiting for $STACK_HOME/.lock (another stack.sh up/down is running; holders: $(fuser "$STACK_HOME/.lock" 2>/dev/null || echo '?'))"
}

# =============================================================================
# RabbitMQ
# =============================================================================
RABBIT_HOST=127.0.0.1
RABBIT_PORT=5672

mgmt_answers() { [[ $(http_code "$RABBITMQ_MGMT_URL/api/overview") == 200 ]]; }

rabbit_log_files() {
  local f
  for f in /var/log/rabbitmq/rabbit@*.log; do
    [[ -f "$f" && "$f" != *_upgrade.log ]] && echo "$f"
  done
  [[ -f "$RABBIT_START_LOG" ]] && echo "$RABBIT_START_LOG"
  return 0
}

rabbit_version() {
  local v=""
  v=$(http_get "$RABBITMQ_MGMT_URL/api/overview" | json_str rabbitmq_version) || true
  if [[ -z "$v" && $EXT_AMQP == 0 ]] && command -v rabbitmqctl >/dev/null; then
    v=$(timeout 20 rabbitmqctl -q version 2>/dev/null </dev/null 9>&- | head -n1) || true
  fi
  echo "${v:-?}"
}

up_rabbitmq() {
  if ((EXT_AMQP)); then
    parse_url "$AMQP_URL"
    [[ -n "$U_PORT" ]] || { [[ "$U_SCHEME" == amqps ]] && U_PORT=5671 || U_PORT=5672; }
    if [[ "$U_SCHEME" == amqps ]]; then
      tcp_open "$U_HOST" "$U_PORT" || die "rabbitmq: AMQP_URL=$(mask_url "$AMQP_URL") does not answer (no TCP connect to $U_HOST:$U_PORT). Fix the URL, or unset AMQP_URL to use a local broker."
    else
      amqp_answers "$U_HOST" "$U_PORT" || die "rabbitmq: AMQP_URL=$(mask_url "$AMQP_URL") does not answer the AMQP handshake on $U_HOST:$U_PORT. Fix the URL, or unset AMQP_URL to use a local broker."
    fi
    log "rabbitmq: using AMQP_URL=$(mask_url "$AMQP_URL") (answers; not provisioned)"
    if mgmt_answers; then
      log "rabbitmq: management API answers at $(mask_url "$RABBITMQ_MGMT_URL")"
    else
      warn "rabbitmq: management API $(mask_url "$RABBITMQ_MGMT_URL")/api/overview does not answer (set RABBITMQ_MGMT_URL)"
    fi
    return 0
  fi

  if amqp_answers "$RABBIT_HOST" "$RABBIT_PORT"; then
    log "rabbitmq: broker already answers on $RABBIT_HOST:$RABBIT_PORT"
  else
    if ! command -v rabbitmq-server >/dev/null || ! command -v rabbitmqctl >/dev/null; then
      log "rabbitmq: rabbitmq-server is not installed; installing Debian's package"
      apt_install rabbitmq-server ||
        die "rabbitmq: could not install rabbitmq-server. Install it (apt-get install -y rabbitmq-server) or set AMQP_URL to a reachable broker."
    fi
    # The package's init script may have started it (no policy-rc.d).
    if ! amqp_answers "$RABBIT_HOST" "$RABBIT_PORT"; then
      is_root || die "rabbitmq: broker is down and starting it needs root. Start it (sudo rabbitmq-server -detached) or set AMQP_URL."
      # Node down: plugins can only be enabled offline (written to enabled_plugins).
      timeout 60 rabbitmq-plugins enable --offline rabbitmq_management </dev/null >>"$RABBIT_START_LOG" 2>&1 9>&- ||
        warn "rabbitmq: offline enable of rabbitmq_management failed (will retry once the node runs)"
      log "rabbitmq: starting node (rabbitmq-server -detached)"
      rabbitmq-server -detached </dev/null >>"$RABBIT_START_LOG" 2>&1 9>&- || true
      if ! wait_until "$RABBITMQ_START_TIMEOUT" 2 amqp_answers "$RABBIT_HOST" "$RABBIT_PORT"; then
        die "rabbitmq: broker did not answer on $RABBIT_HOST:$RABBIT_PORT within ${RABBITMQ_START_TIMEOUT}s. See $(rabbit_log_files | tr '\n' ' ')-- or set AMQP_URL to a reachable broker."
      fi
      timeout 60 rabbitmqctl -q await_startup </dev/null >>"$RABBIT_START_LOG" 2>&1 9>&- || true
      log "rabbitmq: broker answers on $RABBIT_HOST:$RABBIT_PORT"
    fi
  fi

  # Management plugin (the node is running here, so enable it online).
  if ((EXT_MGMT)); then
    mgmt_answers || warn "rabbitmq: RABBITMQ_MGMT_URL=$(mask_url "$RABBITMQ_MGMT_URL") does not answer"
    return 0
  fi
  if mgmt_answers; then
    log "rabbitmq: management API answers on 127.0.0.1:15672"
    return 0
  fi
  command -v rabbitmq-plugins >/dev/null ||
    die "rabbitmq: the broker answers but rabbitmq-plugins is missing, so the management plugin cannot be enabled. Install rabbitmq-server, or set AMQP_URL and RABBITMQ_MGMT_URL."
  log "rabbitmq: enabling rabbitmq_management"
  if ! timeout 120 rabbitmq-plugins enable rabbitmq_management </dev/null >>"$RABBIT_START_LOG" 2>&1 9>&-; then
    tail -n 10 "$RABBIT_START_LOG" >&2
    die "rabbitmq: 'rabbitmq-plugins enable rabbitmq_management' failed (log: $RABBIT_START_LOG). Run it as root, or set RABBITMQ_MGMT_URL."
  fi
  wait_until 60 2 mgmt_answers ||
    die "rabbitmq: management API did not answer on 127.0.0.1:15672 within 60s. See $(rabbit_log_files | tr '\n' ' ')"
  log "rabbitmq: management API answers on 127.0.0.1:15672"
}

status_rabbitmq() {
  local state=down ver="-" extra=""
  parse_url "$AMQP_URL"
  [[ -n "$U_PORT" ]] || { [[ "$U_SCHEME" == amqps ]] && U_PORT=5671 || U_PORT=5672; }
  if [[ "$U_SCHEME" == amqps ]]; then tcp_open "$U_HOST" "$U_PORT" && state=up
  else amqp_answers "$U_HOST" "$U_PORT" && state=up; fi
  if [[ $state == up ]]; then ver=$(rabbit_version); fi
  if mgmt_answers; then extra="mgmt=up $(mask_url "$RABBITMQ_MGMT_URL")"; else extra="mgmt=down"; fi
  printf '%-14s %-5s %-40s version=%s %s\n' rabbitmq "$state" "$(mask_url "$AMQP_URL")" "$ver" "$extra"
  [[ $state == up ]]
}

down_rabbitmq() { # all?
  if [[ "$1" != 1 ]]; then
    log "rabbitmq: left running (shared broker; use 'down --all' to stop it)"
    return 0
  fi
  if ((EXT_AMQP)); then
    log "rabbitmq: AMQP_URL is external; not stopping it"
    return 0
  fi
  if ! amqp_answers "$RABBIT_HOST" "$RABBIT_PORT"; then
    log "rabbitmq: not running"
    return 0
  fi
  command -v rabbitmqctl >/dev/null || die "rabbitmq: rabbitmqctl not found; cannot stop the broker"
  log "rabbitmq: stopping node (rabbitmqctl stop)"
  timeout 120 rabbitmqctl stop </dev/null >>"$RABBIT_START_LOG" 2>&1 9>&- || die "rabbitmq: 'rabbitmqctl stop' failed (log: $RABBIT_START_LOG)"
  wait_until 60 1 eval '! amqp_answers $RABBIT_HOST $RABBIT_PORT' || die "rabbitmq: still answers after rabbitmqctl stop"
  log "rabbitmq: stopped"
}

# =============================================================================
# Elasticsearch
# =============================================================================
ES_LOCAL_URL="http://127.0.0.1:$ES_HTTP_PORT"

find_java17() {
  local d v
  if [[ -n "${ES_JAVA_HOME:-}" ]]; then
    [[ -x "$ES_JAVA_HOME/bin/java" ]] || { warn "elasticsearch: ES_JAVA_HOME=$ES_JAVA_HOME has no bin/java"; return 1; }
    echo "$ES_JAVA_HOME"
    return 0
  fi
  for d in /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/*17*; do
    [[ -x "$d/bin/java" ]] || continue
    v=$("$d/bin/java" -version 2>&1 | head -n1) || continue
    if [[ "$v" =~ version\ \"17[.\"] ]]; then
      readlink -f "$d"
      return 0
    fi
  done
  return 1
}

es_answers() { [[ $(http_code "$1/_cluster/health") == 200 ]]; }

es_version() { # url
  local v
  # GET / needs the rest-root module, absent from the integ-test-zip build.
  v=$(http_get "$1/" | json_str number) || true
  [[ -n "$v" ]] || v=$(http_get "$1/_nodes/_local?filter_path=nodes.*.version" | json_str version) || true
  echo "${v:-?}"
}

es_log_hint() {
  echo "Logs: $ES_LOGS/cfy-local.log and $ES_LOGS/startup.log"
}

es_wait_healthy() { # url timeout
  local url=$1 timeout=$2 deadline=$((SECONDS + $2)) body=""
  while ((SECONDS < deadline)); do
    body=$(curl -s --connect-timeout 3 --max-time 40 "$url/_cluster/health?wait_for_status=yellow&timeout=30s" 2>/dev/null) || body=""
    if [[ "$body" =~ \"status\":\"(green|yellow)\" ]] && [[ "$body" != *'"timed_out":true'* ]]; then
      echo "${BASH_REMATCH[1]}"
      return 0
    fi
    sleep 2
  done
  warn "last health answer: ${body:-<none>}"
  return 1
}

ensure_es_user() {
  is_root || return 0
  if ! id -u "$ES_USER" >/dev/null 2>&1; then
    log "elasticsearch: creating system user $ES_USER"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin --comment "cfy local stack Elasticsearch" "$ES_USER" ||
      die "elasticsearch: could not create user $ES_USER (useradd)"
  fi
}

# The ES user must be able to traverse every parent of the cache dir (e.g.
# /root is 0700). Grant search (x) permission only, and only to that user.
ensure_es_traverse() {
  is_root || return 0
  local d=$STACK_HOME dirs=()
  while [[ "$d" != / && -n "$d" ]]; do
    dirs=("$d" "${dirs[@]}")
    d=$(dirname "$d")
  done
  for d in "${dirs[@]}"; do
    runuser -u "$ES_USER" -- test -x "$d" 2>/dev/null && continue
    if ! command -v setfacl >/dev/null; then
      apt_install acl || true
    fi
    if command -v setfacl >/dev/null && setfacl -m "u:$ES_USER:x" "$d" 2>/dev/null; then
      log "elasticsearch: granted $ES_USER search permission on $d (ACL u:$ES_USER:x)"
    else
      chmod o+x "$d"
      log "elasticsearch: made $d traversable (chmod o+x) so $ES_USER can reach $STACK_HOME"
    fi
    runuser -u "$ES_USER" -- test -x "$d" ||
      die "elasticsearch: $ES_USER still cannot enter $d; set CFY_STACK_HOME to a directory it can reach"
  done
}

es_fetch_and_unpack() {
  if [[ -f "$ES_HOME/.cfy-stack-complete" && -x "$ES_HOME/bin/elasticsearch" ]]; then
    log "elasticsearch: $ES_VERSION already unpacked ($ES_HOME)"
    return 0
  fi
  if [[ ! -s "$ES_ZIP" ]]; then
    command -v mvn >/dev/null ||
      die "elasticsearch: Maven (mvn) is needed to fetch $ES_ARTIFACT. Install it (apt-get install -y maven) or set ES_URL to a running Elasticsearch."
    log "elasticsearch: fetching $ES_ARTIFACT with Maven (uses ~/.m2 if already there)"
    local partial=$DOWNLOAD_DIR/.partial
    rm -rf "$partial"
    mkdir -p "$partial"
    # Run from a directory without a pom.xml so no project is loaded.
    if ! (cd "$partial" && timeout 900 mvn -B -q -ntp "$MAVEN_DEPENDENCY_PLUGIN:copy" \
      -Dartifact="$ES_ARTIFACT" -DoutputDirectory="$partial" \
      -Dmdep.overWriteReleases=false </dev/null >"$LOG_DIR/maven.log" 2>&1); then
      tail -n 20 "$LOG_DIR/maven.log" >&2
      die "elasticsearch: Maven could not fetch $ES_ARTIFACT (log: $LOG_DIR/maven.log). Check access to Maven Central, or set ES_URL to a running Elasticsearch."
    fi
    [[ -s "$partial/elasticsearch-$ES_VERSION.zip" ]] || die "elasticsearch: Maven finished but $partial/elasticsearch-$ES_VERSION.zip is missing (log: $LOG_DIR/maven.log)"
    mv -f "$partial/elasticsearch-$ES_VERSION.zip" "$ES_ZIP"
    rm -rf "$partial"
  else
    log "elasticsearch: using cached $ES_ZIP"
  fi
  command -v unzip >/dev/null || apt_install unzip ||
    die "elasticsearch: unzip is missing. Install it (apt-get install -y unzip)."
  log "elasticsearch: unpacking into $ES_BASE"
  local tmp=$ES_BASE/.unpack
  rm -rf "$tmp" "$ES_HOME"
  mkdir -p "$tmp"
  if ! unzip -q "$ES_ZIP" -d "$tmp"; then
    rm -f "$ES_ZIP"
    die "elasticsearch: $ES_ZIP is corrupt (removed it; run 'up' again to re-fetch)"
  fi
  [[ -d "$tmp/elasticsearch-$ES_VERSION" ]] || die "elasticsearch: unexpected zip layout in $ES_ZIP"
  mv "$tmp/elasticsearch-$ES_VERSION" "$ES_HOME"
  rm -rf "$tmp"
  touch "$ES_HOME/.cfy-stack-complete"
}

es_configure() {
  mkdir -p "$ES_DATA" "$ES_LOGS" "$ES_TMP"
  if [[ ! -f "$ES_CONF/.cfy-stack-$ES_VERSION" ]]; then
    # Fresh config dir from the distribution (log4j2.properties, jvm.options, ...).
    rm -rf "$ES_CONF"
    cp -a "$ES_HOME/config" "$ES_CONF"
    touch "$ES_CONF/.cfy-stack-$ES_VERSION"
  fi
  # shellcheck disable=SC2034
  local ES_DATA_DIR=$ES_DATA ES_LOG_DIR=$ES_LOGS changed=0
  render "$SCRIPT_DIR/elasticsearch.yml.tmpl" "$ES_CONF/elasticsearch.yml" \
    ES_DATA_DIR ES_LOG_DIR ES_HTTP_PORT ES_TRANSPORT_PORT && changed=1
  mkdir -p "$ES_CONF/jvm.options.d"
  local heap_opts="$ES_CONF/jvm.options.d/cfy-stack-heap.options"
  if [[ ! -f "$heap_opts" ]] || [[ "$(<"$heap_opts")" != "$(printf -- '-Xms%s\n-Xmx%s' "$ES_HEAP" "$ES_HEAP")" ]]; then
    printf -- '-Xms%s\n-Xmx%s\n' "$ES_HEAP" "$ES_HEAP" >"$heap_opts"
    changed=1
  fi
  if is_root; then
    chown -R "$ES_USER:$ES_USER" "$ES_BASE" "$ES_DATA" "$ES_LOGS"
    # ES writes its own pid file: let its group write into run/.
    chgrp "$ES_USER" "$RUN_DIR"
    chmod 0775 "$RUN_DIR"
  fi
  return $((1 - changed))
}

run_es_launcher() { # java_home
  # `-d` daemonizes; the launcher returns once the node has started (or failed).
  # Run from the log dir (the JVM's gc.log/hs_err files are relative) with a
  # clean environment.
  cd "$ES_LOGS"
  # setsid: the daemon gets its own session, so it survives the caller's
  # terminal or CI step ending (SIGHUP / process-group kills).
  local -a runas=() envs=(
    PATH=/usr/local/bin:/usr/bin:/bin HOME="$ES_BASE" LANG=C.UTF-8
    ES_JAVA_HOME="$1" ES_PATH_CONF="$ES_CONF" ES_TMPDIR="$ES_TMP"
  )
  is_root && runas=(runuser -u "$ES_USER" --)
  [[ -n "${ES_JAVA_OPTS:-}" ]] && envs+=(ES_JAVA_OPTS="$ES_JAVA_OPTS")
  setsid -w "${runas[@]}" env -i "${envs[@]}" \
    timeout "$ES_START_TIMEOUT" "$ES_HOME/bin/elasticsearch" -d -p "$ES_PID"
}

up_es() {
  if ((EXT_ES)); then
    local st
    es_answers "$ES_URL" || die "elasticsearch: ES_URL=$(mask_url "$ES_URL") does not answer (GET /_cluster/health). Fix the URL, or unset ES_URL to run a local Elasticsearch."
    st=$(es_wait_healthy "$ES_URL" 60) || die "elasticsearch: ES_URL=$(mask_url "$ES_URL") answers but the cluster is not yellow/green within 60s."
    log "elasticsearch: using ES_URL=$(mask_url "$ES_URL") (cluster $st; not provisioned)"
    return 0
  fi

  local pid java_home status rc=0 t0
  if pid=$(pid_alive "$ES_PID" org.elasticsearch); then
    log "elasticsearch: already running (pid $pid)"
    if [[ -x "$ES_HOME/bin/elasticsearch" ]] && es_configure; then
      warn "elasticsearch: config in $ES_CONF changed; run 'stack.sh down && stack.sh up' to apply it"
    fi
  elif es_answers "$ES_LOCAL_URL"; then
    warn "elasticsearch: something not started by stack.sh already answers on $ES_LOCAL_URL; using it"
  else
    java_home=$(find_java17) ||
      die "elasticsearch: no usable Java 17 (ES_JAVA_HOME, or /usr/lib/jvm/java-17-*). Install it (apt-get install -y openjdk-17-jre-headless), set ES_JAVA_HOME, or set ES_URL to a running Elasticsearch."
    if tcp_open 127.0.0.1 "$ES_HTTP_PORT"; then
      die "elasticsearch: port $ES_HTTP_PORT is taken by a process that is not a healthy Elasticsearch. Free it, or set ES_URL."
    fi
    ensure_es_user
    es_fetch_and_unpack
    es_configure || true
    ensure_es_traverse
    rm -f "$ES_PID"
    log "elasticsearch: starting $ES_VERSION as user $(is_root && echo "$ES_USER" || id -un) (Java: $java_home, heap $ES_HEAP)"
    t0=$SECONDS
    (run_es_launcher "$java_home") </dev/null >"$ES_LOGS/startup.log" 2>&1 9>&- || rc=$?
    if ((rc != 0)); then
      tail -n 25 "$ES_LOGS/startup.log" >&2 || true
      die "elasticsearch: failed to start (launcher exit $rc). $(es_log_hint)"
    fi
    wait_until 15 1 pid_alive "$ES_PID" org.elasticsearch >/dev/null && pid=$(pid_alive "$ES_PID" org.elasticsearch) || {
      tail -n 25 "$ES_LOGS/startup.log" >&2 || true
      die "elasticsearch: launcher returned but there is no live process in $ES_PID. $(es_log_hint)"
    }
    log "elasticsearch: started (pid $pid) in $((SECONDS - t0))s; waiting for cluster health"
  fi
  status=$(es_wait_healthy "$ES_LOCAL_URL" "$ES_START_TIMEOUT") ||
    die "elasticsearch: cluster not yellow/green on $ES_LOCAL_URL within ${ES_START_TIMEOUT}s. $(es_log_hint)"
  log "elasticsearch: $ES_LOCAL_URL healthy (cluster $status, version $(es_version "$ES_LOCAL_URL"))"
}

status_es() {
  local state=down ver="-" health="-" body pid
  if es_answers "$ES_URL"; then
    state=up
    ver=$(es_version "$ES_URL")
    body=$(http_get "$ES_URL/_cluster/health") || body=""
    health=$(json_str status <<<"$body")
  fi
  local note=""
  ((EXT_ES)) || { pid=$(pid_alive "$ES_PID" org.elasticsearch) && note="pid=$pid" || true; }
  printf '%-14s %-5s %-40s version=%s cluster=%s %s\n' elasticsearch "$state" "$(mask_url "$ES_URL")" "$ver" "${health:--}" "$note"
  [[ $state == up ]]
}

down_es() {
  if ((EXT_ES)); then
    log "elasticsearch: ES_URL is external; not stopping it"
    return 0
  fi
  stop_pidfile elasticsearch "$ES_PID" org.elasticsearch 90
  if es_answers "$ES_LOCAL_URL"; then
    warn "elasticsearch: something still answers on $ES_LOCAL_URL (not started by stack.sh); left alone"
  fi
}

# =============================================================================
# InfluxDB 1.x
# =============================================================================
INFLUX_LOCAL_URL="http://127.0.0.1:$INFLUX_HTTP_PORT"

influx_ping_code() { http_code "$1/ping"; }
influx_answers() { [[ $(influx_ping_code "$1") == 204 ]]; }
influx_version() {
  curl -s -o /dev/null -D - --connect-timeout 3 --max-time 10 "$1/ping" 2>/dev/null |
    tr -d '\r' | sed -n 's/^[Xx]-[Ii]nflux[Dd][Bb]-[Vv]ersion: *//p' | head -n1
}

up_influx() {
  if ((EXT_INFLUX)); then
    influx_answers "$INFLUX_URL" || die "influxdb: INFLUX_URL=$(mask_url "$INFLUX_URL") does not answer (GET /ping -> $(influx_ping_code "$INFLUX_URL"), expected 204). Fix the URL, or unset INFLUX_URL to run a local InfluxDB."
    log "influxdb: using INFLUX_URL=$(mask_url "$INFLUX_URL") (version $(influx_version "$INFLUX_URL"); not provisioned)"
    return 0
  fi

  local pid
  if pid=$(pid_alive "$INFLUX_PID" influxd); then
    log "influxdb: already running (pid $pid)"
  elif influx_answers "$INFLUX_LOCAL_URL"; then
    warn "influxdb: something not started by stack.sh already answers on $INFLUX_LOCAL_URL; using it"
  else
    if ! command -v influxd >/dev/null; then
      log "influxdb: influxd is not installed; installing Debian's influxdb package"
      apt_install influxdb ||
        die "influxdb: could not install the influxdb package. Install InfluxDB 1.x (apt-get install -y influxdb) or set INFLUX_URL to a running InfluxDB."
      # Without a policy-rc.d the package starts a system-wide influxd via its
      # init script (on :8086/:8088 with /etc/influxdb); stop that one.
      if [[ -x /etc/init.d/influxdb ]] && pid_alive /var/run/influxdb/influxd.pid influxd >/dev/null; then
        log "influxdb: stopping the influxd that the package's init script started"
        /etc/init.d/influxdb stop </dev/null >>"$APT_LOG" 2>&1 9>&- || true
        wait_until 30 1 eval '! pid_alive /var/run/influxdb/influxd.pid influxd >/dev/null' || true
      fi
    fi
    if tcp_open 127.0.0.1 "$INFLUX_HTTP_PORT" || tcp_open 127.0.0.1 "$INFLUX_RPC_PORT"; then
      die "influxdb: port $INFLUX_HTTP_PORT or $INFLUX_RPC_PORT is taken by a process that is not a healthy InfluxDB. Free it, or set INFLUX_URL."
    fi
    mkdir -p "$INFLUX_BASE" "$INFLUX_DATA"/{meta,data,wal} "$LOG_DIR" "$RUN_DIR"
    # shellcheck disable=SC2034
    local INFLUX_DATA_DIR=$INFLUX_DATA
    render "$SCRIPT_DIR/influxdb.conf.tmpl" "$INFLUX_CONF" INFLUX_DATA_DIR INFLUX_HTTP_PORT INFLUX_RPC_PORT || true
    rm -f "$INFLUX_PID"
    log "influxdb: starting influxd ($(influxd version 2>/dev/null | head -n1 || echo '?')) with $INFLUX_CONF"
    # New session, no stdin: survives the caller's terminal/CI step ending.
    printf '\n==== %s stack.sh up ====\n' "$(date -Is)" >>"$INFLUX_LOG"
    setsid influxd run -config "$INFLUX_CONF" -pidfile "$INFLUX_PID" </dev/null >>"$INFLUX_LOG" 2>&1 9>&- &
    local bgpid=$! t0=$SECONDS
    if ! wait_until "$INFLUX_START_TIMEOUT" 1 influx_answers "$INFLUX_LOCAL_URL"; then
      kill "$bgpid" 2>/dev/null || true
      tail -n 20 "$INFLUX_LOG" >&2 || true
      die "influxdb: $INFLUX_LOCAL_URL/ping did not answer 204 within ${INFLUX_START_TIMEOUT}s. See $INFLUX_LOG"
    fi
    # influxd writes the pid file itself; fall back to the pid we started.
    pid_alive "$INFLUX_PID" influxd >/dev/null || echo "$bgpid" >"$INFLUX_PID"
    pid=$(pid_alive "$INFLUX_PID" influxd) || die "influxdb: answers but no live influxd pid recorded in $INFLUX_PID"
    log "influxdb: started (pid $pid) in $((SECONDS - t0))s"
  fi
  log "influxdb: $INFLUX_LOCAL_URL answers (version $(influx_version "$INFLUX_LOCAL_URL"))"
}

status_influx() {
  local state=down ver="-" note="" pid
  if influx_answers "$INFLUX_URL"; then
    state=up
    ver=$(influx_version "$INFLUX_URL")
  fi
  ((EXT_INFLUX)) || { pid=$(pid_alive "$INFLUX_PID" influxd) && note="pid=$pid" || true; }
  printf '%-14s %-5s %-40s version=%s %s\n' influxdb "$state" "$(mask_url "$INFLUX_URL")" "${ver:-?}" "$note"
  [[ $state == up ]]
}

down_influx() {
  if ((EXT_INFLUX)); then
    log "influxdb: INFLUX_URL is external; not stopping it"
    return 0
  fi
  stop_pidfile influxdb "$INFLUX_PID" influxd 30
  if influx_answers "$INFLUX_LOCAL_URL"; then
    warn "influxdb: something still answers on $INFLUX_LOCAL_URL (not started by stack.sh); left alone"
  fi
}

# =============================================================================
# verbs
# =============================================================================
cmd_up() {
  local t0=$SECONDS
  take_lock
  log "up: cache dir $STACK_HOME"
  up_rabbitmq
  up_influx
  up_es
  log "up: all services ready in $((SECONDS - t0))s. Use: source $SCRIPT_DIR/env.sh"
}

cmd_status() {
  local rc=0
  status_rabbitmq || rc=1
  status_es || rc=1
  status_influx || rc=1
  return $rc
}

cmd_down() {
  local all=0
  case "${1:-}" in
    "") ;;
    --all) all=1 ;;
    *) die "down: unknown option '$1' (only --all)" ;;
  esac
  take_lock
  down_es
  down_influx
  down_rabbitmq "$all"
}

show_log() { # file
  if [[ -f "$1" ]]; then
    printf '==> %s (last %s lines) <==\n' "$1" "$LOG_LINES"
    tail -n "$LOG_LINES" "$1"
    echo
  else
    printf '==> %s (not there yet) <==\n' "$1"
  fi
}

cmd_logs() {
  local svc=${1:-all} f
  case "$svc" in
    all | rabbitmq | rabbit | elasticsearch | es | influxdb | influx) ;;
    *) die "logs: unknown service '$svc' (rabbitmq | elasticsearch | influxdb)" ;;
  esac
  if [[ $svc == all || $svc == rabbit* ]]; then
    while read -r f; do [[ -n "$f" ]] && show_log "$f"; done < <(rabbit_log_files)
  fi
  if [[ $svc == all || $svc == es || $svc == elasticsearch ]]; then
    show_log "$ES_LOGS/cfy-local.log"
    show_log "$ES_LOGS/startup.log"
  fi
  if [[ $svc == all || $svc == influx* ]]; then
    show_log "$INFLUX_LOG"
  fi
  printf 'Other logs: %s (apt.log, maven.log, rabbitmq-start.log, elasticsearch/*.json, gc.log)\n' "$LOG_DIR"
}

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

main() {
  local verb=${1:-}
  [[ $# -gt 0 ]] && shift
  case "$verb" in
    up) [[ $# -eq 0 ]] || die "up takes no arguments"; cmd_up ;;
    status) cmd_status ;;
    down) cmd_down "$@" ;;
    logs) cmd_logs "$@" ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"

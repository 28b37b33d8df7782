#!/usr/bin/env bash
# Brings up a whole local manager: workspace dependencies, the backing services
# (deploy/local/stack.sh) and every service under apps/ (an app with a `start` script).
#
#   bash tools/manager.sh up       install, start the stack, start every service
#   bash tools/manager.sh status   stack status plus one line per service
#   bash tools/manager.sh down     stop the services (SIGTERM, then wait), then the stack
#   bash tools/manager.sh logs     where each service logs
#
# Services run from TypeScript source through their `start` scripts (tsx), one process each; pids and logs
# live under ${CFY_STACK_HOME:-$HOME/.cache/cfy-stack}/manager.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_DIR="${CFY_STACK_HOME:-$HOME/.cache/cfy-stack}/manager"
cd "$ROOT"

log() { printf '[manager] %s\n' "$*"; }

ensure_dependencies() {
  if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    log "installing workspace dependencies (npm install)"
    # Not `npm ci`: see .ci/run (the lock cannot list other platforms' optional binaries here).
    npm install --no-audit --no-fund
  fi
}

# A service is an app with a `start` script (the CLI and the host agent are apps, not services).
services() {
  local manifest
  for manifest in apps/*/package.json; do
    node -e 'process.exit(require(process.argv[1]).scripts?.start ? 0 : 1)' "$PWD/$manifest" || continue
    basename "$(dirname "$manifest")"
  done
}

pid_of() {
  local file="$STATE_DIR/$1.pid"
  [[ -f "$file" ]] && kill -0 "$(cat "$file")" 2>/dev/null && cat "$file"
}

start_service() {
  local name=$1 pid
  if pid=$(pid_of "$name"); then
    log "$name already running (pid $pid)"
    return
  fi
  mkdir -p "$STATE_DIR"
  # shellcheck disable=SC1091
  source deploy/local/env.sh
  local script
  script=$(node -p "require('./apps/$name/package.json').scripts.start")
  # The app's own start script (it may carry runtime flags, such as the indexer's heap cap), run
  # from the app's folder; exec all the way down so the recorded pid is the service's.
  (cd "apps/$name" && PATH="$ROOT/node_modules/.bin:$PATH" exec nohup bash -c "exec $script") >>"$STATE_DIR/$name.log" 2>&1 &
  echo $! >"$STATE_DIR/$name.pid"
  log "$name started (pid $!, log $STATE_DIR/$name.log)"
}

stop_service() {
  local name=$1 pid
  pid=$(pid_of "$name") || return 0
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { log "$name stopped"; rm -f "$STATE_DIR/$name.pid"; return 0; }
    sleep 0.5
  done
  log "$name did not stop within 30 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$STATE_DIR/$name.pid"
}

case "${1:-}" in
  up)
    ensure_dependencies
    bash deploy/local/stack.sh up
    list=$(services)
    if [[ -z "$list" ]]; then
      log "no services under apps/ yet; the backing services are up"
    fi
    for name in $list; do start_service "$name"; done
    ;;
  status)
    bash deploy/local/stack.sh status || true
    for name in $(services); do
      if pid=$(pid_of "$name"); then log "$name up (pid $pid)"; else log "$name down"; fi
    done
    ;;
  down)
    for name in $(services); do stop_service "$name"; done
    bash deploy/local/stack.sh down "${@:2}"
    ;;
  logs)
    for name in $(services); do log "$name: $STATE_DIR/$name.log"; done
    bash deploy/local/stack.sh logs "${@:2}"
    ;;
  *)
    echo "usage: bash tools/manager.sh up|status|down|logs" >&2
    exit 2
    ;;
esac

# shellcheck shell=bash
# Default URLs of the local backing services started by deploy/local/stack.sh.
#
#   source deploy/local/env.sh      # exports the variables (keeps values already set)
#   bash deploy/local/env.sh        # prints `export NAME=value` lines (for eval)
#
# Safe to source from a shell running with `set -euo pipefail`; changes no
# shell options. Values that are already set (and non-empty) win.
: "${AMQP_URL:=amqp://guest:guest@127.0.0.1:5672}"
: "${ES_URL:=http://127.0.0.1:9200}"
: "${INFLUX_URL:=http://127.0.0.1:8086}"
: "${RABBITMQ_MGMT_URL:=http://guest:guest@127.0.0.1:15672}"
export AMQP_URL ES_URL INFLUX_URL RABBITMQ_MGMT_URL

if [[ "${BASH_SOURCE[0]:-$0}" == "$0" ]]; then
  for __cfy_v in AMQP_URL ES_URL INFLUX_URL RABBITMQ_MGMT_URL; do
    printf 'export %s=%q\n' "$__cfy_v" "${!__cfy_v}"
  done
  unset __cfy_v
fi

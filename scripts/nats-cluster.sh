#!/usr/bin/env bash
# A local 3-node NATS cluster with JetStream, bound to 127.0.0.1 only, for tests and benchmarks of
# the NATS orderer (src/ledger/ordering/nats.ts).
#
#   scripts/nats-cluster.sh start  [--dir DIR] [--base-port P]   prints the client URLs
#   scripts/nats-cluster.sh status [--dir DIR]                   one line per node: pid and up/down
#   scripts/nats-cluster.sh stop   [--dir DIR] [--clean]         --clean also deletes DIR
#
# DIR defaults to ${REALDID_NATS_DIR:-${TMPDIR:-/tmp}/realdid-nats}, P to ${REALDID_NATS_PORT:-14222}.
# Node nX (X = 1..3) listens for clients on P+X-1, for routes on P+2000+X-1 and serves monitoring
# on P+4000+X-1; it reads DIR/nX.conf, keeps JetStream data in DIR/nX, logs to DIR/nX.log and
# writes its PID to DIR/nX.pid. Each server runs with GOMAXPROCS = cores ÷ 3 (at least 1;
# $GOMAXPROCS overrides), as the three share this machine. Exit codes: 0 ok, 1 failure,
# 2 nats-server missing, 3 (status) not every node is up, 64 usage.
set -euo pipefail

readonly NODES=(1 2 3)
readonly START_TIMEOUT_S=20
readonly STOP_TIMEOUT_S=5

usage() {
  sed -n '5,7p' "${BASH_SOURCE[0]}" | sed 's/^#   //' >&2
  exit 64
}

die() {
  echo "nats-cluster: $*" >&2
  exit 1
}

cmd="${1:-}"
[[ -n "$cmd" ]] || usage
shift
dir="${REALDID_NATS_DIR:-${TMPDIR:-/tmp}/realdid-nats}"
base_port="${REALDID_NATS_PORT:-14222}"
port_given=0
clean=0
while (($# > 0)); do
  case "$1" in
    --dir)
      (($# >= 2)) || usage
      dir="$2"
      shift 2
      ;;
    --base-port)
      (($# >= 2)) || usage
      base_port="$2"
      port_given=1
      shift 2
      ;;
    --clean)
      clean=1
      shift
      ;;
    *) usage ;;
  esac
done
# Absolute and clean (no `//`, `.`), as nats-server reports its store dir in /jsz.
[[ "$dir" == /* ]] || dir="$PWD/$dir"
if command -v realpath >/dev/null 2>&1; then dir="$(realpath -m "$dir")"; fi
[[ "$base_port" =~ ^[0-9]+$ ]] && ((base_port >= 1024 && base_port + 4002 <= 65535)) ||
  die "--base-port expected an integer in 1024..61533, got '$base_port'"

client_port() { echo $((base_port + $1 - 1)); }
route_port() { echo $((base_port + 2000 + $1 - 1)); }
monitor_port() { echo $((base_port + 4000 + $1 - 1)); }

urls() {
  local n out=()
  for n in "${NODES[@]}"; do out+=("nats://127.0.0.1:$(client_port "$n")"); done
  local IFS=,
  echo "${out[*]}"
}

# The nats-server binary: $NATS_SERVER when set (and only it), else PATH, else Debian's /usr/sbin
# (not on every user's PATH).
find_nats_server() {
  if [[ -n "${NATS_SERVER:-}" ]]; then
    [[ -x "$NATS_SERVER" ]] && echo "$NATS_SERVER"
  elif command -v nats-server >/dev/null 2>&1; then
    command -v nats-server
  elif [[ -x /usr/sbin/nats-server ]]; then
    echo /usr/sbin/nats-server
  else
    return 1
  fi
}

# True when PID is a live (not zombie) nats-server process.
is_nats_pid() {
  local pid="$1" comm state
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  if [[ -r "/proc/$pid/stat" ]]; then
    comm="$(cat "/proc/$pid/comm" 2>/dev/null)" || return 1
    state="$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
    [[ "$comm" == nats-server && "$state" != Z && "$state" != X ]]
  else
    [[ "$(ps -p "$pid" -o comm= 2>/dev/null)" == *nats-server* ]]
  fi
}

# The PID of node N when it is alive, else nothing (exit 1).
live_pid() {
  local file="$dir/n$1.pid" pid
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file" 2>/dev/null)" || return 1
  is_nats_pid "$pid" || return 1
  echo "$pid"
}

# GET http://127.0.0.1:PORT/PATH, body on stdout; fails on a non-2xx answer or no answer.
http_get() {
  local port="$1" path="$2"
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 2 "http://127.0.0.1:$port$path" 2>/dev/null
  else
    local reply status
    exec 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null || return 1
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$path" >&3
    reply="$(timeout 2 cat <&3)" || true
    exec 3<&- 3>&-
    status="$(head -n1 <<<"$reply" | cut -d' ' -f2)"
    [[ "$status" == 2* ]] || return 1
    sed '1,/^\r\{0,1\}$/d' <<<"$reply"
  fi
}

# Node N is ready: /healthz says ok and /jsz, from this node (its store dir), names a JetStream
# meta leader.
node_ready() {
  local port body
  port="$(monitor_port "$1")"
  body="$(http_get "$port" /healthz)" || return 1
  [[ "$body" =~ \"status\":[[:space:]]*\"ok\" ]] || return 1
  body="$(http_get "$port" /jsz)" || return 1
  [[ "$body" == *"\"store_dir\": \"$dir/n$1/jetstream\""* ]] || return 1
  [[ "$body" =~ \"meta_cluster\":[[:space:]]*\{[^}]*\"leader\":[[:space:]]*\"[^\"]+\" ]]
}

write_conf() {
  local n="$1" m routes=()
  for m in "${NODES[@]}"; do routes+=("nats-route://127.0.0.1:$(route_port "$m")"); done
  cat >"$dir/n$n.conf" <<EOF
# Written by scripts/nats-cluster.sh; rewritten on every start.
server_name: n$n
host: 127.0.0.1
port: $(client_port "$n")
http: 127.0.0.1:$(monitor_port "$n")
jetstream {
  store_dir: "$dir/n$n"
}
cluster {
  name: realdid
  listen: 127.0.0.1:$(route_port "$n")
  routes: [
$(printf '    %s\n' "${routes[@]}")
  ]
}
EOF
}

# The base port the cluster in DIR was configured with (from n1.conf), if any.
configured_base_port() {
  [[ -f "$dir/n1.conf" ]] || return 1
  sed -n 's/^port: *\([0-9][0-9]*\)$/\1/p' "$dir/n1.conf"
}

# True when something accepts TCP connections on 127.0.0.1:PORT.
port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

stop_pids() {
  local pids=("$@") pid deadline
  ((${#pids[@]} > 0)) || return 0
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  deadline=$((SECONDS + STOP_TIMEOUT_S))
  for pid in "${pids[@]}"; do
    while is_nats_pid "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
    if is_nats_pid "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  done
  for pid in "${pids[@]}"; do
    while is_nats_pid "$pid"; do sleep 0.05; done
  done
}

cmd_start() {
  local bin n m port pid started=() starting=() deadline gomaxprocs
  # The three servers share this machine: each Go runtime gets a third of its cores (at least
  # one), so that idle servers do not spin on cores the others need. $GOMAXPROCS overrides.
  gomaxprocs="${GOMAXPROCS:-$(($(nproc) / 3 > 0 ? $(nproc) / 3 : 1))}"
  bin="$(find_nats_server)" || {
    echo "nats-server not found: apt-get install nats-server" >&2
    exit 2
  }
  local running
  running="$(for n in "${NODES[@]}"; do live_pid "$n" || true; done)"
  if [[ -n "$running" ]]; then
    local existing
    existing="$(configured_base_port)" || die "nodes run in $dir but n1.conf is missing"
    if ((port_given)) && ((existing != base_port)); then
      die "the cluster in $dir runs on base port $existing, not $base_port"
    fi
    base_port="$existing"
  fi
  for n in "${NODES[@]}"; do
    live_pid "$n" >/dev/null && continue
    for port in "$(client_port "$n")" "$(route_port "$n")" "$(monitor_port "$n")"; do
      port_busy "$port" && die "port $port (node n$n) is already in use on 127.0.0.1"
    done
  done
  mkdir -p "$dir"
  for n in "${NODES[@]}"; do
    live_pid "$n" >/dev/null && continue
    [[ -n "$running" ]] || write_conf "$n"
    mkdir -p "$dir/n$n"
    GOMAXPROCS="$gomaxprocs" "$bin" -c "$dir/n$n.conf" </dev/null >>"$dir/n$n.log" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/n$n.pid"
    started+=("$pid")
    starting+=("$n")
  done
  deadline=$((SECONDS + START_TIMEOUT_S))
  for n in "${NODES[@]}"; do
    until node_ready "$n"; do
      if ! live_pid "$n" >/dev/null || ((SECONDS >= deadline)); then
        local why="did not become ready within ${START_TIMEOUT_S}s"
        live_pid "$n" >/dev/null || why="exited"
        echo "nats-cluster: node n$n $why; stopping the nodes this start started" >&2
        stop_pids "${started[@]}"
        for m in "${starting[@]}"; do
          rm -f "$dir/n$m.pid"
          echo "--- $dir/n$m.log (tail)" >&2
          tail -n 15 "$dir/n$m.log" >&2 || true
        done
        exit 1
      fi
      sleep 0.1
    done
  done
  urls
}

cmd_stop() {
  local n pid pids=()
  for n in "${NODES[@]}"; do
    if pid="$(live_pid "$n")"; then pids+=("$pid"); fi
  done
  stop_pids "${pids[@]}"
  for n in "${NODES[@]}"; do rm -f "$dir/n$n.pid"; done
  if ((clean)); then rm -rf "$dir"; fi
}

cmd_status() {
  local n pid rc=0
  base_port="$(configured_base_port)" || base_port="$base_port"
  for n in "${NODES[@]}"; do
    if pid="$(live_pid "$n")"; then
      echo "n$n pid $pid up nats://127.0.0.1:$(client_port "$n")"
    else
      echo "n$n pid - down"
      rc=3
    fi
  done
  return "$rc"
}

case "$cmd" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) usage ;;
esac

#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft, broker+controller in one JVM) built from Maven Central
# jars, for tests and for trying the service without Docker.
#
#   bash infra/kafka/kafka.sh fetch    download the broker jars once into the cache
#   bash infra/kafka/kafka.sh start    start in the background (idempotent); last stdout line: KAFKA_BROKERS=...
#   bash infra/kafka/kafka.sh stop     SIGTERM, then SIGKILL after KAFKA_STOP_TIMEOUT seconds
#   bash infra/kafka/kafka.sh status   running|stopped, then KAFKA_BROKERS=... (exit 0 running, 3 stopped)
#   bash infra/kafka/kafka.sh run      start in the foreground, follow the log, stop on Ctrl-C
#   bash infra/kafka/kafka.sh reset    stop and delete the state dir (topics and offsets are lost)
#   bash infra/kafka/kafka.sh watch T  print topic T from the beginning (key, headers, value) until Ctrl-C
#
# Environment: KAFKA_VERSION (3.9.1), KAFKA_CACHE_DIR (~/.cache/governance-tracker/kafka-<version>),
# KAFKA_STATE_DIR (<repo>/.kafka), KAFKA_PORT (first start: a free port; then the port kept in the state dir),
# KAFKA_JVM_OPTS (-Xmx512m -Xms128m), KAFKA_START_TIMEOUT (120 s), KAFKA_STOP_TIMEOUT (30 s).
#
# The ports are chosen once per state dir and kept in <state>/ports, so a stopped broker comes back on the
# same address and clients reconnect on their own (tests stop/start it to simulate an outage). Data also
# lives in the state dir, so a restart keeps topics and committed offsets.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

KAFKA_VERSION="${KAFKA_VERSION:-3.9.1}"
CACHE_DIR="${KAFKA_CACHE_DIR:-${HOME}/.cache/governance-tracker/kafka-${KAFKA_VERSION}}"
# Absolute, because the broker's command line (matched to find its pid) and its log.dirs hold this path.
STATE_DIR="$(realpath -m "${KAFKA_STATE_DIR:-${REPO_ROOT}/.kafka}")"
CACHE_DIR="$(realpath -m "$CACHE_DIR")"
JVM_OPTS="${KAFKA_JVM_OPTS:--Xmx512m -Xms128m}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
LOCK_TIMEOUT="${KAFKA_LOCK_TIMEOUT:-600}"

CACHE_MARKER="$CACHE_DIR/.fetched-kafka-$KAFKA_VERSION"
STATE_MARKER="$STATE_DIR/.kafka-state-dir"
PID_FILE="$STATE_DIR/broker.pid"
PORTS_FILE="$STATE_DIR/ports"
PROPS_FILE="$STATE_DIR/server.properties"
DATA_DIR="$STATE_DIR/data"
LOG_DIR="$STATE_DIR/logs"
OUT_FILE="$STATE_DIR/logs/kafka.out"

log() { echo "[kafka] $*" >&2; }
die() {
  echo "[kafka] error: $*" >&2
  exit 1
}

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed ($2)"; }

# ---------------------------------------------------------------------------------------------- fetch
is_fetched() { [[ -f "$CACHE_MARKER" ]]; }

cmd_fetch() {
  if is_fetched; then
    log "Kafka $KAFKA_VERSION jars already cached in $CACHE_DIR"
    return 0
  fi
  need mvn "Maven fetches the broker jars from Maven Central"
  need java "the broker runs on Java 17+"
  mkdir -p "$(dirname "$CACHE_DIR")"
  # Several test workers may fetch at once: one downloads, the others wait and then find the marker.
  exec 8>"$CACHE_DIR.lock"
  flock -w "$LOCK_TIMEOUT" 8 || die "timed out waiting for another fetch ($CACHE_DIR.lock)"
  if is_fetched; then
    flock -u 8
    exec 8>&-
    log "Kafka $KAFKA_VERSION jars already cached in $CACHE_DIR"
    return 0
  fi
  log "fetching Kafka $KAFKA_VERSION (kafka_2.13 and its runtime dependencies) from Maven Central into $CACHE_DIR ..."
  rm -rf "$CACHE_DIR"
  mkdir -p "$CACHE_DIR"
  local started=$SECONDS mvn_log
  mvn_log="$(mktemp)"
  # Debian's Maven prints colour resets even with -B; strip them.
  if ! mvn -q -B -f "$SCRIPT_DIR/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$CACHE_DIR" 8>&- 2>&1 |
    sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d' | tee "$mvn_log" >&2; then
    rm -rf "$CACHE_DIR"
    local first_error
    first_error="$(grep -m1 '^\[ERROR\]' "$mvn_log" | cut -c1-400 || true)"
    rm -f "$mvn_log"
    die "mvn dependency:copy-dependencies failed: ${first_error:-see the Maven output above}"
  fi
  rm -f "$mvn_log"
  ls "$CACHE_DIR"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1 || die "kafka_2.13-$KAFKA_VERSION.jar missing from $CACHE_DIR after mvn"
  local count
  count=$(find "$CACHE_DIR" -maxdepth 1 -name '*.jar' | wc -l)
  echo "kafka $KAFKA_VERSION, $count jars, fetched $(date -u +%FT%TZ)" >"$CACHE_MARKER"
  log "fetched $count jars ($(du -sh "$CACHE_DIR" | cut -f1)) in $((SECONDS - started)) s"
  flock -u 8
  exec 8>&-
}

# ---------------------------------------------------------------------------------------------- helpers
lock_state() {
  mkdir -p "$STATE_DIR"
  [[ -f "$STATE_MARKER" ]] || echo "state dir of infra/kafka/kafka.sh; 'kafka.sh reset' deletes it" >"$STATE_MARKER"
  exec 9>"$STATE_DIR/.lock"
  flock -w "$LOCK_TIMEOUT" 9 || die "timed out waiting for another kafka.sh in $STATE_DIR (.lock)"
}

unlock_state() {
  flock -u 9 || true
  exec 9>&-
}

# Pid of the broker of this state dir, if it is alive. The command line is checked so a recycled pid
# is never mistaken for (or signalled as) our broker.
broker_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $PROPS_FILE" || return 1
  echo "$pid"
}

read_ports() {
  PORT=""
  CPORT=""
  if [[ -f "$PORTS_FILE" ]]; then
    # shellcheck disable=SC1090
    source "$PORTS_FILE"
  fi
}

port_free() {
  node -e '
    const s = require("node:net").createServer();
    s.once("error", () => process.exit(1));
    s.listen({ port: Number(process.argv[1]), host: "127.0.0.1", exclusive: true }, () => s.close(() => process.exit(0)));
  ' "$1"
}

# Two distinct free loopback ports, held open together so they cannot be the same one.
free_ports() {
  node -e '
    const net = require("node:net");
    const open = () => new Promise((ok, ko) => { const s = net.createServer(); s.once("error", ko); s.listen(0, "127.0.0.1", () => ok(s)); });
    Promise.all([open(), open()]).then((ss) => { console.log(ss.map((s) => s.address().port).join(" ")); ss.forEach((s) => s.close()); });
  '
}

brokers_line() { echo "KAFKA_BROKERS=127.0.0.1:$PORT"; }

wait_ready() { # timeout_seconds [pid]
  node "$SCRIPT_DIR/wait-ready.mjs" "127.0.0.1:$PORT" "$1" "${2:-}"
}

write_properties() {
  mkdir -p "$DATA_DIR" "$LOG_DIR"
  cat >"$PROPS_FILE" <<EOF
# Written by infra/kafka/kafka.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CPORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA_DIR

# One node: every internal topic has a single replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
# Fewer internal partitions than the defaults (50) so the first consumer group starts in well under a second.
offsets.topic.num.partitions=3
transaction.state.log.num.partitions=3

group.initial.rebalance.delay.ms=0
num.partitions=3
auto.create.topics.enable=false
num.network.threads=2
num.io.threads=4
EOF
}

# ---------------------------------------------------------------------------------------------- start
# Starts the broker if needed; expects the state lock to be held. Prints nothing on stdout.
start_locked() {
  local pid
  read_ports
  if pid="$(broker_pid)"; then
    log "broker already running (pid $pid), checking it answers ..."
    [[ -z "${KAFKA_PORT:-}" || "$KAFKA_PORT" == "$PORT" ]] ||
      log "warning: KAFKA_PORT=$KAFKA_PORT ignored, the running broker listens on $PORT (stop it first to move it)"
    wait_ready "$START_TIMEOUT" "$pid" || die "broker pid $pid is running but does not answer on 127.0.0.1:$PORT; see $LOG_DIR/server.log"
    return 0
  fi
  rm -f "$PID_FILE"

  if [[ -n "${KAFKA_PORT:-}" ]]; then
    PORT="$KAFKA_PORT"
  fi
  if [[ -z "$PORT" || -z "$CPORT" ]]; then
    local picked
    picked="$(free_ports)"
    [[ -n "$PORT" ]] || PORT="${picked%% *}"
    [[ -n "$CPORT" ]] || CPORT="${picked##* }"
    [[ "$PORT" != "$CPORT" ]] || CPORT="${picked%% *}"
  fi
  port_free "$PORT" || die "port $PORT (broker) is in use by another process; free it, set KAFKA_PORT, or delete $PORTS_FILE to pick new ports"
  port_free "$CPORT" || die "port $CPORT (controller) is in use by another process; free it or delete $PORTS_FILE to pick new ports"
  printf 'PORT=%s\nCPORT=%s\n' "$PORT" "$CPORT" >"$PORTS_FILE"

  write_properties
  local cp="$CACHE_DIR/*"
  local tools_log="-Dlog4j.configuration=file:$SCRIPT_DIR/tools-log4j.properties"
  if [[ ! -f "$DATA_DIR/meta.properties" ]]; then
    local cluster_id
    cluster_id="$(java "$tools_log" -cp "$cp" kafka.tools.StorageTool random-uuid 9>&- 2>>"$OUT_FILE" | tail -n 1)"
    [[ -n "$cluster_id" ]] || die "kafka.tools.StorageTool random-uuid printed nothing; see $OUT_FILE"
    log "formatting KRaft storage in $DATA_DIR (cluster id $cluster_id) ..."
    java "$tools_log" -cp "$cp" kafka.tools.StorageTool format -t "$cluster_id" -c "$PROPS_FILE" 9>&- >>"$OUT_FILE" 2>&1 ||
      die "kafka.tools.StorageTool format failed; see $OUT_FILE"
  fi

  log "starting Kafka $KAFKA_VERSION on 127.0.0.1:$PORT (controller 127.0.0.1:$CPORT), state in $STATE_DIR ..."
  echo "--- $(date -u +%FT%TZ) start" >>"$OUT_FILE"
  # setsid + nohup: the broker outlives this script and the shell or test runner that called it.
  # 9>&- so the broker does not inherit (and hold forever) the state lock.
  # shellcheck disable=SC2086
  setsid nohup java $JVM_OPTS -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dkafka.logs.dir="$LOG_DIR" -Dlog4j.configuration="file:$SCRIPT_DIR/log4j.properties" \
    -cp "$cp" kafka.Kafka "$PROPS_FILE" </dev/null >>"$OUT_FILE" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"

  local started=$SECONDS
  if ! wait_ready "$START_TIMEOUT" "$pid"; then
    log "broker did not become ready; last lines of its logs:"
    tail -n 20 "$OUT_FILE" >&2 || true
    tail -n 20 "$LOG_DIR/server.log" >&2 2>/dev/null || true
    terminate "$pid"
    rm -f "$PID_FILE"
    die "Kafka did not start within ${START_TIMEOUT}s"
  fi
  log "broker ready (pid $pid) in $((SECONDS - started)) s"
}

cmd_start() {
  need java "the broker runs on Java 17+"
  need node "kafka.sh checks ports and readiness with Node"
  need flock "util-linux: serialises concurrent starts"
  need setsid "util-linux: detaches the broker"
  cmd_fetch
  lock_state
  start_locked
  unlock_state
  brokers_line
}

# ---------------------------------------------------------------------------------------------- stop
# SIGTERM is a clean shutdown; a killed broker needs ~13 s more on its next start (the controller waits
# out broker.session.timeout.ms for the old incarnation), so SIGKILL is only the last resort.
terminate() {
  local pid="$1"
  kill -TERM "$pid" 2>/dev/null || return 0
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "broker did not stop within ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
}

stop_locked() {
  local pid
  if ! pid="$(broker_pid)"; then
    rm -f "$PID_FILE"
    log "broker not running ($STATE_DIR)"
    return 0
  fi
  log "stopping broker (pid $pid) ..."
  terminate "$pid"
  rm -f "$PID_FILE"
  log "broker stopped"
}

cmd_stop() {
  [[ -d "$STATE_DIR" ]] || {
    log "broker not running (no state dir $STATE_DIR)"
    return 0
  }
  lock_state
  stop_locked
  unlock_state
}

# ---------------------------------------------------------------------------------------------- status
cmd_status() {
  read_ports
  local pid
  if pid="$(broker_pid)"; then
    if wait_ready 5 "$pid" 2>/dev/null; then
      echo "running (pid $pid, Kafka $KAFKA_VERSION, state $STATE_DIR)"
    else
      echo "running but not answering yet (pid $pid, state $STATE_DIR)"
    fi
    brokers_line
    return 0
  fi
  echo "stopped (state $STATE_DIR)"
  [[ -z "$PORT" ]] || brokers_line
  return 3
}

# ---------------------------------------------------------------------------------------------- run
TAIL_PID=""
# shellcheck disable=SC2317  # invoked by the EXIT trap
run_on_exit() {
  # A second Ctrl-C (or npm forwarding the signal) must not cut the clean shutdown short.
  trap '' INT TERM HUP
  trap - EXIT
  [[ -z "$TAIL_PID" ]] || kill "$TAIL_PID" 2>/dev/null || true
  cmd_stop || true
}

cmd_run() {
  cmd_start
  local pid
  pid="$(broker_pid)" || die "broker exited right after starting; see $LOG_DIR/server.log"
  trap run_on_exit EXIT
  trap 'exit 130' INT TERM HUP
  log "following $LOG_DIR/server.log; Ctrl-C stops the broker"
  tail -n 0 -F "$LOG_DIR/server.log" --pid="$pid" &
  TAIL_PID=$!
  wait "$TAIL_PID" || true
  die "the broker exited on its own; see $LOG_DIR/server.log"
}

# ---------------------------------------------------------------------------------------------- reset
cmd_reset() {
  [[ -d "$STATE_DIR" ]] || return 0
  [[ -f "$STATE_MARKER" ]] || die "$STATE_DIR was not created by kafka.sh; not deleting it"
  lock_state
  stop_locked
  find "$STATE_DIR" -mindepth 1 -maxdepth 1 ! -name .lock ! -name "$(basename "$STATE_MARKER")" -exec rm -rf {} +
  unlock_state
  log "deleted the broker state in $STATE_DIR"
}

# ---------------------------------------------------------------------------------------------- watch
cmd_watch() {
  local topic="${1:-governance.events}"
  read_ports
  [[ -n "$PORT" ]] && broker_pid >/dev/null || die "no broker is running from $STATE_DIR: start one with 'npm run kafka' first"
  exec node "$SCRIPT_DIR/watch.mjs" "127.0.0.1:$PORT" "$topic"
}

case "${1:-}" in
fetch) cmd_fetch ;;
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
run) cmd_run ;;
reset) cmd_reset ;;
watch) cmd_watch "${2:-}" ;;
*)
  echo "usage: $0 fetch|start|stop|status|run|reset|watch [topic]" >&2
  exit 2
  ;;
esac

#!/usr/bin/env bash
# The test command: installs what the tests need from Debian (tests/prerequisites.sh: apt-get, through sudo when not
# root), starts a Docker engine when none answers (as root), then runs the whole suite and ends with one line:
# "N passed, N failed, N skipped". Arguments go to dotnet test, e.g. --filter "FullyQualifiedName~BadInput".
set -uo pipefail
cd "$(dirname "$0")/.."

tests/prerequisites.sh || exit 1

# A Docker engine for the service: docker suites (nothing is ever pulled: the tests load the image Package builds).
# By default dockerd sets the iptables FORWARD policy to DROP (br_netfilter is on), which would drop traffic between
# network namespaces bridged in the root namespace. service: docker uses host networking, so the engine needs no
# bridge, NAT or firewall rules at all: --iptables=false --ip-masq=false --bridge=none, and the FORWARD policy is
# checked to be what it was. An engine that already answers is used as it is and left running.
dockerd_pid=""
dockerd_log=/tmp/etcd-forge-dockerd.log
stop_engine() {
  [ -n "$dockerd_pid" ] || return 0
  # Only the engine this script started, by its PID; it stops its own containerd.
  kill "$dockerd_pid" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$dockerd_pid" 2>/dev/null; then
    echo "tests/run.sh: dockerd (pid $dockerd_pid) still running 30 s after SIGTERM; sending SIGKILL" >&2
    kill -KILL "$dockerd_pid" 2>/dev/null || true
  fi
  dockerd_pid=""
}
trap stop_engine EXIT
# Ctrl+C reaches the test run too (same process group); once it has stopped, EXIT stops the engine.
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

start_engine() {
  if [ "$(id -u)" != 0 ]; then
    echo "tests/run.sh: no Docker engine answers and starting one needs root; the Docker suites will be skipped (in CI: fail)" >&2
    return 0
  fi
  local forward_before forward_after
  forward_before=$(iptables -S FORWARD 2>/dev/null | head -1 || true)
  # setsid: its own session, so a Ctrl+C meant for the tests does not stop the engine under them. In a
  # non-interactive shell setsid execs in place, so $! is dockerd's own PID.
  setsid /usr/sbin/dockerd --iptables=false --ip-masq=false --bridge=none >"$dockerd_log" 2>&1 </dev/null &
  dockerd_pid=$!
  for _ in $(seq 1 150); do
    docker version >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 0.2
  done
  if ! docker version --format 'tests/run.sh: started Docker engine {{.Server.Version}} (dockerd pid '"$dockerd_pid"')'; then
    echo "tests/run.sh: dockerd did not answer within 30 s; its last log lines ($dockerd_log):" >&2
    tail -n 20 "$dockerd_log" >&2
    exit 1
  fi
  forward_after=$(iptables -S FORWARD 2>/dev/null | head -1 || true)
  if [ "$forward_before" != "$forward_after" ]; then
    echo "tests/run.sh: dockerd changed the iptables FORWARD policy ($forward_before -> $forward_after)" >&2
    exit 1
  fi
}
docker version >/dev/null 2>&1 || start_engine

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results=$(mktemp -d)
dotnet test tests/EtcdForge.Tests -c Release --logger "trx;LogFileName=results.trx" --results-directory "$results" \
  --logger "console;verbosity=normal" "$@"
status=$?
trx="$results/results.trx"
if [ -f "$trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  total=$(get total); passed=$(get passed); failed=$(get failed)
  skipped=$((total - passed - failed))
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "0 passed, 1 failed (the test run did not produce results)"
  status=1
fi
rm -rf "$results"
exit $status

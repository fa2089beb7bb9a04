#!/usr/bin/env bash
# The test command: installs what the tests need from Debian (apt-get; through sudo when not root), then runs the
# whole suite and ends with one line: "N passed, N failed, N skipped". .ci/run only calls this.
set -uo pipefail
cd "$(dirname "$0")/.."

# The one list of the Debian packages the tests use (real etcd, etcdctl, cfssl, sshd test hosts, openssl, curl, ...).
packages=(etcd-server etcd-client golang-cfssl openssh-server openssh-client iproute2 sudo openssl curl systemd
          ca-certificates debian-archive-keyring)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}\n' "$package" 2>/dev/null | grep -qx 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then as=()
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then as=(sudo -n)
  elif command -v sudo >/dev/null && [ -t 0 ]; then as=(sudo)   # may ask for this user's password on the terminal
  else
    echo "tests/run.sh: the tests need ${missing[*]}; install them as root (apt-get install ${missing[*]}) or run this as a user with sudo" >&2
    exit 1
  fi
  echo "tests/run.sh: installing ${missing[*]} (apt-get${as[0]:+ through ${as[*]}})"
  if ! { "${as[@]}" apt-get update -qq &&
         "${as[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
    echo "tests/run.sh: installing ${missing[*]} failed (see apt's message above)" >&2
    exit 1
  fi
fi

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

#!/usr/bin/env bash
# Installs the Debian packages the tests use that are missing: apt-get as root, through sudo otherwise; a user who
# can do neither gets one line naming them. tests/run.sh runs it first, before it starts a Docker engine.
set -uo pipefail

# The one list of the Debian packages the tests use (real etcd, etcdctl, cfssl, sshd test hosts, openssl, curl, ...).
packages=(etcd-server etcd-client golang-cfssl openssh-server openssh-client iproute2 sudo openssl curl systemd
          ca-certificates debian-archive-keyring docker.io mmdebstrap systemd-container
          gcc libc6-dev)  # gcc: the version-only etcd 3.6 stand-in of UpgradeTests (Support/FakeVersionRelease.cs)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}\n' "$package" 2>/dev/null | grep -qx 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then as=()
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then as=(sudo -n)
  elif command -v sudo >/dev/null && [ -t 0 ]; then as=(sudo)   # may ask for this user's password on the terminal
  else
    echo "tests/prerequisites.sh: the tests need ${missing[*]}; install them as root (apt-get install ${missing[*]}) or run this as a user with sudo" >&2
    exit 1
  fi
  echo "tests/prerequisites.sh: installing ${missing[*]} (apt-get${as[0]:+ through ${as[*]}})"
  if ! { "${as[@]}" apt-get update -qq &&
         "${as[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
    echo "tests/prerequisites.sh: installing ${missing[*]} failed (see apt's message above)" >&2
    exit 1
  fi
fi


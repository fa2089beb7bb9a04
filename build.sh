#!/usr/bin/env bash
# Builds the etcd-forge host when its sources changed, then runs it: ./build.sh --target=NAME [--config=FILE]
set -euo pipefail
# Relative paths on the command line (--config=my.yaml) are the caller's: the host takes them from here.
export ETCD_FORGE_CALLER_DIR="$PWD"
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

host=build/bin/Release/net10.0/etcd-forge.dll
# Skipping restore and build when nothing changed keeps a warm run's start-up to the host's own.
stale=$(find build Directory.Build.props -newer "$host" -type f \
          \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' \) -not -path '*/bin/*' -not -path '*/obj/*' \
          -print -quit 2>/dev/null || echo missing)
if [ ! -f "$host" ] || [ -n "$stale" ]; then
  dotnet build build/Build.csproj -c Release -nologo -v quiet -clp:NoSummary >&2
fi
exec dotnet "$host" "$@"

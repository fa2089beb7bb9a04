#!/usr/bin/env bash
# A release-shaped etcd archive made from Debian's packages of a newer suite (trixie, sid), for the tests that run
# an etcd this machine's own suite does not ship (bookworm has only 3.4.23):
#
#   tests/hosts/etcd-release.sh [VERSION]   # default 3.5.30; prints the directory holding the two files below
#
#   $EF_CACHE_DIR/etcd-release/vVERSION/etcd-vVERSION-linux-amd64.tar.gz   etcd, etcdctl, etcdutl
#   $EF_CACHE_DIR/etcd-release/vVERSION/SHA256SUMS                          as the official release lists it
#   $EF_CACHE_DIR/etcd-release/vVERSION/etcd-vVERSION-linux-amd64/          the same binaries unpacked (etcdctl, etcdutl for tests)
#
# EF_CACHE_DIR defaults to /var/cache/etcd-forge-tests (outside any checkout, kept between runs). A second call
# finds the archive there and fetches nothing. Concurrent calls wait for each other (flock).
#
# The packages are fetched with apt-get against a PRIVATE sources list, list dir and cache under the cache dir,
# naming the mirror this machine's own apt sources use: the machine's apt configuration is never changed, and
# nothing is installed (dpkg-deb -x unpacks the two .deb files into a scratch dir).
# Exits non-zero with one line on stderr when the version cannot be obtained; the tests then FAIL, never skip.
set -euo pipefail

VERSION=${1:-3.5.30}
CACHE=${EF_CACHE_DIR:-/var/cache/etcd-forge-tests}
die() { echo "etcd-release: $*" >&2; exit 1; }

[[ $VERSION =~ ^3\.[0-9]+\.[0-9]+$ ]] || die "version must look like 3.5.30, got '$VERSION'"
[[ $CACHE == /?* ]] || die "EF_CACHE_DIR must be an absolute path, got '$CACHE'"
ARCH=$(dpkg --print-architecture)
TOP=etcd-v$VERSION-linux-$ARCH
OUT=$CACHE/etcd-release/v$VERSION
ARCHIVE=$OUT/$TOP.tar.gz

verified() { [[ -f $ARCHIVE && -f $OUT/SHA256SUMS && -x $OUT/$TOP/etcdutl ]] && (cd "$OUT" && sha256sum --quiet --check SHA256SUMS >/dev/null 2>&1); }

# The machine's own Debian mirror: the first URI of its apt sources that is not the security archive.
mirror_uri() {
    local uri
    uri=$( { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | sed 's/^URIs:[[:space:]]*//' | tr ' ' '\n'
             grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | sed -E 's/^deb (\[[^]]*\] )?//' | cut -d' ' -f1
           } | grep -v -- '-security' | grep -E '^(https?|file):' | head -n1 || true)
    [[ -n $uri ]] || die "no Debian mirror found in /etc/apt/sources.list{,.d}: cannot fetch etcd $VERSION"
    echo "$uri"
}

fetch() {
    local apt uri keyring=/usr/share/keyrings/debian-archive-keyring.gpg debver pkg
    [[ -f $keyring ]] || die "$keyring is missing: install debian-archive-keyring"
    uri=$(mirror_uri)
    work=$(mktemp -d "$CACHE/.fetch.XXXXXX")
    mkdir -p "$CACHE/apt/lists/partial" "$CACHE/apt/cache/archives/partial"
    printf 'deb [signed-by=%s] %s trixie main\ndeb [signed-by=%s] %s sid main\n' "$keyring" "$uri" "$keyring" "$uri" >"$CACHE/apt/sources.list"
    apt=(apt-get -q -o "Dir::Etc::SourceList=$CACHE/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
         -o "Dir::State::Lists=$CACHE/apt/lists" -o "Dir::Cache=$CACHE/apt/cache" -o Dir::Etc::Preferences=/dev/null
         -o Dir::Etc::PreferencesParts=/dev/null -o APT::Sandbox::User=root)
    "${apt[@]}" update >"$work/update.log" 2>&1 || die "apt-get update against $uri (trixie, sid) failed: $(tail -n1 "$work/update.log")"
    # The Debian revision of this upstream version, e.g. 3.5.30-2 (the newest one when several are listed).
    debver=$(apt-cache -o "Dir::Etc::SourceList=$CACHE/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null \
        -o "Dir::State::Lists=$CACHE/apt/lists" -o "Dir::Cache=$CACHE/apt/cache" -o Dir::Etc::Preferences=/dev/null \
        -o Dir::Etc::PreferencesParts=/dev/null madison etcd-server |
        awk -F'|' '{gsub(/ /, "", $2); print $2}' | grep -E "^([0-9]+:)?$VERSION-" | sort -V | tail -n1 || true)
    [[ -n $debver ]] || die "Debian trixie/sid at $uri has no etcd-server $VERSION (see apt-cache madison etcd-server)"
    (cd "$work" && "${apt[@]}" download "etcd-server=$debver" "etcd-client=$debver" >"$work/download.log" 2>&1) ||
        die "apt-get download etcd-server=$debver etcd-client=$debver failed: $(tail -n1 "$work/download.log")"
    for pkg in "$work"/*.deb; do dpkg-deb -x "$pkg" "$work/root"; done
    mkdir -p "$work/$TOP"
    for pkg in etcd etcdctl etcdutl; do
        [[ -x $work/root/usr/bin/$pkg ]] || die "Debian's etcd $debver has no /usr/bin/$pkg"
        install -m 0755 "$work/root/usr/bin/$pkg" "$work/$TOP/$pkg"
    done
    "$work/$TOP/etcd" --version | grep -q "etcd Version: $VERSION\$" ||
        die "Debian's etcd-server $debver does not report version $VERSION: $("$work/$TOP/etcd" --version 2>&1 | head -n1)"
    echo "etcd $VERSION from Debian's etcd-server/etcd-client $debver ($uri)" >"$work/$TOP/README.md"
    # Same bytes every time: sorted names, fixed owner and mtime, no name or time in the gzip header.
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work" -cf - "$TOP" | gzip -n >"$work/$TOP.tar.gz"
    mkdir -p "$OUT"
    (cd "$work" && sha256sum "$TOP.tar.gz") >"$work/SHA256SUMS"
    rm -rf "${OUT:?}/$TOP"
    mv "$work/$TOP" "$OUT/$TOP"
    mv "$work/$TOP.tar.gz" "$ARCHIVE"
    mv "$work/SHA256SUMS" "$OUT/SHA256SUMS"
}

work=""
trap '[[ -z $work ]] || rm -rf "$work"' EXIT
mkdir -p "$CACHE"
exec 9>"$CACHE/.etcd-release.lock"
flock 9
verified || fetch
verified || die "$ARCHIVE does not match $OUT/SHA256SUMS after fetching"
echo "$OUT"

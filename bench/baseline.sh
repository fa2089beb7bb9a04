#!/usr/bin/env bash
# The manual recipe, done the straightforward way a careful user would script it: cfssl/cfssljson for a CA and
# server/peer/client certificates (ECDSA P-256, as etcd-forge's default), the release archive unpacked once,
# binaries, certificates and a config file copied to each host with scp, etcd started over ssh, then a poll of
# `etcdctl endpoint health` over mutual TLS until every member answers. It is the yardstick for bench/run.sh.
#
#   bench/baseline.sh up    --dir DIR --archive etcd-vX-linux-amd64.tar.gz [--local] [ssh options] ADDR...
#   bench/baseline.sh certs --dir DIR [--local] ADDR...      # only the cfssl step (CA + 2N+1 certificates)
#   bench/baseline.sh down  --dir DIR [--local] [ssh options] ADDR...
#
# ssh options: --key FILE --known-hosts FILE [--user root]. Members are named etcd1..etcdN in ADDR order.
# --local: no ssh/scp; each member lives under DIR/nodes/<name>/ on a loopback ADDR, copied with cp and
# started as a background process of this shell. Hosts are handled in parallel (one background job per host).
# DIR/bytes/<name> records the bytes copied to each member (the files given to scp or cp).
# `down` stops only the etcd whose PID `up` recorded (and only while that PID is still etcd) and removes the
# files `up` installed.
set -euo pipefail

die() { echo "baseline: $*" >&2; exit 1; }

cmd=${1:-}; shift || true
dir="" archive="" key="" known_hosts="" user=root local=false
addrs=()
while (($#)); do
    case $1 in
        --dir) dir=$2; shift 2 ;;
        --archive) archive=$2; shift 2 ;;
        --key) key=$2; shift 2 ;;
        --known-hosts) known_hosts=$2; shift 2 ;;
        --user) user=$2; shift 2 ;;
        --local) local=true; shift ;;
        -*) die "unknown option $1" ;;
        *) addrs+=("$1"); shift ;;
    esac
done
[[ -n $dir && ${#addrs[@]} -gt 0 ]] || die "usage: $0 up|certs|down --dir DIR [--archive FILE] [--local] [--key K --known-hosts F] ADDR..."
dir=$(realpath -m "$dir")
pki=$dir/pki
n=${#addrs[@]}
name() { echo "etcd$(($1 + 1))"; }

ssh_opts=(-o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=10)
[[ -n $key ]] && ssh_opts+=(-i "$key")
[[ -n $known_hosts ]] && ssh_opts+=(-o "UserKnownHostsFile=$known_hosts")

# Where a member's files go: the usual system paths on a host, a private tree per member locally.
root_of() { if $local; then echo "$dir/nodes/$(name "$1")"; else echo ""; fi; }

initial_cluster() {
    local i out=""
    for ((i = 0; i < n; i++)); do out+="${out:+,}$(name $i)=https://${addrs[i]}:2380"; done
    echo "$out"
}

# --- certificates -----------------------------------------------------------------------------------------
issue_certs() {
    local i addr nm peer_hosts
    rm -rf "$pki"; mkdir -p "$pki"; cd "$pki"
    cat >ca-csr.json <<'EOF'
{ "CN": "bench CA", "key": { "algo": "ecdsa", "size": 256 }, "names": [ { "O": "etcd-forge" } ],
  "ca": { "expiry": "87600h" } }
EOF
    # etcd needs client auth on server and peer certificates too (peers dial each other, the gateway dials etcd).
    cat >ca-config.json <<'EOF'
{ "signing": { "default": { "expiry": "8760h" }, "profiles": {
    "server": { "expiry": "8760h", "usages": ["signing", "key encipherment", "server auth", "client auth"] },
    "peer":   { "expiry": "8760h", "usages": ["signing", "key encipherment", "server auth", "client auth"] },
    "client": { "expiry": "8760h", "usages": ["signing", "key encipherment", "client auth"] } } } }
EOF
    cfssl gencert -initca ca-csr.json 2>/dev/null | cfssljson -bare ca
    for ((i = 0; i < n; i++)); do
        addr=${addrs[i]}; nm=$(name $i)
        echo "{\"CN\":\"$nm\",\"key\":{\"algo\":\"ecdsa\",\"size\":256}}" >"$nm-csr.json"
        cfssl gencert -ca=ca.pem -ca-key=ca-key.pem -config=ca-config.json -profile=server \
            -hostname="$addr,127.0.0.1,localhost,$nm" "$nm-csr.json" 2>/dev/null | cfssljson -bare "$nm"
        # Loopback peers dial each other from 127.0.0.1.
        peer_hosts=$addr; [[ $addr == 127.* ]] && peer_hosts+=",127.0.0.1"
        cfssl gencert -ca=ca.pem -ca-key=ca-key.pem -config=ca-config.json -profile=peer \
            -hostname="$peer_hosts" "$nm-csr.json" 2>/dev/null | cfssljson -bare "$nm-peer"
    done
    echo '{"CN":"root","key":{"algo":"ecdsa","size":256}}' >client-csr.json
    cfssl gencert -ca=ca.pem -ca-key=ca-key.pem -config=ca-config.json -profile=client client-csr.json 2>/dev/null |
        cfssljson -bare client
    chmod 0600 ./*-key.pem
    cd - >/dev/null
}

# --- one member ---------------------------------------------------------------------------------------------
write_config() {
    local i=$1 root=$2 out=$3 addr=${addrs[$1]} nm
    nm=$(name "$i")
    cat >"$out" <<EOF
name: $nm
data-dir: $root/var/lib/etcd
listen-peer-urls: https://$addr:2380
listen-client-urls: https://$addr:2379
initial-advertise-peer-urls: https://$addr:2380
advertise-client-urls: https://$addr:2379
initial-cluster: $(initial_cluster)
initial-cluster-token: bench-baseline
initial-cluster-state: new
client-transport-security:
  cert-file: $root/etc/etcd/ssl/$nm.pem
  key-file: $root/etc/etcd/ssl/$nm-key.pem
  client-cert-auth: true
  trusted-ca-file: $root/etc/etcd/ssl/ca.pem
peer-transport-security:
  cert-file: $root/etc/etcd/ssl/$nm-peer.pem
  key-file: $root/etc/etcd/ssl/$nm-peer-key.pem
  client-cert-auth: true
  trusted-ca-file: $root/etc/etcd/ssl/ca.pem
EOF
}

deploy_member() {
    local i=$1 nm root stage files conf target bytes
    nm=$(name "$i"); root=$(root_of "$i"); target=${addrs[i]}
    conf=$dir/conf/$nm.conf.yml
    write_config "$i" "$root" "$conf"
    files=("$dir/bin/etcd" "$dir/bin/etcdctl" "$pki/ca.pem" "$pki/$nm.pem" "$pki/$nm-key.pem"
           "$pki/$nm-peer.pem" "$pki/$nm-peer-key.pem" "$conf")
    bytes=$(stat -c %s "${files[@]}" | awk '{s += $1} END {print s}')
    echo "$bytes" >"$dir/bytes/$nm"
    # Binaries to bin, certificates to ssl (keys 0600), config to etc; then start etcd in its own session.
    local install="set -e; r=\"\$1\"; s=\"\$2\"; mkdir -p \"\$r/usr/local/bin\" \"\$r/etc/etcd/ssl\" \"\$r/var/lib/etcd\" \"\$r/run/etcd\"
chmod 0700 \"\$r/etc/etcd/ssl\" \"\$r/var/lib/etcd\"
mv \"\$s/etcd\" \"\$s/etcdctl\" \"\$r/usr/local/bin/\"
mv \"\$s\"/*.pem \"\$r/etc/etcd/ssl/\"
mv \"\$s/$nm.conf.yml\" \"\$r/etc/etcd/etcd.conf.yml\"
setsid nohup \"\$r/usr/local/bin/etcd\" --config-file \"\$r/etc/etcd/etcd.conf.yml\" >\"\$r/run/etcd/etcd.log\" 2>&1 </dev/null &
echo \$! >\"\$r/run/etcd/etcd.pid\""
    if $local; then
        stage=$dir/stage/$nm
        mkdir -p "$stage"
        cp -p "${files[@]}" "$stage/"
        bash -c "$install" install "$root" "$stage"
        rmdir "$stage"
    else
        stage=$(ssh "${ssh_opts[@]}" "$user@$target" 'mktemp -d')
        scp -q -p "${ssh_opts[@]}" "${files[@]}" "$user@$target:$stage/"
        # shellcheck disable=SC2029 # expanded here on purpose: the script is built locally
        ssh "${ssh_opts[@]}" "$user@$target" "bash -c $(printf %q "$install") install '' $stage && rmdir $stage"
    fi
}

# Short timeouts: a member that is not up yet (refused, or no leader) fails one attempt quickly instead of
# holding the loop for etcdctl's default 2 s dial / 5 s command timeouts.
wait_healthy() {
    local i endpoints="" deadline=$((SECONDS + 60))
    for ((i = 0; i < n; i++)); do endpoints+="${endpoints:+,}https://${addrs[i]}:2379"; done
    until ETCDCTL_API=3 "$dir/bin/etcdctl" --endpoints="$endpoints" --cacert="$pki/ca.pem" \
        --cert="$pki/client.pem" --key="$pki/client-key.pem" --dial-timeout=500ms --command-timeout=1s \
        endpoint health >"$dir/health.log" 2>&1; do
        ((SECONDS < deadline)) || { cat "$dir/health.log" >&2; die "cluster not healthy after 60 s"; }
        sleep 0.2
    done
    cat "$dir/health.log"
}

up() {
    [[ -f $archive ]] || die "--archive FILE is required for up"
    mkdir -p "$dir/bin" "$dir/conf" "$dir/bytes"
    tar -xzf "$archive" -C "$dir/bin" --strip-components=1 --wildcards '*/etcd' '*/etcdctl'
    issue_certs
    local i pids=() failed=0
    for ((i = 0; i < n; i++)); do deploy_member "$i" & pids+=($!); done
    for i in "${pids[@]}"; do wait "$i" || failed=1; done
    ((failed == 0)) || die "copying or starting a member failed"
    wait_healthy
}

down_member() {
    local i=$1 root
    root=$(root_of "$i")
    # Stop the etcd that up started (only if that PID is still an etcd), then remove what up installed. Its data
    # is deleted anyway, so SIGKILL: a graceful stop of members that lose quorum together can take seconds.
    local stop="r=\"\$1\"; p=\$(cat \"\$r/run/etcd/etcd.pid\" 2>/dev/null) || p=''
if [ -n \"\$p\" ] && tr '\\0' ' ' </proc/\$p/cmdline 2>/dev/null | grep -q '/etcd --config-file'; then
  # A zombie waiting for its reaper holds no ports or files: gone enough.
  kill -9 \$p; while [ \"\$(cut -d' ' -f3 /proc/\$p/stat 2>/dev/null || echo Z)\" != Z ]; do sleep 0.05; done
fi
rm -rf \"\$r/usr/local/bin/etcd\" \"\$r/usr/local/bin/etcdctl\" \"\$r/etc/etcd/etcd.conf.yml\" \"\$r/etc/etcd/ssl\" \
       \"\$r/var/lib/etcd/member\" \"\$r/run/etcd/etcd.pid\" \"\$r/run/etcd/etcd.log\""
    if $local; then
        bash -c "$stop" stop "$root"
        rm -rf "$root"
    else
        ssh "${ssh_opts[@]}" "$user@${addrs[i]}" "bash -c $(printf %q "$stop") stop ''"
    fi
}

down() {
    local i pids=()
    for ((i = 0; i < n; i++)); do down_member "$i" & pids+=($!); done
    for i in "${pids[@]}"; do wait "$i"; done
    rm -rf "$dir"
}

case $cmd in
    up) up ;;
    certs) mkdir -p "$dir"; issue_certs ;;
    down) down ;;
    *) die "usage: $0 up|certs|down ..." ;;
esac

#!/usr/bin/env bash
# Test hosts for etcd-forge's SSH deployment: N "machines" on this box, each a network namespace with its own
# sshd, its own address on a private bridge and its own private etcd directories.
#
# The bridge lives in a network namespace of its own (efK-lan), joined to this machine by one veth pair whose
# root end carries 198.18.K.1. Its bridged traffic therefore never meets the root namespace's iptables: dockerd
# (which sets the FORWARD policy to DROP with br_netfilter on) cannot cut the hosts off, and no firewall rule
# is touched.
#
#   tests/hosts/testhosts.sh up N     # (re)create N hosts (1-9): ef-host1 = 198.18.0.11, ef-host2 = .12, ...
#   tests/hosts/testhosts.sh up N systemd   # the same hosts, each a booted Debian bookworm with systemd as PID 1
#   tests/hosts/testhosts.sh power N cycle|off|on|cut   # systemd hosts: clean reboot, shutdown, boot, or a hard
#                                     # power cut (SIGKILL to the container's PID 1; boot it again with "power N on")
#   tests/hosts/testhosts.sh down     # stop them and remove everything the harness made
#   tests/hosts/testhosts.sh status   # what is running
#   tests/hosts/testhosts.sh link N down|up          # pull / plug host N's network cable
#   tests/hosts/testhosts.sh disk N DIR SIZE         # a SIZE tmpfs over DIR on host N only (a full disk)
#   tests/hosts/testhosts.sh disk N DIR none         # remove it again
#   tests/hosts/testhosts.sh rate N PORT RATE        # a slow link: traffic to host N's TCP PORT limited to RATE (e.g. 40mbit)
#   tests/hosts/testhosts.sh rate N both:PORT RATE   # also what is sent to host N FROM that port, e.g. both:2380: all
#                                                    # etcd peer traffic to host N (pipelined posts to its peer port and
#                                                    # streams over connections it dialled to its peers' port)
#   tests/hosts/testhosts.sh rate N none             # full speed again (queued packets go on at once)
#   tests/hosts/testhosts.sh docker N up|down        # a Docker engine of host N's own (needs docker.io), see docker_engine
#
# Needs root, /usr/sbin/sshd, ip, unshare, ssh-keygen and sudo (CI installs openssh-server and iproute2).
#
# systemd hosts: systemd-nspawn boots one overlay per host (upper dir hostN/upper, seen whole at hostN/root) over a
# Debian bookworm root made once by mmdebstrap (about 20 s, 235 MB) and cached outside the checkout in
# $EF_CACHE_DIR/testhosts-root (default /var/cache/etcd-forge-tests). Each host has its own SSH host key and its
# own /etc, /var, /run..., so everything a deployment writes stays on that host. Needs mmdebstrap and
# systemd-container (systemd-nspawn). Console output of each boot: hostN/console.log.
# State (keys, fingerprints, known_hosts, logs) goes to $EF_TESTHOSTS_DIR, default /tmp/etcd-forge-testhosts:
#   keys/id_ed25519          client key, OpenSSH format        keys/id_rsa_pem   client RSA key, PEM format
#   keys/id_rsa              client RSA key, OpenSSH format    keys/id_ed25519_encrypted  passphrase "forge"
#   known_hosts              every host's key, plain entries   hosts            "name address fingerprint" lines
#   (hosts is where the tests and bench/run.sh read the set's addresses: a line per host, efK-hostN, and one for
#   this machine's leg on the bridge, efK-lan, whose fingerprint is "-")
#   hostN/                   sshd config, host key, pid, log, and the host's private directories
# Users: root, efdeploy (passwordless sudo) and efnosudo (no sudo) log in with any of the client keys.
#
# EF_TESTHOSTS_NET=K (1-254) runs a separate set beside the default one: subnet 198.18.K.0/24, namespaces efK-lan
# (the bridge) and efK-hostN, state in /tmp/etcd-forge-testhostsK, so two checkouts can test at once.
set -euo pipefail

NET=${EF_TESTHOSTS_NET:-0}
[[ $NET =~ ^([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4])$ ]] || { echo "testhosts: EF_TESTHOSTS_NET must be 0-254, got '$NET'" >&2; exit 1; }
if [[ $NET == 0 ]]; then PREFIX=ef; SUFFIX=""; else PREFIX=ef$NET; SUFFIX=$NET; fi
STATE=${EF_TESTHOSTS_DIR:-/tmp/etcd-forge-testhosts$SUFFIX}
# The bridge's namespace, and the veth end in the root namespace that joins it (it holds $SUBNET.1).
LAN=$PREFIX-lan
UPLINK=$PREFIX-lan
SUBNET=198.18.$NET
SUDOERS=/etc/sudoers.d/etcd-forge-testhosts$SUFFIX
# Each host sees its own copy of these; together they are everything a deployment writes.
PRIVATE_DIRS=(/etc/etcd /var/lib/etcd /usr/local/bin /etc/systemd/system /run/etcd)
CACHE=${EF_CACHE_DIR:-/var/cache/etcd-forge-tests}
BASE_PACKAGES=systemd,systemd-sysv,dbus,openssh-server,iproute2,sudo,ca-certificates

die() { echo "testhosts: $*" >&2; exit 1; }

# down removes the state dir recursively, so it must be a dedicated absolute path.
[[ $STATE == /?*/?* ]] || die "EF_TESTHOSTS_DIR must be an absolute path at least two levels deep, got '$STATE'"

preflight() {
    [[ $(id -u) == 0 ]] || die "must run as root (it creates network namespaces, users and sshd daemons)"
    [[ -x /usr/sbin/sshd ]] || die "/usr/sbin/sshd is missing: install openssh-server"
    local tool
    for tool in ip unshare ssh-keygen sudo useradd; do
        command -v "$tool" >/dev/null || die "'$tool' is missing (ip: iproute2, unshare: util-linux, ssh-keygen: openssh-client)"
    done
}

host_ns() { echo "$PREFIX-host$1"; }
host_addr() { echo "$SUBNET.1$1"; }
host_dir() { echo "$STATE/host$1"; }
# The directory each private dir is bound from, e.g. /etc/etcd -> hostN/root/etc/etcd.
private_source() { echo "$(host_dir "$1")/root$2"; }

recorded_hosts() {
    local dir
    for dir in "$STATE"/host[0-9]; do [[ -d $dir ]] && echo "${dir##*host}"; done
    return 0
}

ensure_users() {
    local user
    for user in efdeploy efnosudo; do
        id "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/sh "$user"
        # Without PAM, sshd refuses key logins to accounts whose password field says "locked" ("!").
        usermod --password '*' "$user"
    done
    echo 'efdeploy ALL=(ALL) NOPASSWD: ALL' >"$SUDOERS.tmp"
    chmod 0440 "$SUDOERS.tmp"
    mv "$SUDOERS.tmp" "$SUDOERS"
}

make_client_keys() {
    local keys=$STATE/keys
    mkdir -p "$keys"
    chmod 0755 "$STATE" "$keys"
    [[ -f $keys/id_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -C etcd-forge-test -f "$keys/id_ed25519"
    [[ -f $keys/id_rsa ]] || ssh-keygen -q -t rsa -b 3072 -N '' -C etcd-forge-test-rsa -f "$keys/id_rsa"
    [[ -f $keys/id_rsa_pem ]] || ssh-keygen -q -t rsa -b 3072 -m PEM -N '' -C etcd-forge-test-rsa-pem -f "$keys/id_rsa_pem"
    [[ -f $keys/id_ed25519_encrypted ]] ||
        ssh-keygen -q -t ed25519 -N forge -C etcd-forge-test-encrypted -f "$keys/id_ed25519_encrypted"
    cat "$keys"/*.pub >"$STATE/authorized_keys"
}

write_sshd_config() {
    local n=$1 dir
    dir=$(host_dir "$n")
    cat >"$dir/sshd_config" <<EOF
ListenAddress 0.0.0.0
Port 22
HostKey $dir/ssh_host_ed25519_key
PidFile $dir/sshd.pid
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
# The authorized_keys file lives under /tmp, which is world-writable.
StrictModes no
AuthorizedKeysFile $STATE/authorized_keys
Subsystem sftp internal-sftp
LogLevel VERBOSE
MaxStartups 50
EOF
}

# Host N's network namespace, its cable to the bridge, and its host key (recorded in known_hosts and hosts).
start_host_network() {
    local n=$1 ns addr dir veth
    ns=$(host_ns "$n"); addr=$(host_addr "$n"); dir=$(host_dir "$n"); veth="$PREFIX-veth$n"
    mkdir -p "$dir"
    ssh-keygen -q -t ed25519 -N '' -C "$(host_ns "$n")" -f "$dir/ssh_host_ed25519_key"

    ip netns add "$ns"
    ip -n "$LAN" link add "$veth" type veth peer name eth0 netns "$ns"
    ip -n "$LAN" link set "$veth" master br0 up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$addr/24" dev eth0
    ip -n "$ns" link set eth0 up

    echo "$addr $(cut -d' ' -f1,2 "$dir/ssh_host_ed25519_key.pub")" >>"$STATE/known_hosts"
    echo "$ns $addr $(ssh-keygen -lf "$dir/ssh_host_ed25519_key.pub" | cut -d' ' -f2)" >>"$STATE/hosts"
}

start_host() {
    local n=$1 ns dir mounts="" private source
    ns=$(host_ns "$n"); dir=$(host_dir "$n")
    start_host_network "$n"
    write_sshd_config "$n"

    for private in "${PRIVATE_DIRS[@]}"; do
        source=$(private_source "$n" "$private")
        mkdir -p "$source"
        if [[ ! -d $private ]]; then
            mkdir -p "$private"
            echo "$private" >>"$STATE/created-mountpoints"
        fi
        mounts+="mount --bind '$source' '$private' && "
    done
    # A test host stands for a fresh machine, whose root has no shell start-up of this build machine's. Here root's
    # ~/.bashrc runs pyenv init, which bash runs for every command sshd starts (0.7 s of CPU each, more than most
    # commands cost); the host sees an empty one instead.
    if [[ -f /root/.bashrc ]]; then
        : >"$STATE/empty-bashrc"
        mounts+="mount --bind '$STATE/empty-bashrc' /root/.bashrc && "
    fi

    # ip netns exec, unshare and sh all exec, so $! is sshd itself. The mount namespace is private, so the
    # bind mounts are seen by this sshd and every session it starts, and vanish when the last of them exits.
    ip netns exec "$ns" unshare --mount --propagation private \
        sh -c "${mounts}exec /usr/sbin/sshd -D -f '$dir/sshd_config' -E '$dir/sshd.log'" </dev/null >/dev/null 2>&1 &
    echo $! >"$dir/sshd.launcher-pid"
}

# A booted systemd host answers within about a second once its base is cached; 60 s covers a loaded CI machine.
wait_for_sshd() {
    local n=$1 addr tries log limit=100
    addr=$(host_addr "$n")
    if is_systemd; then log=$(host_dir "$n")/console.log; limit=600; else log=$(host_dir "$n")/sshd.log; fi
    for ((tries = 0; tries < limit; tries++)); do
        if bash -c "exec 3<>/dev/tcp/$addr/22" 2>/dev/null; then return 0; fi
        kill -0 "$(cat "$(host_dir "$n")/$(launcher_file)")" 2>/dev/null ||
            die "$(host_ns "$n") exited; see $log"
        sleep 0.1
    done
    die "sshd of $(host_ns "$n") does not answer on $addr:22 after $((limit / 10)) s; see $log"
}

is_systemd() { [[ $(cat "$STATE/mode" 2>/dev/null) == systemd ]]; }
# The pid the harness started a host with: sshd itself, or systemd-nspawn.
launcher_file() { if is_systemd; then echo nspawn.pid; else echo sshd.launcher-pid; fi; }

# The machine's own Debian mirror: the first URI of its apt sources that is not the security archive.
mirror_uri() {
    { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | sed 's/^URIs:[[:space:]]*//' | tr ' ' '\n'
      grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | sed -E 's/^deb (\[[^]]*\] )?//' | cut -d' ' -f1
    } | grep -v -- '-security' | grep -E '^(https?|file):' | head -n1 || true
}

# The cached bookworm root every systemd host boots (read-only lower layer of its overlay). Built once, under a
# temporary name renamed when complete, so a half-built one is never used; concurrent builders wait (flock).
base_root() {
    local base uri key
    key=$(echo "$BASE_PACKAGES v1" | sha256sum | cut -c1-12)
    base=$CACHE/testhosts-root/bookworm-$key
    mkdir -p "$CACHE/testhosts-root"
    exec 8>"$CACHE/testhosts-root/.lock"
    flock 8
    if [[ ! -f $base/.complete ]]; then
        command -v mmdebstrap >/dev/null || die "'mmdebstrap' is missing: apt-get install mmdebstrap"
        uri=$(mirror_uri)
        [[ -n $uri ]] || die "no Debian mirror in /etc/apt/sources.list{,.d} to build the systemd hosts' root from"
        rm -rf "$base.tmp"
        # No host keys in the base (each host gets its own); users as on the sshd hosts.
        mmdebstrap --quiet --variant=minbase --include="$BASE_PACKAGES" \
            --customize-hook='rm -f "$1"/etc/ssh/ssh_host_*' \
            --customize-hook='chroot "$1" sh -c "for u in efdeploy efnosudo; do useradd --create-home --shell /bin/sh \$u; usermod --password \"*\" \$u; done; usermod --password \"*\" root"' \
            --customize-hook='echo "efdeploy ALL=(ALL) NOPASSWD: ALL" >"$1"/etc/sudoers.d/efdeploy; chmod 0440 "$1"/etc/sudoers.d/efdeploy' \
            --customize-hook='chroot "$1" systemctl mask console-getty.service getty@tty1.service >/dev/null 2>&1 || true' \
            bookworm "$base.tmp" "$uri" >"$CACHE/testhosts-root/mmdebstrap.log" 2>&1 ||
            die "mmdebstrap bookworm failed; see $CACHE/testhosts-root/mmdebstrap.log"
        touch "$base.tmp/.complete"
        mv "$base.tmp" "$base"
    fi
    exec 8>&-
    echo "$base"
}

# Host N as a booted systemd: its own overlay over the base, its own host key and the client keys, booted by
# systemd-nspawn inside the host's network namespace.
start_systemd_host() {
    local n=$1 base=$2 dir root
    dir=$(host_dir "$n")
    root=$dir/root
    start_host_network "$n"
    mkdir -p "$dir/upper" "$dir/work" "$root"
    mount -t overlay "$(host_ns "$n")" -o "lowerdir=$base,upperdir=$dir/upper,workdir=$dir/work" "$root"
    install -m 0600 "$dir/ssh_host_ed25519_key" "$root/etc/ssh/ssh_host_ed25519_key"
    install -m 0644 "$dir/ssh_host_ed25519_key.pub" "$root/etc/ssh/ssh_host_ed25519_key.pub"
    install -m 0644 "$STATE/authorized_keys" "$root/etc/ssh/etcd-forge-authorized_keys"
    printf '%s\n' "HostKey /etc/ssh/ssh_host_ed25519_key" "PermitRootLogin prohibit-password" \
        "PasswordAuthentication no" "AuthorizedKeysFile /etc/ssh/etcd-forge-authorized_keys" "MaxStartups 50" \
        >"$root/etc/ssh/sshd_config.d/etcd-forge.conf"
    host_ns "$n" >"$root/etc/hostname"
    boot_systemd_host "$n"
}

boot_systemd_host() {
    local n=$1 dir
    dir=$(host_dir "$n")
    # --register=no/--keep-unit: this machine runs no systemd to register with. The console goes to a log file.
    setsid systemd-nspawn --quiet -D "$dir/root" -b --register=no --keep-unit --console=passive \
        --machine="$(host_ns "$n")" --network-namespace-path="/run/netns/$(host_ns "$n")" \
        </dev/null >>"$dir/console.log" 2>&1 &
    echo $! >"$dir/nspawn.pid"
}

# The container's PID 1 (its systemd) as this machine numbers it: nspawn's child in a pid namespace of its own.
container_init() {
    local nspawn=$1 child
    for child in $(pgrep -P "$nspawn"); do
        if [[ $(readlink "/proc/$child/ns/pid") != "$(readlink /proc/self/ns/pid)" ]]; then echo "$child"; return 0; fi
    done
    return 1
}

nspawn_alive() {
    local pidfile
    pidfile=$(host_dir "$1")/nspawn.pid
    [[ -f $pidfile && $(cat "/proc/$(cat "$pidfile")/comm" 2>/dev/null) == systemd-nspawn ]]
}

# off: SIGTERM to nspawn, which shuts the container's systemd down cleanly (units stopped in order). cut: SIGKILL
# to the container's PID 1, which ends every process of the container at once, as a power cut does (SIGKILL to
# nspawn alone would leave the container running). Either way this waits until nspawn is gone.
power_off() {
    local n=$1 how=$2 pid init tries
    nspawn_alive "$n" || return 0
    pid=$(cat "$(host_dir "$n")/nspawn.pid")
    if [[ $how == cut ]]; then
        if init=$(container_init "$pid"); then kill -KILL "$init"; fi
    else
        kill -TERM "$pid"
    fi
    for ((tries = 0; tries < 600; tries++)); do
        nspawn_alive "$n" || return 0
        sleep 0.1
    done
    # A shutdown still hanging after a minute is cut.
    if init=$(container_init "$pid"); then kill -KILL "$init"; fi
    for ((tries = 0; tries < 100; tries++)); do nspawn_alive "$n" || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
}

power() {
    local n=$1 action=${2:-}
    [[ $n =~ ^[1-9]$ && -d $(host_dir "$n")/root ]] && is_systemd || die "no systemd test host $n is up (power needs 'up N systemd')"
    case $action in
        off | cut) power_off "$n" "$action" ;;
        on) nspawn_alive "$n" || { boot_systemd_host "$n"; wait_for_sshd "$n"; } ;;
        cycle) power_off "$n" off; boot_systemd_host "$n"; wait_for_sshd "$n" ;;
        *) die "usage: $0 power N cycle|off|on|cut" ;;
    esac
}

write_cluster_snippet() {
    local n=$1 i
    {
        echo "# nodes for a cluster file; generated by tests/hosts/testhosts.sh"
        echo "nodes:"
        for ((i = 1; i <= n; i++)); do
            cat <<EOF
  - name: host$i
    address: $(host_addr "$i")
    connection:
      type: ssh
      user: root
      keyFile: $STATE/keys/id_ed25519
      knownHosts: $STATE/known_hosts
EOF
        done
    } >"$STATE/nodes.yaml"
}

up() {
    local count=${1:-3} mode=${2:-sshd} n base
    [[ $count =~ ^[1-9]$ ]] || die "host count must be 1-9 (addresses are $SUBNET.11-$SUBNET.19), got '$count'"
    [[ $mode == sshd || $mode == systemd ]] || die "mode must be sshd or systemd, got '$mode'"
    preflight
    down >/dev/null
    if [[ $mode == systemd ]]; then
        command -v systemd-nspawn >/dev/null || die "'systemd-nspawn' is missing: apt-get install systemd-container"
        base=$(base_root)
    fi
    mkdir -p "$STATE" /run/sshd
    echo "$mode" >"$STATE/mode"
    : >"$STATE/known_hosts"
    : >"$STATE/hosts"
    ensure_users
    make_client_keys

    start_lan

    for ((n = 1; n <= count; n++)); do
        if [[ $mode == systemd ]]; then start_systemd_host "$n" "$base"; else start_host "$n"; fi
    done
    for ((n = 1; n <= count; n++)); do wait_for_sshd "$n"; done
    write_cluster_snippet "$count"
    echo "testhosts: $count host(s) up; state in $STATE"
    cat "$STATE/hosts"
}

# The bridge in its own namespace, and this machine's leg into it.
start_lan() {
    ip netns add "$LAN"
    ip -n "$LAN" link set lo up
    ip -n "$LAN" link add br0 type bridge
    ip -n "$LAN" link set br0 up
    ip link add "$UPLINK" type veth peer name uplink netns "$LAN"
    ip -n "$LAN" link set uplink master br0 up
    ip addr add "$SUBNET.1/24" dev "$UPLINK"
    ip link set "$UPLINK" up
    echo "$UPLINK $SUBNET.1 -" >>"$STATE/hosts"
}

stop_host() {
    local n=$1 ns pidfile pid
    ns=$(host_ns "$n")
    if [[ -f $(host_dir "$n")/nspawn.pid ]]; then
        power_off "$n" off
        rm -f "$(host_dir "$n")/nspawn.pid"
    fi
    if mountpoint -q "$(host_dir "$n")/root"; then umount "$(host_dir "$n")/root"; fi
    pidfile="$(host_dir "$n")/sshd.launcher-pid"
    if [[ -f $pidfile ]]; then
        pid=$(cat "$pidfile")
        # Only the sshd this harness recorded, and only while it is still an sshd (PIDs get reused).
        if [[ $(cat "/proc/$pid/comm" 2>/dev/null) == sshd ]]; then kill "$pid" 2>/dev/null || true; fi
        rm -f "$pidfile"
    fi
    if ip netns list | grep -qw "$ns"; then
        # Whatever still runs inside the namespace was started through this host's sshd (e.g. etcd).
        for pid in $(ip netns pids "$ns"); do kill "$pid" 2>/dev/null || true; done
        ip netns delete "$ns"
    fi
    ip -n "$LAN" link delete "$PREFIX-veth$n" 2>/dev/null || true
}

down() {
    local n mountpoint
    preflight
    for n in $(recorded_hosts); do stop_docker_engine "$n"; stop_host "$n"; done
    # Deleting the namespace deletes the bridge and every veth end in it, and with them the uplink's root end.
    ip netns delete "$LAN" 2>/dev/null || true
    ip link delete "$UPLINK" 2>/dev/null || true
    # Another set still bind-mounts over these directories inside its namespaces: leave them.
    # (Sets made before the bridge moved into a namespace have a bridge efbrK in the root namespace.)
    if [[ -f $STATE/created-mountpoints ]] && ! ip netns list | grep -Eq '^ef[0-9]*-lan( |$)' &&
        ! ip -o link show type bridge | grep -q ' efbr[0-9]*:'; then
        # Empty directories (and an empty socket stand-in) made only to mount over; anything written there stays.
        while read -r mountpoint; do
            if [[ -f $mountpoint && ! -s $mountpoint ]]; then rm -f "$mountpoint"; else rmdir "$mountpoint" 2>/dev/null || true; fi
        done <"$STATE/created-mountpoints"
    fi
    rm -f "$SUDOERS"
    rm -rf "$STATE"
    echo "testhosts: down"
}

status() {
    local n pid state
    [[ -d $STATE ]] || { echo "testhosts: no state in $STATE (not up)"; return 0; }
    ip -n "$LAN" link show br0 >/dev/null 2>&1 && echo "bridge br0 in namespace $LAN: present" || echo "bridge in namespace $LAN: missing"
    for n in $(recorded_hosts); do
        pid=$(cat "$(host_dir "$n")/sshd.launcher-pid" 2>/dev/null || echo "")
        if is_systemd; then
            if nspawn_alive "$n"; then state="systemd host, nspawn pid $(cat "$(host_dir "$n")/nspawn.pid")"; else state="systemd host, powered off"; fi
        elif [[ -n $pid && $(cat "/proc/$pid/comm" 2>/dev/null) == sshd ]]; then state="sshd pid $pid"; else state="sshd not running"; fi
        echo "$(host_ns "$n") $(host_addr "$n"): $state"
    done
}

running_host() {
    [[ ${1:-} =~ ^[1-9]$ && -f $(host_dir "$1")/$(launcher_file) ]] || die "no test host $1 is up"
}

link() {
    running_host "$1"
    [[ ${2:-} == up || ${2:-} == down ]] || die "usage: $0 link N down|up"
    ip -n "$LAN" link set "$PREFIX-veth$1" "$2"
}

# Mounted in the host's own mount namespace (that of its sshd), so only sessions on that host see it.
disk() {
    local n=$1 dir=${2:-} size=${3:-} pid
    running_host "$n"
    [[ $dir == /* && -n $size ]] || die "usage: $0 disk N DIR SIZE|none"
    if is_systemd; then
        nspawn_alive "$n" || die "systemd test host $n is powered off"
        pid=$(container_init "$(cat "$(host_dir "$n")/nspawn.pid")") || die "systemd test host $n has no init process"
    else
        pid=$(cat "$(host_dir "$n")/sshd.launcher-pid")
    fi
    if [[ $size == none ]]; then
        nsenter -t "$pid" -m umount "$dir"
    else
        nsenter -t "$pid" -m mount -t tmpfs -o "size=$size,mode=0755" "ef-full-disk" "$dir"
    fi
}

# Shapes only what goes to host N's PORT (bridge-side end of its veth, tc htb + u32), so other traffic of the host,
# e.g. etcd's peer port, keeps its speed. Kilobit rates get a tiny burst, so even a TLS handshake is slowed.
rate() {
    local n=$1 port=${2:-} rate=${3:-} dev burst=()
    running_host "$n"
    dev="$PREFIX-veth$n"
    if [[ $port == none ]]; then
        # Raised, not deleted: deleting the qdisc drops what it has queued, and TCP would then stall for a
        # retransmit timeout instead of going on at once.
        if tc -n "$LAN" qdisc show dev "$dev" | grep -q '^qdisc htb 1:'; then
            tc -n "$LAN" class change dev "$dev" parent 1: classid 1:2 htb rate 10gbit quantum 60000
        fi
        return 0
    fi
    # etcd's raft messages reach a member either posted to its peer port or over a stream connection that the member
    # dialled to its peer's port; slowing everything a member receives from its peers means matching both: both:2380.
    local matches=(dport)
    if [[ $port == both:* ]]; then matches=(dport sport); port=${port#both:}; fi
    [[ $port =~ ^[0-9]+$ && $rate =~ ^[0-9]+(kbit|mbit|gbit)$ ]] || die "usage: $0 rate N [both:]PORT RATE (e.g. rate 1 22 40mbit) | rate N none"
    command -v tc >/dev/null || die "'tc' is missing (iproute2)"
    [[ $rate == *kbit ]] && burst=(burst 200 cburst 200)
    # An existing limit is changed in place, so packets it holds are not dropped.
    if tc -n "$LAN" qdisc show dev "$dev" | grep -q '^qdisc htb 1:'; then
        tc -n "$LAN" filter del dev "$dev" parent 1: 2>/dev/null || true
        tc -n "$LAN" class change dev "$dev" parent 1: classid 1:2 htb rate "$rate" ceil "$rate" "${burst[@]}" quantum 1514
    else
        tc -n "$LAN" qdisc add dev "$dev" root handle 1: htb default 1
        tc -n "$LAN" class add dev "$dev" parent 1: classid 1:1 htb rate 10gbit quantum 60000
        tc -n "$LAN" class add dev "$dev" parent 1: classid 1:2 htb rate "$rate" ceil "$rate" "${burst[@]}" quantum 1514
    fi
    local match
    for match in "${matches[@]}"; do
        tc -n "$LAN" filter add dev "$dev" parent 1: protocol ip prio 1 u32 match ip "$match" "$port" 0xffff flowid 1:2
    done
}

# A Docker engine of host N's own, for service: docker over SSH. The hosts share this machine's filesystem and
# engine socket, so the node's docker CLI would reach this machine's dockerd, whose host-network containers live in
# the root network namespace, not the host's. Instead: a dockerd started inside the host's network AND mount
# namespaces (those of its sshd), so a host-network container gets the host's address and its bind mounts of
# /etc/etcd and /var/lib/etcd are the host's private directories; its data, state and socket under hostN/docker;
# the socket bind-mounted over /run/docker.sock in the host's mount namespace only, where the node's CLI looks.
# --iptables=false --ip-masq=false --bridge=none: no firewall rule and no bridge (members use host networking), so it
# cannot drop the traffic of the bridged hosts (see tests/run.sh). Stopped by its recorded pid only.
docker_engine() {
    local n=$1 action=${2:-} pid dir tries
    running_host "$n"
    [[ $action == up || $action == down ]] || die "usage: $0 docker N up|down"
    pid=$(cat "$(host_dir "$n")/sshd.launcher-pid")
    dir="$(host_dir "$n")/docker"
    stop_docker_engine "$n"
    [[ $action == down ]] && return 0
    command -v dockerd >/dev/null || die "'dockerd' is missing: install docker.io"
    mkdir -p "$dir"
    # A mount point for the bind below; made here (and removed by down) only if this machine has no engine socket.
    if [[ ! -e /run/docker.sock ]]; then : >/run/docker.sock; echo /run/docker.sock >>"$STATE/created-mountpoints"; fi
    mount_cgroups "$pid"
    # nsenter and setsid exec, so $! is dockerd itself.
    nsenter -t "$pid" -m -n setsid /usr/sbin/dockerd --host "unix://$dir/docker.sock" --data-root "$dir/data" \
        --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" --iptables=false --ip-masq=false --bridge=none \
        --cgroup-parent "$(host_ns "$n")" >"$dir/dockerd.log" 2>&1 </dev/null &
    echo $! >"$dir/dockerd.launcher-pid"
    for ((tries = 0; tries < 150; tries++)); do
        if docker --host "unix://$dir/docker.sock" version >/dev/null 2>&1; then break; fi
        kill -0 "$(cat "$dir/dockerd.launcher-pid")" 2>/dev/null || die "dockerd of $(host_ns "$n") exited; see $dir/dockerd.log"
        sleep 0.2
    done
    docker --host "unix://$dir/docker.sock" version >/dev/null 2>&1 || die "dockerd of $(host_ns "$n") does not answer after 30 s; see $dir/dockerd.log"
    nsenter -t "$pid" -m mount --bind "$dir/docker.sock" /run/docker.sock
}

# ip netns exec gave the host a fresh /sys without this machine's cgroup hierarchies, and dockerd needs them: the
# same hierarchies mounted again in the host's mount namespace (mounting a v1 hierarchy by its controllers attaches
# the existing one, so the host's containers are in this machine's cgroup tree, as any process of the host is).
mount_cgroups() {
    local pid=$1 script="" dir type opts
    nsenter -t "$pid" -m mountpoint -q /sys/fs/cgroup && return 0
    while read -r _ dir type opts _; do
        case $type in
            tmpfs) [[ $dir == /sys/fs/cgroup ]] && script+="mount -t tmpfs -o mode=755 cgroup_root /sys/fs/cgroup && " ;;
            cgroup) script+="mkdir -p $dir && mount -t cgroup -o ${opts##*,} cgroup $dir && " ;;
            cgroup2) script+="mkdir -p $dir && mount -t cgroup2 cgroup2 $dir && " ;;
        esac
    done < <(grep ' /sys/fs/cgroup' /proc/1/mounts)
    [[ -n $script ]] || die "this machine has no cgroup hierarchies under /sys/fs/cgroup for dockerd"
    nsenter -t "$pid" -m sh -c "${script}true"
}

stop_docker_engine() {
    local n=$1 dir pid sshd tries
    dir="$(host_dir "$n")/docker"
    [[ -f $dir/dockerd.launcher-pid ]] || return 0
    pid=$(cat "$dir/dockerd.launcher-pid")
    if [[ $(cat "/proc/$pid/comm" 2>/dev/null) == dockerd ]]; then
        kill "$pid" 2>/dev/null || true # it stops its containers and its containerd first
        for ((tries = 0; tries < 150; tries++)); do [[ -e /proc/$pid ]] || break; sleep 0.2; done
    fi
    sshd=$(cat "$(host_dir "$n")/sshd.launcher-pid" 2>/dev/null || echo "")
    if [[ -n $sshd && -e /proc/$sshd ]]; then nsenter -t "$sshd" -m umount /run/docker.sock 2>/dev/null || true; fi
    rm -rf "$dir"
}

case ${1:-} in
    up) up "${2:-3}" "${3:-sshd}" ;;
    power) power "${2:-}" "${3:-}" ;;
    down) down ;;
    status) status ;;
    link) link "${2:-}" "${3:-}" ;;
    disk) disk "${2:-}" "${3:-}" "${4:-}" ;;
    rate) rate "${2:-}" "${3:-}" "${4:-}" ;;
    docker) docker_engine "${2:-}" "${3:-}" ;;
    *) die "usage: $0 up N [sshd|systemd] | down | status | link N down|up | disk N DIR SIZE|none | rate N [both:]PORT RATE|none | power N cycle|off|on|cut | docker N up|down" ;;
esac

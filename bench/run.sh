#!/usr/bin/env bash
# etcd-forge against the manual recipe (bench/baseline.sh), side by side on the same machine, hosts and etcd archive.
#
#   sudo bench/run.sh [--reps N]        # default 5 repetitions; prints a table and writes it to $BENCH_DIR/results.md
#   sudo bench/run.sh --only backup     # only the Backup throughput part (no SSH test hosts, no start-up timing)
#   sudo bench/run.sh --scenarios ssh3,local3 --reps 3   # a subset of the cluster scenarios (quick side-by-side ratios)
#   sudo bench/run.sh --only scaleout   # only the scale-out of one member (4 SSH test hosts, one 3-member cluster)
#
# One run brings up 7 SSH test hosts (tests/hosts/testhosts.sh), then repeats, alternating which tool goes first:
#   cold       empty artifacts dir -> verified cluster: 3 SSH hosts, 3 local loopback members, 5 and 7 SSH hosts
#   fallback   the default path: 3 local members on Debian's etcd packages (etcd.distributionFallback, the release
#              host unreachable), the downloaded .debs kept between repetitions; against the recipe on Debian's binaries
#   warm       etcd-forge again with everything in place (the recipe has no such mode)
#   certs      CA + server/peer/client certificates for 3 nodes: etcd-forge InitCa+IssueCerts vs cfssl
#   bytes      bytes copied to each node, cold and warm
#   backup     a snapshot of a >= 100 MB database from 3 local members: --target=Backup vs `etcdctl snapshot save`
# and measures the host's own start-up (./build.sh must neither build nor restore when nothing changed).
# Every cluster is torn down between repetitions (etcd-forge --target=Destroy --yes; baseline.sh down).
# Per-task seconds and peak memory come from etcd-forge's own report (--task-report=FILE); whole-run peak memory from
# /usr/bin/time. Every run's Verify checks and the node-side hashes DeployNodes compared are counted, so a faster run
# that skipped checks would show.
#
# Environment: EF_TESTHOSTS_NET=K picks the test host set (198.18.K.0/24, see testhosts.sh); BENCH_LOOPBACK=127.0.1
# the /24 the local members use (.11-.13); BENCH_DIR the scratch dir (default /tmp/etcd-forge-bench$K).
set -euo pipefail
# set -e alone would end the run without a word (a pipeline hit by SIGPIPE did); say which command failed.
trap 'echo "bench: line $LINENO failed (exit $?): $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
repo=$PWD

reps=5
only=""
scenarios="ssh3,local3,ssh5,ssh7,fallback3,certs,backup"
while (($#)); do
    case $1 in
        --reps) reps=$2; shift 2 ;;
        --reps=*) reps=${1#--reps=}; shift ;;
        --only) only=${2:-}; shift 2 || shift ;;
        --only=*) only=${1#--only=}; shift ;;
        --scenarios) scenarios=$2; shift 2 ;;
        --scenarios=*) scenarios=${1#--scenarios=}; shift ;;
        -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
        *) echo "bench: unknown argument $1 (try --help)" >&2; exit 2 ;;
    esac
done
[[ $reps =~ ^[1-9][0-9]*$ ]] || { echo "bench: --reps needs a positive number" >&2; exit 2; }
[[ -z $only || $only == backup || $only == scaleout ]] || { echo "bench: --only takes 'backup' or 'scaleout' (the parts that run alone), not '$only'" >&2; exit 2; }
[[ -n $only ]] && scenarios=$only
for scenario in ${scenarios//,/ }; do
    [[ $scenario =~ ^(ssh3|local3|ssh5|ssh7|fallback3|certs|backup|scaleout)$ ]] || { echo "bench: --scenarios takes ssh3, local3, ssh5, ssh7, fallback3, certs, backup, scaleout; not '$scenario'" >&2; exit 2; }
done
wanted() { [[ ,$scenarios, == *,$1,* ]]; }
[[ $(id -u) == 0 ]] || { echo "bench: run as root (the SSH test hosts are network namespaces): sudo $0" >&2; exit 2; }
for tool in cfssl cfssljson etcd etcdctl dotnet ssh scp tar sha256sum /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench: '$tool' is missing (see the quick start in README.md)" >&2; exit 2; }
done

export EF_TESTHOSTS_NET=${EF_TESTHOSTS_NET:-0}
net=$EF_TESTHOSTS_NET
loopback=${BENCH_LOOPBACK:-127.0.1}
work=${BENCH_DIR:-/tmp/etcd-forge-bench$( ((net)) && echo "$net")}
hosts_state=/tmp/etcd-forge-testhosts$( ((net)) && echo "$net")
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log() { echo "bench: $*" >&2; }
now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }

rm -rf "$work"
mkdir -p "$work/logs"
results=$work/results.csv     # scenario,tool,rep,seconds
bytes=$work/bytes.csv         # scenario,tool,rep,bytes-per-node (median over nodes)
tasks=$work/tasks.csv         # scenario,rep,task,seconds,peak MB (etcd-forge's --task-report)
memory=$work/memory.csv       # scenario,tool,rep,peak MB of the whole run (/usr/bin/time)
checks=$work/checks.csv       # scenario,rep,Verify checks run,node-side hashes compared by DeployNodes (all nodes)
: >"$results"; : >"$bytes"; : >"$tasks"; : >"$memory"; : >"$checks"

# --- the one etcd archive both use: release-shaped, built from Debian's binaries ----------------------------
version=$(etcd --version | awk '/etcd Version/ {print $3}')
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
archive_name=etcd-v$version-linux-$arch
mkdir -p "$work/dist/src/$archive_name"
cp "$(command -v etcd)" "$(command -v etcdctl)" "$work/dist/src/$archive_name/"
tar -C "$work/dist/src" -czf "$work/dist/$archive_name.tar.gz" "$archive_name"
(cd "$work/dist" && sha256sum "$archive_name.tar.gz" >SHA256SUMS)
archive=$work/dist/$archive_name.tar.gz
rm -rf "$work/dist/src"

# --- test hosts ------------------------------------------------------------------------------------------------
declare -A forge_configs=() baseline_args=()
cleanup() {
    local status=$? scenario
    trap - EXIT INT TERM
    for scenario in "${!forge_configs[@]}"; do
        [[ $scenario == certs ]] && continue # never deployed
        # Only a cluster that still has its bundles (fallback3's repetitions end by removing its cluster dir and
        # keeping the cached .debs beside it: nothing is left to destroy).
        if compgen -G "$work/art-$scenario/*/bundles" >/dev/null; then
            ./build.sh --target=Destroy --yes --config="${forge_configs[$scenario]}" --artifacts="$work/art-$scenario" \
                >>"$work/logs/cleanup.log" 2>&1 || log "cleanup: Destroy of $scenario failed (see $work/logs/cleanup.log)"
        fi
        if [[ -d $work/base-$scenario ]]; then
            # shellcheck disable=SC2086 # the stored arguments are words
            bench/baseline.sh down --dir "$work/base-$scenario" ${baseline_args[$scenario]} >>"$work/logs/cleanup.log" 2>&1 || true
        fi
    done
    [[ $scenarios =~ ssh|certs|scaleout ]] && { tests/hosts/testhosts.sh down >/dev/null 2>&1 || log "cleanup: testhosts.sh down failed"; }
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ $scenarios =~ ssh|certs ]]; then
    log "bringing up 7 SSH test hosts (198.18.$net.0/24)"
    tests/hosts/testhosts.sh up 7 >"$work/logs/testhosts.log"
elif wanted scaleout; then
    log "bringing up 4 SSH test hosts (198.18.$net.0/24)"
    tests/hosts/testhosts.sh up 4 >"$work/logs/testhosts.log"
fi
key=$hosts_state/keys/id_ed25519
known_hosts=$hosts_state/known_hosts

# The hosts' addresses as testhosts.sh laid them out: its hosts file ("name address fingerprint", efK-hostN lines).
ssh_addr() { awk -v name="-host$1" 'substr($1, length($1) - length(name) + 1) == name { print $2 }' "$hosts_state/hosts"; }
ssh_addrs() { local i; for ((i = 1; i <= $1; i++)); do echo -n "$(ssh_addr "$i") "; done; }
local_addrs() { local i; for ((i = 1; i <= $1; i++)); do echo -n "$loopback.1$i "; done; }

write_config() { # scenario count ssh|local|fallback [cluster name, default bench-scenario]
    local scenario=$1 count=$2 kind=$3 name=${4:-bench-$1} i addr file=$work/$1.yaml source
    # fallback: no archive, and a release host whose name never resolves (.invalid, RFC 2606), so etcd-forge takes
    # Debian's packages as on a machine without internet (DNS fails there too), whether or not this one has it.
    source="archive: $archive"
    [[ $kind == fallback ]] && source=$'downloadUrl: https://etcd-release.invalid/releases\n  distributionFallback: true'
    cat >"$file" <<EOF
cluster: { name: $name, token: $name }
etcd:
  version: $version
  $source
pki:
  keyAlgorithm: ecdsa-p256
  ca: { commonName: bench CA, organization: etcd-forge }
  clients: [ { name: client, commonName: root } ]
nodes:
EOF
    for ((i = 1; i <= count; i++)); do
        if [[ $kind == ssh ]]; then
            addr=$(ssh_addr "$i")
            cat >>"$file" <<EOF
  - name: etcd$i
    address: $addr
    service: process
    connection: { type: ssh, user: root, keyFile: $key, knownHosts: $known_hosts }
EOF
        else
            echo "  - { name: etcd$i, address: $loopback.1$i, connection: { type: local } }" >>"$file"
        fi
    done
    forge_configs[$scenario]=$file
    if [[ $kind == ssh ]]; then
        baseline_args[$scenario]="--key $key --known-hosts $known_hosts $(ssh_addrs "$count")"
    else
        baseline_args[$scenario]="--local $(local_addrs "$count")"
    fi
}
write_config ssh3 3 ssh
write_config local3 3 local
write_config fallback3 3 fallback
write_config ssh5 5 ssh
write_config ssh7 7 ssh
# ssh3's cluster with host 4 added: the scale-out measurement runs it against ssh3's artifacts.
write_config ssh4 4 ssh bench-ssh3

# --- one measurement each ----------------------------------------------------------------------------------------
median_bytes() { grep -o '"bytesUploaded": [0-9]*' "$1" | awk '{print $2}' | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# Task durations and peak memory from etcd-forge's --task-report (JSON written by TaskReport: one object per task,
# its fields in the order task, status, seconds, peakMemoryMB; the run's own peakMemoryMB, less indented, is not a task).
record_tasks() { # scenario rep report.json
    awk -v s="$1" -v r="$2" -F'"' '
        $2 == "task" { task = $4 }
        $2 == "seconds" { split($3, v, /[:, ]+/); seconds = v[2] }
        $2 == "peakMemoryMB" && length($1) > 2 { split($3, v, /[:, ]+/); printf "%s,%s,%s,%.3f,%s\n", s, r, task, seconds, v[2] }' "$3" >>"$tasks"
}

# What the run checked: Verify's checks that ran (not skipped), and the node-side hashes DeployNodes compared.
record_checks() { # scenario rep cluster-reports-dir
    local verify=0 hashes=0
    [[ -f $3/verify.json ]] && verify=$(grep -c '"skipped": false' "$3/verify.json" || true)
    [[ -f $3/deploy.json ]] && hashes=$(grep -o '"remoteHashesCompared": [0-9]*' "$3/deploy.json" | awk '{s += $2} END {print s + 0}')
    echo "$1,$2,$verify,$hashes" >>"$checks"
}

forge() { # scenario rep label target... ; times one ./build.sh run and keeps its output, task report and peak memory
    local scenario=$1 rep=$2 label=$3 start end out
    shift 3
    out=$work/logs/$label-$scenario-$rep.log
    start=$(now)
    if ! /usr/bin/time -f %M -o "$out.maxrss" ./build.sh "$@" --config="${forge_configs[$scenario]}" --artifacts="$work/art-$scenario" \
            --task-report="$out.tasks.json" >"$out" 2>&1; then
        log "etcd-forge $* failed for $scenario (rep $rep); last lines of $out:"; tail -n 15 "$out" >&2; exit 1
    fi
    end=$(now)
    echo "$scenario-$label,etcd-forge,$rep,$(awk '{printf "%.1f", $1 / 1024}' "$out.maxrss")" >>"$memory"
    echo "$(secs "$start" "$end")"
}

# The cluster's own artifacts go between repetitions; the shared cache (artifacts/cache: downloads, compressed
# binaries, images) goes too, except for fallback3, whose measure is the default path with Debian's packages cached.
clear_artifacts() { # scenario
    if [[ $1 == fallback3 ]]; then rm -rf "$work/art-$1/bench-$1"; else rm -rf "$work/art-$1"; fi
}

run_forge_cluster() { # scenario rep [warm]
    local scenario=$1 rep=$2 t phase reports=$work/art-$1/bench-$1/reports
    clear_artifacts "$scenario"
    for phase in cold ${3:-}; do
        t=$(forge "$scenario" "$rep" "$phase" --target=Verify)
        echo "$scenario-$phase,etcd-forge,$rep,$t" >>"$results"
        echo "$scenario-$phase,etcd-forge,$rep,$(median_bytes "$reports/deploy.json")" >>"$bytes"
        record_tasks "$scenario-$phase" "$rep" "$work/logs/$phase-$scenario-$rep.log.tasks.json"
        record_checks "$scenario-$phase" "$rep" "$reports"
    done
    [[ $scenario == ssh3 ]] && ! wanted scaleout && run_forge_scaleout "$rep"
    forge "$scenario" "$rep" destroy --target=Destroy --yes >/dev/null
    clear_artifacts "$scenario"
}

# Scale-out of one member on the running ssh3 cluster: host 4 through the whole pipeline (certificates, bundle,
# deploy), added as learner, started, promoted. Timed from the run's start to the promotion line, then host 4 is
# removed again (--yes), so the next repetition starts from three members.
run_forge_scaleout() { # rep
    local rep=$1 start out=$work/logs/scaleout-ssh4-$1.log mark=$work/promoted
    rm -f "$mark"
    start=$(now)
    ./build.sh --target=BootstrapCluster --config="${forge_configs[ssh4]}" --artifacts="$work/art-ssh3" --task-report="$out.tasks.json" 2>&1 |
        while IFS= read -r line; do
            printf '%s\n' "$line"
            if [[ ! -f $mark && $(sed 's/\x1b\[[0-9;]*m//g' <<<"$line") == *"[etcd4] promoted to voting member"* ]]; then secs "$start" "$(now)" >"$mark"; fi
        done >"$out" || true
    if [[ ! -f $mark ]] || ! grep -q 'Task.*Duration' "$out" || grep -q '^Error' "$out"; then
        log "etcd-forge scale-out failed (rep $rep); last lines of $out:"; tail -n 15 "$out" >&2; exit 1
    fi
    echo "scaleout-ssh4,etcd-forge,$rep,$(cat "$mark")" >>"$results"
    record_tasks scaleout-ssh4 "$rep" "$out.tasks.json"
    forge ssh3 "$rep" scalein --target=BootstrapCluster --yes >/dev/null
}

run_baseline_cluster() { # scenario rep
    local scenario=$1 rep=$2 start end dir=$work/base-$scenario out=$work/logs/baseline-$1-$2.log
    rm -rf "$dir"
    start=$(now)
    # shellcheck disable=SC2086
    if ! bench/baseline.sh up --dir "$dir" --archive "$archive" ${baseline_args[$scenario]} >"$out" 2>&1; then
        log "baseline failed for $scenario (rep $rep); see $out"; tail -n 15 "$out" >&2; exit 1
    fi
    end=$(now)
    echo "$scenario-cold,baseline,$rep,$(secs "$start" "$end")" >>"$results"
    echo "$scenario-cold,baseline,$rep,$(cat "$dir"/bytes/* | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')" >>"$bytes"
    # shellcheck disable=SC2086
    bench/baseline.sh down --dir "$dir" ${baseline_args[$scenario]} >>"$out" 2>&1
}

# Certificates alone: the CA and the same 2N+1 leaf certificates. etcd-forge starts from an artifacts dir that
# holds only the unpacked etcd (DownloadEtcd is a no-op check there), so its run is InitCa + IssueCerts.
run_forge_certs() { # rep
    local rep=$1 t
    rm -rf "$work/art-certs"
    ./build.sh --target=DownloadEtcd --config="${forge_configs[certs]}" --artifacts="$work/art-certs" >/dev/null 2>&1
    t=$(forge certs "$rep" certs --target=IssueCerts)
    echo "certs,etcd-forge,$rep,$t" >>"$results"
    record_tasks certs "$rep" "$work/logs/certs-certs-$rep.log.tasks.json"
    rm -rf "$work/art-certs"
}

run_baseline_certs() { # rep
    local rep=$1 start end
    rm -rf "$work/base-certs"
    start=$(now)
    # shellcheck disable=SC2086
    bench/baseline.sh certs --dir "$work/base-certs" $(ssh_addrs 3) >/dev/null 2>&1
    end=$(now)
    echo "certs,baseline,$rep,$(secs "$start" "$end")" >>"$results"
    rm -rf "$work/base-certs"
}
forge_configs[certs]=${forge_configs[ssh3]}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
if [[ -z $only ]]; then
# --- host start-up -------------------------------------------------------------------------------------------------
log "building the host once (not timed), then timing its start-up"
./build.sh --target=Default --dryrun --config="${forge_configs[ssh3]}" >/dev/null
dll=build/bin/Release/net10.0/etcd-forge.dll
assets=build/obj/project.assets.json
# What build.sh's up-to-date check saves: an incremental `dotnet build` with nothing to do (build.sh skips it).
start=$(now); dotnet build build/Build.csproj -c Release -nologo -v quiet -clp:NoSummary >/dev/null; end=$(now)
echo "startup-noop-dotnet-build,etcd-forge,1,$(secs "$start" "$end")" >>"$results"
stamp_before="$(stat -c %y "$dll" "$assets" | tr '\n' ' ')"
for ((rep = 1; rep <= reps; rep++)); do
    start=$(now); ./build.sh --target=Default --dryrun --config="${forge_configs[ssh3]}" >/dev/null; end=$(now)
    echo "startup-build.sh,etcd-forge,$rep,$(secs "$start" "$end")" >>"$results"
    start=$(now); dotnet "$dll" --target=Default --dryrun --config="${forge_configs[ssh3]}" >/dev/null; end=$(now)
    echo "startup-dll,etcd-forge,$rep,$(secs "$start" "$end")" >>"$results"
done

# --- the repetitions ------------------------------------------------------------------------------------------------
if wanted fallback3; then
    log "fallback3: obtaining Debian's packages once (not timed: the measure is the default path with them cached)"
    forge fallback3 0 prime --target=DownloadEtcd >/dev/null
    clear_artifacts fallback3
fi
for ((rep = 1; rep <= reps; rep++)); do
    log "repetition $rep of $reps"
    for scenario in ssh3 local3 ssh5 ssh7 fallback3; do
        wanted "$scenario" || continue
        warm=""; [[ $scenario == ssh3 || $scenario == local3 || $scenario == fallback3 ]] && warm=warm
        # Alternate which goes first, so neither always meets a cold page cache or a just-busy machine.
        if ((rep % 2)); then
            run_baseline_cluster "$scenario" "$rep"; run_forge_cluster "$scenario" "$rep" $warm
        else
            run_forge_cluster "$scenario" "$rep" $warm; run_baseline_cluster "$scenario" "$rep"
        fi
    done
    wanted certs || continue
    if ((rep % 2)); then run_baseline_certs "$rep"; run_forge_certs "$rep"; else run_forge_certs "$rep"; run_baseline_certs "$rep"; fi
done
stamp_after="$(stat -c %y "$dll" "$assets" | tr '\n' ' ')"
else
    log "building the host once (not timed)"
    ./build.sh --target=Default --dryrun --config="${forge_configs[local3]}" >/dev/null
fi

# --- scaleout alone: one 3-member cluster on SSH hosts 1-3 (not timed), grown by host 4 and shrunk again each repetition
if wanted scaleout; then
    rm -rf "$work/art-ssh3"
    forge ssh3 0 scaleout-up --target=Verify >/dev/null
    for ((rep = 1; rep <= reps; rep++)); do log "scale-out $rep of $reps"; run_forge_scaleout "$rep"; done
    forge ssh3 0 scaleout-destroy --target=Destroy --yes >/dev/null
    rm -rf "$work/art-ssh3"
fi

# --- Backup throughput: one local cluster filled with >= 100 MB, then both tools snapshot the same data ----------------
# etcdctl snapshot save streams from one endpoint to a file (it verifies nothing); etcd-forge's Backup streams from the
# leader, checks the file with the version's own tool, hashes it and writes its record: both timed as whole commands.
db_bytes=0
if wanted backup; then
backup_mb=${BENCH_BACKUP_MB:-110}
log "backup: filling a 3-member local cluster with $backup_mb MB"
rm -rf "$work/art-local3"
forge local3 0 backup-up --target=Verify >/dev/null
pki=$work/art-local3/bench-local3/pki
export ETCDCTL_API=3 ETCDCTL_CACERT=$pki/etcd-root-ca.pem ETCDCTL_CERT=$pki/client.pem ETCDCTL_KEY=$pki/client-key.pem
# 750000 random bytes are 1000000 base64 characters (a head after base64 would end the pipeline with SIGPIPE,
# which pipefail turns into a silent exit).
head -c 750000 /dev/urandom | base64 -w0 >"$work/value.bin"
for ((i = 0; i < backup_mb; i++)); do
    etcdctl --endpoints="https://$loopback.11:2379" put "bench/blob/$i" <"$work/value.bin" >/dev/null
done
db_bytes=$(etcdctl --endpoints="https://$loopback.11:2379" endpoint status --write-out=json | grep -o '"dbSize":[0-9]*' | head -1 | cut -d: -f2)
log "backup: database is $db_bytes bytes"
mb_per_s() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.3f", b / 1048576 / s }'; }
for ((rep = 1; rep <= reps; rep++)); do
    for tool in $( ((rep % 2)) && echo "etcdctl forge" || echo "forge etcdctl"); do
        if [[ $tool == etcdctl ]]; then
            rm -f "$work/etcdctl-snapshot.db"
            start=$(now); etcdctl --endpoints="https://$loopback.11:2379" snapshot save "$work/etcdctl-snapshot.db" >"$work/logs/backup-etcdctl-$rep.log" 2>&1; end=$(now)
            size=$(stat -c %s "$work/etcdctl-snapshot.db")
            echo "backup,baseline,$rep,$(mb_per_s "$size" "$(secs "$start" "$end")")" >>"$results"
        else
            t=$(forge local3 "$rep" backup --target=Backup)
            snapshot=$(ls -t "$work"/art-local3/bench-local3/backups/*.db | head -1)
            echo "backup,etcd-forge,$rep,$(mb_per_s "$(stat -c %s "$snapshot")" "$t")" >>"$results"
            # The Backup task alone (snapshot, check, hash, record), without the host's start-up.
            record_tasks backup "$rep" "$work/logs/backup-local3-$rep.log.tasks.json"
            task=$(awk -F, -v r="$rep" '$1 == "backup" && $2 == r && $3 == "Backup" {print $4}' "$tasks")
            echo "backup-task,etcd-forge,$rep,$(mb_per_s "$(stat -c %s "$snapshot")" "$task")" >>"$results"
            rm -f "$snapshot" "${snapshot%.db}.json"
        fi
    done
done
forge local3 0 backup-destroy --target=Destroy --yes >/dev/null
rm -rf "$work/art-local3" "$work/etcdctl-snapshot.db" "$work/value.bin"
fi

# --- the table -------------------------------------------------------------------------------------------------------
stats() { # file scenario tool column -> "median min max n"
    awk -F, -v s="$2" -v t="$3" '$1 == s && $2 == t {print $4}' "$1" | sort -g |
        awk '{a[NR] = $1} END { if (NR == 0) { print "- - - 0"; exit }
             m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; print m, a[1], a[NR], NR }'
}
fmt_s() { read -r m lo hi n <<<"$1"; [[ $n == 0 ]] && { echo "n/a"; return; }
          awk -v m="$m" -v lo="$lo" -v hi="$hi" 'BEGIN { printf "%.2f s (%.2f-%.2f)", m, lo, hi }'; }
fmt_b() { read -r m lo hi n <<<"$1"; [[ $n == 0 ]] && { echo "n/a"; return; }
          awk -v m="$m" 'BEGIN { if (m >= 1e6) printf "%.1f MB", m / 1e6; else printf "%d B", m }'; }
ratio() { read -r a _ _ na <<<"$1"; read -r b _ _ nb <<<"$2"
          if [[ $na == 0 || $nb == 0 ]]; then echo "-"; return; fi
          awk -v a="$a" -v b="$b" 'BEGIN { if (b == 0) print "-"; else printf "%.2fx", a / b }'; }

row() { # label scenario
    local f b
    f=$(stats "$results" "$2" etcd-forge); b=$(stats "$results" "$2" baseline)
    echo "| $1 | $(fmt_s "$b") | $(fmt_s "$f") | $(ratio "$f" "$b") |"
}
row_warm() { # label scenario cold-scenario: the recipe can only start over, so its cold run is the comparison
    local f
    f=$(stats "$results" "$2" etcd-forge)
    echo "| $1 | n/a: no such mode (a re-run makes a new CA) | $(fmt_s "$f") | - (vs baseline cold: $(ratio "$f" "$(stats "$results" "$3" baseline)")) |"
}
task_stats() { # scenario task... -> stats of the per-run sum of those tasks
    local scenario=$1
    shift
    awk -F, -v s="$scenario" -v list="$*" 'BEGIN { n = split(list, t, " "); for (i = 1; i <= n; i++) want[t[i]] = 1 }
        $1 == s && ($3 in want) { sum[$2] += $4 } END { for (r in sum) print s ",etcd-forge," r "," sum[r] }' "$tasks" >"$work/task-sums.csv"
    stats "$work/task-sums.csv" "$scenario" etcd-forge
}
row_bytes() {
    local f b
    f=$(stats "$bytes" "$2" etcd-forge); b=$(stats "$bytes" "$2" baseline)
    echo "| $1 | $(fmt_b "$b") | $(fmt_b "$f") | $(ratio "$f" "$b") |"
}
task_columns="ssh3-cold ssh3-warm local3-cold local3-warm ssh7-cold fallback3-cold fallback3-warm"
task_row() { # task column -> median per scenario (column 4: seconds, 5: peak MB)
    local scenario line="| $1 |"
    for scenario in $task_columns; do
        line+=" $(awk -F, -v s="$scenario" -v t="$1" -v c="$2" '$1 == s && $3 == t {print $c}' "$tasks" | sort -g |
            awk -v f="$3" '{a[NR] = $1} END { if (NR == 0) print "-"; else printf f, (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }') |"
    done
    echo "$line"
}
# A ratio of two etcd-forge medians (7 hosts against 3).
ratio_of() { ratio "$(stats "$results" "$1" etcd-forge)" "$(stats "$results" "$2" etcd-forge)"; }
memory_row() { # label scenario: the whole run's peak (/usr/bin/time), and the task with the highest peak of its own
    local top
    top=$(awk -F, -v s="$2" '$1 == s && $5 > m { m = $5; t = $3 } END { if (t != "") printf "%.0f MB (%s)", m, t; else print "-" }' "$tasks")
    echo "| $1 | $(awk -F, -v s="$2" '$1 == s {print $4}' "$memory" | sort -g | awk '{a[NR] = $1} END { if (NR == 0) print "-"; else printf "%.0f MB (%.0f-%.0f)", a[int((NR + 1) / 2)], a[1], a[NR] }') | $top |"
}
checks_row() { # label scenario: the same counts in every repetition, or the run lost a check
    echo "| $1 | $(awk -F, -v s="$2" '$1 == s {print $3}' "$checks" | sort -u | paste -sd/) | $(awk -F, -v s="$2" '$1 == s {print $4}' "$checks" | sort -u | paste -sd/) |"
}

{
    echo "Median (min-max) of $reps repetitions; ratio = etcd-forge / baseline (for times below 1 means etcd-forge is faster; for MB/s it is slower)."
    echo "Load average before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs; other work on the machine shows here)."
    echo
    echo "| Measure | baseline (bench/baseline.sh) | etcd-forge | ratio |"
    echo "| --- | --- | --- | --- |"
    if [[ -z $only ]]; then
    row "Cold, 3 SSH hosts: empty dir -> verified cluster" ssh3-cold
    row "Cold, 3 local loopback members" local3-cold
    row_warm "Warm re-run, 3 SSH hosts" ssh3-warm ssh3-cold
    row_warm "Warm re-run, 3 local members" local3-warm local3-cold
    row "Certificates: CA + 3x(server, peer) + client, whole command" certs
    f=$(task_stats certs InitCa IssueCerts)
    echo "| Certificates: the same, etcd-forge's InitCa + IssueCerts tasks only | $(fmt_s "$(stats "$results" certs baseline)") | $(fmt_s "$f") | $(ratio "$f" "$(stats "$results" certs baseline)") |"
    row "Scaling: cold, 3 SSH hosts" ssh3-cold
    row "Scaling: cold, 5 SSH hosts" ssh5-cold
    row "Scaling: cold, 7 SSH hosts" ssh7-cold
    fi
    if [[ -z $only ]] || wanted scaleout; then
    echo "| Scale-out of one member: 3 -> 4 SSH hosts, run start to promotion | n/a: baseline.sh has no member-add mode | $(fmt_s "$(stats "$results" scaleout-ssh4 etcd-forge)") | - (vs baseline cold, 3 SSH hosts: $(ratio "$(stats "$results" scaleout-ssh4 etcd-forge)" "$(stats "$results" ssh3-cold baseline)")) |"
    fi
    if [[ -z $only ]]; then
    echo "| Scaling: 7 SSH hosts against 3, etcd-forge (target at most 1.5x) | - | - | $(ratio_of ssh7-cold ssh3-cold) |"
    row "Default path: cold, 3 local members on Debian's packages (distribution fallback, .debs cached)" fallback3-cold
    row_warm "Default path: warm re-run" fallback3-warm fallback3-cold
    echo "| Default path: warm DownloadEtcd task (target under 0.1 s) | - | $(fmt_s "$(task_stats fallback3-warm DownloadEtcd)") | - |"
    row_bytes "Bytes uploaded per node, cold (3 SSH hosts)" ssh3-cold
    echo "| Bytes uploaded per node, warm (3 SSH hosts) | n/a (copies everything again) | $(fmt_b "$(stats "$bytes" ssh3-warm etcd-forge)") | - |"
    fi
    if wanted backup; then
    f=$(stats "$results" backup etcd-forge); b=$(stats "$results" backup baseline)
    fmt_r() { read -r m lo hi n <<<"$1"; [[ $n == 0 ]] && { echo "n/a"; return; }
              awk -v m="$m" -v lo="$lo" -v hi="$hi" 'BEGIN { printf "%.1f MB/s (%.1f-%.1f)", m, lo, hi }'; }
    echo "| Backup of a $((db_bytes / 1048576)) MB database, 3 local members: throughput (\`etcdctl snapshot save\` vs --target=Backup; higher is better) | $(fmt_r "$b") | $(fmt_r "$f") | $(ratio "$f" "$b") |"
    f=$(stats "$results" backup-task etcd-forge)
    echo "| Backup: the same, etcd-forge's Backup task only (no host start-up) | $(fmt_r "$b") | $(fmt_r "$f") | $(ratio "$f" "$b") |"
    fi
    if [[ -z $only ]]; then
    echo
    echo "Host start-up (a dry run: start, load and validate the description, list the tasks):"
    echo
    echo "| | time |"
    echo "| --- | --- |"
    echo "| \`./build.sh --dryrun\` (up-to-date check, then the host) | $(fmt_s "$(stats "$results" startup-build.sh etcd-forge)") |"
    echo "| \`dotnet build/bin/Release/net10.0/etcd-forge.dll --dryrun\` | $(fmt_s "$(stats "$results" startup-dll etcd-forge)") |"
    echo "| \`dotnet build\` with nothing to do (what the up-to-date check saves) | $(fmt_s "$(stats "$results" startup-noop-dotnet-build etcd-forge)") |"
    echo
    if [[ $stamp_before == "$stamp_after" ]]; then
        echo "./build.sh neither rebuilt nor restored in this run: etcd-forge.dll and project.assets.json kept their mtimes."
    else
        echo "WARNING: etcd-forge.dll or project.assets.json changed during the run (rebuilt or restored)."
    fi
    echo
    echo "Where etcd-forge's time goes (median seconds per task, from each run's --task-report):"
    echo
    echo "| Task | cold, 3 SSH | warm, 3 SSH | cold, 3 local | warm, 3 local | cold, 7 SSH | cold, default path | warm, default path |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
    for task in DownloadEtcd InitCa IssueCerts Package DeployNodes SingleNodeTest BootstrapCluster Verify; do task_row "$task" 4 %.2f; done
    echo
    echo "Peak resident memory (MB) of each task, median: the process's high-water mark during the task (VmHWM, reset"
    echo "as each task starts), so it includes what earlier tasks left resident:"
    echo
    echo "| Task | cold, 3 SSH | warm, 3 SSH | cold, 3 local | warm, 3 local | cold, 7 SSH | cold, default path | warm, default path |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
    for task in DownloadEtcd InitCa IssueCerts Package DeployNodes SingleNodeTest BootstrapCluster Verify; do task_row "$task" 5 %.0f; done
    echo
    echo "Peak memory of whole runs (\`/usr/bin/time -v\`'s maximum resident set size, median (min-max)) and the highest task:"
    echo
    echo "| Run | whole run | highest task peak |"
    echo "| --- | --- | --- |"
    memory_row "cold, 3 SSH hosts" ssh3-cold
    memory_row "warm, 3 SSH hosts" ssh3-warm
    memory_row "cold, 3 local members" local3-cold
    memory_row "cold, 7 SSH hosts (target: at most 200 MB)" ssh7-cold
    memory_row "cold, default path" fallback3-cold
    echo
    echo "What each run checked (every repetition; one number means all repetitions agree): Verify's checks that ran,"
    echo "and the files whose SHA-256 DeployNodes compared on the nodes (all nodes together):"
    echo
    echo "| Run | Verify checks | node-side hashes compared |"
    echo "| --- | --- | --- |"
    checks_row "cold, 3 SSH hosts" ssh3-cold
    checks_row "warm, 3 SSH hosts" ssh3-warm
    checks_row "cold, 3 local members" local3-cold
    checks_row "warm, 3 local members" local3-warm
    checks_row "cold, 7 SSH hosts" ssh7-cold
    checks_row "warm, default path" fallback3-warm
    fi
} >"$work/results.md"

cat "$work/results.md"
log "raw figures: $results, $bytes, $tasks, $memory, $checks; logs in $work/logs"

#!/usr/bin/env bash
# Brings up a real single-node Slurm (slurmctld, slurmd and munged, no systemd), submits
# scenarios/sweeps/tiny_grid.toml as a job array of 3 tasks with scenarios/sweeps/sweep.sbatch,
# merges the shards, and requires runs.csv to be byte-identical to the single-process sweep's.
# Every daemon it started is stopped by the PID in its pid file, whatever happens.
#
#   tests/slurm/run.sh [path/to/depthsim]     (default: target/debug/depthsim, which
#                                              `cargo test` builds; CARGO_TARGET_DIR is honoured)
#
# Needs root and apt-get (it installs slurm-wlm and munge if missing). Without them it skips,
# saying why, and exits 0, except under CI (CI=true), where it fails: CI must really run it.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
bin=${1:-${CARGO_TARGET_DIR:-$repo/target}/debug/depthsim}
bin=$(realpath "$bin")

skip() {
    if [ "${CI:-}" = true ]; then
        echo "slurm test: cannot run under CI: $1" >&2
        exit 1
    fi
    echo "slurm test: SKIPPED: $1"
    exit 0
}
[ -x "$bin" ] || { echo "slurm test: no depthsim binary at $bin (build it first)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || skip "needs root (to run munged as the munge user and slurmd)"
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    command -v apt-get >/dev/null || skip "slurm-wlm and munge are not installed and there is no apt-get"
    echo "== installing slurm-wlm and munge"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi

work=$(mktemp -d /tmp/depthsim-slurm.XXXXXX)
chmod 755 "$work"
started=()
stop_daemons() {
    local f pid
    for f in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munge/munged.pid"; do
        [ -s "$f" ] || continue
        pid=$(cat "$f")
        kill "$pid" 2>/dev/null || continue
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
}
cleanup() {
    local code=$?
    stop_daemons
    if [ $code -ne 0 ]; then
        echo "slurm test FAILED; logs:" >&2
        tail -n 20 "$work"/*.log "$work"/munge/*.log "$work"/task-*.out 2>/dev/null >&2 || true
    fi
    rm -rf "$work"
    exit $code
}
trap cleanup EXIT

echo "== munged (private socket in $work/munge)"
mkdir -p "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chown -R munge:munge "$work/munge"
chmod 711 "$work/munge"
chmod 400 "$work/munge/munge.key"
runuser -u munge -- munged --socket="$work/munge/munge.socket" --key-file="$work/munge/munge.key" \
    --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" \
    --seed-file="$work/munge/munged.seed"
for _ in $(seq 50); do [ -S "$work/munge/munge.socket" ] && break; sleep 0.1; done

host=$(hostname -s)
mkdir -p "$work/state" "$work/spool"
cat > "$work/slurm.conf" <<CONF
ClusterName=depthsim-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf

echo "== slurmctld and slurmd ($host, $(nproc) CPUs)"
slurmctld -c
slurmd
for i in $(seq 100); do
    state=$(sinfo -h -o %T 2>/dev/null | head -1 || true)
    [ "$state" = idle ] && break
    [ "$i" = 100 ] && { echo "node never became idle (state: ${state:-none})" >&2; exit 1; }
    sleep 0.2
done

sweep=$repo/scenarios/sweeps/tiny_grid.toml
echo "== the sweep in one process"
"$bin" sweep "$sweep" --out "$work/single" --quiet

echo "== the sweep as a job array of 3 tasks"
job=$(cd "$work" && sbatch --parsable --array=0-2 --cpus-per-task=1 --time=00:05:00 \
    --output="$work/task-%A_%a.out" \
    --export=ALL,SWEEP="$sweep",OUT="$work/array",DEPTHSIM="$bin" \
    "$repo/scenarios/sweeps/sweep.sbatch")
echo "submitted job $job"
for i in $(seq 600); do
    [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
    [ "$i" = 600 ] && { echo "job $job did not finish in 2 minutes" >&2; squeue >&2; exit 1; }
    sleep 0.2
done
tasks=$(ls "$work"/task-"$job"_*.out 2>/dev/null | wc -l)
[ "$tasks" = 3 ] || { echo "expected 3 task outputs, got $tasks" >&2; exit 1; }
[ ! -e "$work/array/runs.csv" ] || { echo "a shard wrote runs.csv" >&2; exit 1; }

echo "== merge, and compare"
"$bin" merge "$work/array"
cmp "$work/single/runs.csv" "$work/array/runs.csv"
echo "slurm test: runs.csv of 3 array tasks merged is byte-identical to the single-process sweep's ($(($(wc -l < "$work/single/runs.csv") - 1)) runs)"

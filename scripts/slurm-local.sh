#!/usr/bin/env bash
# A single-node Slurm on this machine, for trying the lab's `slurm` executor on a laptop and for
# the integration test: `npm run slurm:local` (start; safe to run again), `npm run slurm:stop`,
# `scripts/slurm-local.sh status`.
#
# Needs Debian's (or your distribution's) slurm-wlm and munge, and root: slurmd starts jobs as
# the submitting user. It writes a minimal slurm.conf for localhost (no cgroups: proctrack/linuxproc
# and task/none; no accounting daemon) to /etc/slurm/slurm.conf, unless a slurm.conf that this
# script did not write is there (a real cluster's: then it stops and says so). All daemon state
# (controller state, slurmd spool, logs, pid files, the munge socket's pid) lives in a folder of
# its own, DDL_LAB_SLURM_STATE (default /var/tmp/ddl-lab-slurm); `stop` leaves it for the next start.
# Up to 4 jobs share a core (OverSubscribe=FORCE:4), as local runs share the machine's cores.
set -euo pipefail

action="${1:-start}"
state="${DDL_LAB_SLURM_STATE:-/var/tmp/ddl-lab-slurm}"
conf="${SLURM_CONF:-/etc/slurm/slurm.conf}"
marker="# written by ddl-lab scripts/slurm-local.sh"
node="$(hostname -s)"

say() { echo "slurm-local: $*"; }
# One start or stop at a time (test files may start it in parallel).
mkdir -p "$(dirname "$state")"
# The daemons below are started with fd 9 closed: a daemon that kept it would hold the lock for
# its whole life and every later start/stop would wait forever.
exec 9>"$state.lock"
flock 9
die() {
  echo "slurm-local: $*" >&2
  exit 1
}
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_one() { # pid file, name
  if alive "$1"; then
    local pid
    pid="$(cat "$1")"
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    say "stopped $2 (pid $pid)"
  fi
  rm -f "$1"
}

case "$action" in
  stop)
    stop_one "$state/slurmd.pid" slurmd
    stop_one "$state/slurmctld.pid" slurmctld
    stop_one "$state/munge/munged.pid" munged
    exit 0
    ;;
  status)
    for f in munge/munged slurmctld slurmd; do
      d="$(basename "$f")"
      if alive "$state/$f.pid"; then say "$d running (pid $(cat "$state/$f.pid"))"; else say "$d not running"; fi
    done
    alive "$state/slurmctld.pid" && sinfo -N -h -o '%N %T %c CPUs' 2>/dev/null | sed 's/^/slurm-local: node /'
    exit 0
    ;;
  start) ;;
  *) die "unknown action \"$action\"; use start, stop or status" ;;
esac

for bin in munged slurmctld slurmd sinfo scontrol; do
  command -v "$bin" >/dev/null || die "$bin is not installed; install Slurm and munge (Debian/Ubuntu: apt-get install slurm-wlm munge)"
done
[ "$(id -u)" = 0 ] || die "run it as root (sudo npm run slurm:local): slurmd starts jobs as the user who submits them"

if [ -f "$conf" ] && ! grep -qF "$marker" "$conf"; then
  die "$conf exists and was not written by this script (a real cluster's configuration?); it is left alone. Use that cluster, or move the file away to try the local one."
fi

mkdir -p "$state/ctld" "$state/spool" "$state/log" "$state/munge" "$(dirname "$conf")"
cpus="$(nproc)"
mem_mb=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024))
real_mem=$((mem_mb > 1024 ? mem_mb - 512 : mem_mb))

new_conf="$(
  cat <<EOF
$marker; edit it there, or remove it to let the script write it again.
ClusterName=ddl-lab-local
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
KillWait=10
MinJobAge=300
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$real_mem State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
EOF
)"
if [ ! -f "$conf" ] || [ "$(cat "$conf")" != "$new_conf" ]; then
  printf '%s\n' "$new_conf" >"$conf"
  say "wrote $conf ($cpus CPUs, ${real_mem} MB)"
  # Daemons read the configuration at start: restart the ones running with an older one.
  stop_one "$state/slurmd.pid" slurmd
  stop_one "$state/slurmctld.pid" slurmctld
fi

# munge: the key, then the daemon (as the munge user when there is one, as Debian's service does).
key=/etc/munge/munge.key
if [ ! -f "$key" ]; then
  mkdir -p /etc/munge
  if command -v mungekey >/dev/null; then mungekey --create --keyfile="$key"; else dd if=/dev/urandom bs=1 count=1024 of="$key" 2>/dev/null; fi
  id munge >/dev/null 2>&1 && chown munge:munge /etc/munge "$key"
  chmod 700 /etc/munge
  chmod 400 "$key"
  say "created $key"
fi
if ! alive "$state/munge/munged.pid"; then
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  if id munge >/dev/null 2>&1; then
    chown munge:munge /run/munge /var/lib/munge /var/log/munge "$state/munge"
    chmod 755 /run/munge
    runuser -u munge -- munged --pid-file="$state/munge/munged.pid" --log-file="$state/munge/munged.log" --force 9>&-
  else
    munged --pid-file="$state/munge/munged.pid" --log-file="$state/munge/munged.log" --force 9>&-
  fi
  for _ in $(seq 50); do alive "$state/munge/munged.pid" && break; sleep 0.1; done
  alive "$state/munge/munged.pid" || die "munged did not start; see $state/munge/munged.log"
  say "started munged (pid $(cat "$state/munge/munged.pid"))"
fi

if ! alive "$state/slurmctld.pid"; then
  slurmctld -f "$conf" 9>&-
  for _ in $(seq 100); do alive "$state/slurmctld.pid" && scontrol ping >/dev/null 2>&1 && break; sleep 0.1; done
  alive "$state/slurmctld.pid" || die "slurmctld did not start; see $state/log/slurmctld.log"
  say "started slurmctld (pid $(cat "$state/slurmctld.pid"))"
fi
if ! alive "$state/slurmd.pid"; then
  slurmd -f "$conf" -N "$node" 9>&-
  for _ in $(seq 100); do alive "$state/slurmd.pid" && break; sleep 0.1; done
  alive "$state/slurmd.pid" || die "slurmd did not start; see $state/log/slurmd.log"
  say "started slurmd (pid $(cat "$state/slurmd.pid"))"
fi

# Wait for the node to register; a node left DOWN or DRAINED by an earlier stop is resumed.
for _ in $(seq 150); do
  node_state="$(sinfo -h -n "$node" -o '%T' 2>/dev/null | head -1)"
  case "$node_state" in
    idle* | mixed* | allocated* | completing*) say "node $node is $node_state ($cpus CPUs); submit with sbatch"; exit 0 ;;
    down* | drain*) scontrol update NodeName="$node" State=RESUME >/dev/null 2>&1 || true ;;
  esac
  sleep 0.2
done
die "node $node did not become idle (state: ${node_state:-unknown}); see $state/log/slurmd.log and $state/log/slurmctld.log"

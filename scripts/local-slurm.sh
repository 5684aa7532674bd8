#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the tests and for trying `ftft submit slurm` without a cluster:
# Debian's slurmctld, slurmd and munge (scripts/install-deps.sh --with-slurm installs them), no systemd, every file
# (configuration, munge key and socket, state, spool, logs, pid files) under one folder.
#
#   scripts/local-slurm.sh start     starts munged, slurmctld and slurmd (or finds them running), waits until the
#                                    node is idle, and prints `export SLURM_CONF=…` for `eval`
#   scripts/local-slurm.sh stop      cancels the cluster's jobs, then stops the three daemons by the pids in their
#                                    pid files (TERM, then KILL after 15 s); the folder stays, for the logs
#   scripts/local-slurm.sh status    says whether each daemon runs; exit 0 only if all three do
#
# The folder is $FTFT_LOCAL_SLURM_DIR (default: ${TMPDIR:-/tmp}/ftft-local-slurm). Both commands are idempotent.
# Ports: the first free pair from $FTFT_LOCAL_SLURM_PORT (default 6917) upwards, so two clusters in two folders
# can run side by side. `sacct` needs slurmdbd and is not set up: finished jobs are in `scontrol show job` for
# MinJobAge (1 hour) and in the job-completion file <folder>/log/jobcomp.txt.
set -euo pipefail

folder="${FTFT_LOCAL_SLURM_DIR:-${TMPDIR:-/tmp}/ftft-local-slurm}"
conf="$folder/slurm.conf"
run="$folder/run"

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
say() { echo "local-slurm: $*" >&2; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

write_configuration() {
  local node_line node base port controller_port node_port user
  node_line="$(slurmd -C | head -n 1)"
  node="$(hostname -s)"
  user="$(id -un)"
  base="${FTFT_LOCAL_SLURM_PORT:-6917}"
  port="$base"
  while ! { port_free "$port" && port_free "$((port + 1))"; }; do
    port=$((port + 2))
    [ "$port" -lt $((base + 200)) ] || { say "no free port pair in $base–$((base + 200))"; exit 1; }
  done
  controller_port="$port"
  node_port="$((port + 1))"
  # `slurmd -C` prints "NodeName=<host> CPUs=… RealMemory=…"; keep the hardware, name the node explicitly.
  node_line="NodeName=$node NodeAddr=127.0.0.1 ${node_line#NodeName=* }"
  cat >"$conf" <<EOF
# Written by scripts/local-slurm.sh: a one-node cluster on localhost, everything under $folder.
ClusterName=ftftlocal
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$controller_port
SlurmdPort=$node_port
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$folder/munge/munge.socket
StateSaveLocation=$folder/state
SlurmdSpoolDir=$folder/spool
SlurmctldPidFile=$run/slurmctld.pid
SlurmdPidFile=$run/slurmd.pid
SlurmctldLogFile=$folder/log/slurmctld.log
SlurmdLogFile=$folder/log/slurmd.log
# No cgroups and no systemd here: track processes through /proc, bind no tasks.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
# One line per finished job (state, exit code, array ids), read without a database.
JobCompType=jobcomp/filetxt
JobCompLoc=$folder/log/jobcomp.txt
# Cores and memory are consumable; without DefMemPerCPU each job would take the node's whole memory and jobs
# would run one at a time.
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=2048
SchedulerParameters=batch_sched_delay=0
# How long scontrol show job remembers a finished job.
MinJobAge=3600
ReturnToService=2
MailProg=/bin/true
MpiDefault=none
SwitchType=switch/none
$node_line State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
}

start() {
  for tool in slurmctld slurmd munged mungekey sinfo; do
    command -v "$tool" >/dev/null || { say "$tool is not installed (scripts/install-deps.sh --with-slurm)"; exit 1; }
  done
  if alive "$run/munged.pid" && alive "$run/slurmctld.pid" && alive "$run/slurmd.pid"; then
    say "already running in $folder"
    echo "export SLURM_CONF=$conf"
    return 0
  fi
  mkdir -p "$folder"/{state,spool,log,munge} "$run"
  # munged refuses a socket folder that others cannot traverse.
  chmod 755 "$folder" "$folder/munge"
  [ -f "$conf" ] || write_configuration
  if ! alive "$run/munged.pid"; then
    [ -s "$folder/munge/munge.key" ] || mungekey -c -k "$folder/munge/munge.key"
    chmod 600 "$folder/munge/munge.key"
    munged --key-file "$folder/munge/munge.key" --socket "$folder/munge/munge.socket" \
      --pid-file "$run/munged.pid" --log-file "$folder/log/munged.log" --seed-file "$folder/munge/munged.seed" --force
  fi
  export SLURM_CONF="$conf"
  alive "$run/slurmctld.pid" || slurmctld -f "$conf"
  alive "$run/slurmd.pid" || slurmd -f "$conf" -N "$(hostname -s)"
  local state=""
  for _ in $(seq 1 100); do
    state="$(sinfo -h -o %T 2>/dev/null | head -n 1 || true)"
    case "$state" in idle|mixed|allocated) break ;; esac
    sleep 0.2
  done
  case "$state" in
    idle|mixed|allocated) ;;
    *) say "the node did not come up (state '${state:-none}'); logs in $folder/log"; exit 1 ;;
  esac
  say "running in $folder (node $(hostname -s), $state)"
  echo "export SLURM_CONF=$conf"
}

stop_daemon() {
  local file="$run/$1.pid" pid
  alive "$file" || { rm -f "$file"; return 0; }
  pid="$(cat "$file")"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 75); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$file"; return 0; }
    sleep 0.2
  done
  say "$1 (pid $pid) ignored TERM for 15 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$file"
}

stop() {
  if [ -f "$conf" ] && alive "$run/slurmctld.pid"; then
    export SLURM_CONF="$conf"
    # Jobs first: slurmstepd outlives slurmd, so a job left running would outlive the cluster.
    scancel --full --user="$(id -un)" 2>/dev/null || true
    for _ in $(seq 1 150); do
      [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
  stop_daemon slurmd
  stop_daemon slurmctld
  stop_daemon munged
  say "stopped ($folder kept)"
}

status() {
  local ok=0
  for daemon in munged slurmctld slurmd; do
    if alive "$run/$daemon.pid"; then echo "$daemon: running (pid $(cat "$run/$daemon.pid"))"; else echo "$daemon: stopped"; ok=1; fi
  done
  return "$ok"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status   (folder: \$FTFT_LOCAL_SLURM_DIR, default ${TMPDIR:-/tmp}/ftft-local-slurm)" >&2; exit 64 ;;
esac

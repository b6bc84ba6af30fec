#!/usr/bin/env bash
# A stand-in for sbatch, for the cluster test (tests/workflow/test_cluster.py). Snakemake's
# cluster-generic executor calls
#     submit_background.sh THREADS MEM_MB RUNTIME_MINUTES JOBSCRIPT
# and this starts the job script in the background under a wall-time limit, as a batch system
# would on a node, logs what the job asked for to .snakemake/submitted.log, and prints the job's
# id (its process id) for Snakemake. Job states come from the job script's own marker files.
set -euo pipefail
threads=$1 mem_mb=$2 runtime=$3 jobscript=${*: -1}
echo "$(basename "$jobscript") threads=$threads mem_mb=$mem_mb runtime=$runtime" >> .snakemake/submitted.log
setsid timeout "$((runtime * 60))s" bash "$jobscript" > "$jobscript.out" 2>&1 < /dev/null &
echo $!

#!/bin/bash
# Run a dormsim study as a Slurm job array: one shard per array task, then merge.
#   sbatch --array=0-7 examples/slurm-array.sh scenarios/baseline.toml study
# and, when every task has finished:
#   dormsim merge study/shard-* --out study/all
#SBATCH --job-name=dormsim
#SBATCH --cpus-per-task=2
#SBATCH --mem=8G
#SBATCH --time=01:00:00
set -euo pipefail
scenario=${1:?scenario file}
study=${2:?output folder}
count=${SLURM_ARRAY_TASK_COUNT:?run as a job array}
index=${SLURM_ARRAY_TASK_ID:?run as a job array}
dormsim run "$scenario" --shard "$index/$count" --threads "${SLURM_CPUS_PER_TASK:-1}" --out "$study/shard-$index" --quiet

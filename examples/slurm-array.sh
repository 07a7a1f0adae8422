#!/bin/bash
# Run a dormsim study as a Slurm job array: one shard per array task, then merge. COMMAND is `run` (replications
# are split) or `uncertainty` (design points are split); extra arguments go to dormsim.
#   sbatch --array=0-7 examples/slurm-array.sh run scenarios/baseline.toml study
#   sbatch --array=0-31 examples/slurm-array.sh uncertainty scenarios/baseline.toml ustudy --samples 256
# and, when every task has finished (the merge is byte-identical to an unsplit study):
#   dormsim merge study/shard-* --out study/all
#SBATCH --job-name=dormsim
#SBATCH --cpus-per-task=2
#SBATCH --mem=8G
#SBATCH --time=01:00:00
set -euo pipefail
command=${1:?command: run or uncertainty}
scenario=${2:?scenario file}
study=${3:?output folder}
shift 3
count=${SLURM_ARRAY_TASK_COUNT:?run as a job array}
index=${SLURM_ARRAY_TASK_ID:?run as a job array}
dormsim "$command" "$scenario" --shard "$index/$count" --threads "${SLURM_CPUS_PER_TASK:-1}" \
    --out "$study/shard-$index" --quiet "$@"

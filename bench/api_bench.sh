#!/usr/bin/env bash
# The API benchmark end to end: seed 100,000 entities (bench/seed.py), then load the API under gunicorn
# with wrk in each server configuration (bench/api_load.py). Results: var/bench/results-*.json.
#
#   bench/api_bench.sh [--no-seed] [--quick]
#
# Needs PostgreSQL at 127.0.0.1:5432 (user postgres), Redis at 127.0.0.1:6379 for the redis-cache runs, and
# wrk (apt-get install -y wrk). BENCH_DATABASE_URL overrides the database (default registry_apibench; it is
# dropped and recreated). --quick: 10 s per measurement instead of 20.
set -euo pipefail
cd "$(dirname "$0")/.."
. .venv/bin/activate

seed=1
duration=20
for arg in "$@"; do
    case "$arg" in
        --no-seed) seed=0 ;;
        --quick) duration=10 ;;
        *) echo "usage: $0 [--no-seed] [--quick]" >&2; exit 2 ;;
    esac
done
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }

if [ "$seed" = 1 ]; then
    python bench/seed.py --entities 100000
fi

# The configuration the figures are quoted for: 2 sync workers, in-process cache, every scenario.
python bench/api_load.py --workers 2 --worker-class sync --cache locmem --duration "$duration"
# The same with the detail cache and throttle counters in Redis.
python bench/api_load.py --workers 2 --worker-class sync --cache redis --duration "$duration" \
    --scenarios detail,detail-rate,detail-hot,list
# Other worker counts and classes, for the choice of configuration.
for workers in 3 4; do
    python bench/api_load.py --workers "$workers" --worker-class sync --cache locmem --duration "$duration" \
        --scenarios detail,detail-rate,list
done
python bench/api_load.py --workers 2 --worker-class gthread --threads 4 --cache locmem --duration "$duration" \
    --scenarios detail,detail-rate,list

#!/usr/bin/env bash
# The API benchmark end to end: seed 100,000 entities (bench/seed.py), then load the API under gunicorn
# with wrk in each server configuration (bench/api_load.py). Results: var/bench/results-*.json; the figures
# and what they mean: bench/API.md.
#
#   bench/api_bench.sh [--no-seed] [--quick]
#
# Needs PostgreSQL at 127.0.0.1:5432 (user postgres), Redis at 127.0.0.1:6379 (database 3 holds the cache in
# the redis runs) and wrk (apt-get install -y wrk). BENCH_DATABASE_URL overrides the database (default
# registry_apibench; it is DROPPED and recreated by the seed). --quick: 10 s per measurement instead of 20.
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
load() { python bench/api_load.py --duration "$duration" "$@"; }

if [ "$seed" = 1 ]; then
    python bench/seed.py --entities 100000
fi

# The recommended configuration, every scenario: 2 gthread workers x 4 threads, cache in Redis.
load --workers 2 --worker-class gthread --threads 4 --cache redis
# The settings' defaults (in-process cache) with plain sync workers, every scenario.
load --workers 2 --worker-class sync --cache locmem
# Other worker counts, classes and caches, for the choice of configuration.
load --workers 2 --worker-class sync --cache redis --scenarios detail,detail-rate,detail-hot,list
for workers in 3 4; do
    load --workers "$workers" --worker-class sync --cache locmem --scenarios detail,detail-rate,list
done
load --workers 2 --worker-class gthread --threads 4 --cache locmem --scenarios detail,detail-rate,list
# A sync worker is killed by gunicorn's --timeout in the middle of a long export; a gthread worker is not.
load --workers 2 --worker-class sync --timeout 10 --scenarios export --label sync2-timeout10
load --workers 2 --worker-class gthread --threads 4 --timeout 10 --scenarios export --label gthread-timeout10

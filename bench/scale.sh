#!/usr/bin/env bash
# How cost grows with the store: for each store (SQLite, PostgreSQL) and size (apps x deployments), seeds a year of
# history (Bot.Bench seed: output kept for the last 90 days only, as the default Retention:Output leaves a store;
# SEED_OUTPUT=all keeps it all), starts the AOT bot on it and measures: signed /deploy, /status, `history api` and
# `stats api 30d` intake through wrk and bench/lib/pool.lua (req/s, p50, p99); the log page's first byte of api's last
# deployment (Bot.Bench scale page); `bot audit --since 30d` (the whole export, wall time of the process); cold start to
# the first signed ack (../shared/bench-peers/cold-start.sh); then, with the bot stopped, enqueue -> job start and a
# worker's claim in-process on the same store (Bot.Bench scale queue).
# Writes bench/results/scale-<UTC stamp>/{results.txt,scale.md,scale-<store>.svg}, copies the plots to docs/ and puts
# the table into docs/PERFORMANCE.md between <!-- scale:start --> and <!-- scale:end --> (bench/summarize_scale.py).
#
# Usage: bench/scale.sh  (the defaults take about 25 minutes on 2 cores: both stores, four sizes)
#   SIZES="1x1000 100x100000 1000x1000000 1x1000000"  apps x deployments, smallest first (the plots are relative to it)
#   STORES="sqlite postgres" DUR=5s CONNS=32 THREADS=2 CS_RUNS=3 POOL=200000 PAGE_RUNS=50 AUDIT_RUNS=3
#   QUEUE_RUNS=100 CLAIMS=200 BENCH_PEERS=<folder of the peers> SEED_OUTPUT=all
#   BUILD=0 reuses bench/bin/bot and bench/bin/tool (built when missing).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
SIZES="${SIZES:-1x1000 100x100000 1000x1000000 1x1000000}"
STORES="${STORES:-sqlite postgres}"
DUR="${DUR:-5s}"; CONNS="${CONNS:-32}"; THREADS="${THREADS:-2}"; CS_RUNS="${CS_RUNS:-3}"; POOL="${POOL:-200000}"
PAGE_RUNS="${PAGE_RUNS:-50}"; AUDIT_RUNS="${AUDIT_RUNS:-3}"; QUEUE_RUNS="${QUEUE_RUNS:-100}"; CLAIMS="${CLAIMS:-200}"
PEERS="${BENCH_PEERS:-$root/../shared/bench-peers}"
[[ -d "$PEERS" ]] || PEERS="/work/shared/bench-peers"
export SLACK_SIGNING_SECRET=bench-slack-signing-secret LINE_CHANNEL_SECRET=bench-line-channel-secret
export LOG_LINK_SECRET=bench-log-link-secret-0123456789
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="bench/results/scale-$stamp"; mkdir -p "$out"
exec > >(tee "$out/run.log") 2>&1
res="$out/results.txt"; : > "$res"
work="$(mktemp -d /tmp/bot-scale.XXXXXX)"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
[[ -x "$PEERS/cold-start.sh" ]] || { echo "peers not found at $PEERS (set BENCH_PEERS)"; exit 1; }
if [[ "${BUILD:-1}" != 0 || ! -x bench/bin/bot/bot ]]; then
  dotnet publish src/Bot -c Release -p:PublishAot=true -o bench/bin/bot | grep -E " error|->" || true
fi
if [[ "${BUILD:-1}" != 0 || ! -x bench/bin/tool/Bot.Bench ]]; then
  dotnet build bench/Bot.Bench -c Release -o bench/bin/tool -v q
fi
bot="$root/bench/bin/bot/bot"; tool="$root/bench/bin/tool/Bot.Bench"

echo "MACHINE date=$(date -u +%Y-%m-%dT%H:%M:%SZ) nproc=$(nproc) load=\"$(cut -d' ' -f1-3 /proc/loadavg)\" commit=$(git rev-parse --short HEAD)" | tee -a "$res"

# The apps' repository: one local repository every app shares (start-up fetches it once and copies it for the rest).
git init -q -b main "$work/repo" && (cd "$work/repo" && echo "bench app" > README && git add -A &&
  git -c user.name=Bench -c user.email=b@example.invalid commit -q -m Start && git branch production)

PG=""; pgpid=""
stop_all() { [[ -n "${botpid:-}" ]] && { kill "$botpid" 2>/dev/null || true; wait "$botpid" 2>/dev/null || true; botpid=""; }
             for f in "$work"/data-*/apps/*/*/step.pid; do [[ -f "$f" ]] && kill -9 -- "-$(cut -d' ' -f1 "$f")" 2>/dev/null || true; done; }
trap 'stop_all; [[ -n "$pgpid" ]] && { kill "$pgpid" 2>/dev/null || true; wait "$pgpid" 2>/dev/null || true; }; rm -rf "$work"' EXIT
wait_port() { for _ in $(seq 1 600); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened"; return 1; }
rss_of() { awk '/^VmRSS/{r=$2}/^VmHWM/{h=$2}END{printf "rss_mb=%.1f hwm_mb=%.1f", r/1024, h/1024}' "/proc/$1/status"; }

# As in bench/run.sh: the same pool of signed, all-different requests for every row.
pool_load() { # name kind path text
  local name=$1 kind=$2 path=$3 text=$4
  "$tool" payloads "$kind" "$POOL" "$work/pool.txt" "$text" >/dev/null
  local line; line=$(wrk -t"$THREADS" -c"$CONNS" -d"$DUR" --timeout 5s --latency -s bench/lib/pool.lua "http://127.0.0.1:3120$path" -- "$work/pool.txt" "$THREADS" | grep '^WRKRESULT')
  echo "RESULT $tags name=$name c=$CONNS t=$THREADS ${line#WRKRESULT } $(rss_of "$botpid")" | tee -a "$res"
}

if [[ " $STORES " == *" postgres "* ]]; then
  count=$(wc -w <<< "$SIZES")
  "$tool" pg-server "$count" "$work/pg-urls" & pgpid=$!
  for _ in $(seq 1 600); do [[ -f "$work/pg-urls" ]] && break; sleep 0.1; done
  [[ -f "$work/pg-urls" ]] || { echo "PostgreSQL did not start"; exit 1; }
fi

n=0
for store in $STORES; do
  n=0
  for size in $SIZES; do
    n=$((n + 1)); apps=${size%x*}; deployments=${size#*x}
    data="$work/data-$store-$size"; mkdir -p "$data"
    tags="store=$store apps=$apps deployments=$deployments"
    echo "== $tags"
    # One config entry per app, all on the shared repository.
    { echo '{ "RateLimit": "off", "Apps": {'
      for a in $(seq 0 $((apps - 1))); do
        name=api; [[ $a -gt 0 ]] && name="app$a"; sep=","; [[ $a -eq $((apps - 1)) ]] && sep=""
        echo "\"$name\": { \"Target\": \"shell\", \"Repository\": \"$work/repo\", \"Environments\": [\"production\", \"staging\"], \"Shell\": { \"Deploy\": \"sleep 600\", \"StepTimeout\": \"15m\" } }$sep"
      done
      echo '} }'; } > "$work/bot.json"
    if [[ $store == postgres ]]; then
      url=$(sed -n "${n}p" "$work/pg-urls")
      DATABASE_URL="$url" "$tool" seed "$apps" "$deployments" | tee -a "$res"
      env_store="DATABASE_URL=$url"
    else
      "$tool" seed "$apps" "$deployments" "$data/bot.db" | tee -a "$res"
      env_store="DATABASE_URL="
    fi
    # The audit export of the last 30 days of the seeded store (before the load below adds its own), as an operator runs
    # it: a process of its own, its wall time.
    python3 - "$AUDIT_RUNS" "$tags" bash -c "$env_store DATA_DIR=$data exec $bot audit --since 30d --config $work/bot.json" <<'PY' | tee -a "$res"
import subprocess, sys, time
runs, tags, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
times, rows = [], 0
for r in range(runs + 1):
    t0 = time.perf_counter()
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout
    if r: times.append((time.perf_counter() - t0) * 1000)
    rows = out.count(b"\n")
times.sort()
print(f"RESULT {tags} name=audit n={runs} p50_ms={times[len(times) // 2]:.1f} p99_ms={times[-1]:.1f} rows={rows}")
PY
    # Cold start to the first signed ack on the seeded store.
    RUNS=$CS_RUNS WARMUP=1 "$PEERS/cold-start.sh" "$env_store DATA_DIR=$data exec $bot serve --config $work/bot.json --urls http://127.0.0.1:3121" \
      http://127.0.0.1:3121/slack/commands slack | grep '^COLDSTART' | sed "s/^COLDSTART/COLDSTART $tags name=bot/" | tee -a "$res"
    bash -c "$env_store DATA_DIR=$data BOT_PUBLIC_URL=http://127.0.0.1:3120 exec $bot serve --config $work/bot.json --urls http://127.0.0.1:3120" > "$out/server-$store-$size.log" 2>&1 & botpid=$!
    wait_port 3120
    DUR=2s pool_load warm-up slack /slack/commands "status api" > /dev/null
    pool_load deploy slack /slack/commands "deploy api production"
    pool_load status slack /slack/commands "status api"
    pool_load history slack /slack/commands "history api"
    # The log page of api's last seeded deployment (finished within 90 days, so its output is there), before `stats`:
    # requests that load left queued would otherwise be in its way.
    last=$(( (deployments + apps - 1) / apps ))
    { "$tool" scale page http://127.0.0.1:3120 api "$last" "$PAGE_RUNS" || echo "page: no answer"; } | sed "s/^RESULT/RESULT $tags/" | tee -a "$res"
    pool_load stats slack /slack/commands "stats api 30d"
    stop_all
    # Enqueue -> job start and a worker's claim, in-process on the same store (the bot stopped).
    bash -c "$env_store DATA_DIR=$data exec $tool scale queue $QUEUE_RUNS $CLAIMS" | grep '^RESULT' | sed "s/^RESULT/RESULT $tags/" | tee -a "$res"
    [[ $store == sqlite ]] && rm -rf "$data"
  done
done
echo "MACHINE load_after=\"$(cut -d' ' -f1-3 /proc/loadavg)\"" | tee -a "$res"

# The table, the plots (one per store) and the block in docs/PERFORMANCE.md.
python3 bench/summarize_scale.py "$res" "$out" docs/PERFORMANCE.md
for store in $STORES; do [[ -f "$out/scale-$store.svg" ]] && cp "$out/scale-$store.svg" "docs/scale-$store.svg"; done
echo "results: $out"

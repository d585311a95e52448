#!/usr/bin/env bash
# Intake while retention prunes a million output lines: for each store (SQLite, PostgreSQL), seeds a year of history
# (Bot.Bench seed), tops it up so at least ROWS output lines are older than 90 days (Bot.Bench old-output), starts the
# AOT bot on it and keeps signed /deploy (busy answers) and /status load on it in consecutive windows of WIN seconds,
# taking turns: windows before the prune, while it runs, and after it. The prune is the one of serve's own worker (its
# first run, a minute after start: MODE=serve, the default deployment) or a `bot store prune` process on the same
# store started after PRE_WINDOWS windows (MODE=cli). A window that straddles the start or the end is left out.
# Prints a line per window and per store:
#   PRUNE store=sqlite mode=serve rows=… seconds=… rps_without=… rps_during=… dip=…%
# (rps per kind, averaged over the two kinds; dip = 1 − during / without) and writes bench/results/prune-<stamp>/.
#
# Usage: bench/prune.sh     env: STORES="sqlite postgres" MODES="serve" ROWS=1000000 APPS=10 DEPLOYMENTS=20000
#                                WIN=5 CONNS=32 THREADS=2 POOL=200000 AFTER_WINDOWS=4 PRE_WINDOWS=6 DEADLINE=1800 (s per store)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
STORES="${STORES:-sqlite postgres}"; MODES="${MODES:-serve}"; ROWS="${ROWS:-1000000}"; APPS="${APPS:-10}"
DEPLOYMENTS="${DEPLOYMENTS:-20000}"; WIN="${WIN:-5}"; CONNS="${CONNS:-32}"; THREADS="${THREADS:-2}"; POOL="${POOL:-200000}"
AFTER_WINDOWS="${AFTER_WINDOWS:-4}"; PRE_WINDOWS="${PRE_WINDOWS:-6}"; DEADLINE="${DEADLINE:-1800}"
export SLACK_SIGNING_SECRET=bench-slack-signing-secret
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="bench/results/prune-$stamp"; mkdir -p "$out"
exec > >(tee "$out/run.log") 2>&1
res="$out/results.txt"; : > "$res"
work="$(mktemp -d /tmp/bot-prune.XXXXXX)"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
[[ -x bench/bin/bot/bot ]] || dotnet publish src/Bot -c Release -p:PublishAot=true -o bench/bin/bot | grep -E "warn|error|->" || true
dotnet build bench/Bot.Bench -c Release -o bench/bin/tool -v q | grep -E " error" || true
bot="$root/bench/bin/bot/bot"; tool="$root/bench/bin/tool/Bot.Bench"

git init -q -b main "$work/repo" && (cd "$work/repo" && echo "bench app" > README && git add -A &&
  git -c user.name=Bench -c user.email=b@example.invalid commit -q -m Start && git branch production)
{ echo '{ "RateLimit": "off", "Apps": {'
  for a in $(seq 0 $((APPS - 1))); do
    name=api; [[ $a -gt 0 ]] && name="app$a"; sep=","; [[ $a -eq $((APPS - 1)) ]] && sep=""
    echo "\"$name\": { \"Target\": \"shell\", \"Repository\": \"$work/repo\", \"Environments\": [\"production\", \"staging\"], \"Shell\": { \"Deploy\": \"sleep 600\", \"StepTimeout\": \"15m\" } }$sep"
  done
  echo '} }'; } > "$work/bot.json"

echo "MACHINE date=$(date -u +%Y-%m-%dT%H:%M:%SZ) nproc=$(nproc) load=\"$(cut -d' ' -f1-3 /proc/loadavg)\" commit=$(git rev-parse --short HEAD)" | tee -a "$res"

botpid=""; prunepid=""; pgpid=""
stop_all() { for p in "$prunepid" "$botpid"; do [[ -n "$p" ]] && { kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; }; done
             botpid=""; prunepid=""
             for f in "$work"/data-*/apps/*/*/step.pid; do [[ -f "$f" ]] && kill -9 -- "-$(cut -d' ' -f1 "$f")" 2>/dev/null || true; done; }
trap 'stop_all; [[ -n "$pgpid" ]] && { kill "$pgpid" 2>/dev/null || true; wait "$pgpid" 2>/dev/null || true; }; rm -rf "$work"' EXIT
wait_port() { for _ in $(seq 1 600); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened"; return 1; }
ms() { date +%s%3N; }

if [[ " $STORES " == *" postgres "* ]]; then
  "$tool" pg-server "$(( $(wc -w <<< "$MODES") ))" "$work/pg-urls" & pgpid=$!
  for _ in $(seq 1 600); do [[ -f "$work/pg-urls" ]] && break; sleep 0.1; done
  [[ -f "$work/pg-urls" ]] || { echo "PostgreSQL did not start"; exit 1; }
fi

# One window of load: a fresh pool (signatures stay within Slack's five minutes), then wrk; the line carries its start and end.
window() { # store mode n kind text
  "$tool" payloads slack "$POOL" "$work/pool.txt" "$5" >/dev/null
  local t0 t1 line; t0=$(ms)
  line=$(wrk -t"$THREADS" -c"$CONNS" -d"${WIN}s" --timeout 5s --latency -s bench/lib/pool.lua "http://127.0.0.1:3130/slack/commands" -- "$work/pool.txt" "$THREADS" | grep '^WRKRESULT')
  t1=$(ms)
  echo "WINDOW store=$1 mode=$2 n=$3 kind=$4 start_ms=$t0 end_ms=$t1 ${line#WRKRESULT } load1=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$res"
}

for store in $STORES; do
  n=0
  for mode in $MODES; do
    n=$((n + 1))
    data="$work/data-$store-$mode"; mkdir -p "$data"; rm -f "$work/run.begin" "$work/run.end"
    echo "== store=$store mode=$mode"
    if [[ $store == postgres ]]; then
      url=$(sed -n "${n}p" "$work/pg-urls"); env_store="DATABASE_URL=$url"
      DATABASE_URL="$url" SEED_OUTPUT=all "$tool" seed "$APPS" "$DEPLOYMENTS" | tee -a "$res"
      DATABASE_URL="$url" "$tool" old-output "$ROWS" | tee -a "$res"
    else
      env_store="DATABASE_URL="
      SEED_OUTPUT=all "$tool" seed "$APPS" "$DEPLOYMENTS" "$data/bot.db" | tee -a "$res"
      "$tool" old-output "$ROWS" "$data/bot.db" | tee -a "$res"
    fi
    [[ $store == sqlite ]] && echo "FILE store=$store mode=$mode when=before bytes=$(stat -c %s "$data/bot.db")" | tee -a "$res"
    log="$out/server-$store-$mode.log"
    # MODE=cli: serve prunes nothing itself (its worker would find the lease taken anyway, but not before a minute).
    keep=""; [[ $mode == cli ]] && keep="Retention__Output=off"
    bash -c "$env_store $keep DATA_DIR=$data exec $bot serve --config $work/bot.json --urls http://127.0.0.1:3130" > "$log" 2>&1 & botpid=$!
    wait_port 3130
    up=$(ms)
    if [[ $mode == serve ]]; then
      # The worker's first run starts a minute after start (±2 s for the host's start), and ends with its log line.
      echo $((up + 60000)) > "$work/run.begin"
      ( until grep -q "Retention: removed" "$log"; do sleep 0.2; done; ms > "$work/run.end" ) & watcher=$!
    fi
    w=0; after=0; deadline=$((up + DEADLINE * 1000))
    while (( after < AFTER_WINDOWS )) && (( $(ms) < deadline )); do
      w=$((w + 1))
      if [[ $mode == cli && $w -eq $((PRE_WINDOWS + 1)) ]]; then
        ms > "$work/run.begin"
        ( bash -c "$env_store DATA_DIR=$data exec $bot store prune --json --config $work/bot.json" > "$out/prune-$store.json" 2> "$out/prune-$store.err"; ms > "$work/run.end" ) & prunepid=$!
      fi
      if (( w % 2 )); then window "$store" "$mode" "$w" deploy "deploy api production"; else window "$store" "$mode" "$w" status "status api"; fi
      [[ -f "$work/run.end" ]] && after=$((after + 1))
    done
    [[ -f "$work/run.end" ]] || echo "the prune did not end within $DEADLINE s"
    echo "RUN store=$store mode=$mode begin_ms=$(cat "$work/run.begin" 2>/dev/null || echo 0) end_ms=$(cat "$work/run.end" 2>/dev/null || echo 0) up_ms=$up" | tee -a "$res"
    if [[ $mode == serve ]]; then
      kill "$watcher" 2>/dev/null || true
      grep -o "Retention: removed [0-9]* output lines.*in [0-9]* ms" "$log" | sed "s/^/RUNLOG store=$store mode=$mode /" | tee -a "$res" || true
    else
      wait "$prunepid" || true; prunepid=""
      echo "RUNLOG store=$store mode=$mode $(tr -d '\n ' < "$out/prune-$store.json")" | tee -a "$res"
    fi
    stop_all
    [[ $store == sqlite ]] && echo "FILE store=$store mode=$mode when=after bytes=$(stat -c %s "$data/bot.db")" | tee -a "$res"
  done
done

python3 - "$res" "$out/summary.md" <<'PY'
import re, sys, json, statistics
res, md = sys.argv[1], sys.argv[2]
kv = lambda s: dict(re.findall(r'(\w+)=("[^"]*"|\S+)', s))
windows, runs, logs = [], {}, {}
for line in open(res):
    if line.startswith("WINDOW"): windows.append(kv(line))
    elif line.startswith("RUN "): r = kv(line); runs[(r["store"], r["mode"])] = r
    elif line.startswith("RUNLOG"):
        r = kv(line); rest = line
        m = re.search(r'removed (\d+) output lines.* in (\d+) ms', rest)
        if m: logs[(r["store"], r["mode"])] = (int(m.group(1)), int(m.group(2)) / 1000)
        else:
            j = re.search(r'\{.*\}', rest)
            if j:
                d = json.loads(j.group(0)); logs[(r["store"], r["mode"])] = (d["lines"], d["seconds"])
out, table = [], []
for key, run in runs.items():
    begin, end = int(run["begin_ms"]), int(run["end_ms"]) or 1 << 62
    margin = 2000 if key[1] == "serve" else 0
    def phase(w):
        s, e = int(w["start_ms"]), int(w["end_ms"])
        if e < begin - margin: return "without"
        if s > begin + margin and e < end: return "during"
        if s > end: return "after"
        return "edge"
    ws = [dict(w, phase=phase(w)) for w in windows if (w["store"], w["mode"]) == key]
    per = {}
    for kind in ("deploy", "status"):
        for ph in ("without", "during", "after"):
            sel = [w for w in ws if w["kind"] == kind and w["phase"] == ph]
            if sel: per[(kind, ph)] = (statistics.mean(float(w["rps"]) for w in sel), statistics.median(float(w["p99_ms"]) for w in sel),
                                       max(float(w["max_ms"]) for w in sel), len(sel))
    def avg(ph):
        vals = [per[(k, ph)][0] for k in ("deploy", "status") if (k, ph) in per]
        return statistics.mean(vals) if len(vals) == 2 else float("nan")
    kinds = [k for k in ("deploy", "status") if (k, "without") in per and (k, "during") in per]
    dip = 1 - sum(per[(k, "during")][0] for k in kinds) / sum(per[(k, "without")][0] for k in kinds) if kinds else float("nan")
    rows, secs = logs.get(key, (0, 0))
    ended = "yes" if int(run["end_ms"]) else "no"
    line = f'PRUNE store={key[0]} mode={key[1]} ended={ended} rows={rows} seconds={secs:.1f} rps_without={avg("without"):.0f} rps_during={avg("during"):.0f} rps_after={avg("after"):.0f} dip={dip * 100:.1f}%'
    out.append(line)
    for w in ws: table.append(f'| {key[0]} | {key[1]} | {w["n"]} | {w["kind"]} | {w["phase"]} | {float(w["rps"]):.0f} | {w["p50_ms"]} | {w["p99_ms"]} | {w["max_ms"]} | {w["load1"]} |')
    for (kind, ph), (r, p99, mx, cnt) in sorted(per.items()):
        out.append(f'PRUNEKIND store={key[0]} mode={key[1]} kind={kind} phase={ph} windows={cnt} rps={r:.0f} p99_ms={p99:.2f} max_ms={mx:.1f}')
with open(md, "w") as f:
    f.write("| store | mode | window | kind | phase | req/s | p50 ms | p99 ms | max ms | load1 |\n|---|---|---|---|---|---|---|---|---|---|\n")
    f.write("\n".join(table) + "\n\n" + "\n".join("    " + l for l in out) + "\n")
print("\n".join(out))
PY
echo "results: $out"

#!/usr/bin/env python3
"""Turns bench/run.sh's results.txt into a summary table with the targets, and puts it into docs/PERFORMANCE.md."""
import re, statistics, sys

res, summary_path, perf_path = sys.argv[1], sys.argv[2], sys.argv[3]
rows, cold, idle, machine, gcs, big = {}, {}, {}, [], [], {}
for line in open(res, encoding="utf-8"):
    line = line.strip()
    kv = dict(re.findall(r"(\w+)=(\"[^\"]*\"|\S+)", line))
    if line.startswith("MACHINE"):
        machine.append(line[len("MACHINE "):])
    elif line.startswith("RESULT"):
        rows.setdefault(kv["name"], []).append(kv)
    elif line.startswith("COLDSTART"):
        cold[kv["name"]] = kv
    elif line.startswith("IDLE"):
        idle[kv["name"]] = kv
    elif line.startswith("GC"):
        gcs.append(kv)
    elif line.startswith("BIGOUTPUT") and "name" in kv:
        big[kv["name"]] = kv

def med(name, key):
    vals = [float(r[key]) for r in rows.get(name, []) if key in r and r[key] not in ("nan", "NaN")]
    return statistics.median(vals) if vals else None

def rng(name, key):
    vals = [float(r[key]) for r in rows.get(name, []) if key in r]
    return f"{min(vals):.0f}..{max(vals):.0f}" if len(vals) > 1 else ""

def fmt(v, digits=1):
    return "—" if v is None else (f"{v:.0f}" if abs(v) >= 100 else f"{v:.{digits}f}")

load = ["bot-slack-deploy", "bot-slack-status", "bot-line-deploy", "bot-slack-same-body", "bolt", "line-sdk", "aspnet-aot-slack", "aspnet-aot-line"]
out = []
out.append("Machine: " + " | ".join(machine))
out.append("")
out.append("| target | req/s median (min..max) | p50 ms | p99 ms | RSS after load MB | peak RSS MB | runs |")
out.append("|---|---|---|---|---|---|---|")
for name in load:
    if name not in rows: continue
    out.append(f"| {name} | {fmt(med(name,'rps'))} ({rng(name,'rps')}) | {fmt(med(name,'p50_ms'),2)} | {fmt(med(name,'p99_ms'),2)} | "
               f"{fmt(med(name,'rss_mb'))} | {fmt(med(name,'hwm_mb'))} | {len(rows[name])} |")
out.append("")

CONNS = next((r["c"] for rs in rows.values() for r in rs if "c" in r), "32")

def ratio(a, b):
    x, y = med(a, "rps"), med(b, "rps")
    return None if not x or not y else x / y

checks = []
def check(what, value, target, ok, unit=""):
    checks.append((what, "—" if value is None else f"{value:.2f}{unit}" if isinstance(value, float) else f"{value}{unit}", target,
                   "—" if value is None else ("met" if ok(value) else "MISSED")))

check("Slack /deploy intake vs Bolt (req/s ratio)", ratio("bot-slack-deploy", "bolt"), "≥ 2×", lambda v: v >= 2, "×")
check("LINE deploy intake vs LINE SDK (req/s ratio)", ratio("bot-line-deploy", "line-sdk"), "≥ 2×", lambda v: v >= 2, "×")
check("Slack status vs bare ASP.NET AOT (req/s ratio)", ratio("bot-slack-status", "aspnet-aot-slack"), "≥ 0.6×", lambda v: v >= 0.6, "×")
# Tails against the bare handler's in the same run, under the same load (the same pool script).
for name, peer in [("bot-slack-deploy", "aspnet-aot-slack"), ("bot-slack-status", "aspnet-aot-slack"), ("bot-line-deploy", "aspnet-aot-line")]:
    p99, peer_p99 = med(name, "p99_ms"), med(peer, "p99_ms")
    check(f"{name} p99 vs {peer} p99 at {CONNS} connections ({fmt(p99, 2)} vs {fmt(peer_p99, 2)} ms)",
          p99 / peer_p99 if p99 and peer_p99 else None, "≤ 1.3×", lambda v: v <= 1.3, "×")
peak = max([v for v in (med(n, "hwm_mb") for n in ["bot-slack-deploy", "bot-slack-status", "bot-line-deploy", "bot-slack-same-body"]) if v is not None], default=None)
check("bot peak RSS under load", peak, "≤ 60 MB", lambda v: v <= 60, " MB")
cs = cold.get("bot", {}).get("first_2xx_ms_median")
check("cold start to first acknowledged signed /deploy", float(cs) if cs else None, "≤ 150 ms", lambda v: v <= 150, " ms")
bolt_cs = cold.get("bolt", {}).get("first_2xx_ms_median")
fresh_cs, aspnet_cs = cold.get("bot-fresh", {}).get("first_2xx_ms_median"), cold.get("aspnet-aot", {}).get("first_2xx_ms_median")
check("cold start with a fresh, empty store vs bare ASP.NET AOT (ratio)", float(fresh_cs) / float(aspnet_cs) if fresh_cs and aspnet_cs else None,
      "≤ 1.5×", lambda v: v <= 1.5, "×")
idle_rss = idle.get("bot", {}).get("rss_mb")
check("idle RSS", float(idle_rss) if idle_rss else None, "≤ 40 MB", lambda v: v <= 40, " MB")
for name, what in [("deploy-10mb-build-output", "a deploy whose build prints 10 MB"), ("log-page-10mb", "then that deploy's whole log page"),
                   ("logs-1gib-grep", "`logs` over a 1 GiB log file (tail, then grep; a fresh process)")]:
    hwm = big.get(name, {}).get("hwm_mb")
    check(f"{what}: the serving process's peak RSS", float(hwm) if hwm else None, "≤ 100 MB", lambda v: v <= 100, " MB")
check("command to first feedback in Slack, p50", med("slack-first-feedback", "p50_ms"), "≤ 300 ms", lambda v: v <= 300, " ms")
check("do-nothing deploy: the card reaches \"live\" (slack-card-live), p50", med("slack-card-live", "p50_ms"), "≤ 300 ms", lambda v: v <= 300, " ms")
check("do-nothing shell deploy end to end, p50", med("deploy-noop-end-to-end", "p50_ms"), "≤ 200 ms", lambda v: v <= 200, " ms")
check("queue: enqueue to job start, p50", med("queue-enqueue-to-start", "p50_ms"), "≤ 20 ms", lambda v: v <= 20, " ms")
check("PostgreSQL queue: claims/s with 4 workers", med("pg-claims", "claims_per_s"), "≥ 500/s", lambda v: v >= 500, "/s")
check("logs app 200 over a 1 GiB log file, p50", med("logs-200", "p50_ms"), "≤ 50 ms", lambda v: v <= 50, " ms")
check("log page of a 10,000-line deploy: first byte, p50", med("logpage-first-byte", "p50_ms"), "≤ 50 ms", lambda v: v <= 50, " ms")
check("log page: a recorded line reaches the live stream, p99", med("logpage-line-to-sse", "p99_ms"), "≤ 100 ms", lambda v: v <= 100, " ms")

out.append("| target | measured | goal | |")
out.append("|---|---|---|---|")
for what, value, target, verdict in checks:
    out.append(f"| {what} | {value} | {target} | {verdict} |")
out.append("")
extra = []
if bolt_cs: extra.append(f"Bolt cold start in the same run: {float(bolt_cs):.0f} ms.")
burst = rows.get("queue-burst", [{}])[0]
if burst: extra.append(f"Queue burst: {burst.get('jobs')} jobs, {burst.get('enqueued_per_s')} enqueued/s, {burst.get('started_per_s')} started/s.")
for name in ["slack-ack", "slack-card-live", "logs-200-grep", "logpage-whole", "logpage-line-to-sse"]:
    if name in rows: extra.append(f"{name}: p50 {fmt(med(name,'p50_ms'),2)} ms, p99 {fmt(med(name,'p99_ms'),2)} ms.")
out.append(" ".join(extra))
if gcs:
    out.append("")
    out.append("Where the bot's memory is, by phase (`/proc`: anonymous and file-mapped RSS; the runtime's `/metrics`: GC heap by generation and committed after the last GC, GCs and allocations so far):")
    out.append("")
    out.append("| phase | anon MB | file-mapped MB | gen0 / gen1 / gen2 / LOH / POH MB | GC committed MB | gen0 / gen1 / gen2 GCs | allocated MB |")
    out.append("|---|---|---|---|---|---|---|")
    for g in gcs:
        heaps = " / ".join(g.get(f"heap_{k}_mb", "—") for k in ["gen0", "gen1", "gen2", "loh", "poh"])
        counts = " / ".join(g.get(f"gcs_{k}", "—") for k in ["gen0", "gen1", "gen2"])
        out.append(f"| {g['name']} | {g.get('anon_mb', '—')} | {g.get('file_mb', '—')} | {heaps} | {g.get('committed_mb', '—')} | {counts} | {g.get('allocated_mb', '—')} |")
if big:
    out.append("")
    out.append("Big output through the AOT bot (`bench/big-output.py`): " + " ".join(
        f"{n}: RSS {b.get('rss_mb')} MB, peak {b.get('hwm_mb')} MB (anon {b.get('anon_mb')})." for n, b in big.items()))
table = "\n".join(out) + "\n"
open(summary_path, "w", encoding="utf-8").write(table)

text = open(perf_path, encoding="utf-8").read()
start, end = "<!-- bench:start -->", "<!-- bench:end -->"
if start in text and end in text:
    text = text[:text.index(start) + len(start)] + "\n" + table + text[text.index(end):]
    open(perf_path, "w", encoding="utf-8").write(text)
print(table)

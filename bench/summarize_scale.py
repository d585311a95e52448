#!/usr/bin/env python3
"""bench/scale.sh's summary: results.txt -> scale.md (the table), scale-<store>.svg (how each measure grew, relative to
the smallest size) and the block between <!-- scale:start --> and <!-- scale:end --> in docs/PERFORMANCE.md.
Usage: summarize_scale.py RESULTS OUT_DIR [PERFORMANCE.md]. Standard library only (the SVG is written by hand)."""
import math, os, re, sys

res, out = sys.argv[1], sys.argv[2]
perf = sys.argv[3] if len(sys.argv) > 3 else None
rows, order, machine = {}, [], {}
for line in open(res, encoding="utf-8"):
    kv = {k: v.strip('"') for k, v in re.findall(r'(\w+)=("[^"]*"|\S+)', line)}
    if line.startswith("MACHINE"):
        machine.update(kv)
        continue
    if "store" not in kv:
        continue
    key = (kv["store"], int(kv["apps"]), int(kv["deployments"]))
    if key not in rows:
        rows[key] = {}
        order.append(key)
    r = rows[key]
    if line.startswith("SEED"):
        r["seed"] = (float(kv["seconds"]), int(kv["rows"]), float(kv["rows_per_s"]))
    elif line.startswith("COLDSTART"):
        r["cold"] = float(kv.get("first_2xx_ms_median", "nan"))
    elif line.startswith("RESULT"):
        r[kv["name"]] = {k: (float(v) if re.fullmatch(r"-?[\d.]+", v) else v) for k, v in kv.items()}

def wrk(r, name):
    m = r.get(name)
    return f'{m["rps"]:.0f} / {m["p50_ms"]:.1f} / {m["p99_ms"]:.1f}' if m else ""

def lat(r, name, extra=None):
    m = r.get(name)
    if not m:
        return ""
    text = f'{m["p50_ms"]:.1f} / {m["p99_ms"]:.1f}'
    return text + (f' ({m[extra]:,.0f} rows)' if extra and extra in m else "")

def rate(n):
    return f"{n / 1e6:.1f} M" if n >= 1e6 else f"{n / 1e3:.0f}k"

head = ("| store | apps | deployments | seed | deploy req/s / p50 / p99 ms | status | history | stats 30d | log page first byte "
        "p50 / p99 ms | audit --since 30d ms | enqueue → start p50 / p99 ms | claim p50 / p99 ms | cold start ms |")
table = [head, "|---|---:|---:|---|---|---|---|---|---|---|---|---|---:|"]
for k in order:
    r = rows[k]
    seed = f'{r["seed"][0]:.0f} s ({rate(r["seed"][1])} rows, {r["seed"][2] / 1e3:.0f}k rows/s)' if "seed" in r else ""
    table.append(f'| {k[0]} | {k[1]:,} | {k[2]:,} | {seed} | {wrk(r, "deploy")} | {wrk(r, "status")} | {wrk(r, "history")} | '
                 f'{wrk(r, "stats")} | {lat(r, "logpage")} | {lat(r, "audit", "rows")} | {lat(r, "enqueue-to-start")} | '
                 f'{lat(r, "claim")} | {r.get("cold", float("nan")):.0f} |')

# What each measure's goal is, and how it grew from the smallest to the largest size of each store.
MEASURES = [  # (label, key, field, goal)
    ("deploy p99", "deploy", "p99_ms", 1.5), ("status p99", "status", "p99_ms", 1.5), ("history p99", "history", "p99_ms", 1.5),
    ("stats p99", "stats", "p99_ms", 1.5), ("log page first byte p99", "logpage", "p99_ms", 2.0),
    ("enqueue → start p99", "enqueue-to-start", "p99_ms", 1.5), ("claim p99", "claim", "p99_ms", 1.5),
    ("cold start", "cold", None, 1.5),
]
COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

def value(r, key, field):
    if field is None:
        return r.get(key)
    m = r.get(key)
    return m.get(field) if m else None

growth = ["", "Growth from the smallest size to each larger one (p99, or the cold start median; goal in brackets):", ""]
stores = list(dict.fromkeys(k[0] for k in order))
for store in stores:
    keys = [k for k in order if k[0] == store]
    base = rows[keys[0]]
    parts = []
    for label, key, field, goal in MEASURES:
        b = value(base, key, field)
        if not b:
            continue
        ratios = [value(rows[k], key, field) for k in keys[1:]]
        text = " / ".join(f"{v / b:.2f}×" if v else "–" for v in ratios)
        worst = max((v / b for v in ratios if v), default=0)
        parts.append(f'{label} {text} (≤{goal:g}×){" **over**" if worst > goal else ""}')
    growth.append(f'- {store} ({", ".join(f"{k[1]:,}×{k[2]:,}" for k in keys[1:])} vs {keys[0][1]:,}×{keys[0][2]:,}): ' + "; ".join(parts))

load = f'load average {machine.get("load", "?")} before, {machine.get("load_after", "?")} after'
md = "\n".join(table + growth) + "\n"
note = f'\nRun {machine.get("date", "?")} on {machine.get("nproc", "?")} cores, commit {machine.get("commit", "?")}, {load}.\n'
open(os.path.join(out, "scale.md"), "w", encoding="utf-8").write(md + note)

def svg(store):
    keys = [k for k in order if k[0] == store]
    if len(keys) < 2:
        return None
    base = rows[keys[0]]
    W, H, L, R, T, B = 900, 560, 70, 250, 50, 70
    xs = [math.log10(k[2]) for k in keys]
    x0, x1 = min(xs) - 0.2, max(xs) + 0.2
    series = []
    for i, (label, key, field, goal) in enumerate(MEASURES):
        b = value(base, key, field)
        if not b:
            continue
        pts = [(k, (value(rows[k], key, field) or float("nan")) / b) for k in keys]
        series.append((label, COLOURS[i % len(COLOURS)], pts))
    top = max([4.0] + [v for _, _, pts in series for _, v in pts if v == v])
    bottom = min([0.25] + [v for _, _, pts in series for _, v in pts if v == v and v > 0])
    ymin, ymax = math.log10(bottom / 1.2), math.log10(top * 1.2)
    X = lambda d: L + (math.log10(d) - x0) / (x1 - x0) * (W - L - R)
    Y = lambda v: T + (ymax - math.log10(v)) / (ymax - ymin) * (H - T - B)
    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="13">',
         f'<rect width="{W}" height="{H}" fill="white"/>',
         f'<text x="{L}" y="28" font-size="16" font-weight="bold">How cost grows with the store: {store}</text>',
         f'<text x="{L}" y="44" fill="#555">each measure relative to {keys[0][1]:,} app(s) × {keys[0][2]:,} deployments (log scales)</text>']
    for v in [2.0 ** e for e in range(-10, 14)]:
        if v > top * 1.2:
            break
        if v < bottom / 1.2:
            continue
        o.append(f'<line x1="{L}" x2="{W - R}" y1="{Y(v):.1f}" y2="{Y(v):.1f}" stroke="#eee"/>')
        o.append(f'<text x="{L - 8}" y="{Y(v) + 4:.1f}" text-anchor="end" fill="#555">{v:g}×</text>')
    for goal, dash in [(1.5, "6 4"), (2.0, "2 3")]:
        o.append(f'<line x1="{L}" x2="{W - R}" y1="{Y(goal):.1f}" y2="{Y(goal):.1f}" stroke="#000" stroke-dasharray="{dash}"/>')
        o.append(f'<text x="{W - R - 4}" y="{Y(goal) - 4:.1f}" text-anchor="end" font-size="11">goal {goal:g}×</text>')
    for d in sorted({k[2] for k in keys}):
        o.append(f'<line x1="{X(d):.1f}" x2="{X(d):.1f}" y1="{T}" y2="{H - B}" stroke="#eee"/>')
        label = f"10{''.join('⁰¹²³⁴⁵⁶⁷⁸⁹'[int(c)] for c in str(int(round(math.log10(d)))))}" if d > 0 and math.log10(d) == int(math.log10(d)) else f"{d:,}"
        apps = " / ".join(f"{k[1]:,}" for k in keys if k[2] == d)
        o.append(f'<text x="{X(d):.1f}" y="{H - B + 18}" text-anchor="middle">{label}</text>')
        o.append(f'<text x="{X(d):.1f}" y="{H - B + 34}" text-anchor="middle" fill="#555" font-size="11">{apps} app(s)</text>')
    o.append(f'<text x="{(L + W - R) / 2:.0f}" y="{H - 12}" text-anchor="middle">deployments in the store</text>')
    o.append(f'<rect x="{L}" y="{T}" width="{W - L - R}" height="{H - T - B}" fill="none" stroke="#999"/>')
    for n, (label, colour, pts) in enumerate(series):
        line, seen = [], set()
        for k, v in pts:
            if v != v:
                continue
            hollow = k[2] in seen  # a second size with as many deployments (fewer or more apps): a point, off the line
            seen.add(k[2])
            if not hollow:
                line.append(f"{X(k[2]):.1f},{Y(v):.1f}")
            o.append(f'<circle cx="{X(k[2]):.1f}" cy="{Y(v):.1f}" r="4.5" fill="{"white" if hollow else colour}" stroke="{colour}" stroke-width="2"/>')
        o.append(f'<polyline points="{" ".join(line)}" fill="none" stroke="{colour}" stroke-width="2"/>')
        y = T + 10 + n * 20
        o.append(f'<line x1="{W - R + 15}" x2="{W - R + 40}" y1="{y}" y2="{y}" stroke="{colour}" stroke-width="3"/>')
        o.append(f'<text x="{W - R + 46}" y="{y + 4}">{label}</text>')
    y = T + 20 + len(series) * 20
    if any(sum(1 for k in keys if k[2] == d) > 1 for d in {k[2] for k in keys}):
        o.append(f'<circle cx="{W - R + 27}" cy="{y}" r="4.5" fill="white" stroke="#555" stroke-width="2"/>')
        o.append(f'<text x="{W - R + 46}" y="{y + 4}" font-size="11">hollow: the other app count</text>')
        y += 18
    o.append(f'<text x="{W - R + 15}" y="{y + 4}" font-size="11" fill="#555">{machine.get("date", "")[:10]}, {load.split(" before")[0]}</text>')
    o.append("</svg>")
    return "\n".join(o) + "\n"

for store in stores:
    text = svg(store)
    if text:
        open(os.path.join(out, f"scale-{store}.svg"), "w", encoding="utf-8").write(text)

if perf and os.path.exists(perf):
    text = open(perf, encoding="utf-8").read()
    start, end = "<!-- scale:start -->", "<!-- scale:end -->"
    if start in text and end in text:
        plots = "".join(f"\n![How cost grows: {s}](scale-{s}.svg)\n" for s in stores if os.path.exists(os.path.join(out, f"scale-{s}.svg")))
        text = text[:text.index(start) + len(start)] + "\n" + md + note + plots + text[text.index(end):]
        open(perf, "w", encoding="utf-8").write(text)
print(md + note)

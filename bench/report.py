#!/usr/bin/env python3
"""report.py: turn one `make bench` run (bench/results/<stamp>/raw.txt, written by
bench/run.sh) into the Markdown report: each target's figures (the median of the
rounds) and its ratio to the ceiling and to each peer, the project's goals marked met
or missed (and by how much), memory (PSS) per worker, the byte-equality check, the
keep-alive row, the scaling run, GET /backend's time and worker peak RSS on the largest
table, the deep page, and the perf profile.
Usage: bench/report.py RESULTS_DIR > bench/report.md"""
import os
import statistics
import sys
from collections import defaultdict

# The goals the project sets itself (issues 6 and 18), checked against the same run.
API_TARGETS = ("backend", "list", "search")
GOAL_API_VS_PHP = 2.0
GOAL_API_VS_FLASK = 6.0
GOAL_PAGE_VS_PHP = 2.0
GOAL_PAGE_VS_FLASK = 15.0
GOAL_BIG_PEAK_KIB = 16 * 1024  # a backend worker's peak RSS serving /backend, any size
GOAL_DEEP_VS_FIRST = 0.75  # a deep keyset page's req/s against the first page's
GOAL_P99_PAGE_MS = 10.0
GOAL_P99_API_MS = 5.0
GOAL_WORKER_PSS_KIB = 1.5 * 1024

STACK_NAMES = {
    "ours": "ours (C/FastCGI)",
    "php": "PHP (php-fpm)",
    "flask": "Flask (gunicorn)",
    "static": "ceiling: nginx static file",
    "fcgi": "ceiling: nginx + libfcgi",
}
TARGET_NAMES = {
    "page": "GET / (page: nginx, frontend, backend, MySQL)",
    "backend": "GET /backend",
    "list": "GET /api/v1/users",
    "search": "GET /api/v1/users?q=Mo (prefix)",
    "search-narrow": "GET /api/v1/users?q=Mo1234 (prefix)",
    "mix": "write mix (90% list, 5% POST, 5% DELETE)",
    "deep-keyset": "GET /api/v1/users?after=… (90% deep, by cursor)",
    "deep-offset": "GET /api/v1/users?offset=… (90% deep, by offset)",
}
MEDIAN_FIELDS = ("rps", "p50_us", "p99_us")


def parse(path):
    recs = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            kv = {}
            for p in parts[1:]:
                k, _, v = p.partition("=")
                kv[k] = v
            recs[parts[0]].append(kv)
    return recs


def num(v, default=0.0):
    try:
        return float(v)
    except (TypeError, ValueError):
        return default


def ms(us):
    return f"{num(us) / 1000:.2f}"


def ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "n/a"


def combine(rounds):
    """One figure from the rounds of a measurement: the median of req/s, p50 and p99,
    the largest max, the sums of non-2xx and errors (-1: wrk gave no result)."""
    r = dict(rounds[-1])
    for f in MEDIAN_FIELDS:
        r[f] = str(statistics.median(num(x.get(f)) for x in rounds))
    r["max_us"] = str(max(num(x.get("max_us")) for x in rounds))
    r["non2xx"] = str(sum(int(num(x.get("non2xx"))) for x in rounds))
    errs = [int(num(x.get("errors"))) for x in rounds]
    r["errors"] = str(-1 if -1 in errs else sum(errs))
    r["rounds"] = len(rounds)
    r["rps_rounds"] = "/".join(f"{num(x.get('rps')):.0f}" for x in rounds)
    return r


def main():
    results = sys.argv[1]
    recs = parse(os.path.join(results, "raw.txt"))
    meta = {}
    for m in recs["META"]:
        meta.update(m)
    grouped = defaultdict(list)
    for r in recs["RUN"]:
        key = (r["kind"], r["stack"], r["target"], int(r["clients"]), r.get("users", ""))
        grouped[key].append(r)
    runs = {k: combine(v) for k, v in grouped.items()}
    out = []
    w = out.append
    w("# Benchmark report\n")
    w(f"Run {meta.get('date', '?')} at commit {meta.get('commit', '?')} on {meta.get('cpus', '?')} "
      f"CPUs (load average at the end: {meta.get('load', '?')}); "
      f"{'QUICK run, ' if meta.get('quick') == '1' else ''}{meta.get('duration')} s per "
      f"measurement after {meta.get('warmup')} s warm-up, {meta.get('rounds', '1')} round(s) "
      f"with the stacks' order rotated (figures are the median); wrk with "
      f"{meta.get('threads')} threads on the same machine. Every stack: "
      f"{meta.get('workers')} workers per pool, nginx with {meta.get('nginx_workers')} workers "
      f"and upstream keep-alive {meta.get('keepalive')} (the project's rule); no response "
      f"cache anywhere (our micro-cache: {'on' if meta.get('micro_cache') == '1' else 'off'}); "
      f"our nginx's per-address connection limit: {meta.get('conn_limit', '32')} "
      f"(wrk is one address); scheduling policy of our pool workers: "
      f"{meta.get('sched', 'not recorded')}, of nginx (ours and the peers'): "
      f"{meta.get('nginx_sched', 'not recorded')}, of MariaDB: the system's. "
      f"All stacks measured back to back in this one run: compare ratios, not absolute "
      f"figures.\n")

    clients = sorted({k[3] for k in runs if k[0] == "main"})
    targets = [t for t in TARGET_NAMES if any(k[2] == t and k[0] == "main" for k in runs)]

    w("## Ours against the ceiling and the peers\n")
    w("req/s and latency are ours; `÷ ceiling` is ours as a share of what nginx alone "
      "(static file) and nginx + a do-nothing libfcgi program answer; `× PHP` and "
      "`× Flask` are how many times the peer's req/s ours serves.\n")
    w("| target | clients | req/s | p50 ms | p99 ms | max ms | non-2xx | errors "
      "| ÷ static | ÷ libfcgi | × PHP | × Flask |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for t in targets:
        for c in clients:
            o = runs.get(("main", "ours", t, c, ""))
            if not o:
                continue
            rps = num(o["rps"])
            peer = {s: num(runs.get(("main", s, t, c, ""), {}).get("rps")) for s in STACK_NAMES}
            w(f"| {TARGET_NAMES[t]} | {c} | {rps:.0f} | {ms(o['p50_us'])} | {ms(o['p99_us'])} "
              f"| {ms(o['max_us'])} | {o['non2xx']} | {o['errors']} "
              f"| {ratio(rps, peer['static'])} | {ratio(rps, peer['fcgi'])} "
              f"| {ratio(rps, peer['php'])} | {ratio(rps, peer['flask'])} |")
    w("")

    w("## Every stack\n")
    w("| target | clients | stack | req/s | each round | p50 ms | p99 ms | max ms | non-2xx | errors |")
    w("|---|---:|---|---:|---|---:|---:|---:|---:|---:|")
    for t in targets:
        for c in clients:
            for s in STACK_NAMES:
                r = runs.get(("main", s, t, c, ""))
                if r:
                    w(f"| {t} | {c} | {STACK_NAMES[s]} | {num(r['rps']):.0f} | {r['rps_rounds']} "
                      f"| {ms(r['p50_us'])} | {ms(r['p99_us'])} | {ms(r['max_us'])} | {r['non2xx']} "
                      f"| {r['errors']} |")
    w("")

    # Memory: the largest PSS seen per pool, over every sample.
    pools = {}
    for p in recs["PSS"]:
        if p.get("users"):
            continue
        name = p["pool"]
        cur = pools.setdefault(name, {"stack": p["stack"], "workers": 0, "mean": 0, "max": 0,
                                      "master": 0, "total": 0})
        for k, src in (("workers", "workers"), ("mean", "mean_kib"), ("max", "max_kib"),
                       ("master", "master_kib"), ("total", "total_kib")):
            cur[k] = max(cur[k], int(num(p.get(src))))

    w("## Goals\n")
    w("| goal | measured | verdict |")
    w("|---|---|---|")
    goals = []

    def rps_of(s, t, c):
        return num(runs.get(("main", s, t, c, ""), {}).get("rps"))

    for c in clients:
        for t in API_TARGETS:
            o = rps_of("ours", t, c)
            for peer, goal in (("php", GOAL_API_VS_PHP), ("flask", GOAL_API_VS_FLASK)):
                p = rps_of(peer, t, c)
                if o and p:
                    goals.append((f"{t} at {c} clients ≥ {goal:g}x {STACK_NAMES[peer]}",
                                  o / p, goal, "x", True))
        for peer, goal in (("php", GOAL_PAGE_VS_PHP), ("flask", GOAL_PAGE_VS_FLASK)):
            o, p = rps_of("ours", "page", c), rps_of(peer, "page", c)
            if o and p:
                goals.append((f"page at {c} clients ≥ {goal:g}x {STACK_NAMES[peer]}", o / p,
                              goal, "x", True))
    for t in targets:
        r = runs.get(("main", "ours", t, 32, ""))
        if not r or t == "mix":
            continue
        limit = GOAL_P99_PAGE_MS if t == "page" else GOAL_P99_API_MS
        ceil = [f"{STACK_NAMES[s].split(': ')[1]} {ms(runs[('main', s, t, 32, '')]['p99_us'])} ms"
                for s in ("static", "fcgi") if ("main", s, t, 32, "") in runs]
        note = f" (the ceiling in the same run: {', '.join(ceil)})" if ceil else ""
        goals.append((f"{t} p99 at 32 clients < {limit:g} ms{note}", num(r["p99_us"]) / 1000,
                      limit, " ms", False))
    for name, p in sorted(pools.items()):
        if p["stack"] == "ours" and name != "ours-nginx":
            goals.append((f"{name} worker PSS < 1.5 MiB", p["max"] / 1024,
                          GOAL_WORKER_PSS_KIB / 1024, " MiB", False))
    for kind, stack, t, c, _ in sorted(runs):
        if kind == "main" and stack == "ours":
            r = runs[(kind, stack, t, c, "")]
            bad = int(num(r["non2xx"])) + max(0, int(num(r["errors"])))
            if bad:
                goals.append((f"zero non-2xx/errors: {t} at {c} clients", bad, 0, "", False))
    # The largest table: /backend's memory and time, the broad search, the deep page.
    big = {b["stack"]: b for b in recs["BIG"]}
    if "ours" in big:
        users = int(num(big["ours"]["users"]))
        goals.append((f"backend worker peak RSS serving GET /backend at {users:,} users "
                      f"< {GOAL_BIG_PEAK_KIB // 1024} MiB", num(big["ours"]["peak_kib"]) / 1024,
                      GOAL_BIG_PEAK_KIB / 1024, " MiB", False))
        if "php" in big and big["php"].get("status") == "200":
            ours_t = statistics.median(num(x) for x in big["ours"]["seconds"].split(","))
            php_t = statistics.median(num(x) for x in big["php"]["seconds"].split(","))
            if ours_t:
                goals.append((f"GET /backend at {users:,} users at least as fast as PHP "
                              f"(× PHP's speed)", php_t / ours_t, 1.0, "x", True))
    users_max = max([int(k[4]) for k in runs if k[0] == "scale"] or [0])
    o = num(runs.get(("scale", "ours", "search", 32, str(users_max)), {}).get("rps"))
    p = num(runs.get(("scale", "php", "search", 32, str(users_max)), {}).get("rps"))
    if o and p:
        goals.append((f"broad prefix search (q=Mo) at {users_max:,} users ≥ 1x PHP", o / p, 1.0,
                      "x", True))
    deep = [d for d in recs["DEEP"]]
    if deep:
        users = deep[-1]["users"]
        k = num(runs.get(("deep", "ours", "deep-keyset", 32, users), {}).get("rps"))
        # The first page measured right before the deep one; a run older than that
        # measurement has only the scaling run's (minutes earlier).
        first = num(runs.get(("deep", "ours", "first-page", 32, users),
                             runs.get(("scale", "ours", "list", 32, users), {})).get("rps"))
        label = (f"a page 90% deep by cursor ≥ {GOAL_DEEP_VS_FIRST:g}x the first page's req/s "
                 f"({int(users):,} users)")
        if deep[-1].get("same_items") != "1":
            goals.append((f"{label}: the keyset page must hold the users the offset page holds",
                          0, 1, "", False))
        elif k and first:
            goals.append((label, k / first, GOAL_DEEP_VS_FIRST, "x", True))
    nbad = sum(1 for g in goals if g[0].startswith("zero"))
    for label, val, goal, unit, higher in goals:
        if label.startswith("zero"):
            w(f"| {label} | {int(val)} | MISSED |")
            continue
        if goal == 1 and unit == "" and not higher:  # a condition, not a figure
            w(f"| {label} | no | MISSED |")
            continue
        met = val >= goal if higher else val < goal
        if met:
            verdict = "met"
        elif higher:
            verdict = f"MISSED by {(goal - val) / goal * 100:.0f}% (needs {goal / val:.2f}x more)"
        else:
            verdict = f"MISSED by {val - goal:.2f}{unit} ({val / goal:.1f}x the limit)"
        w(f"| {label} | {val:.2f}{unit} | {verdict} |")
    if not nbad:
        w("| zero non-2xx and socket errors on every run of ours | 0 | met |")
    w("\nWhere a goal is missed, docs/benchmarks.md says where the time goes and what "
      "would close the gap.\n")

    w("## Memory per worker (PSS, /proc/PID/smaps_rollup, largest sample under load)\n")
    w("| pool | stack | workers | mean KiB | max KiB | master KiB | total KiB |")
    w("|---|---|---:|---:|---:|---:|---:|")
    for name, p in sorted(pools.items(), key=lambda kv: (kv[1]["stack"], kv[0])):
        w(f"| {name} | {STACK_NAMES.get(p['stack'], p['stack'])} | {p['workers']} | "
          f"{p['mean']} | {p['max']} | {p['master']} | {p['total']} |")
    w("")

    w("## Same bytes?\n")
    w("The peers and the ceiling are checked against our response body before measuring.\n")
    w("| target | stack | equal | bytes | ours |")
    w("|---|---|---|---:|---:|")
    for s in recs["SAME"]:
        w(f"| {s['target']} | {STACK_NAMES.get(s['stack'], s['stack'])} | "
          f"{'yes' if s['equal'] == '1' else 'no'} | {s['bytes']} | {s['ours_bytes']} |")
    w("")

    ka = {k: v for k, v in runs.items() if k[0].startswith("ka-")}
    if ka:
        w("## nginx upstream keep-alive: nginx/render.sh's rule against overrides (ours, 64 clients)\n")
        w("`rule` is what render.sh derives from the pool sizes; a number is the `KEEPALIVE` "
          "override. The keepalive column is what the rendered nginx.conf holds "
          "(backend/frontend upstream; 0 = no keepalive line, nginx closes each connection).\n")
        w("| target | setting | keepalive | req/s | p50 ms | p99 ms | max ms | non-2xx | errors |")
        w("|---|---|---|---:|---:|---:|---:|---:|---:|")
        def ka_order(kv):
            setting = kv[0][0][3:]
            return (kv[0][2], -1 if setting == "rule" else int(setting))

        for (kind, _, t, c, _), r in sorted(ka.items(), key=ka_order):
            w(f"| {t} | {kind[3:]} | {r.get('conf', '?')} | {num(r['rps']):.0f} | {ms(r['p50_us'])} "
              f"| {ms(r['p99_us'])} | {ms(r['max_us'])} | {r['non2xx']} | {r['errors']} |")
        w("")

    sc = {k: v for k, v in runs.items() if k[0] == "scale"}
    if sc:
        w("## Scaling: latency as the table grows (32 clients)\n")
        w("| users | target | stack | req/s | p50 ms | p99 ms | non-2xx | errors |")
        w("|---:|---|---|---:|---:|---:|---:|---:|")
        for (_, s, t, c, users), r in sorted(
                sc.items(), key=lambda kv: (int(kv[0][4]), kv[0][2], list(STACK_NAMES).index(kv[0][1]))):
            w(f"| {int(users):,} | {TARGET_NAMES.get(t, t)} | {STACK_NAMES[s]} | {num(r['rps']):.0f} "
              f"| {ms(r['p50_us'])} | {ms(r['p99_us'])} | {r['non2xx']} | {r['errors']} |")
        w("")

    if recs["BIG"]:
        w("## GET /backend on the largest table: time and backend worker memory\n")
        w("Each stack answers the whole table BIG_RUNS times in a row. Peak RSS is the most "
          "resident memory a backend worker ever held (VmHWM, the largest over the pool's "
          "workers); after: the largest VmRSS once the answers are sent.\n")
        w("| users | stack | status | bytes | same as ours | seconds (each run) | worker peak RSS MiB "
          "| sum of peaks MiB | RSS after MiB |")
        w("|---:|---|---:|---:|---|---|---:|---:|---:|")
        for b in recs["BIG"]:
            w(f"| {int(num(b['users'])):,} | {STACK_NAMES.get(b['stack'], b['stack'])} | {b['status']} "
              f"| {int(num(b['bytes'])):,} | {'yes' if b['equal'] == '1' else 'no'} | "
              f"{', '.join(f'{num(x):.3f}' for x in b['seconds'].split(','))} | "
              f"{num(b['peak_kib']) / 1024:.1f} | "
              f"{num(b['peak_sum_kib']) / 1024:.1f} | {num(b['rss_after_kib']) / 1024:.1f} |")
        w("")

    if recs["DEEP"]:
        d = recs["DEEP"][-1]
        users = d["users"]
        w(f"## A page 90% deep ({int(users):,} users, 32 clients)\n")
        w(f"Ours by cursor (`after=` the cursor of id {d['after']}, the user before row {int(d['depth']):,}) and by "
          f"offset (`offset={d['depth']}`); the peers by offset. The keyset page holds the same "
          f"users as the offset page: {'yes' if d['same_items'] == '1' else 'NO'}.\n")
        w("| request | stack | req/s | p50 ms | p99 ms | non-2xx |")
        w("|---|---|---:|---:|---:|---:|")
        first = runs.get(("deep", "ours", "first-page", 32, users))
        when = "measured right before the deep page"
        if not first:
            first, when = runs.get(("scale", "ours", "list", 32, users)), "from the scaling run"
        if first:
            w(f"| first page (for scale, {when}) | {STACK_NAMES['ours']} | {num(first['rps']):.0f} "
              f"| {ms(first['p50_us'])} | {ms(first['p99_us'])} | {first['non2xx']} |")
        order = list(STACK_NAMES)
        for (kind, s, t, c, u), r in sorted(runs.items(), key=lambda kv: (order.index(kv[0][1]), kv[0][2])):
            if kind == "deep" and t != "first-page":
                w(f"| {TARGET_NAMES[t]} | {STACK_NAMES[s]} | {num(r['rps']):.0f} | {ms(r['p50_us'])} "
                  f"| {ms(r['p99_us'])} | {r['non2xx']} |")
        for x in recs["DEEPREFUSED"]:
            w(f"| {TARGET_NAMES['deep-offset']} | {STACK_NAMES[x['stack']]} | refused: "
              f"{x['status']} (offset past the bound; the answer points to after=) | | | |")
        w("")

    users_now = max([int(k[4]) for k in sc] or [0])
    prof = [("page", "GET / on ours"),
            ("search", "GET /api/v1/users?q=Mo on ours"),
            ("php-search", "GET /api/v1/users?q=Mo on PHP")]
    shown = False
    for label, title in prof:
        for part, what in (("comm", "CPU by process (whole machine)"),
                           ("fcgi-frontend", "fcgi-frontend: hottest symbols"),
                           ("fcgi-backend", "fcgi-backend: hottest symbols")):
            path = os.path.join(results, f"perf-{label}-{part}.txt")
            if not (os.path.exists(path) and os.path.getsize(path)):
                continue
            if not shown:
                w("## Where the time goes (perf record -a -g at 32 clients, after the scaling "
                  f"run: {users_now:,} users)\n")
                shown = True
            rps = ""
            wrk_out = os.path.join(results, f"perf-{label}-wrk.txt")
            if part == "comm" and os.path.exists(wrk_out):
                with open(wrk_out, encoding="utf-8", errors="replace") as f:
                    for line in f:
                        if line.startswith("Requests/sec:"):
                            rps = f" ({line.split()[1]} req/s while profiled)"
            w(f"{title}, {what}{rps}:\n\n```")
            with open(path, encoding="utf-8", errors="replace") as f:
                w(f.read().rstrip())
            w("```\n")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()

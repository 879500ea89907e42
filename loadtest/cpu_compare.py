#!/usr/bin/env python3
"""Interleaved wrk rounds over several loopback targets (http:// or https://); per target the
median req/s, p50/p99 and the server's CPU time per request: utime+stime of every process
listening on the target's port, read from /proc, divided by the requests wrk counted. CPU per
request is steadier than req/s on a shared 2-core machine, since it does not depend on how the
scheduler splits the cores between wrk and the server.

usage: cpu_compare.py [-c 64] [-d 8] [-r 3] [--close] [--script F] [--title T] name=URL ...
  --close   send `Connection: close`: every request is a new connection (over https, a new
            full handshake: the rate is handshakes per second)
  --script  a wrk Lua script for every target (method, headers, body: loadtest/wrk/)
The first target is the baseline of the ratio columns. Prints a markdown table.
"""
import argparse, os, re, statistics, subprocess, sys, time

TCK = os.sysconf("SC_CLK_TCK")


def pids_on(port):
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True).stdout
    return sorted(set(int(p) for p in re.findall(r"pid=(\d+)", out)))


def cpu_ticks(pids):
    t = 0
    for p in pids:
        try:
            f = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
            t += int(f[11]) + int(f[12])  # utime, stime (fields 14, 15)
        except OSError:
            pass
    return t


def busy_ticks():
    f = open("/proc/stat").readline().split()[1:]
    return sum(int(x) for x in f[:3] + f[5:7])  # user nice system irq softirq


def ms(v, unit):
    return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run(url, conns, dur, close, script=None):
    port = int(re.search(r":(\d+)", url.split("//", 1)[1]).group(1))
    pids = pids_on(port)
    if not pids:
        raise SystemExit(f"nothing listens on {port} ({url})")
    extra = ["-H", "Connection: close"] if close else []
    if script:
        extra += ["-s", script]
    c0, b0, t0 = cpu_ticks(pids), busy_ticks(), time.monotonic()
    p = subprocess.run(["wrk", "-t1", f"-c{conns}", f"-d{dur}s", "--latency", *extra, url],
                       capture_output=True, text=True)
    c1, b1, t1 = cpu_ticks(pids), busy_ticks(), time.monotonic()
    out = p.stdout
    m = re.search(r"(\d+) requests in", out)
    if not m:
        raise SystemExit(f"wrk failed on {url}:\n{out}{p.stderr}")
    reqs = int(m.group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {m.group(1): ms(m.group(2), m.group(3))
           for m in re.finditer(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)", out, re.M)}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errs = int(bad.group(1)) if bad else 0
    se = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if se:
        errs += sum(int(x) for x in se.groups())
    server_us = (c1 - c0) / TCK * 1e6 / max(reqs, 1)
    # Machine busy time not spent by the server: wrk plus anything else running.
    others_pct = 100.0 * ((b1 - b0) - (c1 - c0)) / TCK / (t1 - t0) / os.cpu_count()
    return rps, lat.get("50", 0.0), lat.get("99", 0.0), server_us, errs, others_pct


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-c", type=int, default=64)
    ap.add_argument("-d", type=int, default=8)
    ap.add_argument("-r", type=int, default=3)
    ap.add_argument("--close", action="store_true")
    ap.add_argument("--script", default=None)
    ap.add_argument("--title", default="")
    ap.add_argument("targets", nargs="+")
    a = ap.parse_args()
    targets = [t.split("=", 1) for t in a.targets]
    res = {n: [] for n, _ in targets}
    for r in range(a.r):
        for name, url in targets:
            x = run(url, a.c, a.d, a.close, a.script)
            res[name].append(x)
            print(f"  round {r + 1}/{a.r} {name:<16} {x[0]:10.0f} req/s  p99 {x[2]:7.2f} ms  "
                  f"cpu {x[3]:6.2f} us/req  err {x[4]}  wrk+other {x[5]:.0f}%", file=sys.stderr)
    med = lambda n, i: statistics.median(v[i] for v in res[n])
    base = targets[0][0]
    mode = "new connection per request" if a.close else "keep-alive"
    if a.script:
        mode += f", requests from {os.path.basename(a.script)}"
    print(f"\n### {a.title}wrk -t1 -c{a.c} -d{a.d}s, {mode}, median of {a.r} interleaved rounds"
          f" ({time.strftime('%Y-%m-%d', time.gmtime())}, {os.cpu_count()} cores shared with wrk)\n")
    print(f"| target | req/s (min-max) | p50 ms | p99 ms | server CPU us/req | req/s vs {base} "
          f"| CPU/req vs {base} | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, _ in targets:
        rps = [v[0] for v in res[name]]
        print(f"| {name} | {med(name, 0):.0f} ({min(rps):.0f}-{max(rps):.0f}) | {med(name, 1):.2f} "
              f"| {med(name, 2):.2f} | {med(name, 3):.2f} | {med(name, 0) / med(base, 0):.2f} "
              f"| {med(name, 3) / med(base, 3):.2f} | {sum(v[4] for v in res[name])} |")


if __name__ == "__main__":
    main()

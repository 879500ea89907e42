#!/usr/bin/env python3
"""Propagation delay of a deploy in a cluster: N deploys through the first node; after each
`start` answers there, the time until every other node's gateway port answers the new
version (polled on keep-alive connections, about every 2 ms). Prints median and max.

usage: cluster_propagation.py --token T --deploy-admin HOST:PORT --path /p \
           --endpoint ID [-n 20] GATEWAY_HOST:PORT ...
"""
import argparse, http.client, json, statistics, sys, time

CODE = """use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(_ctx: &Context, req: Request) -> Response {{
    Response::ok(json!({{ "v": {v}, "path": req.path }}))
}}
"""


def api(admin, token, method, path, body=None):
    host, port = admin.rsplit(":", 1)
    c = http.client.HTTPConnection(host, int(port), timeout=600)
    data = json.dumps(body) if body is not None else None
    c.request(method, "/api" + path, body=data,
              headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    r = c.getresponse()
    out = json.loads(r.read() or b"null")
    if r.status != 200:
        sys.exit(f"{method} {path}: {r.status} {out}")
    return out


def version_on(conn, path):
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        return json.loads(body).get("v") if r.status == 200 else None
    except (OSError, http.client.HTTPException, ValueError):
        conn.close()
        return None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--token", required=True)
    p.add_argument("--deploy-admin", required=True)
    p.add_argument("--endpoint", required=True)
    p.add_argument("--path", required=True)
    p.add_argument("-n", type=int, default=20)
    p.add_argument("gateways", nargs="+")
    a = p.parse_args()
    conns = {g: http.client.HTTPConnection(*g.rsplit(":", 1), timeout=5) for g in a.gateways}
    delays = []
    for i in range(1, a.n + 1):
        v = 1000 + i
        api(a.deploy_admin, a.token, "PUT", f"/endpoints/{a.endpoint}", {"code": CODE.format(v=v)})
        api(a.deploy_admin, a.token, "POST", f"/endpoints/{a.endpoint}/compile")
        api(a.deploy_admin, a.token, "POST", f"/endpoints/{a.endpoint}/start")
        t0 = time.monotonic()
        pending = set(a.gateways)
        while pending:
            for g in list(pending):
                if version_on(conns[g], a.path) == v:
                    pending.discard(g)
            if time.monotonic() - t0 > 30:
                sys.exit(f"deploy {i}: {sorted(pending)} still not serving v{v} after 30 s")
            time.sleep(0.002)
        delays.append((time.monotonic() - t0) * 1000)
        print(f"deploy {i:2}: every node serves it {delays[-1]:7.1f} ms after start answered", file=sys.stderr)
    print(f"| propagation over {len(delays)} deploys | median {statistics.median(delays):.1f} ms "
          f"| max {max(delays):.1f} ms | min {min(delays):.1f} ms |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Abuse a running `cnnspot serve` and check it answers each attack with its error, stays up,
keeps its RSS under a bound, and still scores the examples afterwards. Standard library only.

    cnnspot serve -m MODEL --port 8099 & PID=$!
    python3 scripts/serve/abuse_test.py --url http://127.0.0.1:8099 --pid $PID --rss-bound-mb 1500
"""
import argparse, json, os, socket, struct, sys, time, urllib.error, urllib.request, uuid, zlib


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def post(url, body, ctype, timeout=120):
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": ctype})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def png_declaring(w, h):
    raw = b"\x00" + b"\x00" * 3 * 8
    idat = zlib.compress(raw * 8)
    def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def multipart(parts):
    b = uuid.uuid4().hex
    body = b"".join(f"--{b}\r\nContent-Disposition: form-data; name=\"{n}\"; filename=\"{fn}\"\r\nContent-Type: image/png\r\n\r\n".encode() + d + b"\r\n"
                    for n, fn, d in parts) + f"--{b}--\r\n".encode()
    return body, f"multipart/form-data; boundary={b}"


def raw_request(host, port, head, body_iter, read_timeout=60):
    """Sends a request by hand; returns (status line or error, seconds)."""
    t0 = time.time()
    s = socket.create_connection((host, port))
    s.settimeout(read_timeout)
    try:
        s.sendall(head)
        for piece in body_iter:
            try:
                s.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break
        data = s.recv(65536)
        return (data.split(b"\r\n", 1)[0].decode() if data else "connection closed, no answer"), time.time() - t0
    except socket.timeout:
        return "no answer (timeout)", time.time() - t0
    except ConnectionResetError:
        return "connection reset", time.time() - t0
    finally:
        s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--rss-bound-mb", type=float, default=1500)
    ap.add_argument("--examples", default=os.path.join(os.path.dirname(__file__), "..", "..", "examples"))
    a = ap.parse_args()
    host, port = a.url.split("//")[1].split(":")
    port = int(port)
    det = a.url + "/v1/detect"
    real = open(os.path.join(a.examples, "real.png"), "rb").read()
    fails, peak = [], rss_mb(a.pid)
    print(f"RSS at start: {peak:.0f} MB")

    def check(ok, what):
        nonlocal peak
        peak = max(peak, rss_mb(a.pid))
        print(("PASS " if ok else "FAIL ") + what + f"  [RSS {rss_mb(a.pid):.0f} MB]")
        if not ok: fails.append(what)

    s, j = post(det, real[: len(real) // 2], "image/png"); check(s == 422 and j["error"]["code"] == "truncated_image", f"truncated image -> {s} {j['error']['code']}")
    s, j = post(det, os.urandom(100_000), "image/jpeg"); check(s == 415, f"random bytes -> {s} {j['error']['code']}")
    s, j = post(det, png_declaring(100000, 100000), "image/png"); check(s == 413 and j["error"]["code"] == "too_many_pixels", f"PNG declaring 100000x100000 -> {s} {j['error']['code']}")
    body, ct = multipart([("x", f"p{i}.png", b"A") for i in range(10_000)])
    t0 = time.time(); s, j = post(det, body, ct); check(s == 413 and j["error"]["code"] == "too_many_parts", f"10,000 tiny parts ({len(body)} bytes) -> {s} {j['error']['code']} in {time.time()-t0:.2f} s")

    # 2 GB body, streamed with chunked encoding (no Content-Length: the limit bites while streaming).
    chunk = b"\0" * (1 << 20)
    def two_gb():
        for _ in range(2048):
            yield b"100000\r\n" + chunk + b"\r\n"
        yield b"0\r\n\r\n"
    line, secs = raw_request(host, port, f"POST /v1/detect HTTP/1.1\r\nHost: {host}\r\nContent-Type: image/png\r\nTransfer-Encoding: chunked\r\n\r\n".encode(), two_gb())
    check("413" in line, f"2 GB chunked body -> '{line}' after {secs:.1f} s")
    # 2 GB declared by Content-Length: refused before any body byte is read.
    line, secs = raw_request(host, port, f"POST /v1/detect HTTP/1.1\r\nHost: {host}\r\nContent-Type: image/png\r\nContent-Length: {2 << 30}\r\n\r\n".encode(), [])
    check("413" in line, f"Content-Length 2 GB -> '{line}' after {secs:.1f} s")

    # Stalled upload: half a body, then silence; the server must cut it off (idle timeout).
    def stalled():
        yield real[:1000]
        time.sleep(0.1)
    line, secs = raw_request(host, port, f"POST /v1/detect HTTP/1.1\r\nHost: {host}\r\nContent-Type: image/png\r\nContent-Length: {len(real)}\r\n\r\n".encode(), stalled(), read_timeout=90)
    check(secs < 60 and "timeout" not in line, f"stalled upload -> '{line}' after {secs:.1f} s")
    # Slowloris header: one header byte every second, never finished.
    t0 = time.time()
    sock = socket.create_connection((host, port)); sock.settimeout(90)
    closed = False
    try:
        for ch in b"POST /v1/detect HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200:
            sock.sendall(bytes([ch])); time.sleep(1)
            if time.time() - t0 > 60: break
    except (BrokenPipeError, ConnectionResetError):
        closed = True
    sock.close()
    check(closed, f"trickled header cut off after {time.time()-t0:.1f} s")

    # Still scoring.
    body, ct = multipart([("file", "real.png", real), ("file", "fake.png", open(os.path.join(a.examples, "fake.png"), "rb").read())])
    s, j = post(det, body, ct)
    check(s == 200 and all(r["logit"] is not None for r in j["results"]), f"examples still scored: {[round(r['logit'], 6) for r in j['results']]}")
    with urllib.request.urlopen(a.url + "/healthz") as r: check(r.status == 200, "healthz 200")
    peak = max(peak, rss_mb(a.pid))
    check(peak <= a.rss_bound_mb, f"peak RSS sampled {peak:.0f} MB <= bound {a.rss_bound_mb:.0f} MB")
    print(f"{len(fails)} failure(s)")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# Load benchmark of `cnnspot serve` with wrk (Debian `wrk`) on loopback: throughput, p50/p99
# latency, errors and server RSS at concurrency 1, 8 and 32, with 256x256 PNGs and 1024x1024
# JPEGs, dynamic batching on (--batch-size 16) and off (--batch-size 1), beside `cnnspot detect`
# on the same images. A benchmark, not a test: numbers go to BENCHMARKS.md with `uptime`.
#
#   scripts/serve/load_bench.sh MODEL [SECONDS_PER_RUN] [OUT_DIR]
# REPEATS (default 3) runs per case; results.txt has every run and summary.txt the medians.
set -euo pipefail
MODEL=${1:?usage: load_bench.sh MODEL [SECONDS] [OUT]}
SECS=${2:-20}
OUT=${3:-/tmp/cnnspot-load}
BIN=${BIN:-.build/release/cnnspot}
PORT=${PORT:-8097}
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }

# Inputs: the real example (256x256 PNG) and a 1024x1024 JPEG made from it (nearest x4, q90).
cp examples/real.png "$OUT/small.png"
/work/venv/bin/python - "$OUT" <<'PY'
import sys
from PIL import Image
out = sys.argv[1]
Image.open(f"{out}/small.png").convert("RGB").resize((1024, 1024), Image.BILINEAR).save(f"{out}/large.jpg", quality=90)
PY

cat > "$OUT/post.lua" <<'LUA'
local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = os.getenv("BODY_TYPE")
local non2xx = 0
response = function(status, headers, body) if status ~= 200 then non2xx = non2xx + 1 end end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d seconds=%.2f rps=%.2f p50_ms=%.1f p99_ms=%.1f errors=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

echo "# uptime before: $(uptime)" | tee "$OUT/results.txt"
for BATCH in 16 1; do
  "$BIN" serve -m "$MODEL" --port "$PORT" --batch-size "$BATCH" --queue-capacity 64 --log-level warning > "$OUT/serve.log" 2>&1 &
  SPID=$!
  for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.5; done
  for INPUT in small.png:image/png large.jpg:image/jpeg; do
    FILE=${INPUT%%:*}; TYPE=${INPUT##*:}
    for C in 1 8 32; do
     for REP in $(seq 1 "${REPEATS:-3}"); do
      RSS_PEAK=0
      ( while kill -0 $SPID 2>/dev/null; do awk '/VmRSS/{print $2}' /proc/$SPID/status; sleep 0.5; done ) > "$OUT/rss.$BATCH.$FILE.$C" &
      WPID=$!
      R=$(BODY_FILE="$OUT/$FILE" BODY_TYPE=$TYPE wrk -t $(( C < 2 ? 1 : 2 )) -c $C -d ${SECS}s --timeout 60s -s "$OUT/post.lua" "http://127.0.0.1:$PORT/v1/detect" | grep RESULT)
      kill $WPID 2>/dev/null || true
      RSS_PEAK=$(sort -n "$OUT/rss.$BATCH.$FILE.$C" | tail -1)
      echo "batch=$BATCH input=$FILE concurrency=$C run=$REP $R rss_peak_mb=$(( RSS_PEAK / 1024 ))" | tee -a "$OUT/results.txt"
     done
    done
  done
  kill -TERM $SPID; wait $SPID || true
done

# cnnspot detect on the same images: 64 copies of each, images/s.
for FILE in small.png large.jpg; do
  D="$OUT/detect-$FILE"; mkdir -p "$D"
  for i in $(seq 1 64); do cp "$OUT/$FILE" "$D/$i-$FILE"; done
  for REP in $(seq 1 "${REPEATS:-3}"); do
    T0=$(date +%s.%N); "$BIN" detect "$D" -m "$MODEL" --format csv > /dev/null; T1=$(date +%s.%N)
    echo "detect input=$FILE run=$REP images=64 seconds=$(echo "$T1 - $T0" | bc) images_per_s=$(echo "scale=2; 64 / ($T1 - $T0)" | bc)" | tee -a "$OUT/results.txt"
  done
done
echo "# uptime after: $(uptime)" | tee -a "$OUT/results.txt"
# Medians per case (rps, p50, p99, errors summed, peak RSS max; detect images/s).
python3 - "$OUT/results.txt" <<'PY' | tee "$OUT/summary.txt"
import re, statistics, sys
cases = {}
for line in open(sys.argv[1]):
    if line.startswith("#"):
        continue
    kv = dict(re.findall(r"(\w+)=([^\s]+)", line))
    key = ("detect", kv["input"]) if line.startswith("detect") else (kv["batch"], kv["input"], kv["concurrency"])
    cases.setdefault(key, []).append(kv)
print("| case | runs | req/s (median) | p50 ms | p99 ms | errors | peak RSS MB |")
print("|---|---|---|---|---|---|---|")
for key, runs in cases.items():
    med = lambda k: statistics.median(float(r[k]) for r in runs)
    if key[0] == "detect":
        print(f"| detect {key[1]} (64 images) | {len(runs)} | {med('images_per_s'):.2f} images/s | | | | |")
    else:
        errs = sum(int(r["errors"]) + int(r["socket_errors"]) for r in runs)
        print(f"| serve batch {key[0]}, {key[1]}, concurrency {key[2]} | {len(runs)} | {med('rps'):.2f} | {med('p50_ms'):.1f} | {med('p99_ms'):.1f} | {errs} | {max(int(r['rss_peak_mb']) for r in runs)} |")
PY

#!/usr/bin/env python3
"""BENCHMARKS.md "Data-parallel training": expected scaling efficiency of `mpirun -np N cnnspot
train` from the measured per-node training rate and the all-reduce model.

One node = this machine (2 cores, 2 ranks x 1 thread). Per step a node computes its b images in
T_c = b / r (r: the node's measured img/s, from scripts/bench/mpi_sitting.sh), then all nodes
all-reduce the gradient (S bytes, fp32) with a ring: T_ar = 2 (n - 1) / n * S / BW + 2 (n - 1) * a
(BW: link bandwidth in bytes/s, a: per-message latency). No overlap of the all-reduce with the
backward pass (cnnspot reduces after it). Efficiency E = T_c / (T_c + T_ar); images/s of the
cluster = n * b / (T_c + T_ar). T_c linear in b is optimistic for small b (a per-node batch of 4
runs below the rate measured at 32).
    scripts/bench/scaling_model.py [--rate ARCH=IMG_PER_S ...] [--latency-us 20]
"""
import argparse

PARAMS = {"resnet50": 23_510_081, "efficientnet_lite0": 3_372_289}  # one-logit heads (cnnspot info)

ap = argparse.ArgumentParser()
ap.add_argument("--rate", action="append", default=[], help="ARCH=img/s of one node (2 ranks x 1 thread)")
ap.add_argument("--latency-us", type=float, default=20.0)
ap.add_argument("--per-node-batch", type=int, default=32)
ap.add_argument("--global-batch", type=int, default=256)
args = ap.parse_args()
rates = dict((k, float(v)) for k, v in (r.split("=") for r in args.rate)) or {"resnet50": 5.58, "efficientnet_lite0": 17.74}
a = args.latency_us * 1e-6
print(f"per-message latency {args.latency_us:g} us; weak scaling: {args.per_node_batch} images per node per step; "
      f"strong scaling: global batch {args.global_batch}")
print()
print("| arch | gradient MB | node img/s | network | nodes | T_ar ms | weak: E | weak: cluster img/s | strong: b/node | strong: E | strong: cluster img/s |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for arch, r in rates.items():
    S = PARAMS[arch] * 4
    for gbit in (10, 100):
        bw = gbit * 1e9 / 8
        for n in (4, 16, 64):
            tar = 2 * (n - 1) / n * S / bw + 2 * (n - 1) * a
            b = args.per_node_batch
            tc = b / r
            bs = args.global_batch / n
            tcs = bs / r
            print(f"| {arch} | {S / 1e6:.1f} | {r:g} | {gbit} Gbit/s | {n} | {tar * 1e3:.1f} | {100 * tc / (tc + tar):.1f}% | "
                  f"{n * b / (tc + tar):.0f} | {bs:g} | {100 * tcs / (tcs + tar):.1f}% | {n * bs / (tcs + tar):.0f} |")

"""The per-family results of evaluate.sh's outputs as JSON (stored in the shipped model's
metadata as `results`; Tests/CLITests/DefaultModelTests.swift checks the model against it).
   python3 results_json.py OUTDIR [--in-family a,b]   (stdlib only)
Keys: "<corpus>/<family>"; values per view (files, jpeg96, jpeg75, blur1): ap, accuracy,
real_accuracy, fake_accuracy, auc; and "unseen": true/false.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from summarise import read_eval, read_robustness  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("outdir")
    p.add_argument("--in-family", default="realesrgan")
    a = p.parse_args()
    infam = set(s for s in a.in_family.split(",") if s)
    out = {}
    names = ("ap", "accuracy", "real_accuracy", "fake_accuracy", "auc")
    for corpus in ("minisynths", "minisynths2"):
        ev = read_eval(os.path.join(a.outdir, corpus, "eval", "results.csv"))
        rb = read_robustness(os.path.join(a.outdir, corpus, "robustness", "robustness.csv"))
        for fam, e in sorted(ev.items()):
            r = {"unseen": fam not in infam,
                 "files": dict(zip(names, (float(e["avg precision"]), float(e["accuracy"]), float(e["real accuracy"]),
                                           float(e["fake accuracy"]), float(e["auc"]))))}
            for v in ("jpeg96", "jpeg75", "blur1"):
                x = rb.get(v, {}).get(fam)
                if x is not None:
                    r[v] = dict(zip(names, (float(x["ap"]), float(x["accuracy"]), float(x["real_acc"]),
                                            float(x["fake_acc"]), float(x["auc"]))))
            out[f"{corpus}/{fam}"] = r
    json.dump(out, sys.stdout, sort_keys=True, separators=(",", ":"))
    print()


if __name__ == "__main__":
    main()

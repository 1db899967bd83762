"""Turns evaluate.sh's outputs into the model card's table (stdlib only).

Rows: every test family of MiniSynths v1 and MiniSynths2; columns per view (as files are,
JPEG 96, JPEG 75, blur 1): AP, accuracy at the model's threshold, real / fake accuracy, AUC.
Then the means over the unseen families (all but --in-family). Real accuracy is the share of
held-out real photos scored real (MiniSynths2's six families share the same 40 reals).
"""
import argparse
import csv
import os
import sys

VIEWS = [("files", "as files are"), ("jpeg96", "JPEG 96"), ("jpeg75", "JPEG 75"), ("blur1", "blur 1")]


def read_eval(path):
    out = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["testset"] == "mean":
                continue
            out[row["testset"]] = row
    return out


def read_robustness(path):
    out = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["set"] == "mean":
                continue
            key = {("jpeg", "96"): "jpeg96", ("jpeg", "75"): "jpeg75", ("blur", "1"): "blur1",
                   ("blur", "1.0"): "blur1"}.get((row["perturbation"], row["level"]))
            if key:
                out.setdefault(key, {})[row["set"]] = row
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("outdir")
    p.add_argument("--in-family", default="realesrgan")
    a = p.parse_args()
    infam = set(s for s in a.in_family.split(",") if s)
    rows = []
    for corpus in ("minisynths", "minisynths2"):
        ev = read_eval(os.path.join(a.outdir, corpus, "eval", "results.csv"))
        rb = read_robustness(os.path.join(a.outdir, corpus, "robustness", "robustness.csv"))
        for fam in sorted(ev):
            r = {"corpus": corpus, "family": fam, "unseen": fam not in infam}
            e = ev[fam]
            r["files"] = (float(e["avg precision"]), float(e["accuracy"]), float(e["real accuracy"]),
                          float(e["fake accuracy"]), float(e["auc"]))
            for v in ("jpeg96", "jpeg75", "blur1"):
                x = rb.get(v, {}).get(fam)
                r[v] = None if x is None else (float(x["ap"]), float(x["accuracy"]), float(x["real_acc"]),
                                               float(x["fake_acc"]), float(x["auc"]))
            rows.append(r)
    pct = lambda x: f"{100 * x:.1f}"
    head = "| corpus | family | " + " | ".join(f"{t} AP / acc / real / fake / AUC" for _, t in VIEWS) + " |"
    print(head)
    print("|" + "---|" * (2 + len(VIEWS)))
    for r in rows:
        cells = []
        for v, _ in VIEWS:
            m = r[v]
            cells.append("n/a" if m is None else " / ".join(pct(x) for x in m))
        tag = r["family"] + ("" if r["unseen"] else " (in-family)")
        print(f"| {r['corpus']} | {tag} | " + " | ".join(cells) + " |")
    unseen = [r for r in rows if r["unseen"]]
    if unseen:
        cells = []
        for v, _ in VIEWS:
            ms = [r[v] for r in unseen if r[v] is not None]
            cells.append("n/a" if not ms else " / ".join(pct(sum(m[i] for m in ms) / len(ms)) for i in range(5)))
        print(f"| **mean, {len(unseen)} unseen** | | " + " | ".join(cells) + " |")
        worst = min(unseen, key=lambda r: r["files"][0])
        print(f"\nLowest unseen AP as files are: {worst['family']} {pct(worst['files'][0])}; "
              f"in the JPEG-96 view: " + ", ".join(f"{r['family']} {pct(r['jpeg96'][0])}" for r in unseen
                                                     if r["jpeg96"] is not None and r["jpeg96"][0] < 0.8))


if __name__ == "__main__":
    sys.exit(main())

"""Share of held-out real photos flagged fake (p > threshold) by a model, from evaluate.sh's
outputs: the distinct real test images of MiniSynths v1 and MiniSynths2 (the same photo in
several family folders counts once: files are compared by SHA-256), as the files are (eval's
scores.csv) and in the robustness views (JPEG 96, JPEG 75, blur 1).
   python3 held_out_fpr.py OUTDIR THRESHOLD      (stdlib only)
"""
import csv
import hashlib
import os
import sys


def main():
    out, t = sys.argv[1], float(sys.argv[2])
    views = {}
    digest = {}

    def key(path):
        if path not in digest:
            digest[path] = hashlib.sha256(open(path, "rb").read()).hexdigest()
        return digest[path]

    for corpus in ("minisynths", "minisynths2"):
        for row in csv.DictReader(open(os.path.join(out, corpus, "eval", "scores.csv"))):
            if row["label"] == "0" and row["probability"]:
                views.setdefault("as files are", {})[key(row["path"])] = float(row["probability"])
        for row in csv.DictReader(open(os.path.join(out, corpus, "robustness", "scores.csv"))):
            if row["label"] == "0" and row["probability"]:
                views.setdefault(f"{row['perturbation']} {row['level']}", {})[key(row["path"])] = float(row["probability"])
    for name, scores in views.items():
        fp = sum(1 for p in scores.values() if p > t)
        print(f"{name}: {fp} of {len(scores)} distinct held-out reals flagged fake ({100 * fp / len(scores):.1f}%) at threshold {t}")


if __name__ == "__main__":
    main()

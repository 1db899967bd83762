"""Tables of scripts/arch_runs/v1_short.sh's runs (stdlib only), for the README.

  python3 scripts/arch_runs/summarise.py RUNS_DIR [ARCH ...]

1. Validation AP per epoch (MiniSynths v1 val, Real-ESRGAN: in-family) with training speed.
2. Test AP per family, as the files are / every test image re-encoded as JPEG 96, and the
   mean over the families the runs never trained on (all but realesrgan).
"""
import csv
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "model_card"))
from summarise import read_eval, read_robustness  # noqa: E402

ARCHS = ["resnet18", "resnet50", "npr", "efficientnet_lite0"]
IN_FAMILY = {"realesrgan"}


def read_log(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def main():
    runs = sys.argv[1]
    archs = sys.argv[2:] or ARCHS
    logs, tests = {}, {}
    for a in archs:
        base = os.path.join(runs, "checkpoints", f"v1-{a}")
        if not os.path.exists(os.path.join(base, "log.csv")):
            continue
        logs[a] = read_log(os.path.join(base, "log.csv"))
        fams = {}
        for corpus in ("minisynths", "minisynths2"):
            ev_path = os.path.join(runs, "eval", f"v1-{a}", corpus, "eval", "results.csv")
            rb_path = os.path.join(runs, "eval", f"v1-{a}", corpus, "robustness", "robustness.csv")
            if not os.path.exists(ev_path):
                continue
            ev = read_eval(ev_path)
            rb = read_robustness(rb_path).get("jpeg96", {}) if os.path.exists(rb_path) else {}
            for fam, e in ev.items():
                j = rb.get(fam)
                fams[fam] = (float(e["avg precision"]), None if j is None else float(j["ap"]))
        tests[a] = fams
    present = [a for a in archs if logs.get(a)]
    epochs = max(len(logs[a]) for a in present)
    print("Validation AP (MiniSynths v1 val, 116 images) after each epoch:\n")
    print("| arch | " + " | ".join(f"ep {i + 1}" for i in range(epochs)) + " | train img/s | train time |")
    print("|---|" + "---|" * (epochs + 2))
    for a in present:
        rows = logs[a]
        cells = [f"{100 * float(r['val_ap']):.1f}" for r in rows] + [""] * (epochs - len(rows))
        ips = sorted(float(r["images_per_s"]) for r in rows)[len(rows) // 2]
        secs = sum(float(r["seconds"]) for r in rows)
        print(f"| {a} | " + " | ".join(cells) + f" | {ips:.1f} | {secs / 60:.0f} min |")
    fams = sorted({f for a in present for f in tests.get(a, {})}, key=lambda f: (f not in IN_FAMILY, f))
    if not fams:
        return
    print("\nTest AP after the last epoch, as the files are / every test image as JPEG 96:\n")
    print("| family | " + " | ".join(present) + " |")
    print("|---|" + "---|" * len(present))
    fmt = lambda v: "n/a" if v is None else f"{100 * v:.1f}"
    for f in fams:
        tag = f + (" (in-family)" if f in IN_FAMILY else "")
        cells = []
        for a in present:
            v = tests.get(a, {}).get(f)
            cells.append("n/a" if v is None else f"{fmt(v[0])} / {fmt(v[1])}")
        print(f"| {tag} | " + " | ".join(cells) + " |")
    cells = []
    for a in present:
        vals = [v for f, v in tests.get(a, {}).items() if f not in IN_FAMILY]
        files = [v[0] for v in vals]
        jpeg = [v[1] for v in vals if v[1] is not None]
        cells.append(f"{fmt(sum(files) / len(files)) if files else 'n/a'} / "
                     f"{fmt(sum(jpeg) / len(jpeg)) if jpeg else 'n/a'}")
    unseen = len([f for f in fams if f not in IN_FAMILY])
    print(f"| **mean, {unseen} unseen** | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()

"""Training curves of the model card: validation AP and accuracy per epoch (log.csv of each
run) and the mean training loss, one line per run.
   python plot_curves.py OUT.png RUN_DIR [RUN_DIR...]
Needs matplotlib==3.9.2 (e.g. python3 -m venv /work/venv-plot && /work/venv-plot/bin/pip install matplotlib==3.9.2).
"""
import csv
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    out, runs = sys.argv[1], sys.argv[2:]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for run in runs:
        rows = list(csv.DictReader(open(os.path.join(run, "log.csv"))))
        if not rows:
            continue
        name = os.path.basename(run.rstrip("/"))
        ep = [int(r["epoch"]) + 1 for r in rows]
        for ax, key, scale in ((axes[0], "val_ap", 100), (axes[1], "val_acc", 100), (axes[2], "train_loss", 1)):
            ax.plot(ep, [float(r[key]) * scale for r in rows], marker="o", label=name)
    for ax, title in zip(axes, ("validation AP (%)", "validation accuracy (%)", "training loss (BCE)")):
        ax.set_title(title)
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print("wrote", out)


if __name__ == "__main__":
    main()

"""The model card's spectrum figure: for each family, the peak view (each value minus the median
of its 9x9 neighbourhood) of the fakes' mean residual spectrum minus the reals', from the .npy
files `cnnspot spectrum` writes (`<family>_fake.npy`, `<family>_real.npy`). Training families on
the first row(s), unseen ones after, each titled with its up-sampling peak strength as printed.
   python plot_spectra.py SPEC_DIR OUT.png --train a,b,... --unseen c,d,...
Needs numpy==2.4.6 and matplotlib==3.9.2.
"""
import argparse
import os

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from numpy.lib.stride_tricks import sliding_window_view  # noqa: E402


def peak(a, w=9):
    p = np.pad(a, w // 2, mode="reflect")
    return a - np.median(sliding_window_view(p, (w, w)), axis=(-1, -2))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("spec")
    ap.add_argument("out")
    ap.add_argument("--train", required=True)
    ap.add_argument("--unseen", required=True)
    a = ap.parse_args()
    groups = [("train", a.train.split(",")), ("unseen", a.unseen.split(","))]
    cols = 6
    rows = sum((len(f) + cols - 1) // cols for _, f in groups)
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 2.1, rows * 2.3))
    axes = np.atleast_2d(axes)
    r = 0
    for tag, fams in groups:
        for i in range(0, len(fams), cols):
            for j in range(cols):
                ax = axes[r, j]
                ax.axis("off")
                if i + j >= len(fams):
                    continue
                fam = fams[i + j]
                fake = np.load(os.path.join(a.spec, f"{fam}_fake.npy"))
                real = np.load(os.path.join(a.spec, f"{fam}_real.npy"))
                if fake.ndim == 3:
                    fake, real = fake.mean(0), real.mean(0)
                d = peak(fake) - peak(real)
                lo = np.percentile(d, 99)  # background (below the 99th percentile) black: peaks stand out
                ax.imshow(np.clip(d, lo, None), cmap="magma", vmin=lo, vmax=max(lo + 0.2, np.percentile(d, 99.95)))
                ax.set_title(f"{fam}\n({tag})", fontsize=8)
            r += 1
    fig.suptitle("fake minus real: peaks of the mean residual spectrum (zero frequency at the centre)", fontsize=9)
    fig.tight_layout()
    fig.savefig(out := a.out, dpi=80)
    print("wrote", out)


if __name__ == "__main__":
    main()

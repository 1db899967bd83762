"""Issue 13's corpus run: every file of scripts/corpus/fetch.sh's corpora through `cnnspot`, each
either decoded with pixels equal to Pillow's `Image.open(f).convert('RGB')` or reported with a
clear error; writes a table of counts (docs/corpus.md) and the per-file results (CSV).

  /work/venv-corpus/bin/python scripts/corpus/run.py [--cnnspot BIN] [--out docs/corpus.md]
  (venv: python3 -m venv V && V/bin/pip install pillow==13.0.0)

1. `cnnspot detect -m none --format csv` over each corpus folder (one run per corpus, under
   `timeout`): which files it lists, their size, or their error row.
2. The files it decodes are copied under unique names and converted by `cnnspot transform`
   (no operation: the decoded RGB written as PNG), then compared byte for byte with Pillow.
"""
import argparse
import collections
import csv
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile

from PIL import Image

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CORPORA = [("pillow", "Pillow 13.0.0 Tests/images"), ("libpng", "libpng 1.6.39 contrib/pngsuite + testpngs"),
           ("libjpeg-turbo", "libjpeg-turbo 2.1.5 testimages"), ("libwebp", "libwebp 1.2.4 test images")]
# Pillow keeps its own decompression-bomb limit (89.5 MP, an error past twice that), as users meet it.


def pillow_rgb(path):
    try:
        with Image.open(path) as im:
            rgb = im.convert("RGB")
            return rgb.size, rgb.tobytes(), None
    except Exception as e:  # Pillow refuses: any exception type
        return None, None, f"{type(e).__name__}: {e}"[:120]


def cnnspot_rgb(png):
    with Image.open(png) as im:
        return im.size, im.convert("RGB").tobytes()


def error_kind(msg):
    """An error message without the path and file-specific numbers, for counting."""
    m = msg.split(": ", 1)[1] if ": " in msg else msg
    m = re.sub(r"starts with( [0-9a-f]{2})+", "starts with <bytes>", m)
    return re.sub(r"\d+", "N", m)[:90]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cnnspot", default=os.path.join(ROOT, ".build", "release", "cnnspot"))
    p.add_argument("--files", default=os.path.join(ROOT, "third_party", "corpus", "files"))
    p.add_argument("--out", default=os.path.join(ROOT, "docs", "corpus.md"))
    p.add_argument("--csv", default=os.path.join(ROOT, "third_party", "corpus", "results.csv"))
    a = p.parse_args()
    results = []  # (corpus, relpath, outcome, detail)
    work = tempfile.mkdtemp(prefix="corpus-")
    try:
        for corpus, _ in CORPORA:
            top = os.path.join(a.files, corpus)
            every = sorted(os.path.relpath(os.path.join(d, f), top) for d, _, fs in os.walk(top) for f in fs)
            r = subprocess.run(["timeout", "900", a.cnnspot, "detect", "-m", "none", "--format", "csv", "."],
                               cwd=top, capture_output=True)
            if r.returncode == 124:
                sys.exit(f"{corpus}: detect hung (timeout)")
            if r.returncode not in (0, 1):  # 1: some inputs failed (their error rows); else a crash
                sys.exit(f"{corpus}: detect exited {r.returncode}: {r.stderr.decode()[-500:]}")
            rows = {os.path.normpath(row["path"]): row for row in csv.DictReader(io.StringIO(r.stdout.decode()))}
            decoded = [f for f in every if f in rows and not rows[f]["error"]]
            # Unique names, so transform's NAME.png outputs cannot collide.
            src = os.path.join(work, corpus, "in")
            dst = os.path.join(work, corpus, "out")
            os.makedirs(src)
            names = {}
            for i, f in enumerate(decoded):
                n = f"{i:05d}" + os.path.splitext(f)[1]
                shutil.copyfile(os.path.join(top, f), os.path.join(src, n))
                names[f] = n
            for i in range(0, len(decoded), 200):
                chunk = [os.path.join(src, names[f]) for f in decoded[i:i + 200]]
                t = subprocess.run(["timeout", "900", a.cnnspot, "transform", "-o", dst] + chunk, capture_output=True)
                if t.returncode == 124:
                    sys.exit(f"{corpus}: transform hung (timeout)")
                if t.returncode != 0:
                    sys.exit(f"{corpus}: transform exited {t.returncode}: {t.stderr.decode()[-500:]}")
            for f in every:
                size, pix, perr = pillow_rgb(os.path.join(top, f))
                row = rows.get(f)
                if row is None:
                    results.append((corpus, f, "not listed (not an image name)", "Pillow reads it" if pix else ""))
                elif row["error"]:
                    kind = "refused, Pillow reads it" if pix else "refused, Pillow refuses too"
                    results.append((corpus, f, kind, error_kind(row["error"])))
                else:
                    out = os.path.join(dst, os.path.splitext(names[f])[0] + ".png")
                    if not os.path.exists(out):
                        results.append((corpus, f, "MISMATCH", "detect decoded it, transform wrote nothing"))
                    elif pix is None:
                        results.append((corpus, f, "decoded, Pillow refuses", perr))
                    else:
                        csize, cpix = cnnspot_rgb(out)
                        if (csize, cpix) == (size, pix):
                            results.append((corpus, f, "decoded, pixels equal to Pillow", ""))
                        else:
                            diff = "size" if csize != size else f"{sum(x != y for x, y in zip(cpix, pix))} bytes differ"
                            results.append((corpus, f, "MISMATCH", diff))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.dirname(a.csv), exist_ok=True)
    with open(a.csv, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["corpus", "file", "outcome", "detail"])
        w.writerows(results)
    outcomes = ["decoded, pixels equal to Pillow", "MISMATCH", "decoded, Pillow refuses", "refused, Pillow reads it",
                "refused, Pillow refuses too", "not listed (not an image name)"]
    by = collections.Counter((c, o) for c, _, o, _ in results)
    lines = ["| corpus | files | " + " | ".join(outcomes) + " |", "|---|---:|" + "---:|" * len(outcomes)]
    for corpus, title in CORPORA + [("all", "all")]:
        sel = [r for r in results if corpus == "all" or r[0] == corpus]
        cnt = collections.Counter(r[2] for r in sel)
        lines.append(f"| {title} | {len(sel)} | " + " | ".join(str(cnt[o]) for o in outcomes) + " |")
    reasons = collections.Counter(d for _, _, o, d in results if o.startswith("refused"))
    lines += ["", "Errors given (path and numbers removed), most common first:", "",
              "| count | error |", "|---:|---|"]
    lines += [f"| {n} | {k.replace('|', '/')} |" for k, n in reasons.most_common()]
    odd = [r for r in results if r[2] in ("MISMATCH", "decoded, Pillow refuses")]
    if odd:
        lines += ["", "Decoded by cnnspot but not equal to Pillow, or refused by Pillow:", ""]
        lines += [f"- `{c}/{f}`: {o} ({d})" for c, f, o, d in odd]
    unlisted = [r for r in results if r[2].startswith("not listed") and r[3]]
    if unlisted:
        exts = collections.Counter(os.path.splitext(f)[1].lower() or "(none)" for _, f, _, _ in unlisted)
        lines += ["", "Not listed in a folder scan although Pillow reads them, by extension: " +
                  ", ".join(f"{e} {n}" for e, n in sorted(exts.items(), key=lambda x: -x[1]))]
    head = ["# Third-party image corpora through cnnspot", "",
            "Written by `scripts/corpus/run.py` (after `scripts/corpus/fetch.sh`): every file of the corpora that",
            "the image libraries and Pillow test with, through `cnnspot detect -m none` (a folder scan) and",
            "`cnnspot transform` (the decoded RGB), against Pillow 13.0.0's `Image.open(f).convert('RGB')`.",
            "\"Not listed\": a folder scan searches image names only (README, \"detect\"); named directly, such a",
            "file gets an error row. \"Refused\": an error row naming the file and the problem. No file hung or",
            "crashed the tool (each run is under `timeout`).", ""]
    text = "\n".join(head + lines) + "\n"
    print(text)
    with open(a.out, "w") as fh:
        fh.write(text)


if __name__ == "__main__":
    main()

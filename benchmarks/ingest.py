"""Speed of adding one real document, as a user does: `resv add FILE` into a fresh copy of the
corpus, after `resv ingest` built the seed index. Prints the passages the document gave, the
seconds `resv add` took, and passages per second.

Run: `.venv/bin/python benchmarks/ingest.py [PDF]` (default: the Gezond en Actief Leven Akkoord,
53 pages, from ../shared/real). Timings are measured here, never asserted in tests.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESV = str(Path(sys.executable).with_name("resv"))
DEFAULT = ROOT.parent / "shared" / "real" / "gezond-en-actief-leven-akkoord-2023.pdf"


def main() -> None:
    pdf = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not pdf.is_file():
        raise SystemExit(f"Error: {pdf} not found")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(ROOT / "corpus", corpus)
        env = {**os.environ, "RESV_DATA_DIR": str(Path(tmp) / "data"), "RESV_CORPUS_DIR": str(corpus)}
        subprocess.run([RESV, "ingest"], env=env, check=True, capture_output=True)
        before = _passages(env)
        began = time.perf_counter()
        subprocess.run([RESV, "add", str(pdf), "--kind", "other", "--title", pdf.stem], env=env, check=True, capture_output=True)
        seconds = time.perf_counter() - began
        added = _passages(env) - before
    print(f"{pdf.name}: {added} passages added in {seconds:.1f} s ({added / seconds:.1f} passages/s, process start included)")


def _passages(env: dict[str, str]) -> int:
    listing = subprocess.run([RESV, "documents", "--json"], env=env, check=True, capture_output=True, text=True).stdout
    return sum(int(d.get("passages", 0)) for d in json.loads(listing))


if __name__ == "__main__":
    main()

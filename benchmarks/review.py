"""Speed of `resv review` on the largest documents this repository can reach: the real public PDFs of
../shared/real (up to 117 pages) and the longest eval plan. Run: `.venv/bin/python benchmarks/review.py`.

Reports pages, seconds (warm service, the document read included) and peak memory of the process.
Timings are measured here, never asserted in tests. Target: a 116-page PDF in <= 15 s.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.service import Assistant  # noqa: E402

DOCUMENTS = [*sorted((ROOT.parent / "shared" / "real").glob("*.pdf")), ROOT / "evals" / "plans" / "files" / "zk-dommelland.pdf"]


def main() -> None:
    service = Assistant()
    service.warm_up()
    for path in DOCUMENTS:
        if not path.is_file():
            continue
        began = time.perf_counter()
        review = service.review(path.read_bytes(), path.name, "CZ")
        seconds = time.perf_counter() - began
        print(f"{path.name:45s} {review.pages or 0:4d} p.  {seconds:5.1f} s  {review.summary.met:2d} met  "
              f"RESV-plan: {'yes' if review.document and review.document.is_resv_plan else 'no'}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()

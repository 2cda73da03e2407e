"""Freezes the reference VADER 3.3.2 scores of all 23,703 ground-truth texts.

Downloads the vaderSentiment 3.3.2 source package (it ships the ground truth
in additional_resources/hutto_ICWSM_2014.tar.gz), scores every text with the
installed reference package, and writes tests/data/vader_ground_truth.tsv.gz:

    source  id  mean  neg  neu  pos  compound  text

`mean` is the human raters' mean (-4..4); the four scores are what
`SentimentIntensityAnalyzer().polarity_scores(text)` returns, written with
Python's repr (exact round trip). The gzip header carries no time or name, so
the file is byte-identical on every run.

Run from the repository root:  python scripts/triage/freeze_vader.py
"""

import gzip
import sys

import vaderSentiment
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

import sources


def main():
    version = getattr(vaderSentiment, "__version__", None)
    try:
        from importlib.metadata import version as dist_version

        version = dist_version("vaderSentiment")
    except Exception:  # noqa: BLE001 - metadata is best effort
        pass
    if version != "3.3.2":
        raise SystemExit(f"need vaderSentiment 3.3.2 installed, found {version}")
    analyzer = SentimentIntensityAnalyzer()
    files = sources.ground_truth_files()
    total = sum(len(rows) for _, rows in files)
    if total != 23703:
        raise SystemExit(f"expected 23,703 ground-truth texts, found {total}")
    sources.FROZEN.parent.mkdir(parents=True, exist_ok=True)
    with open(sources.FROZEN, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(b"source\tid\tmean\tneg\tneu\tpos\tcompound\ttext\n")
            for name, rows in files:
                for ident, mean, text in rows:
                    if "\t" in text or "\n" in text:
                        raise SystemExit(f"{name} {ident}: text holds a tab or line end")
                    s = analyzer.polarity_scores(text)
                    line = "\t".join(
                        [name, ident, repr(mean), repr(s["neg"]), repr(s["neu"]),
                         repr(s["pos"]), repr(s["compound"]), text]
                    )
                    gz.write(line.encode("utf-8") + b"\n")
    print(f"wrote {total} texts to {sources.FROZEN.relative_to(sources.ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()

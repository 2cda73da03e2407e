"""Fetching and reading the public data the triage scripts use.

Everything comes from two package registries through their ordinary clients
(pip and npm), pinned to exact versions, and is cached under
$TRIAGE_CACHE (default /tmp/hearken-triage) so reruns work offline.
"""

import gzip
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("TRIAGE_CACHE", "/tmp/hearken-triage"))

VADER_SDIST = "vaderSentiment==3.3.2"
VADER_SDIST_FILE = "vaderSentiment-3.3.2.tar.gz"
SENTIMENT_NPM = "sentiment@5.0.2"
SENTIMENT_NPM_FILE = "sentiment-5.0.2.tgz"

GROUND_TRUTH = [
    "tweets",
    "movieReviewSnippets",
    "amazonReviewSnippets",
    "nytEditorialSnippets",
]
FROZEN = ROOT / "tests" / "data" / "vader_ground_truth.tsv.gz"
PROJECT_SET = HERE / "data" / "shop_posts.tsv"
MODEL_FILE = ROOT / "src-tauri" / "triage" / "complaint-model.json"
PARITY_FILE = ROOT / "tests" / "data" / "complaint_parity.jsonl"


def _run(cmd, cwd):
    print("$", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, cwd=cwd, check=True)


def vader_sdist() -> Path:
    """The vaderSentiment 3.3.2 source package (it ships the ground truth)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / VADER_SDIST_FILE
    if not path.exists():
        _run(
            [
                sys.executable, "-m", "pip", "download", "--no-binary", ":all:",
                "--no-deps", VADER_SDIST, "-d", str(CACHE),
            ],
            CACHE,
        )
    return path


def sentiment_npm() -> Path:
    """The npm package sentiment 5.0.2 (it ships the UCI sentences)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / SENTIMENT_NPM_FILE
    if not path.exists():
        _run(["npm", "pack", SENTIMENT_NPM], CACHE)
    return path


def ground_truth_files():
    """[(name, [(id, mean, text)])] read from the sdist's nested tarball.

    Each file is `id<TAB>mean<TAB>text` with CRLF line ends; the last line
    has no line end. Only the line end is stripped from the text.
    """
    with tarfile.open(vader_sdist()) as outer:
        inner_member = next(
            m for m in outer.getmembers()
            if m.name.endswith("additional_resources/hutto_ICWSM_2014.tar.gz")
        )
        inner_bytes = outer.extractfile(inner_member).read()
    out = []
    with tarfile.open(fileobj=io.BytesIO(inner_bytes)) as inner:
        for name in GROUND_TRUTH:
            member = inner.getmember(f"hutto_ICWSM_2014/{name}_GroundTruth.txt")
            raw = inner.extractfile(member).read().decode("utf-8")
            rows = []
            for line in raw.split("\n"):
                line = line[:-1] if line.endswith("\r") else line
                if not line:
                    continue
                ident, mean, text = line.split("\t", 2)
                rows.append((ident, float(mean), text))
            out.append((name, rows))
    return out


def read_frozen():
    """Rows of the frozen reference file: dicts with source, id, mean, the
    four reference scores and text."""
    rows = []
    with gzip.open(FROZEN, "rt", encoding="utf-8", newline="\n") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            parts = line.rstrip("\n").split("\t", len(header) - 1)
            row = dict(zip(header, parts))
            for k in ("mean", "neg", "neu", "pos", "compound"):
                row[k] = float(row[k])
            rows.append(row)
    return rows


def uci_sentences():
    """[(site, text, cls)] from sentiment 5.0.2's test fixtures: UCI
    "Sentiment Labelled Sentences", 1 positive, 0 negative."""
    out = []
    with tarfile.open(sentiment_npm()) as t:
        for site in ("amazon", "imdb", "yelp"):
            data = json.load(t.extractfile(f"package/test/fixtures/{site}.json"))
            for item in data:
                if item.get("class") is None:  # each file ends with an empty record
                    continue
                out.append((site, item["text"], int(item["class"])))
    return out


def project_posts():
    """[(kind, text)] from the hand-labelled shop posts."""
    out = []
    with open(PROJECT_SET, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            kind, text = line.split("\t", 1)
            if kind not in KINDS:
                raise SystemExit(f"{PROJECT_SET}:{n}: unknown kind {kind!r}")
            out.append((kind, without_shop_names(text)))
    return out


# The invented businesses the shop posts name. Each is named in a post or
# two, mostly complaints written with six times the weight of other data, so
# their words became complaint cues ("pine" +0.88, from "Thanks for nothing,
# Pine Lane Motors."): a real shop whose name shares a word would have every
# mention pushed towards "complaint". The model learns how people complain,
# not whom: each name is read as "the shop". Longest first, so "Hartley's
# Hardware" goes before "Hartley's".
SHOP_NAMES = sorted(
    [
        "Brightside Optics",
        "Bean There",
        "Crumb & Co",
        "Fern & Petal",
        "Greenway Garden Centre",
        "Hartley's Hardware",
        "Hartley's",
        "Hollow Oak Furniture",
        "Jenkins Grocers",
        "Kebab Corner",
        "Marlow Deli",
        "Northgate Bikes",
        "Outdoor Attic",
        "Pine Lane Motors",
        "Riverside Books",
        "Spokes",
        "Wheelhouse Cycles",
    ],
    key=len,
    reverse=True,
)


def without_shop_names(text):
    """`text` with each invented business's name read as "the shop"."""
    for name in SHOP_NAMES:
        text = text.replace(name, "the shop")
    return text


# The kinds in the project set; only "complaint" is a complaint.
KINDS = ("complaint", "negative", "question", "praise", "neutral", "spam")

"""The labelled data and its fixed train / validation / test split.

Labels (1 = complaint):
- shop posts (written for this project): kind == "complaint";
- UCI sentences (Amazon, IMDB, Yelp reviews): a negative review is a
  customer's complaint about a product or a place; positive ones are not;
- VADER ground truth, labelled from the human raters' mean (-4..4): review
  snippets (Amazon, movies) with mean <= -0.5 are complaints, others not;
  tweets and editorials are not complaints, however negative: they are
  about life, sport and politics, not addressed to a business ("I hate
  Mondays" is negative, not a complaint). A sample of 40 negative tweets
  held 3 or 4 complaints about a company: label noise we accept.

Texts are de-duplicated (lower-cased, spaces squeezed) across all sources
before splitting, so no text is in two parts. Each source is split 70/15/15,
stratified by label, with a fixed seed.
"""

import random

import sources

SEED = 20260
PARTS = ("train", "val", "test")


def _key(text):
    return " ".join(text.lower().split())


def _vader_scores(texts):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    return [analyzer.polarity_scores(t) for t in texts]


def examples():
    """[dict(source, text, y, scores)] for every labelled text."""
    rows = []
    for kind, text in sources.project_posts():
        rows.append({"source": "shop", "text": text, "y": int(kind == "complaint"), "kind": kind})
    for site, text, cls in sources.uci_sentences():
        rows.append({"source": f"uci-{site}", "text": text, "y": int(cls == 0)})
    need_scores = [r["text"] for r in rows]
    for r, s in zip(rows, _vader_scores(need_scores)):
        r["scores"] = s
    for r in sources.read_frozen():
        mean = r["mean"]
        review = r["source"] in ("amazonReviewSnippets", "movieReviewSnippets")
        y = int(review and mean <= -0.5)
        rows.append({
            "source": f"gt-{r['source']}",
            "text": r["text"],
            "y": y,
            "scores": {k: r[k] for k in ("neg", "neu", "pos", "compound")},
        })
    seen = set()
    unique = []
    for r in rows:
        k = _key(r["text"])
        if k and k not in seen:
            seen.add(k)
            unique.append(r)
    return unique


def split(rows):
    """{part: [row]} with the fixed seed; each source and label split 70/15/15."""
    rng = random.Random(SEED)
    parts = {p: [] for p in PARTS}
    groups = {}
    for r in rows:
        groups.setdefault((r["source"], r["y"]), []).append(r)
    for key in sorted(groups):
        g = groups[key][:]
        rng.shuffle(g)
        n = len(g)
        a, b = round(n * 0.70), round(n * 0.85)
        parts["train"] += g[:a]
        parts["val"] += g[a:b]
        parts["test"] += g[b:]
    return parts

"""The complaint model's features, exactly as src-tauri/triage/features.rs
computes them. Change one, change both: train.py writes a parity fixture and
the Rust tests assert Rust's probabilities equal these within 1e-9.

Tokens: the text with ASCII and Latin-1 capitals lowered, curly apostrophes
made straight; a token is a run of word characters (ASCII letters and digits,
Latin-1 and Latin Extended-A/B letters) and apostrophes, optionally led by
'#'. A final "'s" is dropped ("nobody's" -> "nobody"), then apostrophes
("don't" -> "dont"); a token of digits only becomes "<num>". Two tokens
form a bigram only when nothing but spaces, tabs, hyphens, quotes,
apostrophes, '*' or '_' stands between them (punctuation such as ',' or
'.' breaks the phrase).

Features: each distinct unigram and bigram present (value 1), each complaint
cue's number of occurrences (at most 3), the number of '?' and '!' (at most
3 each), and four VADER values: neg, pos, max(0, -compound), max(0, compound).
"""

import math

# Between two tokens, only these keep them one phrase.
JOINERS = frozenset(" \t-'\"*_")
CAP = 3

# Complaint cues, as normalised token sequences. The weights file carries
# this list (with each cue's weight), so Rust reads it from there.
CUES = [
    "still", "still waiting", "still no", "still not", "not yet",
    "never received", "never arrived", "never came", "never turned up",
    "never showed", "never again", "never",
    "refund", "refunded", "no refund", "money back",
    "no reply", "no response", "no answer", "no call", "havent heard",
    "nobody", "no one", "ignored", "ignoring", "chasing",
    "broken", "broke", "doesnt work", "dont work", "didnt work",
    "not working", "stopped working", "faulty", "damaged",
    "again", "why", "where is", "wheres", "waiting", "waited",
    "cancelled", "canceled", "#fail",
    "wrong", "missing", "lost", "late", "delayed",
    "rude", "charged", "overcharged", "charged twice",
    "disappointed", "disappointing", "unacceptable", "worst", "joke",
    "complaint", "complain", "rip off", "ripped off", "scam", "useless",
    "excuse", "excuses", "<num> days", "<num> weeks", "<num> hours",
]


def norm_char(c: str) -> str:
    o = ord(c)
    if 65 <= o <= 90 or (0xC0 <= o <= 0xDE and o != 0xD7):
        return chr(o + 32)
    if o in (0x2019, 0x2018, 0x02BC):
        return "'"
    return c


def is_word(c: str) -> bool:
    o = ord(c)
    return (
        48 <= o <= 57
        or 97 <= o <= 122
        or (0xDF <= o <= 0xFF and o != 0xF7)
        or 0x100 <= o <= 0x24F
    )


def tokens(text: str):
    """[(token, joined_to_previous)]"""
    chars = [norm_char(c) for c in text]
    n = len(chars)
    out = []
    i = 0
    joinable = True
    while i < n:
        c = chars[i]
        if is_word(c):
            hashtag = False
        elif c == "#" and i + 1 < n and is_word(chars[i + 1]):
            hashtag = True
            i += 1
        else:
            if c not in JOINERS:
                joinable = False
            i += 1
            continue
        raw = []  # word characters and apostrophes, up to the last word character
        kept = 0
        while i < n and (is_word(chars[i]) or chars[i] == "'"):
            raw.append(chars[i])
            if chars[i] != "'":
                kept = len(raw)
            i += 1
        raw = raw[:kept]
        if len(raw) > 2 and raw[-2] == "'" and raw[-1] == "s":
            raw = raw[:-2]  # possessive or "is": "nobody's" -> "nobody"
        body = "".join(ch for ch in raw if ch != "'")
        if all("0" <= ch <= "9" for ch in body):
            tok = "<num>"
        else:
            tok = "#" + body if hashtag else body
        out.append((tok, joinable and bool(out)))
        joinable = True
    return out


def cue_tokens(cue: str):
    return cue.split(" ")


def count_cue(toks, seq) -> int:
    """Occurrences of a cue: consecutive tokens, each joined to the one before."""
    k = len(seq)
    count = 0
    for i in range(len(toks) - k + 1):
        if toks[i][0] != seq[0]:
            continue
        if all(toks[i + j][0] == seq[j] and toks[i + j][1] for j in range(1, k)):
            count += 1
    return count


def ngrams(toks):
    """The distinct unigrams and bigrams (bigram keys are "a b")."""
    uni = {t for t, _ in toks}
    bi = {f"{toks[i - 1][0]} {toks[i][0]}" for i in range(1, len(toks)) if toks[i][1]}
    return uni, bi


def dense(text: str, scores) -> dict:
    c = scores["compound"]
    return {
        "vader_neg": scores["neg"],
        "vader_pos": scores["pos"],
        "vader_down": max(0.0, -c),
        "vader_up": max(0.0, c),
        "questions": float(min(text.count("?"), CAP)),
        "exclamations": float(min(text.count("!"), CAP)),
    }


def feature_dict(text: str, scores) -> dict:
    """Every feature of one text, keyed as the weights file keys them:
    "u:tok", "b:a b", "cue:<cue>", and the dense names."""
    toks = tokens(text)
    uni, bi = ngrams(toks)
    f = {f"u:{t}": 1.0 for t in uni}
    f.update({f"b:{b}": 1.0 for b in bi})
    for cue in CUES:
        n = count_cue(toks, cue_tokens(cue))
        if n:
            f[f"cue:{cue}"] = float(min(n, CAP))
    f.update(dense(text, scores))
    return f


def probability(model: dict, text: str, scores) -> float:
    """The shipped model's complaint probability, from the weights file."""
    toks = tokens(text)
    uni, bi = ngrams(toks)
    z = model["bias"]
    for t in uni:
        z += model["unigrams"].get(t, 0.0)
    for b in bi:
        z += model["bigrams"].get(b, 0.0)
    for cue in model["cues"]:
        n = count_cue(toks, cue_tokens(cue["cue"]))
        if n:
            z += cue["weight"] * min(n, CAP)
    for name, value in dense(text, scores).items():
        z += model["dense"][name] * value
    return sigmoid(z)


def sigmoid(z: float) -> float:
    """1 / (1 + e^-z), without overflow for large |z|."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)

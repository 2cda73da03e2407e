"""Scores the shipped complaint model on the held-out "test" part of the
split (never used for training, nor for choosing C, the shop-post weight or
the threshold), next to plain VADER on the same texts.

The model is read from src-tauri/triage/complaint-model.json and applied
with features.py (which the Rust parity test pins to the app's code), so the
figures are those of what ships. Plain VADER calls a text a complaint when
its compound is <= -0.05 (its "negative" label); its AUC ranks by -compound.

Run from the repository root:  python scripts/triage/evaluate.py
"""

import json

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, recall_score, roc_auc_score

import dataset
import features
import sources


def figures(y, predicted, score):
    """accuracy, macro-F1, complaint recall, AUC; nan where a group has one
    class only (the tweets and editorials hold no complaints: there, accuracy
    is the share not flagged)."""
    both = 0 < y.sum() < len(y)
    nan = float("nan")
    return (
        accuracy_score(y, predicted),
        f1_score(y, predicted, average="macro") if both else nan,
        recall_score(y, predicted) if y.sum() else nan,
        roc_auc_score(y, score) if both else nan,
    )


def main():
    model = json.loads(sources.MODEL_FILE.read_text(encoding="utf-8"))
    threshold = model["threshold"]
    test = dataset.split(dataset.examples())["test"]
    y = np.array([r["y"] for r in test])
    p = np.array([features.probability(model, r["text"], r["scores"]) for r in test])
    compound = np.array([r["scores"]["compound"] for r in test])
    source = np.array([r["source"] for r in test])

    print(f"Held-out test set: {len(test)} texts, {int(y.sum())} complaints "
          f"(threshold {threshold:.2f})")
    print(f"{'data':<26}{'n':>6}{'':>3}{'':<12}{'accuracy':>9}{'macro-F1':>10}"
          f"{'recall':>8}{'AUC':>8}")
    groups = [("all", np.ones(len(test), bool))]
    groups += [(s, source == s) for s in sorted(set(source))]
    groups.append(("all but shop posts", source != "shop"))
    for name, mask in groups:
        yy = y[mask]
        rows = [
            ("model", figures(yy, (p[mask] >= threshold).astype(int), p[mask])),
            ("plain VADER", figures(yy, (compound[mask] <= -0.05).astype(int), -compound[mask])),
        ]
        for i, (who, (acc, f1, rec, auc)) in enumerate(rows):
            label = f"{name:<26}{int(mask.sum()):>6}" if i == 0 else " " * 32
            cells = "".join(
                f"{'-' if v != v else f'{v:.3f}':>{w}}"
                for v, w in ((acc, 9), (f1, 10), (rec, 8), (auc, 8))
            )
            print(f"{label}   {who:<12}{cells}")


if __name__ == "__main__":
    main()

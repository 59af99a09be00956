#!/usr/bin/env python3
"""Fits CODEX's mood model: valence and arousal from the acoustic summary, on the real mood-labelled
dev clips (../shared/bench/dev_mood_clips.json, made local by fetch_dev_mood.py), cross-validated by
artist (one artist's clips are always on one side of a split).

    build/codex analyze --db /tmp/mood.db dev-mood/audio
    build/codex export --db /tmp/mood.db > /tmp/mood.jsonl
    /usr/bin/python3 bench/mood_fit.py /tmp/mood.jsonl dev-mood [--out models/mood.json]

Valence is positive for the quadrants Q1 and Q4, arousal high for Q1 and Q2. Three logistic
regressions over the 90 standardised numbers of the acoustic summary (the same layout for a whole
track and for one of its 10-s windows, so the model also reads a track section by section):
arousal p on every clip; valence on the high-arousal clips and on the low-arousal clips, mixed by
p (valence = p * v_high + (1 - p) * v_low); arousal = 2p - 1. The L2 strengths are chosen by
grouped cross-validation (not nested: the figures are a hair optimistic). Prints the
cross-validated figures (the model card's), then writes the model fitted on every clip.
Needs numpy (python3-numpy); no other package.
"""
import argparse
import base64
import json
import os
import sys

import numpy as np

HIGH, POS = {"Q1", "Q2"}, {"Q1", "Q4"}


def stem(p):
    return os.path.splitext(os.path.basename(p or ""))[0]


def halves(s):
    return np.frombuffer(base64.b64decode(s), dtype="<f2").astype(np.float64)


def load(jsonl, data):
    rows = {r["id"]: r for r in json.load(open(os.path.join(data, "manifest.json")))}
    X, yv, ya, art, ids = [], [], [], [], []
    for line in open(jsonl):
        if not line.strip():
            continue
        r = json.loads(line)
        s = stem(r.get("file_path"))
        if s not in rows or "acoustic_summary" not in r:
            continue
        v = halves(r["acoustic_summary"])
        if v.shape[0] != 90 or not np.all(np.isfinite(v)):
            continue
        q = rows[s]["quadrant"]
        X.append(v), yv.append(q in POS), ya.append(q in HIGH), art.append(rows[s]["artist"]), ids.append(s)
    return np.array(X), np.array(yv, float), np.array(ya, float), np.array(art), ids


def fit_logistic(X, y, lam, iters=200):
    """L2-regularised logistic regression by Newton's method (bias unpenalised)."""
    n, d = X.shape
    A = np.hstack([X, np.ones((n, 1))])
    w = np.zeros(d + 1)
    R = lam * np.eye(d + 1)
    R[d, d] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-A @ w))
        g = A.T @ (p - y) + R @ w
        H = (A * (p * (1 - p))[:, None]).T @ A + R
        step = np.linalg.solve(H, g)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return w[:d], w[d]


def auc(score, y):
    pos, neg = score[y > 0.5], score[y <= 0.5]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    ranks = np.empty(len(order))
    ranks[order] = np.arange(1, len(order) + 1)
    return (ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def folds_by_artist(artists, k, seed):
    names = sorted(set(artists))
    rng = np.random.RandomState(seed)
    rng.shuffle(names)
    fold_of = {a: i % k for i, a in enumerate(names)}
    return np.array([fold_of[a] for a in artists])


def standardise(Xtr, Xte):
    mu, sd = Xtr.mean(0), Xtr.std(0) + 1e-6
    return (Xtr - mu) / sd, (Xte - mu) / sd, mu, sd


def fit_heads(Xtr, yv, ya, lam):
    """The three heads on standardised inputs: arousal on every clip, valence on the high-arousal
    clips and on the low-arousal ones (happy vs angry is heard differently from serene vs sad)."""
    hi = ya > 0.5
    return {"arousal": fit_logistic(Xtr, ya, lam["arousal"]),
            "valence_high": fit_logistic(Xtr[hi], yv[hi], lam["valence"]),
            "valence_low": fit_logistic(Xtr[~hi], yv[~hi], lam["valence"])}


def read(heads, Z):
    """valence and arousal in [-1, 1], as the C++ reader computes them (semantic/mood_model.cpp)."""
    pa = 1.0 / (1.0 + np.exp(-(Z @ heads["arousal"][0] + heads["arousal"][1])))
    vh = np.tanh(0.5 * (Z @ heads["valence_high"][0] + heads["valence_high"][1]))
    vl = np.tanh(0.5 * (Z @ heads["valence_low"][0] + heads["valence_low"][1]))
    return pa * vh + (1 - pa) * vl, 2 * pa - 1


def cv_scores(X, yv, ya, artists, lam, k=5, seeds=(1, 2, 3)):
    """Out-of-fold valence and arousal, averaged over a few fold assignments."""
    ov, oa = np.zeros(len(yv)), np.zeros(len(yv))
    for seed in seeds:
        fold = folds_by_artist(artists, k, seed)
        for f in range(k):
            tr, te = fold != f, fold == f
            Xtr, Xte, _, _ = standardise(X[tr], X[te])
            v, a_ = read(fit_heads(Xtr, yv[tr], ya[tr], lam), Xte)
            ov[te] += v
            oa[te] += a_
    return ov / len(seeds), oa / len(seeds)


def rounded(v):
    return [round(float(x), 6) for x in v]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("jsonl")
    ap.add_argument("data")
    ap.add_argument("--out")
    ap.add_argument("--lams", default="3,10,30")
    a = ap.parse_args()
    X, yv, ya, art, ids = load(a.jsonl, a.data)
    if len(X) < 100:
        sys.exit(f"only {len(X)} clips with an acoustic summary")
    print(f"{len(X)} clips, {len(set(art))} artists; 5-fold cross-validation by artist, 3 fold draws")
    results = []
    for lv in [float(x) for x in a.lams.split(",")]:
        for la in [float(x) for x in a.lams.split(",")]:
            sv, sa = cv_scores(X, yv, ya, art, {"valence": lv, "arousal": la})
            quad = np.mean(((sv > 0) == (yv > 0.5)) & ((sa > 0) == (ya > 0.5)))
            results.append((auc(sv, yv) + auc(sa, ya), lv, la, sv, sa, quad))
            print(f"  lambda valence {lv:>4g} arousal {la:>4g}: valence AUC {auc(sv, yv):.3f}, arousal AUC "
                  f"{auc(sa, ya):.3f}, quadrant accuracy {quad:.3f}")
    _, lv, la, sv, sa, quad = max(results, key=lambda r: r[0])
    hi = ya > 0.5
    card = {
        "clips": int(len(X)), "artists": int(len(set(art))),
        "valence_auc": round(auc(sv, yv), 3), "valence_accuracy": round(float(np.mean((sv > 0) == (yv > 0.5))), 3),
        "valence_auc_within_high_arousal": round(auc(sv[hi], yv[hi]), 3),
        "valence_auc_within_low_arousal": round(auc(sv[~hi], yv[~hi]), 3),
        "arousal_auc": round(auc(sa, ya), 3), "arousal_accuracy": round(float(np.mean((sa > 0) == (ya > 0.5))), 3),
        "quadrant_accuracy": round(float(quad), 3), "valence_lambda": lv, "arousal_lambda": la}
    print("cross-validated:", json.dumps(card))
    if a.out:
        mu, sd = X.mean(0), X.std(0) + 1e-6
        heads = fit_heads((X - mu) / sd, yv, ya, {"valence": lv, "arousal": la})
        model = {
            "format": "codex-mood-model", "version": 1, "input": "acoustic-summary-v1", "dims": int(X.shape[1]),
            "mean": rounded(mu), "scale": rounded(sd),
            **{h: {"weights": rounded(w), "bias": round(float(b), 6)} for h, (w, b) in heads.items()},
            "cross_validated": card,
            "data": "the 438 dev clips of the 4Q Audio Emotion Dataset listed in dev_mood_clips.json "
                    "(Panda, Malheiro & Paiva 2018); see models/MOOD_MODEL.md"}
        with open(a.out, "w") as f:
            json.dump(model, f, indent=1)
            f.write("\n")
        print("wrote", a.out)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Fits the prompt parser's learned fallback (src/codex/prompt/lexicon.h): a multinomial naive Bayes
over the character n-grams (3 to 5, with word boundaries) of single words, mapping a word no list,
base form, WordNet link or spelling fix knew to a mood move. Trained on the TUNING two thirds of the
phrasing suite only (tests/prompt/data/phrasings.json, index % 3 != 2): every word of a phrasing
whose expectation is one mood move is an example of that move, except the words of a stop list.

    /usr/bin/python3 bench/phrasing_fit.py [tests/prompt/data/phrasings.json] --out models/phrasing.json

Prints a leave-one-phrasing-out accuracy on the tuning words; writes the n-grams seen at least
twice, each class's log-probabilities, and the posterior a reading needs (0.9).
"""
import argparse
import collections
import json
import math
import os
import re

CLASSES = ["energy_up", "energy_down", "calm", "sad", "happy", "aggressive", "chill", "hypnotic", "euphoric"]
STOP = set("""a an the it its it's something some but and or to of please i want need track tracks tune tunes song
songs next play me give bit little lot just now then that this is be let's lets go for in on into up down keep same
more less much way very really kind sort like with we us let get take time while can could should would toward
towards from at as than again still right one thing stuff vibe vibes feel feeling mood key tempo bpm energy music set
crowd floor dance too so overly anything any pls plz maybe yet bring make going type kinda sorta tad touch notch
around about ish em them people here there our your my what where somewhere place moment now tonight yall folks guys
ok okay yeah yes hey things sound sounds side gimme got have has do does doing after before over off out all only
while few ones by level levels not no don't dont never nothing without avoid skip room bit lil bit something's
whats we're i'm go stay""".split())


def label(expect):
    """One mood move, or None."""
    if set(expect) - {"arousal", "valence", "vibe"}:
        return None
    vibe = expect.get("vibe")
    if vibe:
        return vibe if vibe in CLASSES else None
    a, v = expect.get("arousal"), expect.get("valence")
    if a == "up" and not v:
        return "energy_up"
    if a == "down" and not v:
        return "calm"
    if v == "down" and not a:
        return "sad"
    if v == "up" and not a:
        return "happy"
    return None


def words(text):
    return [w for w in re.findall(r"[a-z][a-z'-]*", text.lower()) if w not in STOP and len(w) >= 3]


def grams(word):
    w = "<" + word + ">"
    return [w[i:i + n] for n in (3, 4, 5) for i in range(len(w) - n + 1)]


def fit(examples, min_count=2, alpha=0.5):
    count = collections.Counter(g for _, ws in examples for w in ws for g in grams(w))
    vocab = sorted(g for g, c in count.items() if c >= min_count)
    index = {g: i for i, g in enumerate(vocab)}
    per = {c: [0.0] * len(vocab) for c in CLASSES}
    prior = collections.Counter()
    for c, ws in examples:
        for w in ws:
            prior[c] += 1
            for g in grams(w):
                if g in index:
                    per[c][index[g]] += 1
    logp = {}
    for c in CLASSES:
        tot = sum(per[c]) + alpha * len(vocab)
        logp[c] = [math.log((x + alpha) / tot) for x in per[c]]
    total = sum(prior.values())
    logprior = {c: math.log((prior[c] + 1) / (total + len(CLASSES))) for c in CLASSES}
    return vocab, logp, logprior


def posterior(model, word):
    vocab, logp, logprior = model
    index = {g: i for i, g in enumerate(vocab)}
    gs = [index[g] for g in grams(word) if g in index]
    if not gs:
        return None, 0.0
    s = {c: logprior[c] + sum(logp[c][i] for i in gs) for c in CLASSES}
    m = max(s.values())
    z = sum(math.exp(v - m) for v in s.values())
    best = max(s, key=s.get)
    return best, math.exp(s[best] - m) / z


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("suite", nargs="?", default=os.path.join(os.path.dirname(__file__), "..", "tests", "prompt", "data", "phrasings.json"))
    ap.add_argument("--out")
    ap.add_argument("--threshold", type=float, default=0.9)
    a = ap.parse_args()
    ph = json.load(open(a.suite))["phrasings"]
    examples = []
    for i, p in enumerate(ph):
        if i % 3 == 2:
            continue  # held out: never seen here
        c = label(p["expect"])
        if c:
            examples.append((c, words(p["text"])))
    print(f"{len(examples)} tuning phrasings with one mood move, {sum(len(w) for _, w in examples)} words")
    # Leave one phrasing out: the words of the left-out phrasing read by a model of the others.
    hit = said = n = 0
    for k in range(len(examples)):
        model = fit(examples[:k] + examples[k + 1:])
        c, ws = examples[k]
        for w in ws:
            best, p = posterior(model, w)
            n += 1
            if best and p >= a.threshold:
                said += 1
                hit += best == c
    print(f"leave-one-phrasing-out: {said} of {n} words read at posterior >= {a.threshold}, {hit} of them right "
          f"({hit / max(1, said):.3f})")
    if a.out:
        vocab, logp, logprior = fit(examples)
        json.dump({"format": "codex-phrasing-model", "version": 1, "classes": CLASSES, "ngrams": vocab,
                   "logp": {c: [round(x, 4) for x in logp[c]] for c in CLASSES},
                   "logprior": {c: round(logprior[c], 4) for c in CLASSES}, "threshold": a.threshold,
                   "data": "the tuning two thirds of tests/prompt/data/phrasings.json (index % 3 != 2)"},
                  open(a.out, "w"))
        print("wrote", a.out, len(vocab), "n-grams")


if __name__ == "__main__":
    main()

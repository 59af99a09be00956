#!/usr/bin/env python3
"""A learned key model over the key analyzer's own pitch features, cross-validated by clip.

The features come from `codex_key_features OUTDIR FILE...` (build/bench): per frame, the tonal
pitch energy (whitened, median-filtered) and the raw semitone energy, MIDI 33-96. Each window of
frames is pooled and folded into pitch classes per octave band; the model scores a key by rotating
the window so that the key's tonic sits at pitch class 0 and passing it through one small
perceptron shared by all twelve tonics (so it is transposition-equivariant: every tonic learns from
every clip). A segment's key is the sum of its windows' log-probabilities.

    python3 bench/key_learn.py FEATURES_DIR dev-edm/manifest.json [FEATURES_DIR2 MANIFEST2 ...] [--folds 5]
        [--hidden 48] [--ensemble 3] [--expect-minor 0.6]
        [--save MODEL.json]   # after the cross-validation, fit on everything
        [--fuse]     # also score the profiles (FEATURES_DIR/*.profile.txt) + w x model, out of fold
    python3 bench/key_learn.py --fixture OUT.json --model models/key.json
        # what the model must give for a fixed input (tests/analysis/key_model_test.cpp reads it)

Only numpy. Folds keep every segment of a clip on one side (AugmentedGiantSteps shifted each
segment of a clip separately, so one clip appears in several keys).
"""
import argparse
import json
import os
import sys

import numpy as np

LOW_MIDI = 33
SEMIS = 64
BANDS = (SEMIS + 11) // 12  # 6 octave bands (the last one partial)
NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
ALIASES = {"Db": 1, "D#": 3, "Gb": 6, "G#": 8, "A#": 10, "Cb": 11, "E#": 5, "Fb": 4, "B#": 0}


def parse_key(text):
    tonic, mode = text.split()
    pc = NAMES.index(tonic) if tonic in NAMES else ALIASES[tonic]
    return pc, mode.lower().startswith("min")


def read_features(path):
    with open(path, "rb") as f:
        head = np.frombuffer(f.read(16), dtype=np.int32, count=2)
        frames, semis = int(head[0]), int(head[1])
        data = np.frombuffer(f.read(), dtype=np.float32)
    tonal = data[: frames * semis].reshape(frames, semis)
    raw = data[frames * semis: 2 * frames * semis].reshape(frames, semis)
    return tonal, raw


# Window pooling: what the C++ side must do the same way.
WIN = 32   # frames (~6 s at 4096/22050)
HOP = 16


def fold(v):
    """64 semitones -> [BANDS, 12] by pitch class (index 0 = C), zero where a band has no note."""
    out = np.zeros(v.shape[:-1] + (BANDS, 12), dtype=np.float32)
    for s in range(SEMIS):
        midi = LOW_MIDI + s
        out[..., s // 12, midi % 12] = v[..., s]
    return out


def window_features(tonal, raw):
    """Per window: [2, BANDS, 12] (tonal mean, raw log-energy mean), each scaled to unit max."""
    n = tonal.shape[0]
    if n == 0:
        return np.zeros((0, 2, BANDS, 12), dtype=np.float32)
    lraw = np.log1p(1e3 * raw / (raw.mean() + 1e-12))
    starts = list(range(0, max(1, n - WIN + 1), HOP))
    feats = []
    for a in starts:
        t = tonal[a:a + WIN].mean(axis=0)
        r = lraw[a:a + WIN].mean(axis=0)
        r = np.maximum(0.0, r - r.mean())
        t = t / (t.max() + 1e-9)
        r = r / (r.max() + 1e-9)
        feats.append(np.stack([fold(t), fold(r)]))
    return np.asarray(feats, dtype=np.float32)


def rotations(x):
    """x [N, 2, BANDS, 12] -> [N, 12, D]: row k has tonic k moved to pitch class 0."""
    rot = np.stack([np.roll(x, -k, axis=-1) for k in range(12)], axis=1)
    return rot.reshape(x.shape[0], 12, -1)


class Model:
    def __init__(self, d, hidden, rng):
        self.w1 = rng.normal(0, np.sqrt(2.0 / d), (d, hidden)).astype(np.float32)
        self.b1 = np.zeros(hidden, np.float32)
        self.w2 = rng.normal(0, np.sqrt(1.0 / hidden), (hidden, 2)).astype(np.float32)
        self.b2 = np.zeros(2, np.float32)

    def params(self):
        return [self.w1, self.b1, self.w2, self.b2]

    def logits(self, xr):
        """xr [N, 12, D] -> logits [N, 24] (index tonic*2 + minor) and the cache for backward."""
        h = xr @ self.w1 + self.b1
        a = np.maximum(h, 0)
        z = a @ self.w2 + self.b2  # [N, 12, 2]
        return z.reshape(z.shape[0], 24), (xr, h, a)

    def grads(self, cache, dz):
        xr, h, a = cache
        dz = dz.reshape(dz.shape[0], 12, 2)
        gw2 = np.einsum("nkh,nko->ho", a, dz)
        gb2 = dz.sum(axis=(0, 1))
        da = dz @ self.w2.T
        dh = da * (h > 0)
        gw1 = np.einsum("nkd,nkh->dh", xr, dh)
        gb1 = dh.sum(axis=(0, 1))
        return [gw1, gb1, gw2, gb2]


def log_softmax(z):
    m = z.max(axis=1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))


def train(x, y, hidden, epochs, seed, lr=3e-3, wd=1e-4, batch=256, balance=False):
    rng = np.random.default_rng(seed)
    # Balanced: major and minor windows drawn equally often, so the model learns no prior for the
    # mode from a set that is mostly minor (EDM) and reads the mode from the music alone.
    draw = None
    if balance:
        minor = (y % 2).astype(bool)
        draw = np.where(minor, 0.5 / max(1, minor.sum()), 0.5 / max(1, (~minor).sum()))
        draw = draw / draw.sum()
    xr_all = rotations(x)
    model = Model(xr_all.shape[2], hidden, rng)
    ps = model.params()
    m = [np.zeros_like(p) for p in ps]
    v = [np.zeros_like(p) for p in ps]
    t = 0
    n = len(y)
    steps = epochs * max(1, n // batch)
    for step in range(steps):
        idx = rng.choice(n, batch, p=draw) if draw is not None else rng.integers(0, n, batch)
        xb = xr_all[idx]
        # Augmentation: random gain per band and a little noise (levels differ between mixes).
        xb = xb * rng.uniform(0.8, 1.2, (batch, 1, 1)).astype(np.float32)
        xb = xb + rng.normal(0, 0.02, xb.shape).astype(np.float32)
        z, cache = model.logits(xb)
        p = np.exp(log_softmax(z))
        p[np.arange(batch), y[idx]] -= 1.0
        gs = model.grads(cache, p / batch)
        t += 1
        rate = lr * 0.5 * (1 + np.cos(np.pi * step / steps))
        for i, (param, g) in enumerate(zip(ps, gs)):
            if param.ndim > 1:
                g = g + wd * param
            m[i] = 0.9 * m[i] + 0.1 * g
            v[i] = 0.999 * v[i] + 0.001 * g * g
            mh = m[i] / (1 - 0.9 ** t)
            vh = v[i] / (1 - 0.999 ** t)
            param -= (rate * mh / (np.sqrt(vh) + 1e-8)).astype(np.float32)
    return model


def mirex(pred, truth):
    (pt, pm), (tt, tm) = divmod(pred, 2), divmod(truth, 2)
    if pred == truth:
        return 1.0
    if pm == tm and (pt - tt) % 12 == 7:  # a fifth above, as mir_eval and eval.py count it
        return 0.5
    if pm != tm:
        # relative: minor tonic = major tonic - 3
        if (tm and not pm and (pt - tt) % 12 == 3) or (pm and not tm and (tt - pt) % 12 == 3):
            return 0.3
        if pt == tt:
            return 0.2
    return 0.0


def member_arrays(model_json):
    return [(np.array(m["w1"], np.float64), np.array(m["b1"], np.float64), np.array(m["w2"], np.float64),
             np.array(m["b2"], np.float64)) for m in model_json["members"]]


def model_scores(model_json, tonal, raw):
    """What the shipped model gives (the C++ KeyModel::score): per key, the members' mean
    log-probability with the training prior taken out, summed over windows."""
    share = model_json.get("minor_share", 0.5)
    expect = model_json.get("expected_minor_share", 0.5)
    prior = np.array([np.log((1 - expect) / (1 - share)), np.log(expect / share)] * 12)
    xr = rotations(window_features(tonal, raw)).astype(np.float64)
    total = np.zeros(24)
    for w1, b1, w2, b2 in member_arrays(model_json):
        z = (np.maximum(xr @ w1 + b1, 0) @ w2 + b2).reshape(xr.shape[0], 24)
        total += log_softmax(z).sum(axis=0) / len(model_json["members"])
    return total + prior * xr.shape[0], xr.shape[0]


def write_fixture(out, model_path):
    model_json = json.load(open(model_path))
    frames = 50
    s = np.arange(SEMIS)[None, :]
    f = np.arange(frames)[:, None]
    # A fixed, uneven input: an A minor chord that changes its weights over time, over a floor.
    chord = np.isin((LOW_MIDI + s) % 12, [9, 0, 4, 2]).astype(np.float64)
    tonal = np.round(chord * (0.6 + 0.4 * np.sin(0.37 * s + 0.11 * f) ** 2) + 0.01 * (s % 5), 5).astype(np.float32)
    raw = np.round(np.exp(-0.03 * s) * (0.2 + chord) * (1 + 0.3 * np.cos(0.05 * f)), 5).astype(np.float32)
    expected, windows = model_scores(model_json, tonal, raw)
    json.dump({"model": model_path, "frames": frames, "semitones": SEMIS, "windows": windows,
               "tonal": tonal.ravel().tolist(), "raw": raw.ravel().tolist(),
               "expected": [round(float(v), 6) for v in expected]}, open(out, "w"))
    print(f"wrote {out}: {windows} windows, best key index {int(np.argmax(expected))}")


def fusion_study(segs, oof, share):
    """The profiles' scores + w x the model's out-of-fold mean log-probability (prior kept or taken
    out), against the labels: the weight is picked on the same predictions, so slightly optimistic."""
    rows = []
    for s in segs:
        stem = s["stem"]
        path = os.path.join(s["features"], stem + ".profile.txt")
        if os.path.exists(path):
            rows.append((np.loadtxt(path), np.array(oof[s["id"]]), s["y"]))
    print(f"fusion with the profiles ({len(rows)} segments; 'major' = the labelled-major ones):")
    for expect in (share, 0.7, 0.6, 0.5):
        name = "prior kept" if expect == share else f"expect {expect:.2f} minor"
        prior = np.array([np.log((1 - expect) / (1 - share)), np.log(expect / share)] * 12)
        for w in (0.0, 0.1, 0.15, 0.2, 0.25, 0.4, 1.0):
            pred = [int(np.argmax(p + w * (m + prior))) for p, m, y in rows]
            sc = [mirex(q, y) for q, (p, m, y) in zip(pred, rows)]
            ex = [q == y for q, (p, m, y) in zip(pred, rows)]
            mj = [mirex(q, y) for q, (p, m, y) in zip(pred, rows) if y % 2 == 0]
            print(f"  {name:16s} w {w:<4g}: MIREX {np.mean(sc):.3f}  accuracy {np.mean(ex):.3f}  major MIREX {np.mean(mj):.3f}")


def short(a):
    """A weight array as nested lists of 6-digit numbers (what the model file holds)."""
    return json.loads(json.dumps(np.vectorize(lambda v: float(f"{v:.6g}"))(a.astype(np.float64)).tolist()))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sources", nargs="*", metavar="FEATURES_DIR MANIFEST",
                    help="one or more pairs: a features directory and the manifest that labels it")
    ap.add_argument("--fixture", default="", help="write the test fixture for --model and stop")
    ap.add_argument("--model", default="models/key.json")
    ap.add_argument("--fuse", action="store_true", help="score the profiles + w x the model, out of fold")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--hidden", type=int, default=48)
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ensemble", type=int, default=1, help="members trained from successive seeds, log-probabilities averaged")
    ap.add_argument("--balance", action="store_true", help="draw major and minor windows equally often")
    ap.add_argument("--oof", default="", help="write each segment's out-of-fold mean log-probabilities (24) as JSON")
    ap.add_argument("--save", default="")
    ap.add_argument("--expect-minor", type=float, default=0.0,
                    help="share of minor keys the saved model expects (0: the training share, the prior kept; 0.5: taken out)")
    args = ap.parse_args()
    if args.fixture:
        write_fixture(args.fixture, args.model)
        return 0
    if not args.sources or len(args.sources) % 2:
        ap.error("pairs of FEATURES_DIR MANIFEST are needed")
    if args.expect_minor and not 0.01 < args.expect_minor < 0.99:
        ap.error("--expect-minor must lie between 0.01 and 0.99 (the model reader refuses anything else)")

    segs = []
    for features, manifest in zip(args.sources[::2], args.sources[1::2]):
        source = os.path.basename(os.path.dirname(os.path.abspath(manifest)))
        for it in json.load(open(manifest)):
            if not it.get("key"):
                continue
            stem = os.path.splitext(os.path.basename(it["file"]))[0]
            path = os.path.join(features, stem + ".bin")
            if not os.path.exists(path):
                continue
            tonic, minor = parse_key(it["key"])
            w = window_features(*read_features(path))
            if len(w) == 0:
                continue
            segs.append({"id": it["id"], "stem": stem, "features": features, "source": source,
                         # A clip is its id across sets: one song rendered twice stays on one side.
                         "clip": it["id"].rsplit("_seg", 1)[0], "y": tonic * 2 + int(minor), "w": w})
    sources = sorted({s["source"] for s in segs})
    for src in sources:
        mine = [s for s in segs if s["source"] == src]
        print(f"{src}: {len(mine)} segments, {len({s['clip'] for s in mine})} clips, "
              f"{sum(len(s['w']) for s in mine)} windows, {sum(1 for s in mine if s['y'] % 2 == 0)} major", flush=True)

    clips = sorted({s["clip"] for s in segs})
    rng = np.random.default_rng(0)
    rng.shuffle(clips)
    fold_of = {c: i % args.folds for i, c in enumerate(clips)}
    scores, exact, oof = [], [], {}
    for k in range(args.folds):
        tr = [s for s in segs if fold_of[s["clip"]] != k]
        te = [s for s in segs if fold_of[s["clip"]] == k]
        x = np.concatenate([s["w"] for s in tr])
        y = np.concatenate([np.full(len(s["w"]), s["y"]) for s in tr])
        models = [train(x, y, args.hidden, args.epochs, args.seed + 100 * e + k, balance=args.balance) for e in range(args.ensemble)]
        for s in te:
            lp = sum(log_softmax(m.logits(rotations(s["w"]))[0]) for m in models)
            pred = int(lp.sum(axis=0).argmax())
            oof[s["id"]] = (lp.mean(axis=0) / len(models)).round(5).tolist()
            scores.append(mirex(pred, s["y"]))
            exact.append(pred == s["y"])
            s["oof_score"] = scores[-1]
        print(f"fold {k}: {len(te)} segments, running MIREX {np.mean(scores):.3f}", flush=True)
    print(f"cross-validated by clip ({args.folds} folds): MIREX {np.mean(scores):.3f}  "
          f"accuracy {np.mean(exact):.3f}  n={len(scores)}")
    for src in sources:
        print(f"  {src}: MIREX {np.mean([s['oof_score'] for s in segs if s['source'] == src]):.3f}")

    if args.oof:
        json.dump(oof, open(args.oof, "w"))
    if args.fuse:
        windows_y = np.concatenate([np.full(len(s["w"]), s["y"]) for s in segs])
        for src in sources:
            print(f"== {src}")
            fusion_study([s for s in segs if s["source"] == src], oof, float((windows_y % 2).mean()))
    if args.save:
        x = np.concatenate([s["w"] for s in segs])
        y = np.concatenate([np.full(len(s["w"]), s["y"]) for s in segs])
        models = [train(x, y, args.hidden, args.epochs, args.seed + 100 * e, balance=args.balance) for e in range(args.ensemble)]
        # The share of minor windows it learned from: the reader moves each window from this prior to
        # expected_minor_share, so that a set that is mostly minor (EDM) need not make every major
        # track its relative minor.
        minor_share = 0.5 if args.balance else float((y % 2).mean())
        out = {"format": "codex-key-mlp 1", "low_midi": LOW_MIDI, "semitones": SEMIS, "bands": BANDS,
               "window_frames": WIN, "hop_frames": HOP, "hidden": args.hidden,
               "minor_share": round(minor_share, 4),
               # The prior kept (the training share) unless --expect-minor says otherwise.
               "expected_minor_share": round(args.expect_minor if args.expect_minor > 0 else minor_share, 4),
               "members": [{"w1": short(m.w1), "b1": short(m.b1), "w2": short(m.w2), "b2": short(m.b2)}
                           for m in models],
               "cv_mirex": round(float(np.mean(scores)), 4), "cv_accuracy": round(float(np.mean(exact)), 4),
               "cv_folds": args.folds, "balanced": bool(args.balance), "epochs": args.epochs, "seed": args.seed, "segments": len(segs),
               "data": "; ".join(f"{src}: {sum(1 for s in segs if s['source'] == src)} segments" for src in sources)}
        json.dump(out, open(args.save, "w"))
        print(f"wrote {args.save}")


if __name__ == "__main__":
    sys.exit(main())

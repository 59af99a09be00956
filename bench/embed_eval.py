#!/usr/bin/env python3
"""Retrieval evaluation of CODEX's embeddings on real recordings with labels.

Reads a `codex export --embeddings` JSON Lines file and a labels manifest (the dev set's or the
EDM segments' manifest.json), matches records to items by file name, and scores cosine
neighbours: precision at 10 (P@10) and mean average precision (MAP) per label kind, for
  - mfcc20:   mean and standard deviation of 20 MFCCs (z-scored over the set): the baseline,
              taken from the same acoustic summary CODEX stores (its first 40 values)
  - summary:  the whole acoustic summary, z-scored (the fallback without a trained model)
  - acoustic: the record's acoustic block (learned model when one is installed)
  - codex384: the whole 384-d vector retrieval uses (features + acoustic)
Label kinds: dev set -> style (the WaivOps set, GuitarSet); EDM -> genre (GiantSteps), clip (other
segments of the same clip: same-track-other-window retrieval; each segment was pitch-shifted
separately). Items without another item of the same label are not queries.

    bench/embed_eval.py EXPORT.jsonl MANIFEST.json [--json]
"""
import base64, json, math, os, struct, sys


def halves(text):
    raw = base64.b64decode(text)
    return list(struct.unpack('<%de' % (len(raw) // 2), raw))


def zscore(rows):
    n, d = len(rows), len(rows[0])
    out = [r[:] for r in rows]
    for j in range(d):
        m = sum(r[j] for r in rows) / n
        sd = math.sqrt(sum((r[j] - m) ** 2 for r in rows) / n)
        for i in range(n):
            out[i][j] = max(-4.0, min(4.0, (rows[i][j] - m) / sd)) if sd > 1e-9 else 0.0
    return out


def unit(v):
    n = math.sqrt(sum(x * x for x in v))
    return [x / n for x in v] if n > 0 else v


def scores(vectors, labels):
    vs = [unit(v) for v in vectors]
    p10, aps = [], []
    for i, li in enumerate(labels):
        rel_total = sum(1 for j, lj in enumerate(labels) if j != i and lj == li)
        if rel_total == 0 or li is None:
            continue
        sims = sorted(((sum(a * b for a, b in zip(vs[i], vs[j])), j) for j in range(len(vs)) if j != i), reverse=True)
        hits, ap = 0, 0.0
        for rank, (_, j) in enumerate(sims, 1):
            if labels[j] == li:
                hits += 1
                ap += hits / rank
        aps.append(ap / rel_total)
        top = sims[:10]
        p10.append(sum(1 for _, j in top if labels[j] == li) / len(top))
    if not p10:
        return None
    return {'queries': len(p10), 'p10': sum(p10) / len(p10), 'map': sum(aps) / len(aps)}


def chance(labels):
    # Expected P@10 of a random ranking: share of other items with the query's label.
    vals = []
    for i, li in enumerate(labels):
        rel = sum(1 for j, lj in enumerate(labels) if j != i and lj == li)
        if rel and li is not None:
            vals.append(rel / (len(labels) - 1))
    return sum(vals) / len(vals) if vals else None


def label_kinds(item):
    if 'gs_genre' in item:
        return {'genre': item['gs_genre'], 'clip': item['source_path']}
    repo = item.get('source_repo', '')
    if 'WaivOps' in repo:
        return {'style': repo.split('/')[-1]}
    if 'GuitarSet' in item.get('licence_note', '') or item['id'].startswith('guitarset'):
        return {'style': 'GuitarSet'}
    return {'style': None}


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    as_json = '--json' in sys.argv
    export, manifest = args
    items = {os.path.basename(it['file']): it for it in json.load(open(manifest))}
    rows = []
    for line in open(export):
        r = json.loads(line)
        name = os.path.basename(r.get('file_path') or '')
        if name not in items or 'acoustic_summary' not in r:
            continue
        rows.append((items[name], r))
    summ = [halves(r['acoustic_summary']) for _, r in rows]
    reps = {
        'mfcc20': zscore([s[:40] for s in summ]),
        'summary': zscore(summ),
    }
    if all('acoustic' in r for _, r in rows):
        reps['acoustic'] = [halves(r['acoustic']['vector']) for _, r in rows]
    if all('embedding' in r for _, r in rows):
        reps['codex384'] = [halves(r['embedding']['vector']) for _, r in rows]
    kinds = sorted({k for it, _ in rows for k in label_kinds(it)})
    result = {'items': len(rows), 'model': rows[0][1].get('acoustic', {}).get('model') if rows else None}
    for kind in kinds:
        labels = [label_kinds(it).get(kind) for it, _ in rows]
        result[kind] = {'chance_p10': chance(labels)}
        for name, vecs in reps.items():
            result[kind][name] = scores(vecs, labels)
    if as_json:
        print(json.dumps(result))
        return
    print('items %d, acoustic space %s' % (result['items'], result['model']))
    for kind in kinds:
        r = result[kind]
        print('%-6s chance P@10 %.3f' % (kind, r['chance_p10'] or 0))
        for name in reps:
            s = r[name]
            if s:
                print('  %-9s P@10 %.3f  MAP %.3f  (%d queries)' % (name, s['p10'], s['map'], s['queries']))


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
"""How much a lossy re-encode moves CODEX's acoustic embedding, on real recordings.

Takes N audio files, re-encodes each with ffmpeg (MP3 at 128 kb/s and AAC at 96 kb/s), analyses
originals and re-encodes into one scratch corpus, and reports for each codec: the mean cosine
between a file's block and its re-encode's, the mean cosine between different files (what
"unrelated" looks like here), and how often the re-encode's nearest original is its own
(top-1 of N). With --model FILE the scratch corpus uses that trained model (else the summary
fallback of the scratch corpus itself).

    bench/codec_robustness.py CODEX_BINARY OUT_DIR FILE... [--model M.cxm]
"""
import base64, json, math, os, shutil, struct, subprocess, sys


def halves(text):
    raw = base64.b64decode(text)
    return list(struct.unpack('<%de' % (len(raw) // 2), raw))


def main():
    args = sys.argv[1:]
    model = None
    if '--model' in args:
        i = args.index('--model')
        model = args[i + 1]
        del args[i:i + 2]
    codex, out, files = args[0], args[1], args[2:]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, 'audio'))
    codecs = {'mp3-128k': ['-c:a', 'libmp3lame', '-b:a', '128k', '.mp3'], 'aac-96k': ['-c:a', 'aac', '-b:a', '96k', '.m4a']}
    for k, f in enumerate(files):
        base = 'f%03d' % k
        shutil.copy(f, os.path.join(out, 'audio', base + '.orig' + os.path.splitext(f)[1]))
        for name, spec in codecs.items():
            subprocess.run(['ffmpeg', '-v', 'error', '-y', '-i', f] + spec[:-1] +
                           [os.path.join(out, 'audio', base + '.' + name + spec[-1])], check=True)
    db = os.path.join(out, 'scratch.db')
    if model:
        os.makedirs(os.path.join(out, 'models'))
        shutil.copy(model, os.path.join(out, 'models', 'scratch.db.embed.cxm'))
    subprocess.run([codex, 'analyze', '--db', db, os.path.join(out, 'audio')], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    export = subprocess.run([codex, 'export', '--embeddings', '--db', db], check=True, capture_output=True, text=True).stdout
    vec = {}
    for line in export.splitlines():
        r = json.loads(line)
        name = os.path.basename(r['file_path'])
        base, kind = name.split('.')[0], name.split('.')[1]
        vec[(base, kind)] = halves(r['acoustic']['vector'])
    space = json.loads(export.splitlines()[0])['acoustic']['model']
    cos = lambda a, b: sum(x * y for x, y in zip(a, b)) / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))
    bases = sorted({b for b, _ in vec})
    print('files %d, acoustic space %s' % (len(bases), space))
    for name in codecs:
        same = [cos(vec[(b, 'orig')], vec[(b, name)]) for b in bases]
        other = [cos(vec[(a, 'orig')], vec[(b, name)]) for a in bases for b in bases if a != b]
        top1 = sum(max(bases, key=lambda a: cos(vec[(a, 'orig')], vec[(b, name)])) == b for b in bases)
        print('%-9s cos(original, re-encode) mean %.3f min %.3f | cos between different files mean %.3f | '
              'nearest original is its own: %d of %d' % (name, sum(same) / len(same), min(same),
                                                          sum(other) / len(other), top1, len(bases)))


if __name__ == '__main__':
    main()

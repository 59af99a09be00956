#!/usr/bin/env python3
"""Builds a song-like tempo and beat set from POP909 (music-x-lab/POP909-Dataset, MIT licence):
real pop songs, arranged for piano by musicians and played in time with the original recording,
rendered with Debian's FluidR3 General MIDI soundfont.

Why: the dev set's tempo items are mostly drum loops, and the metrical-level rules tuned on loops
doubled songs between 74 and 101 BPM. These songs carry their own beat and downbeat annotations
(`beat_midi.txt`) and a key (`key_audio.txt`), so each excerpt is labelled with the tempo a
listener taps, its beats and downbeats, and its key.

Every song gets one accompaniment chosen from its number (deterministic): no drums (a piano
ballad), a rock kit (eighth hats), a pop kit (sixteenth hats), a half-time kit (snare on 3), a
shuffle kit (swung eighths) or a four-on-the-floor kit. The drums follow the song's annotated beats,
so they breathe with the performance. The drum parts are ours; the songs, their timing and the
voicings are real, and the render uses a real sampled soundfont. Report figures from this set as
"song-like renders", never as accuracy on real recordings.

    apt-get install -y fluidsynth fluid-soundfont-gm python3-mido ffmpeg
    /usr/bin/python3 bench/song_tempo_set.py /work/.mirror/music-x-lab+POP909-Dataset/repo/.git dev-songs
    # faster: the same with --part 0 --parts 2 and --part 1 --parts 2 side by side, then once plain
    # (models/key.json was fitted on the renders of --piano-only: every part on the piano)
    /usr/bin/python3 ../shared/bench/eval.py --manifest dev-songs/manifest.json --cmd 'build/codex probe {file}'

Writes OUT/audio/*.flac (30 s from 35% into each song), OUT/beats/*.txt, OUT/manifest.json and a
.gitignore of '*' (renders of songs stay out of every commit).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import mido

COMMIT = "d83e6ed"
STYLES = ["none", "rock8", "pop16", "halftime", "shuffle", "fourfloor"]
KICK, SNARE, HAT, OPEN_HAT, CLAP, RIDE = 36, 38, 42, 46, 39, 51
PROGRAMS = {  # (melody, bridge, piano) General MIDI programs, chosen per song
    0: (0, 48, 0), 1: (73, 24, 4), 2: (65, 48, 0), 3: (52, 25, 2), 4: (71, 49, 5), 5: (56, 26, 0),
}


def git_show(gitdir, path, binary=False):
    out = subprocess.run(["git", "--git-dir", gitdir, "show", f"{COMMIT}:{path}"], capture_output=True, check=True)
    return out.stdout if binary else out.stdout.decode()


def read_beats(text):
    beats = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            beats.append((float(parts[0]), float(parts[2]) > 0.5))
    return beats


def drum_hits(style, beats):
    """(time s, note, velocity) for one style over the annotated beats (t, downbeat)."""
    hits = []
    bar_pos = 0
    for i in range(len(beats) - 1):
        t, down = beats[i]
        nxt = beats[i + 1][0]
        period = nxt - t
        if down:
            bar_pos = 0
        if style == "rock8":
            hits.append((t, KICK if bar_pos % 2 == 0 else SNARE, 100))
            hits += [(t, HAT, 70), (t + 0.5 * period, HAT, 55)]
        elif style == "pop16":
            hits.append((t, KICK if bar_pos % 2 == 0 else SNARE, 100))
            if bar_pos == 2:
                hits.append((t + 0.75 * period, KICK, 80))
            hits += [(t + k * period / 4, HAT, 70 if k == 0 else 45) for k in range(4)]
        elif style == "halftime":
            if bar_pos == 0:
                hits.append((t, KICK, 105))
            if bar_pos == 2:
                hits.append((t, SNARE, 110))
            hits += [(t, HAT, 65), (t + 0.5 * period, HAT, 50)]
        elif style == "shuffle":
            hits.append((t, KICK if bar_pos % 2 == 0 else SNARE, 95))
            hits += [(t, RIDE, 70), (t + 2.0 / 3.0 * period, RIDE, 55)]
        elif style == "fourfloor":
            hits.append((t, KICK, 110))
            if bar_pos % 2 == 1:
                hits.append((t, CLAP, 90))
            hits.append((t + 0.5 * period, OPEN_HAT, 60))
        bar_pos += 1
    return hits


def add_drums(mid, hits):
    """A drum track on channel 10, placed in seconds through the file's own tempo map."""
    tempo_map = []  # (tick, tempo)
    for track in mid.tracks:
        tick = 0
        for msg in track:
            tick += msg.time
            if msg.type == "set_tempo":
                tempo_map.append((tick, msg.tempo))
    tempo_map.sort()
    if not tempo_map or tempo_map[0][0] != 0:
        tempo_map.insert(0, (0, 500000))
    segs, sec = [], 0.0  # (start s, start tick, tempo)
    for i, (tick, tempo) in enumerate(tempo_map):
        if i:
            ptick, ptempo = tempo_map[i - 1]
            sec += (tick - ptick) * ptempo / 1e6 / mid.ticks_per_beat
        segs.append((sec, tick, tempo))
    mid._codex_segs = segs

    def to_tick(t):
        s0, k0, tempo = segs[0]
        for s, k, tp in segs:
            if s <= t:
                s0, k0, tempo = s, k, tp
        return int(round(k0 + (t - s0) * 1e6 / tempo * mid.ticks_per_beat))

    events = []
    for t, note, vel in hits:
        events.append((to_tick(max(0.0, t)), 1, note, vel))
        events.append((to_tick(max(0.0, t) + 0.08), 0, note, 0))
    events.sort()
    track = mido.MidiTrack()
    last = 0
    for tick, on, note, vel in events:
        track.append(mido.Message("note_on" if on else "note_off", channel=9, note=note, velocity=vel, time=tick - last))
        last = tick
    mid.tracks.append(track)


def cut_after(mid, seconds):
    """Drops every note that starts after `seconds`, so nothing sounds there (the note-offs, the
    tempo map and the end of each track stay, so FluidSynth still runs to the file's end)."""
    for track in mid.tracks:
        kept, tick, dropped = [], 0, 0
        for msg in track:
            tick += msg.time
            if msg.type == "note_on" and msg.velocity > 0 and tick_seconds(mid, tick) > seconds:
                dropped += msg.time
                continue
            kept.append(msg.copy(time=msg.time + dropped))
            dropped = 0
        track[:] = kept


def tick_seconds(mid, tick):
    segs = mid._codex_segs
    s0, k0, tempo = segs[0]
    for s, k, tp in segs:
        if k <= tick:
            s0, k0, tempo = s, k, tp
    return s0 + (tick - k0) * tempo / 1e6 / mid.ticks_per_beat


def set_programs(mid, programs):
    """Each part on its own channel with its own instrument (POP909 files set program 0 on every
    track at tick 0: those are changed in place, or one is added)."""
    for i, track in enumerate(t for t in mid.tracks if any(m.type == "note_on" for m in t)):
        ch = min(i, 8)
        prog = programs[min(i, 2)]
        found = False
        for m in track:
            if hasattr(m, "channel"):
                m.channel = ch
            if m.type == "program_change":
                m.program = prog
                found = True
        if not found:
            track.insert(0, mido.Message("program_change", channel=ch, program=prog, time=0))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gitdir")
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=180)
    ap.add_argument("--piano-only", action="store_true",
                    help="every part on the piano, as the first version of this script rendered by mistake "
                         "(the renders models/key.json was fitted on)")
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--part", type=int, default=0,
                    help="render only songs whose number is PART mod PARTS (run the parts side by side, then once "
                         "without --parts: it finds every file and writes the whole manifest)")
    ap.add_argument("--parts", type=int, default=1)
    ap.add_argument("--soundfont", default="/usr/share/sounds/sf2/FluidR3_GM.sf2")
    args = ap.parse_args()
    os.makedirs(os.path.join(args.out, "audio"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "beats"), exist_ok=True)
    with open(os.path.join(args.out, ".gitignore"), "w") as f:
        f.write("*\n")
    names = {1: "C", 2: "Db", 3: "D", 4: "Eb", 5: "E", 6: "F", 7: "Gb", 8: "G", 9: "Ab", 10: "A", 11: "Bb", 12: "B"}
    manifest = []
    step = max(1, 909 // args.count)
    for n in range(1, 910, step)[: args.count]:
        sid = f"{n:03d}"
        style = STYLES[n % len(STYLES)]
        beats = read_beats(git_show(args.gitdir, f"POP909/{sid}/beat_midi.txt"))
        if len(beats) < 40:
            continue
        start = beats[int(0.35 * len(beats))][0]
        end = start + args.seconds
        inside = [(t, d) for t, d in beats if start <= t < end]
        periods = sorted(b[0] - a[0] for a, b in zip(inside, inside[1:]))
        bpm = 60.0 / periods[len(periods) // 2]
        key = None  # the annotated key over the whole excerpt; none if it modulates inside it
        for line in git_show(args.gitdir, f"POP909/{sid}/key_audio.txt").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3 and ":" in parts[2] and float(parts[0]) <= start + 1.0 and float(parts[1]) >= end - 1.0:
                tonic, mode = parts[2].strip().split(":")
                key = f"{tonic} {'major' if mode.startswith('maj') else 'minor'}"
        with tempfile.TemporaryDirectory() as tmp:
            midpath = os.path.join(tmp, "song.mid")
            with open(midpath, "wb") as f:
                f.write(git_show(args.gitdir, f"POP909/{sid}/{sid}.mid", binary=True))
            out = os.path.join(args.out, "audio", f"pop909_{sid}.flac")
            if n % args.parts == args.part and not os.path.exists(out):
                mid = mido.MidiFile(midpath)
                if not args.piano_only:
                    set_programs(mid, PROGRAMS[n % len(PROGRAMS)])
                add_drums(mid, drum_hits(style, [b for b in beats if b[0] < end + 2.0]))
                cut_after(mid, end + 3.0)
                mid.save(midpath)
                wav = os.path.join(tmp, "song.wav")
                subprocess.run(["fluidsynth", "-ni", "-q", "-g", "0.6", "-r", "44100", "-F", wav, args.soundfont, midpath],
                               check=True, capture_output=True)
                subprocess.run(["ffmpeg", "-v", "error", "-y", "-ss", f"{start:.3f}", "-t", f"{args.seconds:.3f}", "-i", wav,
                                out + ".part.flac"], check=True)
                os.replace(out + ".part.flac", out)
        with open(os.path.join(args.out, "beats", f"pop909_{sid}.txt"), "w") as f:
            for t, d in inside:
                f.write(f"{t - start:.4f}\t{1 if d else 0}\n")
        manifest.append({
            "id": f"pop909_{sid}", "file": f"audio/pop909_{sid}.flac", "duration_s": args.seconds,
            "genre": f"pop song-like render ({style})", "style": style,
            "source_repo": "music-x-lab/POP909-Dataset", "source_path": f"POP909/{sid}", "source_commit": COMMIT,
            "tempo_bpm": round(bpm, 2), "tempo_quality": "annotation",
            "beats_file": f"beats/pop909_{sid}.txt", "beats_complete": True,
            "key": key, "key_quality": "annotation" if key else None,
        })
        print(f"{sid} {style:9s} {bpm:6.1f} BPM {key}", file=sys.stderr)
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    main()

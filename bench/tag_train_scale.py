#!/usr/bin/env python3
"""Scale check for `codex train tempo` / `codex train key`: a corpus of N synthetic tracks (stored
tempo results of a 6-minute track each, ~750 beats; key results with evidence; 40% tagged; drum &
bass read at half its tagged tempo 60% of the time), written straight into SQLite. No audio: it
measures time and memory, never accuracy.

    /usr/bin/python3 bench/tag_train_scale.py /tmp/big.db 50000
    /usr/bin/time -v build/codex --db /tmp/big.db train tempo     # wall time, maximum resident size
"""
import json, random, sqlite3, subprocess, sys
db, n = sys.argv[1], int(sys.argv[2])
subprocess.run(["build/codex", "--db", db, "list"], check=True, stdout=subprocess.DEVNULL)
c = sqlite3.connect(db)
rng = random.Random(1)
genres = ["House", "Techno", "Drum & Bass", "Hip-Hop", "Pop"]
centres = {"House": 124, "Techno": 132, "Drum & Bass": 174, "Hip-Hop": 92, "Pop": 110}
now = "2026-12-08T00:00:00Z"
for i in range(n):
    tid = "%016x" % rng.getrandbits(64)
    g = rng.choice(genres)
    true = centres[g] * rng.uniform(0.97, 1.03)
    read = true / 2 if (g == "Drum & Bass" and rng.random() < 0.6) else true
    beats = [round(k * 60.0 / read, 3) for k in range(int(360 * read / 60))]
    tempo = {"bpm": round(read, 2), "bpm_alternatives": [{"bpm": read * 2, "score": 0.8, "relation": "double"},
             {"bpm": read / 2, "score": 0.4, "relation": "half"}], "beats": beats, "downbeats": beats[::4],
             "beat_grid": {"bpm": read, "first_beat_s": 0.0}}
    prof = [round(rng.random(), 4) for _ in range(24)]
    key = {"key": "8A", "key_name": "A minor", "key_open": "1m", "key_evidence": {"profile": prof, "learned_weight": 0.0}}
    tagged = rng.random() < 0.4
    c.execute("INSERT INTO tracks(track_id,artist,genre,tag_bpm,tag_key,duration_s,container,codec,sample_rate,channels,added_at,updated_at) VALUES(?,?,?,?,?,360,'mp3','mp3',44100,2,?,?)",
              (tid, "artist %d" % (i % 5000), g, round(true, 2) if tagged else None, "8A" if tagged else None, now, now))
    for name, v in (("tempo", tempo), ("key", key)):
        c.execute("INSERT INTO analyses(track_id,analyzer,version,params_hash,confidence,result,created_at) VALUES(?,?,5,'h',0.5,?,?)",
                  (tid, name, json.dumps(v), now))
c.commit()

// Benchmark peer: the Queen Mary DSP tempo tracker and key detector (libqm-dsp, as shipped in
// open-source DJ software), driven the way their Vamp plugins drive them, on audio decoded by
// CODEX's own decoder. Prints one JSON object: {"bpm", "beats", "key"} for ../shared/bench/eval.py.
// Usage: codex_qm_host FILE
#include <qm-dsp/dsp/keydetection/GetKeyMode.h>
#include <qm-dsp/dsp/onsets/DetectionFunction.h>
#include <qm-dsp/dsp/tempotracking/TempoTrackV2.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "codex/audio/decoder.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: codex_qm_host FILE\n");
    return 2;
  }
  const int rate = 44100;
  auto mono = codex::audio::decode_mono(argv[1], rate);
  if (!mono) {
    std::fprintf(stderr, "codex_qm_host: %s\n", mono.status().message().c_str());
    return 1;
  }
  const std::vector<float>& x = *mono;

  // Tempo: complex spectral difference at 512-sample steps, then TempoTrackV2 (as in the
  // qm-vamp-plugins tempo/beat tracker and Mixxx's analyzer).
  DFConfig cfg;
  cfg.stepSize = 512;
  cfg.frameLength = 1024;
  cfg.DFType = DF_COMPLEXSD;
  cfg.dbRise = 3;
  cfg.adaptiveWhitening = false;
  cfg.whiteningRelaxCoeff = -1;
  cfg.whiteningFloor = -1;
  DetectionFunction df(cfg);
  std::vector<double> frame(cfg.frameLength), dfv;
  for (size_t pos = 0; pos + cfg.frameLength <= x.size(); pos += cfg.stepSize) {
    for (unsigned i = 0; i < cfg.frameLength; ++i) frame[i] = x[pos + i];
    dfv.push_back(df.processTimeDomain(frame.data()));
  }
  std::vector<double> beats_s;
  double bpm = 0.0;
  if (dfv.size() > 4) {
    std::vector<double> d(dfv.begin() + 2, dfv.end());  // the plugin skips the first two values
    std::vector<double> periods(d.size(), 0.0), tempi, beats;  // the tracker fills a pre-sized vector
    TempoTrackV2 tt(static_cast<float>(rate), cfg.stepSize);
    tt.calculateBeatPeriod(d, periods, tempi);
    tt.calculateBeats(d, periods, beats);
    for (double b : beats) beats_s.push_back((b + 2) * cfg.stepSize / rate);
    std::vector<double> ibi;
    for (size_t i = 1; i < beats_s.size(); ++i) ibi.push_back(beats_s[i] - beats_s[i - 1]);
    if (!ibi.empty()) {
      std::nth_element(ibi.begin(), ibi.begin() + static_cast<long>(ibi.size() / 2), ibi.end());
      bpm = 60.0 / ibi[ibi.size() / 2];
    }
  }

  // Key: GetKeyMode with the key detector plugin's defaults (tuning 440 Hz, 10-frame averages);
  // the track's key is the one reported for the most frames.
  GetKeyMode gkm(rate, 440.0f, 10, 10);
  const unsigned block = gkm.getBlockSize(), hop = gkm.getHopSize();
  std::vector<double> buf(block);
  std::map<int, int> votes;
  for (size_t pos = 0; pos + block <= x.size(); pos += hop) {
    for (unsigned i = 0; i < block; ++i) buf[i] = x[pos + i];
    const int k = gkm.process(buf.data());
    if (k >= 1 && k <= 24) ++votes[k];
  }
  static const char* kNames[12] = {"C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"};
  std::string key = "null";
  int best = 0;
  for (const auto& [k, n] : votes) {
    if (n > best) {
      best = n;
      key = std::string("\"") + kNames[(k - 1) % 12] + (k > 12 ? " minor" : " major") + "\"";
    }
  }
  std::printf("{\"bpm\": %.3f, \"key\": %s, \"beats\": [", bpm, key.c_str());
  for (size_t i = 0; i < beats_s.size(); ++i) std::printf("%s%.4f", i ? ", " : "", beats_s[i]);
  std::printf("]}\n");
  return 0;
}

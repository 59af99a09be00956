#include "codex/semantic/instruction.h"

namespace codex::semantic {

const std::string& instruction_prompt() {
  static const std::string kPrompt =
      "You are an experienced club DJ and music analyst. Listen to the attached audio and describe the track "
      "for choosing what to play next in a DJ set. Answer with one JSON object that follows the response "
      "schema exactly. Guidance: bpm is the FELT tempo (drum & bass is about 174, not 87; hip-hop 85-100 stays "
      "where it is); key is the Camelot code (1A-12A minor, 1B-12B major). Use the full 1-10 ranges: energy 1 "
      "is ambient, 10 is peak-time hard techno; danceability 10 is an irresistible groove. intensity is the "
      "place in a set (opener, journey, peak, closer). mix_in_ease and mix_out_ease rate how easy it is to "
      "beatmatch into and out of the track (long drum intros and outros are easy, cold starts and endings are "
      "hard); put practical tips in mixability_notes. structure lists the sections in order. mood_tags are 3-7 "
      "words a DJ would use; instrumentation 3-8 instruments; similar_artists 2-5 artists. description is 1-3 "
      "sentences. Describe only what you hear.";
  return kPrompt;
}

}  // namespace codex::semantic

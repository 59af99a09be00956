// The FFmpeg module's one exported symbol: its function table (module.h).
#include "codex/audio/module.h"

extern "C" __attribute__((visibility("default"))) const codex::audio::ModuleTable* codex_audio_module_v1() {
  using namespace codex::audio;
  static const ModuleTable table{kModuleVersion,     AbiSizes{},        &Decoder::open, &compute_track_id, &decode_mono,
                                 &quiet_ffmpeg_logs, &format_extension, &parse_format,  &encode_file};
  return &table;
}

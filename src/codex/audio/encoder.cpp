#include "codex/audio/encoder.h"

#include <cstdio>

#include "codex/audio/decoder.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
}

namespace codex::audio {
namespace {

struct Spec {
  const char* muxer;
  const char* encoder;  // by name, so the LAME/Vorbis/Opus wrappers are picked
  const char* ext;
};

Spec spec_of(Format f) {
  switch (f) {
    case Format::kWav16: return {"wav", "pcm_s16le", "wav"};
    case Format::kWavFloat: return {"wav", "pcm_f32le", "wav"};
    case Format::kAiff: return {"aiff", "pcm_s16be", "aiff"};
    case Format::kFlac: return {"flac", "flac", "flac"};
    case Format::kMp3: return {"mp3", "libmp3lame", "mp3"};
    case Format::kM4aAac: return {"ipod", "aac", "m4a"};
    case Format::kM4aAlac: return {"ipod", "alac", "m4a"};
    case Format::kOggVorbis: return {"ogg", "libvorbis", "ogg"};
    case Format::kOpus: return {"ogg", "libopus", "opus"};
    case Format::kAdtsAac: return {"adts", "aac", "aac"};
  }
  return {"wav", "pcm_s16le", "wav"};
}

AVSampleFormat pick_sample_format(const AVCodec* c) {
  if (!c->sample_fmts) return AV_SAMPLE_FMT_FLT;
  for (AVSampleFormat want : {AV_SAMPLE_FMT_FLTP, AV_SAMPLE_FMT_FLT, AV_SAMPLE_FMT_S16, AV_SAMPLE_FMT_S16P}) {
    for (const AVSampleFormat* p = c->sample_fmts; *p != AV_SAMPLE_FMT_NONE; ++p) {
      if (*p == want) return want;
    }
  }
  return c->sample_fmts[0];
}

int pick_rate(const AVCodec* c, int wanted) {
  if (!c->supported_samplerates) return wanted;
  int best = c->supported_samplerates[0];
  for (const int* p = c->supported_samplerates; *p; ++p) {
    if (*p == wanted) return wanted;
    if (*p == 48000) best = 48000;
  }
  return best;
}

struct Resources {
  AVFormatContext* fmt = nullptr;
  AVCodecContext* codec = nullptr;
  SwrContext* swr = nullptr;
  AVAudioFifo* fifo = nullptr;
  AVFrame* frame = nullptr;
  AVPacket* pkt = nullptr;
  ~Resources() {
    av_packet_free(&pkt);
    av_frame_free(&frame);
    if (fifo) av_audio_fifo_free(fifo);
    swr_free(&swr);
    avcodec_free_context(&codec);
    if (fmt) {
      if (fmt->pb) avio_closep(&fmt->pb);
      avformat_free_context(fmt);
    }
  }
};

Status write_packets(Resources& r, AVStream* st) {
  while (true) {
    const int ret = avcodec_receive_packet(r.codec, r.pkt);
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return Status::Ok();
    if (ret < 0) return Status::Error("encoding failed");
    av_packet_rescale_ts(r.pkt, r.codec->time_base, st->time_base);
    r.pkt->stream_index = st->index;
    if (av_interleaved_write_frame(r.fmt, r.pkt) < 0) return Status::Error("writing failed");
  }
}

}  // namespace

const char* format_extension(Format f) { return spec_of(f).ext; }

bool parse_format(const std::string& name, Format* out) {
  static const std::pair<const char*, Format> kNames[] = {
      {"wav", Format::kWav16},   {"wavf", Format::kWavFloat},   {"aiff", Format::kAiff},
      {"flac", Format::kFlac},   {"mp3", Format::kMp3},         {"m4a", Format::kM4aAac},
      {"alac", Format::kM4aAlac}, {"ogg", Format::kOggVorbis},  {"opus", Format::kOpus},
      {"aac", Format::kAdtsAac}};
  for (const auto& [n, f] : kNames) {
    if (name == n) {
      *out = f;
      return true;
    }
  }
  return false;
}

namespace {
Status encode_to(const std::string& path, const std::string& tmp, const std::vector<float>& interleaved, int channels,
                 int rate_hz, const EncodeOptions& options) {
  if (channels < 1 || channels > 2 || rate_hz < 4000) return Status::Error("bad encoder input format");
  quiet_ffmpeg_logs();
  const Spec spec = spec_of(options.format);
  const AVCodec* enc = avcodec_find_encoder_by_name(spec.encoder);
  if (!enc) return Status::Error(std::string("encoder '") + spec.encoder + "' not available in this FFmpeg");

  Resources r;
  if (avformat_alloc_output_context2(&r.fmt, nullptr, spec.muxer, tmp.c_str()) < 0 || !r.fmt) {
    return Status::Error("cannot create output container");
  }
  AVStream* st = avformat_new_stream(r.fmt, nullptr);
  r.codec = avcodec_alloc_context3(enc);
  if (!st || !r.codec) return Status::Error("out of memory");
  r.codec->sample_fmt = pick_sample_format(enc);
  r.codec->sample_rate = pick_rate(enc, rate_hz);
  av_channel_layout_default(&r.codec->ch_layout, channels);
  if (enc->capabilities & AV_CODEC_CAP_LOSSLESS || options.format == Format::kWav16 ||
      options.format == Format::kWavFloat || options.format == Format::kAiff || options.format == Format::kFlac ||
      options.format == Format::kM4aAlac) {
    r.codec->bit_rate = 0;
  } else {
    r.codec->bit_rate = options.bit_rate;
  }
  r.codec->time_base = AVRational{1, r.codec->sample_rate};
  if (r.fmt->oformat->flags & AVFMT_GLOBALHEADER) r.codec->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (avcodec_open2(r.codec, enc, nullptr) < 0) return Status::Error("cannot open encoder");
  if (avcodec_parameters_from_context(st->codecpar, r.codec) < 0) return Status::Error("bad encoder parameters");
  st->time_base = r.codec->time_base;
  for (const auto& [k, v] : options.tags) {
    av_dict_set(&r.fmt->metadata, k.c_str(), v.c_str(), 0);
    if (options.format == Format::kOggVorbis || options.format == Format::kOpus) {
      av_dict_set(&st->metadata, k.c_str(), v.c_str(), 0);
    }
  }
  if (options.format == Format::kAiff) av_opt_set(r.fmt->priv_data, "write_id3v2", "1", 0);
  r.fmt->flags |= AVFMT_FLAG_BITEXACT;  // no encoder/version tags beyond what the caller asks for
  if (avio_open(&r.fmt->pb, tmp.c_str(), AVIO_FLAG_WRITE) < 0) return Status::Error("cannot create " + tmp);
  if (avformat_write_header(r.fmt, nullptr) < 0) return Status::Error("cannot write header");

  AVChannelLayout in_layout{};
  av_channel_layout_default(&in_layout, channels);
  const int rc = swr_alloc_set_opts2(&r.swr, &r.codec->ch_layout, r.codec->sample_fmt, r.codec->sample_rate,
                                     &in_layout, AV_SAMPLE_FMT_FLT, rate_hz, 0, nullptr);
  av_channel_layout_uninit(&in_layout);
  if (rc < 0 || swr_init(r.swr) < 0) return Status::Error("cannot set up resampler");

  const int frame_size = r.codec->frame_size > 0 ? r.codec->frame_size : 1024;
  r.fifo = av_audio_fifo_alloc(r.codec->sample_fmt, channels, frame_size * 4);
  r.frame = av_frame_alloc();
  r.pkt = av_packet_alloc();
  if (!r.fifo || !r.frame || !r.pkt) return Status::Error("out of memory");

  // Convert in chunks into the FIFO, then feed whole frames to the encoder.
  const int64_t total = static_cast<int64_t>(interleaved.size()) / channels;
  const int chunk = 8192;
  int64_t pts = 0;
  auto send_frames = [&](bool flush) -> Status {
    while (av_audio_fifo_size(r.fifo) >= frame_size || (flush && av_audio_fifo_size(r.fifo) > 0)) {
      const int n = std::min(frame_size, av_audio_fifo_size(r.fifo));
      av_frame_unref(r.frame);
      r.frame->nb_samples = n;
      r.frame->format = r.codec->sample_fmt;
      r.frame->sample_rate = r.codec->sample_rate;
      av_channel_layout_copy(&r.frame->ch_layout, &r.codec->ch_layout);
      if (av_frame_get_buffer(r.frame, 0) < 0) return Status::Error("out of memory");
      av_audio_fifo_read(r.fifo, reinterpret_cast<void**>(r.frame->data), n);
      r.frame->pts = pts;
      pts += n;
      if (avcodec_send_frame(r.codec, r.frame) < 0) return Status::Error("encoder rejected a frame");
      if (Status s = write_packets(r, st); !s) return s;
    }
    return Status::Ok();
  };
  for (int64_t pos = 0; pos <= total; pos += chunk) {
    const bool last = pos + chunk > total;
    const int n = static_cast<int>(std::min<int64_t>(chunk, total - pos));
    const int cap = swr_get_out_samples(r.swr, n) + 64;
    uint8_t** out = nullptr;
    if (av_samples_alloc_array_and_samples(&out, nullptr, channels, cap, r.codec->sample_fmt, 0) < 0) {
      return Status::Error("out of memory");
    }
    const auto* in = reinterpret_cast<const uint8_t*>(interleaved.data() + pos * channels);
    int got = swr_convert(r.swr, out, cap, n > 0 ? &in : nullptr, n);
    if (last && got >= 0) {
      int more = 0;
      do {
        if (got > 0) av_audio_fifo_write(r.fifo, reinterpret_cast<void**>(out), got);
        more = swr_convert(r.swr, out, cap, nullptr, 0);
        got = more;
      } while (more > 0);
      got = 0;
    }
    if (got > 0) av_audio_fifo_write(r.fifo, reinterpret_cast<void**>(out), got);
    av_freep(&out[0]);
    av_freep(&out);
    if (got < 0) return Status::Error("sample conversion failed");
    if (Status s = send_frames(last); !s) return s;
  }
  avcodec_send_frame(r.codec, nullptr);
  if (Status s = write_packets(r, st); !s) return s;
  if (av_write_trailer(r.fmt) < 0) return Status::Error("cannot finish file");
  avio_closep(&r.fmt->pb);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::Error("cannot rename output to " + path);
  return Status::Ok();
}
}  // namespace

Status encode_file(const std::string& path, const std::vector<float>& interleaved, int channels, int rate_hz,
                   const EncodeOptions& options) {
  const std::string tmp = path + ".part";
  Status s = encode_to(path, tmp, interleaved, channels, rate_hz, options);
  if (!s) std::remove(tmp.c_str());
  return s;
}

}  // namespace codex::audio

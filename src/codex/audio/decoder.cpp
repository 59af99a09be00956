#include "codex/audio/decoder.h"

#include "codex/audio/truncation.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/mem.h>
#include <libavutil/opt.h>
#include <libavutil/sha.h>
#include <libswresample/swresample.h>
}

#include "codex/core/text.h"

namespace codex::audio {
namespace {

std::string av_error_text(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(err, buf, sizeof buf);
  return buf;
}

// Checks what FFmpeg would report badly: missing, not a regular file, empty, unreadable.
Status precheck(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status::Error(std::string("cannot open: ") + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) return Status::Error("is a directory, not an audio file");
  if (!S_ISREG(st.st_mode)) return Status::Error("not a regular file");
  if (st.st_size == 0) return Status::Error("empty file (0 bytes)");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Error(std::string("cannot read: ") + std::strerror(errno));
  ::close(fd);
  return Status::Ok();
}

struct FormatCloser {
  void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};
using FormatPtr = std::unique_ptr<AVFormatContext, FormatCloser>;

// Opens the container and picks the audio stream.
Result<std::pair<FormatPtr, int>> open_container(const std::string& path) {
  quiet_ffmpeg_logs();
  if (Status s = precheck(path); !s) return s;
  AVFormatContext* raw = nullptr;
  int err = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (err < 0) return Status::Error("not a readable audio file (" + av_error_text(err) + ")");
  FormatPtr fmt(raw);
  err = avformat_find_stream_info(fmt.get(), nullptr);
  if (err < 0) return Status::Error("cannot read stream info (" + av_error_text(err) + ")");
  const int stream = av_find_best_stream(fmt.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (stream < 0) return Status::Error("no audio stream in file");
  return std::make_pair(std::move(fmt), stream);
}

// SHA-256 from FFmpeg's own libavutil (the network library OpenSSL stays with the LLM client).
class PacketHasher {
 public:
  PacketHasher() : ctx_(av_sha_alloc()) { av_sha_init(ctx_, 256); }
  ~PacketHasher() { av_free(ctx_); }
  PacketHasher(const PacketHasher&) = delete;
  PacketHasher& operator=(const PacketHasher&) = delete;
  void add(const AVPacket* pkt) {
    if (pkt->data && pkt->size > 0) av_sha_update(ctx_, pkt->data, static_cast<size_t>(pkt->size));
  }
  // 64 bits of SHA-256 as 16 hex digits: collisions are negligible for any real library.
  std::string finish() {
    unsigned char digest[32];
    av_sha_final(ctx_, digest);
    return to_hex(digest, 8);
  }

 private:
  AVSHA* ctx_;
};

}  // namespace

void quiet_ffmpeg_logs() {
  static const bool once = [] {
    // FFmpeg's own messages would break our one-line error policy; CODEX_FFMPEG_LOG=1 shows them.
    if (!std::getenv("CODEX_FFMPEG_LOG")) av_log_set_level(AV_LOG_QUIET);
    return true;
  }();
  (void)once;
}

struct Decoder::Impl {
  FormatPtr fmt;
  int stream_index = -1;
  AVCodecContext* codec = nullptr;
  SwrContext* to_native = nullptr;  // codec format -> interleaved float, <= 2 channels
  SwrContext* to_mono = nullptr;    // mono float native rate -> analysis rate
  AVChannelLayout native_layout{};
  int swr_in_format = -1;
  int swr_in_rate = 0;
  AVChannelLayout swr_in_layout{};
  DecodeOptions options;
  bool used = false;

  ~Impl() {
    avcodec_free_context(&codec);
    swr_free(&to_native);
    swr_free(&to_mono);
    av_channel_layout_uninit(&native_layout);
    av_channel_layout_uninit(&swr_in_layout);
  }
};

Decoder::Decoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Decoder::~Decoder() = default;

Result<std::unique_ptr<Decoder>> Decoder::open(const std::string& path, const DecodeOptions& options) {
  if (options.analysis_rate_hz < 4000 || options.analysis_rate_hz > 192000 || options.block_frames < 64 ||
      options.max_native_channels < 1 || options.max_native_channels > 2) {
    return Status::Error("invalid decode options");
  }
  auto opened = open_container(path);
  if (!opened) return opened.status();
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->fmt = std::move(opened->first);
  impl->stream_index = opened->second;
  AVStream* st = impl->fmt->streams[impl->stream_index];

  const AVCodec* dec = avcodec_find_decoder(st->codecpar->codec_id);
  if (!dec) return Status::Error("unsupported audio codec '" + std::string(avcodec_get_name(st->codecpar->codec_id)) + "'");
  impl->codec = avcodec_alloc_context3(dec);
  if (!impl->codec) return Status::Error("out of memory");
  if (avcodec_parameters_to_context(impl->codec, st->codecpar) < 0) return Status::Error("bad codec parameters");
  impl->codec->thread_count = 1;  // files are decoded in parallel, one thread each
  impl->codec->pkt_timebase = st->time_base;
  if (int err = avcodec_open2(impl->codec, dec, nullptr); err < 0) {
    return Status::Error("cannot open decoder (" + av_error_text(err) + ")");
  }
  if (impl->codec->sample_rate <= 0 || impl->codec->ch_layout.nb_channels <= 0) {
    return Status::Error("audio stream has no sample rate or channels");
  }

  std::unique_ptr<Decoder> d(new Decoder(std::move(impl)));
  AudioInfo& info = d->info_;
  info.container = d->impl_->fmt->iformat->name;
  info.codec = avcodec_get_name(st->codecpar->codec_id);
  info.native_rate_hz = d->impl_->codec->sample_rate;
  info.source_channels = d->impl_->codec->ch_layout.nb_channels;
  info.native_channels = std::min(info.source_channels, options.max_native_channels);
  av_channel_layout_default(&d->impl_->native_layout, info.native_channels);
  info.bit_rate = d->impl_->fmt->bit_rate;
  if (d->impl_->fmt->duration != AV_NOPTS_VALUE &&
      d->impl_->fmt->duration_estimation_method != AVFMT_DURATION_FROM_BITRATE) {
    info.header_duration_s = static_cast<double>(d->impl_->fmt->duration) / AV_TIME_BASE;
  }
  for (AVDictionary* dict : {d->impl_->fmt->metadata, st->metadata}) {
    const AVDictionaryEntry* e = nullptr;
    while ((e = av_dict_get(dict, "", e, AV_DICT_IGNORE_SUFFIX))) {
      info.tags.emplace(ascii_lower(e->key), e->value);
    }
  }
  return d;
}

Status Decoder::run(const Sink& sink, DecodeStats* stats_out) {
  Impl& m = *impl_;
  if (m.used) return Status::Error("decoder already used");
  m.used = true;
  DecodeStats stats;
  PacketHasher hasher;
  const int nch = info_.native_channels;
  const int in_rate = info_.native_rate_hz;
  const int out_rate = m.options.analysis_rate_hz;
  const bool resample_mono = in_rate != out_rate;

  if (resample_mono) {
    AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
    if (swr_alloc_set_opts2(&m.to_mono, &mono, AV_SAMPLE_FMT_FLT, out_rate, &mono, AV_SAMPLE_FMT_FLT, in_rate, 0,
                            nullptr) < 0 ||
        swr_init(m.to_mono) < 0) {
      return Status::Error("cannot set up resampler");
    }
  }

  std::vector<float> native_buf;      // pending interleaved native samples
  std::vector<float> mono_buf;        // pending mono analysis-rate samples
  std::vector<float> native_chunk;    // one converted frame
  std::vector<float> mono_native;     // one frame downmixed, native rate
  std::vector<float> mono_chunk;      // one frame resampled
  native_buf.reserve(static_cast<size_t>(m.options.block_frames) * 8);
  mono_buf.reserve(static_cast<size_t>(m.options.block_frames) * 2);
  bool cancelled = false;
  int64_t mono_emitted = 0;

  auto emit = [&](bool final_block) {
    const auto bf = static_cast<size_t>(m.options.block_frames);
    while (!cancelled && (mono_buf.size() >= bf || (final_block && (!mono_buf.empty() || !native_buf.empty())))) {
      const size_t take = std::min(bf, mono_buf.size());
      AudioBlock b;
      b.mono = mono_buf.data();
      b.mono_frames = static_cast<int64_t>(take);
      b.native = native_buf.data();
      b.native_frames = static_cast<int64_t>(native_buf.size() / static_cast<size_t>(nch));
      b.native_channels = nch;
      b.mono_offset = mono_emitted;
      if (!sink(b)) cancelled = true;
      mono_emitted += b.mono_frames;
      mono_buf.erase(mono_buf.begin(), mono_buf.begin() + static_cast<std::ptrdiff_t>(take));
      native_buf.clear();
      if (final_block && mono_buf.empty()) break;
    }
  };

  auto push_mono_native = [&](const float* mono_in, int frames) {
    if (!resample_mono) {
      mono_buf.insert(mono_buf.end(), mono_in, mono_in + frames);
      return;
    }
    const int cap = swr_get_out_samples(m.to_mono, frames) + 16;
    mono_chunk.resize(static_cast<size_t>(cap));
    auto* out = reinterpret_cast<uint8_t*>(mono_chunk.data());
    const auto* in = reinterpret_cast<const uint8_t*>(mono_in);
    const int got = swr_convert(m.to_mono, &out, cap, mono_in ? &in : nullptr, frames);
    if (got > 0) mono_buf.insert(mono_buf.end(), mono_chunk.begin(), mono_chunk.begin() + got);
  };

  auto handle_frame = [&](AVFrame* frame) -> Status {
    if (!m.to_native || frame->format != m.swr_in_format || frame->sample_rate != m.swr_in_rate ||
        av_channel_layout_compare(&frame->ch_layout, &m.swr_in_layout) != 0) {
      if (frame->sample_rate != in_rate) return Status::Error("sample rate changes inside the stream");
      swr_free(&m.to_native);
      av_channel_layout_uninit(&m.swr_in_layout);
      if (av_channel_layout_copy(&m.swr_in_layout, &frame->ch_layout) < 0) return Status::Error("bad channel layout");
      if (m.swr_in_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
        const int n = m.swr_in_layout.nb_channels;
        av_channel_layout_uninit(&m.swr_in_layout);
        av_channel_layout_default(&m.swr_in_layout, n);
      }
      m.swr_in_format = frame->format;
      m.swr_in_rate = frame->sample_rate;
      if (swr_alloc_set_opts2(&m.to_native, &m.native_layout, AV_SAMPLE_FMT_FLT, in_rate, &m.swr_in_layout,
                              static_cast<AVSampleFormat>(frame->format), frame->sample_rate, 0, nullptr) < 0 ||
          swr_init(m.to_native) < 0) {
        return Status::Error("cannot set up sample conversion");
      }
    }
    const int cap = swr_get_out_samples(m.to_native, frame->nb_samples) + 16;
    native_chunk.resize(static_cast<size_t>(cap) * static_cast<size_t>(nch));
    auto* out = reinterpret_cast<uint8_t*>(native_chunk.data());
    const int got = swr_convert(m.to_native, &out, cap, const_cast<const uint8_t**>(frame->extended_data),
                                frame->nb_samples);
    if (got < 0) return Status::Error("sample conversion failed");
    if (got == 0) return Status::Ok();
    stats.native_frames += got;
    native_buf.insert(native_buf.end(), native_chunk.begin(), native_chunk.begin() + static_cast<std::ptrdiff_t>(got) * nch);
    mono_native.resize(static_cast<size_t>(got));
    if (nch == 1) {
      std::copy_n(native_chunk.begin(), got, mono_native.begin());
    } else {
      for (int i = 0; i < got; ++i) mono_native[i] = 0.5f * (native_chunk[2 * i] + native_chunk[2 * i + 1]);
    }
    push_mono_native(mono_native.data(), got);
    emit(false);
    return Status::Ok();
  };

  AVPacket* pkt = av_packet_alloc();
  AVFrame* frame = av_frame_alloc();
  Status status;
  bool read_error = false;
  auto drain = [&]() -> Status {
    while (true) {
      const int r = avcodec_receive_frame(m.codec, frame);
      if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return Status::Ok();
      if (r < 0) {
        ++stats.decode_errors;
        return Status::Ok();
      }
      Status s = handle_frame(frame);
      av_frame_unref(frame);
      if (!s) return s;
      if (cancelled) return Status::Ok();
    }
  };

  while (status.ok() && !cancelled) {
    const int r = av_read_frame(m.fmt.get(), pkt);
    if (r == AVERROR_EOF) break;
    if (r < 0) {
      read_error = true;  // I/O error or damaged container: keep what was decoded
      break;
    }
    if (pkt->stream_index == m.stream_index) {
      ++stats.packets;
      hasher.add(pkt);
      const int s = avcodec_send_packet(m.codec, pkt);
      if (s < 0 && s != AVERROR(EAGAIN)) ++stats.decode_errors;
      status = drain();
    }
    av_packet_unref(pkt);
  }
  if (status.ok() && !cancelled) {
    avcodec_send_packet(m.codec, nullptr);
    status = drain();
  }
  if (status.ok() && !cancelled) {
    if (resample_mono) push_mono_native(nullptr, 0);  // flush the resampler tail
    emit(true);
  }
  av_packet_free(&pkt);
  av_frame_free(&frame);
  if (!status) return status;
  if (cancelled) return Status::Error("cancelled");

  stats.mono_frames = mono_emitted;
  stats.duration_s = static_cast<double>(stats.native_frames) / in_rate;
  stats.track_id = hasher.finish();
  if (stats.native_frames == 0) {
    return Status::Error(stats.decode_errors > 0 ? "no decodable audio (" + std::to_string(stats.decode_errors) +
                                                       " damaged packets)"
                                                 : "no audio in stream");
  }
  if (stats.decode_errors > 8 && stats.decode_errors * 2 > stats.packets) {
    return Status::Error("not valid audio: " + std::to_string(stats.decode_errors) + " of " +
                         std::to_string(stats.packets) + " packets undecodable");
  }
  const double header = info_.header_duration_s;
  stats.truncated = read_error || (header > 0 && stats.duration_s + std::max(1.0, 0.05 * header) < header) ||
                    ends_early(impl_->fmt->url ? impl_->fmt->url : "", info_.container);
  if (stats_out) *stats_out = stats;
  return Status::Ok();
}

Result<std::string> compute_track_id(const std::string& path) {
  auto opened = open_container(path);
  if (!opened) return opened.status();
  AVFormatContext* fmt = opened->first.get();
  const int stream = opened->second;
  PacketHasher hasher;
  AVPacket* pkt = av_packet_alloc();
  int64_t packets = 0;
  while (av_read_frame(fmt, pkt) >= 0) {
    if (pkt->stream_index == stream) {
      hasher.add(pkt);
      ++packets;
    }
    av_packet_unref(pkt);
  }
  av_packet_free(&pkt);
  if (packets == 0) return Status::Error("no audio packets in file");
  return hasher.finish();
}

Result<std::vector<float>> decode_mono(const std::string& path, int rate_hz) {
  DecodeOptions opt;
  opt.analysis_rate_hz = rate_hz;
  auto dec = Decoder::open(path, opt);
  if (!dec) return dec.status();
  std::vector<float> out;
  Status s = (*dec)->run(
      [&](const AudioBlock& b) {
        out.insert(out.end(), b.mono, b.mono + b.mono_frames);
        return true;
      },
      nullptr);
  if (!s) return s;
  return out;
}

}  // namespace codex::audio

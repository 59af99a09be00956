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
  AVChannelLayout native_layout{};  // what the decoded audio is converted to (<= 2 channels)
  DecodeOptions options;
  bool used = false;

  ~Impl() {
    avcodec_free_context(&codec);
    av_channel_layout_uninit(&native_layout);
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

namespace {

// Decoded frames on their way to the sink: converted to interleaved float at the native rate and
// channel count, downmixed to mono, resampled to the analysis rate, and handed on in blocks of
// `block_frames` mono samples (with the native samples that arrived meanwhile).
class BlockMaker {
 public:
  BlockMaker(const Decoder::Sink& sink, DecodeStats& stats, AVChannelLayout& native_layout, int in_rate,
             int out_rate, int block_frames)
      : sink_(sink), stats_(stats), layout_(native_layout), nch_(native_layout.nb_channels), in_rate_(in_rate),
        out_rate_(out_rate), block_frames_(static_cast<size_t>(block_frames)) {
    native_buf_.reserve(block_frames_ * 8);
    mono_buf_.reserve(block_frames_ * 2);
  }
  ~BlockMaker() {
    swr_free(&to_native_);
    swr_free(&to_mono_);
    av_channel_layout_uninit(&in_layout_);
  }
  BlockMaker(const BlockMaker&) = delete;
  BlockMaker& operator=(const BlockMaker&) = delete;

  Status init() {
    if (in_rate_ == out_rate_) return Status::Ok();
    AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
    if (swr_alloc_set_opts2(&to_mono_, &mono, AV_SAMPLE_FMT_FLT, out_rate_, &mono, AV_SAMPLE_FMT_FLT, in_rate_, 0,
                            nullptr) < 0 ||
        swr_init(to_mono_) < 0) {
      return Status::Error("cannot set up resampler");
    }
    return Status::Ok();
  }

  Status add(const AVFrame& frame) {
    if (Status s = follow_format(frame); !s) return s;
    const int cap = swr_get_out_samples(to_native_, frame.nb_samples) + 16;
    native_chunk_.resize(static_cast<size_t>(cap) * static_cast<size_t>(nch_));
    auto* out = reinterpret_cast<uint8_t*>(native_chunk_.data());
    const int got = swr_convert(to_native_, &out, cap, const_cast<const uint8_t**>(frame.extended_data),
                                frame.nb_samples);
    if (got < 0) return Status::Error("sample conversion failed");
    if (got == 0) return Status::Ok();
    stats_.native_frames += got;
    native_buf_.insert(native_buf_.end(), native_chunk_.begin(),
                       native_chunk_.begin() + static_cast<std::ptrdiff_t>(got) * nch_);
    mono_native_.resize(static_cast<size_t>(got));
    if (nch_ == 1) {
      std::copy_n(native_chunk_.begin(), got, mono_native_.begin());
    } else {
      for (int i = 0; i < got; ++i) mono_native_[i] = 0.5f * (native_chunk_[2 * i] + native_chunk_[2 * i + 1]);
    }
    push_mono(mono_native_.data(), got);
    emit(false);
    return Status::Ok();
  }

  // The resampler's tail, and the last (short) block.
  void finish() {
    if (to_mono_) push_mono(nullptr, 0);
    emit(true);
  }

  bool cancelled() const { return cancelled_; }
  int64_t mono_emitted() const { return mono_emitted_; }

 private:
  // (Re)builds the converter to float when a frame's format, rate or layout is not the last one's.
  Status follow_format(const AVFrame& frame) {
    if (to_native_ && frame.format == in_format_ && frame.sample_rate == in_frame_rate_ &&
        av_channel_layout_compare(&frame.ch_layout, &in_layout_) == 0) {
      return Status::Ok();
    }
    if (frame.sample_rate != in_rate_) return Status::Error("sample rate changes inside the stream");
    swr_free(&to_native_);
    av_channel_layout_uninit(&in_layout_);
    if (av_channel_layout_copy(&in_layout_, &frame.ch_layout) < 0) return Status::Error("bad channel layout");
    if (in_layout_.order == AV_CHANNEL_ORDER_UNSPEC) {
      const int n = in_layout_.nb_channels;
      av_channel_layout_uninit(&in_layout_);
      av_channel_layout_default(&in_layout_, n);
    }
    in_format_ = frame.format;
    in_frame_rate_ = frame.sample_rate;
    if (swr_alloc_set_opts2(&to_native_, &layout_, AV_SAMPLE_FMT_FLT, in_rate_, &in_layout_,
                            static_cast<AVSampleFormat>(frame.format), frame.sample_rate, 0, nullptr) < 0 ||
        swr_init(to_native_) < 0) {
      return Status::Error("cannot set up sample conversion");
    }
    return Status::Ok();
  }

  // Mono at the native rate in, mono at the analysis rate into the pending buffer (nullptr: flush).
  void push_mono(const float* mono_in, int frames) {
    if (!to_mono_) {
      mono_buf_.insert(mono_buf_.end(), mono_in, mono_in + frames);
      return;
    }
    const int cap = swr_get_out_samples(to_mono_, frames) + 16;
    mono_chunk_.resize(static_cast<size_t>(cap));
    auto* out = reinterpret_cast<uint8_t*>(mono_chunk_.data());
    const auto* in = reinterpret_cast<const uint8_t*>(mono_in);
    const int got = swr_convert(to_mono_, &out, cap, mono_in ? &in : nullptr, frames);
    if (got > 0) mono_buf_.insert(mono_buf_.end(), mono_chunk_.begin(), mono_chunk_.begin() + got);
  }

  void emit(bool final_block) {
    while (!cancelled_ &&
           (mono_buf_.size() >= block_frames_ || (final_block && (!mono_buf_.empty() || !native_buf_.empty())))) {
      const size_t take = std::min(block_frames_, mono_buf_.size());
      AudioBlock b;
      b.mono = mono_buf_.data();
      b.mono_frames = static_cast<int64_t>(take);
      b.native = native_buf_.data();
      b.native_frames = static_cast<int64_t>(native_buf_.size() / static_cast<size_t>(nch_));
      b.native_channels = nch_;
      b.mono_offset = mono_emitted_;
      if (!sink_(b)) cancelled_ = true;
      mono_emitted_ += b.mono_frames;
      mono_buf_.erase(mono_buf_.begin(), mono_buf_.begin() + static_cast<std::ptrdiff_t>(take));
      native_buf_.clear();
      if (final_block && mono_buf_.empty()) break;
    }
  }

  const Decoder::Sink& sink_;
  DecodeStats& stats_;
  AVChannelLayout& layout_;  // the native layout (<= 2 channels)
  const int nch_, in_rate_, out_rate_;
  const size_t block_frames_;
  SwrContext* to_native_ = nullptr;  // codec format -> interleaved float, <= 2 channels
  SwrContext* to_mono_ = nullptr;    // mono float native rate -> analysis rate (none when equal)
  int in_format_ = -1, in_frame_rate_ = 0;
  AVChannelLayout in_layout_{};
  std::vector<float> native_buf_;    // pending interleaved native samples
  std::vector<float> mono_buf_;      // pending mono analysis-rate samples
  std::vector<float> native_chunk_;  // one converted frame
  std::vector<float> mono_native_;   // one frame downmixed, native rate
  std::vector<float> mono_chunk_;    // one frame resampled
  bool cancelled_ = false;
  int64_t mono_emitted_ = 0;
};

struct PacketFree {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct FrameFree {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};

// Reads every packet of the stream, hashes it and decodes it into `blocks`, then drains the
// decoder. A read error (I/O, a damaged container) ends the stream and is reported through
// `read_error`: what was decoded is kept.
Status decode_stream(AVFormatContext* fmt, AVCodecContext* codec, int stream_index, BlockMaker& blocks,
                     PacketHasher& hasher, DecodeStats& stats, bool* read_error) {
  std::unique_ptr<AVPacket, PacketFree> pkt(av_packet_alloc());
  std::unique_ptr<AVFrame, FrameFree> frame(av_frame_alloc());
  if (!pkt || !frame) return Status::Error("out of memory");
  auto drain = [&]() -> Status {
    while (!blocks.cancelled()) {
      const int r = avcodec_receive_frame(codec, frame.get());
      if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return Status::Ok();
      if (r < 0) {
        ++stats.decode_errors;
        return Status::Ok();
      }
      Status s = blocks.add(*frame);
      av_frame_unref(frame.get());
      if (!s) return s;
    }
    return Status::Ok();
  };
  while (!blocks.cancelled()) {
    const int r = av_read_frame(fmt, pkt.get());
    if (r == AVERROR_EOF) break;
    if (r < 0) {
      *read_error = true;
      break;
    }
    Status s = Status::Ok();
    if (pkt->stream_index == stream_index) {
      ++stats.packets;
      hasher.add(pkt.get());
      const int sent = avcodec_send_packet(codec, pkt.get());
      if (sent < 0 && sent != AVERROR(EAGAIN)) ++stats.decode_errors;
      s = drain();
    }
    av_packet_unref(pkt.get());
    if (!s) return s;
  }
  if (blocks.cancelled()) return Status::Ok();
  avcodec_send_packet(codec, nullptr);
  return drain();
}

// A stream with no audio, or with more damaged packets than sound ones, is not audio.
Status judge(const DecodeStats& stats) {
  if (stats.native_frames == 0) {
    return Status::Error(stats.decode_errors > 0 ? "no decodable audio (" + std::to_string(stats.decode_errors) +
                                                       " damaged packets)"
                                                 : "no audio in stream");
  }
  if (stats.decode_errors > 8 && stats.decode_errors * 2 > stats.packets) {
    return Status::Error("not valid audio: " + std::to_string(stats.decode_errors) + " of " +
                         std::to_string(stats.packets) + " packets undecodable");
  }
  return Status::Ok();
}

}  // namespace

Status Decoder::run(const Sink& sink, DecodeStats* stats_out) {
  Impl& m = *impl_;
  if (m.used) return Status::Error("decoder already used");
  m.used = true;
  DecodeStats stats;
  PacketHasher hasher;
  BlockMaker blocks(sink, stats, m.native_layout, info_.native_rate_hz, m.options.analysis_rate_hz,
                    m.options.block_frames);
  if (Status s = blocks.init(); !s) return s;
  bool read_error = false;
  if (Status s = decode_stream(m.fmt.get(), m.codec, m.stream_index, blocks, hasher, stats, &read_error); !s) {
    return s;
  }
  if (!blocks.cancelled()) blocks.finish();
  if (blocks.cancelled()) return Status::Cancelled("cancelled");

  stats.mono_frames = blocks.mono_emitted();
  stats.duration_s = static_cast<double>(stats.native_frames) / info_.native_rate_hz;
  stats.track_id = hasher.finish();
  if (Status s = judge(stats); !s) return s;
  const double header = info_.header_duration_s;
  stats.truncated = read_error || (header > 0 && stats.duration_s + std::max(1.0, 0.05 * header) < header) ||
                    ends_early(m.fmt->url ? m.fmt->url : "", info_.container);
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

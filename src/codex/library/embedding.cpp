#include "codex/library/embedding.h"

#include "codex/analysis/results.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>

#include "codex/analysis/acoustic_summary.h"
#include "codex/core/half.h"

namespace codex::library {
namespace {

static_assert(analysis::acoustic::kDims == embed::kSummaryDims, "the model reads the analyzer's summary");

using nlohmann::json;

void set_block(schema::TrackRecord& r, const std::string& model, const std::vector<float>& v) {
  r.extra["acoustic"] = {{"model", model}, {"vector", halves_base64(v)}};
}

std::string model_of(const json& block) {
  if (!block.is_object()) return "";
  const auto it = block.find("model");
  return it != block.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

std::string models_dir_for(const std::string& db_path) {
  if (db_path.empty() || db_path == ":memory:" || db_path.rfind("file:", 0) == 0) return "";
  const std::filesystem::path p(db_path);
  return (p.parent_path().empty() ? std::filesystem::path("models") : p.parent_path() / "models").string();
}

std::string model_path_for(const std::string& db_path) {
  const std::string dir = models_dir_for(db_path);
  if (dir.empty()) return "";
  return (std::filesystem::path(dir) / (std::filesystem::path(db_path).filename().string() + ".embed.cxm")).string();
}

Result<std::optional<embed::AcousticModel>> load_model_for(const std::string& db_path) {
  const std::string path = model_path_for(db_path);
  if (path.empty()) return std::optional<embed::AcousticModel>{};
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (ec) return Status::Error("cannot look for the model " + path + ": " + ec.message());
  if (!exists) return std::optional<embed::AcousticModel>{};
  auto m = embed::AcousticModel::load(path);
  if (!m) return Status::Error(m.status().message() + " (train it again: codex train embed)");
  return std::optional<embed::AcousticModel>(std::move(m).value());
}

Result<TrainEmbedReport> train_embed(corpus::Corpus& corpus, const embed::TrainOptions& options) {
  const std::string path = model_path_for(corpus.path());
  if (path.empty()) return Status::Error("an in-memory corpus has no place for a model");
  std::map<std::string, size_t> index;
  std::vector<embed::TrainTrack> tracks;
  // Read in storage order, then put in track-id order: the same library gives the same model from
  // the same seed however (and in whatever order) it was analysed.
  std::vector<std::pair<std::string, std::vector<float>>> read_windows;
  Status read = corpus.analyses().for_each_result({"acoustic"}, [&](const std::string& id, const std::string&, json&& r) {
    // The windows as analysis/results.h reads them (only beside a sound track summary).
    analysis::Results a = analysis::read_results(json{{"acoustic", std::move(r)}});
    if (!a.acoustic_windows.empty()) read_windows.emplace_back(id, std::move(a.acoustic_windows));
  });
  if (!read) return read;
  std::sort(read_windows.begin(), read_windows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [id, w] : read_windows) {
    index[id] = tracks.size();
    tracks.push_back({std::move(w), {}});
  }
  read_windows.clear();
  // Tracks the DJ keeps together: the same album (and artist) tag ...
  auto rows = corpus.tracks().rows();
  if (!rows) return rows.status();
  std::map<std::string, std::vector<uint32_t>> albums;
  for (const auto& row : *rows) {
    const auto it = index.find(row.track_id);
    if (it != index.end() && !row.album.empty()) albums[row.album + "\x1f" + row.artist].push_back(static_cast<uint32_t>(it->second));
  }
  std::vector<std::set<uint32_t>> partners(tracks.size());
  for (const auto& [name, members] : albums) {
    for (uint32_t a : members) {
      for (uint32_t b : members) {
        if (a != b && partners[a].size() < 64) partners[a].insert(b);
      }
    }
  }
  // ... and tracks played one after the other in any set CODEX knows (imported histories,
  // `recommend --session`, the booth's accepts), and the members of the DJ's crates and playlists
  // (of at most 100 tracks: a bigger list says little about any two of its tracks).
  auto pairs = corpus.dj().all_transition_pairs();
  if (!pairs) return pairs.status();
  for (const auto& [id_a, id_b] : *pairs) {
    const auto a = index.find(id_a), b = index.find(id_b);
    if (a == index.end() || b == index.end() || a->second == b->second) continue;
    partners[a->second].insert(static_cast<uint32_t>(b->second));
    partners[b->second].insert(static_cast<uint32_t>(a->second));
  }
  auto lists = corpus.dj().co_members(100);
  if (!lists) return lists.status();
  for (const auto& members : *lists) {
    std::vector<uint32_t> at;
    for (const auto& id : members) {
      if (auto it = index.find(id); it != index.end()) at.push_back(static_cast<uint32_t>(it->second));
    }
    for (uint32_t a : at) {
      for (uint32_t b : at) {
        if (a != b && partners[a].size() < 64) partners[a].insert(b);
      }
    }
  }
  TrainEmbedReport report;
  for (size_t t = 0; t < tracks.size(); ++t) {
    tracks[t].partners.assign(partners[t].begin(), partners[t].end());
    report.partnered_tracks += !partners[t].empty();
  }
  auto model = embed::train_acoustic(tracks, options);
  if (!model) return model.status();
  std::error_code ec;
  std::filesystem::create_directories(models_dir_for(corpus.path()), ec);
  if (ec) return Status::Error("cannot make the models folder " + models_dir_for(corpus.path()) + ": " + ec.message());
  if (Status s = model->save(path); !s) return s;
  report.path = path;
  report.model = std::move(model).value();
  return report;
}

namespace {

// A record's acoustic summary (nullopt when absent, malformed or not finite).
std::optional<std::vector<float>> summary_of(const schema::TrackRecord& r) {
  auto v = finite_halves(r.extra, "acoustic_summary");
  if (!v || v->size() != static_cast<size_t>(embed::kSummaryDims)) return std::nullopt;
  return v;
}

// The summary fallback of these summaries' statistics; nullopt with fewer than 2.
std::optional<embed::AcousticModel> fallback_of(const std::vector<std::optional<std::vector<float>>>& summaries) {
  std::vector<float> all;
  for (const auto& v : summaries) {
    if (v) all.insert(all.end(), v->begin(), v->end());
  }
  const size_t n = all.size() / embed::kSummaryDims;
  if (n < 2) return std::nullopt;
  return embed::AcousticModel::summary(embed::fit_standardiser(all.data(), n));
}

// An object of the acoustic block's shape ({"model": string, "vector": string}): what CODEX writes
// and may replace; any other value under that name is somebody else's field, kept as given.
bool is_block(const json& v) {
  return v.is_object() && v.contains("model") && v["model"].is_string() && v.contains("vector") && v["vector"].is_string();
}

}  // namespace

std::optional<embed::AcousticModel> summary_space(const std::vector<schema::TrackRecord>& records) {
  std::vector<std::optional<std::vector<float>>> summaries;
  summaries.reserve(records.size());
  for (const auto& r : records) summaries.push_back(summary_of(r));
  return fallback_of(summaries);
}

void attach_acoustic(std::vector<schema::TrackRecord>& records, const embed::AcousticModel* learned) {
  // The summaries, and the space they go to.
  std::vector<std::optional<std::vector<float>>> summaries(records.size());
  for (size_t i = 0; i < records.size(); ++i) summaries[i] = summary_of(records[i]);
  std::optional<embed::AcousticModel> fallback;
  const embed::AcousticModel* model = learned && learned->valid() ? learned : nullptr;
  if (!model && (fallback = fallback_of(summaries))) model = &*fallback;
  // Without summaries at all (a corpus imported without audio), exported blocks of one space are
  // kept as they are.
  std::string keep_space = model ? model->id() : "";
  if (!model) {
    std::set<std::string> spaces;
    for (const auto& r : records) {
      if (auto it = r.extra.find("acoustic"); it != r.extra.end() && is_block(*it)) spaces.insert(model_of(*it));
    }
    if (spaces.size() == 1) keep_space = *spaces.begin();
  }
  for (size_t i = 0; i < records.size(); ++i) {
    auto& r = records[i];
    const auto it = r.extra.find("acoustic");
    const bool block = it != r.extra.end() && is_block(*it);
    if (it != r.extra.end() && !block) continue;  // not ours: kept as given, and not read
    const std::string have = block ? model_of(*it) : "";
    if (!have.empty() && have == keep_space && !embed::acoustic_of(r).empty()) continue;  // already there
    if (model && summaries[i]) {
      set_block(r, model->id(), model->embed(summaries[i]->data()));
    } else if (block) {
      r.extra.erase("acoustic");
    }
  }
}

embed::AcousticDirections acoustic_directions(const std::vector<schema::TrackRecord>& records) {
  embed::AcousticDirections d;
  const size_t dims = embed::kAcousticDims;
  std::vector<std::vector<float>> blocks(records.size());
  std::vector<double> mean(dims, 0.0), energy_cov(dims, 0.0);
  std::array<std::vector<double>, 6> vibe_sum;
  std::array<size_t, 6> vibe_n{};
  for (auto& v : vibe_sum) v.assign(dims, 0.0);
  size_t n = 0, n_energy = 0;
  double energy_mean = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    blocks[i] = embed::acoustic_of(records[i]);
    if (blocks[i].empty()) continue;
    ++n;
    for (size_t k = 0; k < dims; ++k) mean[k] += blocks[i][k];
    if (records[i].energy) energy_mean += static_cast<double>(*records[i].energy), ++n_energy;
  }
  if (n < 10) return d;
  for (double& m : mean) m /= static_cast<double>(n);
  if (n_energy) energy_mean /= static_cast<double>(n_energy);
  for (size_t i = 0; i < records.size(); ++i) {
    if (blocks[i].empty()) continue;
    if (records[i].energy) {
      const double e = static_cast<double>(*records[i].energy) - energy_mean;
      for (size_t k = 0; k < dims; ++k) energy_cov[k] += e * (blocks[i][k] - mean[k]);
    }
    if (records[i].vibe) {
      const size_t v = records[i].vibe->index();
      ++vibe_n[v];
      for (size_t k = 0; k < dims; ++k) vibe_sum[v][k] += blocks[i][k] - mean[k];
    }
  }
  auto unit = [&](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x * x;
    std::vector<float> out;
    if (s <= 1e-18) return out;
    for (double x : v) out.push_back(static_cast<float>(x / std::sqrt(s)));
    return out;
  };
  if (n_energy >= 10) d.energy = unit(energy_cov);
  for (size_t v = 0; v < 6; ++v) {
    if (vibe_n[v] >= 3) d.vibe[v] = unit(vibe_sum[v]);
  }
  return d;
}

}  // namespace codex::library

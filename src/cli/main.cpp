// codex: command-line front end. Parses arguments and dispatches; all behaviour is in the library.
#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>

#include "codex/library/live.h"
#include "commands.h"

namespace codex::cli {
namespace {

// A subcommand and what runs it once parsed. Each group below declares its subcommands, options
// and help text, with the arguments they fill kept alive by the runner.
struct Command {
  CLI::App* app;
  std::function<int()> run;
};
using Commands = std::vector<Command>;

// analyze, probe, demo: sound in.
void add_analysis_commands(CLI::App& app, GlobalArgs& g, Commands& out) {
  auto aa_ = std::make_shared<AnalyzeArgs>();
  AnalyzeArgs& aa = *aa_;
  auto* analyze = app.add_subcommand("analyze", "analyse audio files and folders into the corpus (resumable)");
  analyze->add_option("paths", aa.paths, "files or folders (searched recursively)")->required();
  analyze->add_option("-j,--jobs", aa.jobs, "worker threads (default: number of cores)")->check(CLI::Range(0, 256));
  analyze->add_flag("--force", aa.force, "re-analyse tracks even when their results are current");
  analyze->add_option("--param", aa.params,
                      "override a declared analyzer parameter, ANALYZER.NAME=VALUE (repeatable; for experiments: "
                      "a later run without it analyses those tracks again)");
  analyze->add_flag("--json", g.json, "one JSON object per file on stdout, no progress bar");
  analyze->add_option("--llm", aa.llm, "also describe tracks with an LLM on your own key (sends audio only)")
      ->check(CLI::IsMember({"gemini"}));
  analyze->add_flag("--dry-run", aa.dry_run, "with --llm: show what would be sent and its estimated cost; send nothing");
  analyze->add_option("--max-cost", aa.max_cost, "with --llm: budget in USD, never exceeded")->check(CLI::Range(0.0, 1e6));
  analyze->add_flag("--refresh", aa.refresh, "with --llm: ask again even for tracks already described");
  analyze->add_flag("--no-llm", aa.no_llm, "do not use the LLM even if the settings file asks for it");

  out.push_back({analyze, [&g, aa_] { return run_analyze(g, *aa_); }});

  struct Probe {
    std::string file;
    std::vector<std::string> params;
    bool embedding = false;
  };
  auto pr = std::make_shared<Probe>();
  auto* probe = app.add_subcommand("probe", "analyse one file and print JSON; stores nothing");
  probe->add_option("file", pr->file, "audio file")->required();
  probe->add_option("--param", pr->params,
                    "override a declared analyzer parameter, ANALYZER.NAME=VALUE (repeatable; for experiments)");

  probe->add_flag("--embedding", pr->embedding,
                  "also print the track's acoustic embedding in the corpus's space (its trained model, else its statistics)");

  out.push_back({probe, [&g, pr] { return run_probe(g, pr->file, pr->params, pr->embedding); }});

  auto da_ = std::make_shared<DemoArgs>();
  DemoArgs& da = *da_;
  auto no_analyze = std::make_shared<bool>(false);
  auto* demo = app.add_subcommand("demo", "synthesise a demo library with known answers and analyse it");
  demo->add_option("--dir", da.dir, "where to write the demo library (default: $XDG_DATA_HOME/codex/demo)");
  demo->add_option("--tracks", da.tracks, "number of tracks")->check(CLI::Range(1, 500));
  demo->add_option("-j,--jobs", da.jobs, "worker threads (default: number of cores)")->check(CLI::Range(0, 256));
  demo->add_flag("--no-analyze", *no_analyze, "only write the audio files and ground truth");

  out.push_back({demo, [&g, da_, no_analyze] {
    da_->analyze = !*no_analyze;
    return run_demo(g, *da_);
  }});
}

// list, show, import, export, library, tag, check, schema, config: the corpus and the DJ's programs.
void add_library_commands(CLI::App& app, GlobalArgs& g, Commands& out) {
  auto* list = app.add_subcommand("list", "list the tracks in the corpus");
  list->add_flag("--json", g.json, "print a JSON array");

  auto show_track = std::make_shared<std::string>();
  auto* show = app.add_subcommand("show", "show everything the corpus holds about one track");
  show->add_option("track", *show_track, "track id (or unique prefix) or file path")->required();
  show->add_flag("--json", g.json, "print JSON");

  out.push_back({list, [&g] { return run_list(g); }});
  out.push_back({show, [&g, show_track] { return run_show(g, *show_track); }});

  auto import_file = std::make_shared<std::string>();
  auto* import = app.add_subcommand("import", "import CODEX-schema records (JSON Lines); bad lines are reported and skipped");
  import->add_option("file", *import_file, "a .jsonl file")->required();
  import->add_flag("--json", g.json, "print the summary as JSON");

  auto export_out = std::make_shared<std::string>();
  auto* exp = app.add_subcommand("export", "export every record as CODEX-schema JSON Lines");
  exp->add_option("-o,--out", *export_out, "file to write (default: stdout)");
  auto export_embeddings = std::make_shared<bool>(false);
  exp->add_flag("--embeddings", *export_embeddings, "also write each track's 384-d embedding (model id + base64 float16)");

  out.push_back({import, [&g, import_file] { return run_import(g, *import_file); }});
  out.push_back({exp, [&g, export_out, export_embeddings] { return run_export(g, *export_out, *export_embeddings); }});

  auto lia_ = std::make_shared<LibraryImportArgs>();
  auto lea_ = std::make_shared<LibraryExportArgs>();
  LibraryImportArgs& lia = *lia_;
  LibraryExportArgs& lea = *lea_;
  auto* lib = app.add_subcommand("library", "your DJ programs' libraries: import them, and export CODEX's grids, cues and keys");
  lib->require_subcommand(1);
  auto* lib_import = lib->add_subcommand(
      "import", "read a Rekordbox XML, Traktor NML, Serato folder, Mixxx or Engine DJ database, or an M3U/PLS playlist (only read)");
  lib_import->add_option("source", lia.source, "the file or folder (format detected)")->required();
  lib_import->add_flag("--analyze", lia.analyze, "also analyse the listed files CODEX has not analysed yet");
  lib_import->add_option("-j,--jobs", lia.jobs, "with --analyze: worker threads")->check(CLI::Range(0, 256));
  lib_import->add_flag("--json", g.json, "print the summary as JSON");
  auto* lib_export = lib->add_subcommand("export", "write a new Rekordbox XML, Traktor NML or M3U8 with CODEX's grid, cues and keys");
  lib_export->add_option("--format", lea.format, "rekordbox, traktor or m3u8")->required();
  lib_export->add_option("-o,--out", lea.out, "the new file to write")->required();
  lib_export->add_option("--list", lea.list, "only one CODEX set, playlist or crate");
  lib_export->add_flag("--force", lea.force, "replace the file if an earlier CODEX export wrote it (never another file)");
  lib_export->add_flag("--json", g.json, "print the summary as JSON");
  auto* lib_lists = lib->add_subcommand("lists", "the playlists, crates and history sets imported");
  lib_lists->add_flag("--json", g.json, "print JSON");

  out.push_back({lib_import, [&g, lia_] { return run_library_import(g, *lia_); }});
  out.push_back({lib_export, [&g, lea_] { return run_library_export(g, *lea_); }});
  out.push_back({lib_lists, [&g] { return run_library_lists(g); }});

  auto tga_ = std::make_shared<TagArgs>();
  TagArgs& tga = *tga_;
  auto* tag = app.add_subcommand("tag", "write CODEX's key, BPM and energy into your audio files' tags (a dry run unless --write)");
  tag->add_option("tracks", tga.tracks, "track ids or file paths (default: every analysed track with a file)");
  tag->add_flag("--write", tga.write, "write the tags (the audio is checked to stay exactly the same)");
  tag->add_option("--key-notation", tga.key_notation, "camelot (8A), musical (Am) or open-key (1m)")
      ->check(CLI::IsMember({"camelot", "musical", "open-key"}));
  tag->add_flag("--json", g.json, "print JSON");

  out.push_back({tag, [&g, tga_] { return run_tag(g, *tga_); }});

  auto repair = std::make_shared<bool>(false);
  auto* check = app.add_subcommand("check", "check the corpus file for damage; --repair saves what can be read");
  check->add_flag("--repair", *repair,
                  "copy what can be read to a new corpus, keep the damaged file beside it, analyse the rest again");
  check->add_flag("--json", g.json, "print JSON");

  auto* schema_cmd = app.add_subcommand("schema", "print the CODEX feature schema as JSON Schema");

  auto* config_cmd = app.add_subcommand("config", "show the settings file and the settings in effect (key masked)");
  config_cmd->add_flag("--json", g.json, "print JSON");

  out.push_back({check, [&g, repair] { return run_check(g, *repair); }});
  out.push_back({schema_cmd, [&g] { return run_schema(g); }});
  out.push_back({config_cmd, [&g] { return run_config(g); }});
}

// recommend, serve, train embed, models: what to play next, and what CODEX learns.
void add_set_commands(CLI::App& app, GlobalArgs& g, Commands& out) {
  auto ra_ = std::make_shared<RecommendArgs>();
  RecommendArgs& ra = *ra_;
  auto* rec = app.add_subcommand("recommend", "recommend what to play next, with a score and reasons");
  rec->add_option("--current", ra.current, "the track playing now: id, path, or \"artist - title\"")->required();
  rec->add_option("--prompt", ra.prompt, "what you want, in your own words (\"darker but keep the energy\")");
  rec->add_option("--top", ra.top, "how many suggestions")->check(CLI::Range(1, 100));
  rec->add_option("--exclude", ra.exclude, "track ids already played")->delimiter(',');
  rec->add_option("--weights", ra.weights, "rank weights file (JSON, format codex-rank-weights)");
  rec->add_option("--session", ra.session, "a set's name: remembers what was played and never suggests it again");
  rec->add_flag("--explain", ra.explain, "show the parsed intent");
  rec->add_option("--crate", ra.crate, "only tracks of this crate or playlist (imported with codex library import) or CODEX set");
  rec->add_flag("--no-history", ra.no_history, "leave your play history (what you played after this, and when) out of the ranking");
  rec->add_option("--mode", ra.mode, "full (rules + embedding), embedding, or features (rules only)")
      ->check(CLI::IsMember({"full", "embedding", "features"}));
  rec->add_flag("--json", g.json, "print one JSON object");

  out.push_back({rec, [&g, ra_] { return run_recommend(g, *ra_); }});

  auto sa_ = std::make_shared<ServeArgs>();
  ServeArgs& sa = *sa_;
  auto* serve = app.add_subcommand("serve", "the booth: a web page and JSON API on 127.0.0.1 for use during a set");
  serve->add_option("--port", sa.port, "port to listen on (0: any free port)")->check(CLI::Range(0, 65535));
  serve->add_option("--host", sa.host,
                    "address to listen on; anything but loopback needs the token that serve prints once");
  serve->add_option("--max-connections", sa.max_connections, "connections served at once")->check(CLI::Range(1, 1024));
  serve->add_flag("--no-token", sa.no_token, "(loopback only) do not ask for a token; the default there");

  out.push_back({serve, [&g, sa_] { return run_serve(g, *sa_); }});

  auto ta_ = std::make_shared<TrainEmbedArgs>();
  TrainEmbedArgs& ta = *ta_;
  auto* train = app.add_subcommand("train", "learn from your own library, on this machine");
  train->require_subcommand(1);
  auto* train_embed = train->add_subcommand("embed", "learn the acoustic embedding (codex-embed) from the analysed tracks");
  train_embed->add_option("--steps", ta.steps, "training steps (default: from the library's size)")->check(CLI::Range(1, 1000000));
  train_embed->add_option("--hidden", ta.hidden, "hidden units")->check(CLI::Range(8, 4096));
  train_embed->add_option("--batch", ta.batch, "tracks per step")->check(CLI::Range(2, 4096));
  train_embed->add_option("--temperature", ta.temperature, "InfoNCE temperature")->check(CLI::Range(0.01, 10.0));
  train_embed->add_option("--seed", ta.seed, "random seed (the same seed gives the same model)");
  train_embed->add_option("--min-tracks", ta.min_tracks, "tracks of 15 s or more needed before training (default 100)")
      ->check(CLI::Range(8, 1000000));
  train_embed->add_flag("--json", g.json, "print the report as JSON, no progress bar");

  for (const bool key : {true, false}) {
    auto tt_ = std::make_shared<TrainTagsArgs>();
    auto* sub = train->add_subcommand(key ? "key" : "tempo",
                                      key ? "adapt the key decisions to the keys in your tags and DJ programs"
                                          : "adapt the tempo octave to the BPMs in your tags and DJ programs");
    sub->add_flag("--reset", tt_->reset, "remove the adaptation: every track back to the analyzer's own answer");
    sub->add_option("--min-tracks", tt_->min_tracks, "tagged, analysed tracks needed (default 20)")->check(CLI::Range(5, 1000000));
    sub->add_flag("--json", g.json, "print the report as JSON");
    out.push_back({sub, [&g, tt_, key] { return run_train_tags(g, *tt_, key); }});
  }

  auto* models = app.add_subcommand("models", "list the models installed beside the corpus");
  models->add_flag("--json", g.json, "print JSON");

  out.push_back({train_embed, [&g, ta_] { return run_train_embed(g, *ta_); }});
  out.push_back({models, [&g] { return run_models(g); }});
}

}  // namespace
}  // namespace codex::cli

int main(int argc, char** argv) {
  using namespace codex::cli;
  CLI::App app{"CODEX: a local-first DJ assistant that analyses your library and recommends what to play next"};
  app.require_subcommand(1);
  app.fallthrough();
  GlobalArgs g;
  app.add_option("--db", g.db, "corpus file (default: $CODEX_DB or $XDG_DATA_HOME/codex/corpus.db)");
  Commands commands;
  add_analysis_commands(app, g, commands);
  add_library_commands(app, g, commands);
  add_set_commands(app, g, commands);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "codex: %s\n", e.what());
    return 2;
  }
  // An evaluation's mood model (CODEX_MOOD_MODEL) must load, or nothing runs.
  if (codex::Status s = codex::library::check_environment(); !s) {
    print_error(s.message());
    return 1;
  }
  int rc = 2;
  for (const auto& c : commands) {
    if (*c.app) {
      rc = c.run();
      break;
    }
  }
  // Output that could not be written (a full disk behind `> file`) is a failure with one line,
  // never a silent exit 0. (A command that failed has said why already.)
  if ((std::fflush(stdout) != 0 || std::ferror(stdout)) && rc == 0) {
    print_error(std::string("cannot write the output: ") + std::strerror(errno));
    return 1;
  }
  return rc;
}

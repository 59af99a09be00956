// Where CODEX keeps its files (the XDG base directories), resolved in one place:
//   corpus    $CODEX_DB, else $XDG_DATA_HOME/codex/corpus.db   (~/.local/share/codex/corpus.db)
//   demo      $XDG_DATA_HOME/codex/demo                        (~/.local/share/codex/demo)
//   settings  $CODEX_CONFIG, else $XDG_CONFIG_HOME/codex/config (~/.config/codex/config)
// An empty variable counts as unset; without HOME, paths are relative to the working folder.
#pragma once

#include <string>

namespace codex::paths {

std::string data_home();    // $XDG_DATA_HOME, else $HOME/.local/share
std::string config_home();  // $XDG_CONFIG_HOME, else $HOME/.config
std::string default_corpus_path();
std::string default_demo_dir();
std::string default_config_path();

}  // namespace codex::paths

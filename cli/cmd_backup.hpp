// `djflow backup FILE` (separate from app.hpp's list so that adding it rebuilt nothing else).
#pragma once

#include <CLI/CLI.hpp>

namespace djflow::cli {

struct Cli;
void register_backup_commands(CLI::App& app, Cli& cli);  // backup
// cmd_migrate_store.cpp
void register_migrate_store_commands(CLI::App& app, Cli& cli);  // migrate-store

}  // namespace djflow::cli

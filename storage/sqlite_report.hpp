// The year's figures' reads (engine/ports/report_store.hpp) on a read connection of their own to a
// djflow database file: the report streams 1,000,000 events without touching the command's
// connection, and the Store's classes (sqlite_ports.hpp) stay as they are. Read-only.
#pragma once

#include <memory>
#include <string>

#include "engine/error.hpp"
#include "engine/ports/report_store.hpp"

namespace djflow::storage {

// Opens `path` (an existing djflow database) for the report's reads. Storage error when it
// cannot be opened. `year_projection` false: a calendar year is read as any other period, by the
// scan of every event up to its end (the reads before migration 11; the benchmark's "before").
engine::Result<std::unique_ptr<engine::ReportStore>> open_report_reads(const std::string& path,
                                                                       bool year_projection = true);

}  // namespace djflow::storage

// Internal to storage/: the year's figures' reads on PostgreSQL (pg_store_report.cpp), opened by
// open_report_reads (sqlite_report.hpp) for a postgresql:// URL.
#pragma once

#include <memory>
#include <string>

#include "engine/error.hpp"
#include "engine/ports/report_store.hpp"

namespace djflow::storage {

// A read-only connection to `url` for the report's reads. Storage error when it cannot connect.
engine::Result<std::unique_ptr<engine::ReportStore>> open_pg_report_reads(const std::string& url);

}  // namespace djflow::storage

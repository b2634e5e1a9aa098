#include "cli/health.hpp"

namespace djflow::cli {

engine::Result<std::vector<std::string>> invalid_text_problems(Cli& cli) {
  auto rows = cli.store->invalid_text();
  DJFLOW_TRY(rows);
  std::vector<std::string> out;
  for (const auto& r : rows.value()) {
    out.push_back(r.table + " row " + std::to_string(r.row) + " column " + r.column +
                  ": text is not valid UTF-8 (or holds a NUL byte): written behind djflow's back");
  }
  return out;
}

engine::Status check_pages(Cli& cli) {
  auto r = cli.store->quick_check();
  DJFLOW_TRY(r);
  if (r.value() == "ok") return {};
  return engine::Error::corruption({"数据库页面已损坏（PRAGMA quick_check）：" + r.value(),
                                    "the database's pages are damaged (PRAGMA quick_check): " + r.value()});
}

}  // namespace djflow::cli

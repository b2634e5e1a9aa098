#include "cli/health.hpp"

namespace djflow::cli {

engine::Result<std::vector<std::string>> invalid_text_problems(Cli& cli) { return invalid_text_problems(*cli.store); }

engine::Result<std::vector<std::string>> invalid_text_problems(engine::Store& store) {
  auto rows = store.invalid_text();
  DJFLOW_TRY(rows);
  std::vector<std::string> out;
  for (const auto& r : rows.value()) {
    out.push_back(r.table + " row " + std::to_string(r.row) + " column " + r.column +
                  ": text is not valid UTF-8 (or holds a NUL byte): written behind djflow's back");
  }
  return out;
}

engine::Status check_pages(Cli& cli) {
  auto r = cli.store->quick_problems();
  DJFLOW_TRY(r);
  if (r->empty()) return {};
  // SQLite lists every damaged cell: the first lines say enough (djflow verify shows them all).
  std::string first;
  for (std::size_t i = 0; i < r->size() && i < 5; ++i) first += (i ? "; " : "") + (*r)[i];
  if (r->size() > 5) first += "; ...";
  return engine::Error::corruption({"数据库页面已损坏（PRAGMA quick_check）：" + first + "；请用 djflow verify 查看，并从备份恢复",
                                    "the database's pages are damaged (PRAGMA quick_check): " + first +
                                        "; see djflow verify, and restore from a backup"});
}

}  // namespace djflow::cli

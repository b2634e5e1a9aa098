#include "engine/ports/history_store.hpp"

namespace djflow::engine {

Status HistoryStore::for_each_history(
    const std::function<bool(const Case&, const std::vector<EventRecord>&)>& fn) {
  constexpr std::size_t kPage = 256;  // cases per page: bounded memory, few round trips
  CaseId after = 0;
  for (;;) {
    auto page = history_page(after, kPage);
    DJFLOW_TRY(page);
    for (const auto& h : *page) {
      if (!fn(h.c, h.events)) return {};
    }
    if (page->size() < kPage) return {};
    after = page->back().c.id;
  }
}

}  // namespace djflow::engine

// The rectification ledger (整改台账; engine/rectify_records.hpp): the queryable registration
// rows of batches and items, written once with the case that carries their history.
#pragma once

#include <optional>
#include <vector>

#include "engine/error.hpp"
#include "engine/rectify_records.hpp"

namespace djflow::engine {

class LedgerStore {
 public:
  virtual ~LedgerStore() = default;

  // Conflict when a batch/item with that id exists; NotFound when its case (or batch) is missing.
  virtual Status insert_rectify_batch(const RectifyBatch& b) = 0;
  virtual Result<std::optional<RectifyBatch>> find_rectify_batch(CaseId id) = 0;
  virtual Result<std::vector<RectifyBatch>> list_rectify_batches() = 0;
  // Ignores item.seq and assigns the next number within the batch; returns it.
  virtual Result<std::int64_t> insert_rectify_item(const RectifyItem& item) = 0;
  // Items with their cases and current deadlines, by batch then seq (overdue_on: by due date).
  virtual Result<std::vector<RectifyItemRow>> list_rectify_items(const RectifyItemFilter& f) = 0;
};

}  // namespace djflow::engine

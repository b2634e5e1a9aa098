// libpq is loaded on first use (storage/libpq_lazy.cpp).
#pragma once

namespace djflow::storage::pg {

// Why libpq.so.5 could not be loaded, or nullptr when it is loaded.
const char* djflow_libpq_error();

}  // namespace djflow::storage::pg

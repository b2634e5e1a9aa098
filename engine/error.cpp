#include "engine/error.hpp"

namespace djflow::engine {

int exit_code(ErrorCode code) {
  switch (code) {
    case ErrorCode::Refused: return 1;
    case ErrorCode::InvalidInput: return 2;
    case ErrorCode::NotFound: return 3;
    case ErrorCode::Storage:
    case ErrorCode::Conflict:
    case ErrorCode::Corruption: return 4;
  }
  return 4;
}

const char* code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::Refused: return "refused";
    case ErrorCode::InvalidInput: return "invalid_input";
    case ErrorCode::NotFound: return "not_found";
    case ErrorCode::Storage: return "storage";
    case ErrorCode::Conflict: return "conflict";
    case ErrorCode::Corruption: return "corruption";
  }
  return "storage";
}

}  // namespace djflow::engine

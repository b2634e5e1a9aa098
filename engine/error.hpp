// Expected failures are values (docs/decisions/0002-errors-as-values.md). Error carries a small
// closed code set that maps one-to-one onto the CLI's documented exit codes, a bilingual message,
// and for rule refusals the rule id (rules.md), its article and the first date the step becomes
// possible. Result<T> is a minimal std::expected stand-in (g++ 12 has no <expected>).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "engine/date.hpp"
#include "engine/text.hpp"

namespace djflow::engine {

enum class ErrorCode {
  Refused,       // a rule or the current state forbids the step        -> exit 1
  InvalidInput,  // malformed or missing input                           -> exit 2
  NotFound,      // no such case, person, branch                         -> exit 3
  Storage,       // the database failed                                  -> exit 4
  Conflict,      // the case changed under us (optimistic concurrency)   -> exit 4
  Corruption,    // the database breaks an invariant (verify)            -> exit 4
};

// The process exit code for an error code (the CLI contract: 1, 2, 3, 4).
int exit_code(ErrorCode code);
// Stable lower-case name used in JSON errors: "refused", "invalid_input", "not_found", ...
const char* code_name(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::Storage;
  Text message;
  std::string rule;                   // e.g. "D12"; empty when no rule applies
  std::string article;                // e.g. "细则第十三条"
  std::optional<Date> possible_from;  // when time decides: first date the step is allowed

  static Error refused(Text m) { return {ErrorCode::Refused, std::move(m), {}, {}, {}}; }
  static Error invalid(Text m) { return {ErrorCode::InvalidInput, std::move(m), {}, {}, {}}; }
  static Error not_found(Text m) { return {ErrorCode::NotFound, std::move(m), {}, {}, {}}; }
  static Error storage(std::string m) { return {ErrorCode::Storage, {m, m}, {}, {}, {}}; }
  static Error conflict(Text m) { return {ErrorCode::Conflict, std::move(m), {}, {}, {}}; }
  static Error corruption(Text m) { return {ErrorCode::Corruption, std::move(m), {}, {}, {}}; }

  // A refusal by a rule: rule id, article, and optionally the date it becomes possible.
  static Error rule_refusal(Text m, std::string rule_id, std::string art,
                            std::optional<Date> from = std::nullopt) {
    return {ErrorCode::Refused, std::move(m), std::move(rule_id), std::move(art), from};
  }
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}      // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  // By value, so that `for (auto& x : f().value())` does not dangle.
  T value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : e_(std::move(error)) {}  // NOLINT: implicit by design
  bool ok() const { return !e_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *e_; }

 private:
  std::optional<Error> e_;
};

using Status = Result<void>;

}  // namespace djflow::engine

// Propagate an error from an expression returning Result<...>.
#define DJFLOW_TRY(expr)                              \
  do {                                                \
    auto&& djflow_try_r_ = (expr);                    \
    if (!djflow_try_r_.ok()) return djflow_try_r_.error(); \
  } while (0)

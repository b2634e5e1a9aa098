// Shared by the web API's route files (web_app.cpp, web_rectify.cpp): the request being served
// and the answers' shapes. Not a public interface.
#pragma once

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/web_app.hpp"
#include "engine/access.hpp"

namespace djflow::cli {

struct WebApp::Principal {
  engine::User user;
  std::optional<engine::Session> session;  // nullopt: a Bearer token
};

struct WebApp::Call {
  const engine::runtime::HttpRequest& q;
  Lang lang;
  std::optional<Principal> who;
  std::vector<std::string> scope;  // organisation codes the user may see
  bool scope_is_all = false;       // scope holds every organisation (no filter needed in a query)
  // The organisation filter of a query: nullopt when the scope is every organisation.
  std::optional<std::vector<std::string>> scope_filter() const {
    return scope_is_all ? std::nullopt : std::optional<std::vector<std::string>>(scope);
  }
  bool in_scope(const std::string& org) const { return std::find(scope.begin(), scope.end(), org) != scope.end(); }
};

namespace web {

engine::runtime::HttpResponse json_answer(int status, const Json& j);
engine::runtime::HttpResponse error_answer(const engine::Error& e, Lang l);
engine::runtime::HttpResponse plain_error(int status, std::string_view kind, const engine::Text& msg, Lang l);
// 404 with the same body whether the thing does not exist or is outside the user's subtree.
engine::runtime::HttpResponse not_found(Lang l);
// 403 unless the user is at least `role` (secretary: record steps, ledger and election writes).
std::optional<engine::runtime::HttpResponse> require_role(const WebApp::Principal& who, engine::Role role, Lang l);
std::optional<engine::CaseId> parse_id(std::string_view s);
// A string member of a JSON body, checked at the edge (valid UTF-8, no NUL, bounded).
engine::Result<std::string> text_field(const Json& body, const char* name, bool required);
// A date member ("" or missing: nullopt); InvalidInput when not YYYY-MM-DD.
engine::Result<std::optional<engine::Date>> date_field(const Json& body, const char* name);
// GET /api/v1/cases/{id}: `show --json` plus labels and the steps allowed now.
Json case_page_json(const engine::CaseView& v, engine::Date today, Lang l);
// The body as a JSON object, or the 400 answer.
std::optional<engine::runtime::HttpResponse> parse_body(const engine::runtime::HttpRequest& q, Lang l, Json& out);

}  // namespace web
}  // namespace djflow::cli

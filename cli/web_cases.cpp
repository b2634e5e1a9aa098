// People, starting a case and one case's verify status in the web API (issue 11 §3/§4):
// GET /api/v1/people, POST /api/v1/cases (member development: the application, as
// `member apply`), GET /api/v1/cases/{id}/verify (the hash chain and the replay of that case).
#include "cli/case_json.hpp"
#include "cli/web_internal.hpp"
#include "engine/case_verify.hpp"

namespace djflow::cli {

using engine::Text;
using engine::runtime::HttpResponse;
using namespace web;

HttpResponse WebApp::people(Call& c) {
  const auto org = c.q.param("org");
  if (!org.empty() && !c.in_scope(org))
    return plain_error(404, "not_found", Text{"组织不存在或不在您的权限范围内", "no such organisation in your scope"}, c.lang);
  auto all = ctx_.store.list_persons(org.empty() ? std::nullopt : std::optional<std::string>(org));
  if (!all) return error_answer(all.error(), c.lang);
  const auto search = c.q.param("q");
  Json out = Json::array();
  for (const auto& p : all.value()) {
    if (!c.in_scope(p.branch)) continue;
    if (!search.empty() && p.name.find(search) == std::string::npos) continue;
    out.push_back({{"id", p.id},
                   {"name", p.name},
                   {"branch", p.branch},
                   {"status", engine::to_string(p.status)},
                   {"joined", p.joined ? Json(p.joined->iso()) : Json(nullptr)}});
  }
  return json_answer(200, out);
}

HttpResponse WebApp::start_case(Call& c) {
  if (auto no = require_role(*c.who, engine::Role::Secretary, c.lang)) return *no;
  Json body;
  if (auto bad = parse_body(c.q, c.lang, body)) return *bad;
  auto workflow = text_field(body, "workflow", false);
  if (!workflow) return error_answer(workflow.error(), c.lang);
  if (!workflow.value().empty() && workflow.value() != "member")
    return plain_error(400, "invalid_input",
                       Text{"此处只能开始发展党员流程（workflow: member）；整改、换届另有接口",
                            "only member development starts here (workflow: member); rectification and elections have their own"},
                       c.lang);
  if (!body.contains("person") || !body["person"].is_number_integer())
    return plain_error(400, "invalid_input", Text{"person 应为人员编号（整数）", "person must be a person id (an integer)"}, c.lang);
  const engine::PersonId person = body["person"].get<engine::PersonId>();
  auto p = ctx_.store.find_person(person);
  if (!p) return error_answer(p.error(), c.lang);
  // A person outside the subtree answers as one that does not exist.
  if (!p.value() || !c.in_scope(p.value()->branch))
    return plain_error(404, "not_found", Text{"人员不存在", "no such person"}, c.lang);
  auto date = date_field(body, "date");
  if (!date) return error_answer(date.error(), c.lang);
  engine::StepInput in{"apply", date.value().value_or(ctx_.engine.today()), {}, "", "", c.who->user.name};
  for (const auto& [name, field] : std::vector<std::pair<const char*, std::string*>>{{"note", &in.note}, {"ref", &in.ref}}) {
    auto v = text_field(body, name, false);
    if (!v) return error_answer(v.error(), c.lang);
    *field = v.value();
  }
  engine::CaseSubject subject;
  subject.person = person;
  return write(c, [&]() -> HttpResponse {
    auto o = ctx_.engine.start("member", subject, in);   // the same guards as `member apply`
    if (!o) return error_answer(o.error(), c.lang);
    auto v = ctx_.engine.show(o->c.id);
    if (!v) return error_answer(v.error(), c.lang);
    return json_answer(201, case_page_json(v.value(), ctx_.engine.today(), c.lang));
  });
}

HttpResponse WebApp::verify_case(Call& c, engine::CaseId id) {
  auto found = ctx_.store.find_case(id);
  if (!found) return error_answer(found.error(), c.lang);
  if (!found.value() || !c.in_scope(found.value()->branch)) return not_found(c.lang);
  const engine::Case& stored = *found.value();
  auto events = ctx_.store.events(id);
  if (!events) return error_answer(events.error(), c.lang);
  // The chain as `djflow verify` checks it, then the replay of this case's history through its
  // workflow (settings and holidays as they were) against the stored case row.
  std::vector<std::string> chain;
  engine::check_chain(stored, events.value(), chain);
  std::vector<std::string> replay;
  auto r = ctx_.engine.replay(id);
  if (!r) {
    replay.push_back("cannot be replayed: " + r.error().message.en);
  } else {
    replay = r.value().problems;
    const std::string where = "case #" + std::to_string(id);
    if (r.value().c.state != stored.state)
      replay.push_back(where + ": state '" + stored.state + "', its history derives '" + r.value().c.state + "'");
    if (r.value().c.version != stored.version) replay.push_back(where + ": version differs from its history's");
    if (r.value().c.head_hash != stored.head_hash) replay.push_back(where + ": chain head differs from its history's");
  }
  const bool ok = chain.empty() && replay.empty();
  Json j = {{"case", id},
            {"events", events.value().size()},
            {"head", stored.head_hash},
            {"chain_ok", chain.empty()},
            {"replay_ok", replay.empty()},
            {"ok", ok},
            {"problems", chain},
            {"message", ok ? tr(c.lang, "办理记录完整：哈希链完好，按规则重放结果一致", "history intact: the hash chain holds and the replay agrees")
                           : tr(c.lang, "办理记录校验未通过，请联系系统管理员运行 djflow verify", "the history does not verify; ask the administrator to run djflow verify")}};
  for (auto& p : replay) j["problems"].push_back(std::move(p));
  return json_answer(200, j);
}

}  // namespace djflow::cli

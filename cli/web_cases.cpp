// People, starting a case and one case's verify status in the web API (issue 11 §3/§4):
// GET /api/v1/people, POST /api/v1/cases (member development: the application, as
// `member apply`), GET /api/v1/cases/{id}/verify (the hash chain and the replay of that case),
// GET /api/v1/verify (`djflow verify` for the database or for the user's subtree).
#include "cli/case_json.hpp"
#include "cli/health.hpp"
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

namespace {

// One case as `djflow verify` checks it: the hash chain (sequence, links, hashes, head, version,
// state), then the replay of its history through its workflow (settings and holidays as they
// were) against the stored case row. Problems in English, as verify reports them.
struct CaseCheck {
  std::vector<std::string> chain, replay;
  std::size_t events = 0;
};

engine::Result<CaseCheck> check_case(engine::Engine& engine, engine::Store& store, const engine::Case& stored,
                                     const engine::RuleTimeline* rules) {
  CaseCheck out;
  auto events = store.events(stored.id);
  if (!events) return events.error();
  out.events = events.value().size();
  engine::check_chain(stored, events.value(), out.chain);
  auto r = rules ? engine.replay(stored, events.value(), *rules) : engine.replay(stored.id);
  if (!r) {
    out.replay.push_back("case #" + std::to_string(stored.id) + " cannot be replayed: " + r.error().message.en);
    return out;
  }
  out.replay = r.value().problems;
  const std::string where = "case #" + std::to_string(stored.id);
  if (r.value().c.state != stored.state)
    out.replay.push_back(where + ": state '" + stored.state + "', its history derives '" + r.value().c.state + "'");
  if (r.value().c.version != stored.version) out.replay.push_back(where + ": version differs from its history's");
  if (r.value().c.head_hash != stored.head_hash) out.replay.push_back(where + ": chain head differs from its history's");
  return out;
}

}  // namespace

HttpResponse WebApp::verify_case(Call& c, engine::CaseId id) {
  auto found = ctx_.store.find_case(id);
  if (!found) return error_answer(found.error(), c.lang);
  if (!found.value() || !c.in_scope(found.value()->branch)) return not_found(c.lang);
  const engine::Case& stored = *found.value();
  auto checked = check_case(ctx_.engine, ctx_.store, stored, nullptr);
  if (!checked) return error_answer(checked.error(), c.lang);
  const auto& k = checked.value();
  const bool ok = k.chain.empty() && k.replay.empty();
  Json j = {{"case", id},
            {"events", k.events},
            {"head", stored.head_hash},
            {"chain_ok", k.chain.empty()},
            {"replay_ok", k.replay.empty()},
            {"ok", ok},
            {"problems", k.chain},
            {"message", ok ? tr(c.lang, "办理记录完整：哈希链完好，按规则重放结果一致", "history intact: the hash chain holds and the replay agrees")
                           : tr(c.lang, "办理记录校验未通过，请联系系统管理员运行 djflow verify", "the history does not verify; ask the administrator to run djflow verify")}};
  for (const auto& p : k.replay) j["problems"].push_back(p);
  return json_answer(200, j);
}

// GET /api/v1/verify[?org=CODE]: `djflow --json verify`'s answer. An administrator without
// `org` gets the whole database's verify, exactly the command's (every case replayed, the
// entity history, the schema's triggers, the backend's integrity, text not valid UTF-8).
// Anyone else (a viewer too: it only reads), or an administrator with `org`, gets every case of
// the subtree checked as `djflow verify` checks a case (chain and replay); the database-wide
// checks are the administrator's, so `integrity` and `entity_events` are null there and
// `scope` says which it was. An organisation outside the user's subtree answers 404.
HttpResponse WebApp::verify_all(Call& c) {
  const auto org = c.q.param("org");
  if (!org.empty() && !c.in_scope(org))
    return plain_error(404, "not_found", Text{"组织不存在或不在您的权限范围内", "no such organisation in your scope"}, c.lang);
  const auto message = [&](bool ok) {
    return ok ? tr(c.lang, "校验通过：重放一致，哈希链完整", "verified: the replay agrees and the hash chains hold")
              : tr(c.lang, "校验失败：历史记录或数据库已被改动", "verification FAILED: the history or the database was altered");
  };
  if (org.empty() && c.who->user.role == engine::Role::Admin) {
    auto r = ctx_.engine.verify();
    if (!r) return error_answer(r.error(), c.lang);
    auto& rep = r.value();
    auto bad_text = invalid_text_problems(ctx_.store);
    if (!bad_text) return error_answer(bad_text.error(), c.lang);
    rep.problems.insert(rep.problems.end(), bad_text->begin(), bad_text->end());
    return json_answer(200, Json{{"ok", rep.ok()}, {"cases", rep.cases}, {"events", rep.events},
                                 {"entity_events", rep.entity_events}, {"integrity", rep.integrity},
                                 {"problems", rep.problems}, {"scope", "all"}, {"message", message(rep.ok())}});
  }
  std::vector<std::string> orgs = c.scope;
  if (!org.empty()) {
    auto sub = subtree(org);
    if (!sub) return error_answer(sub.error(), c.lang);
    orgs = sub.value();
  }
  engine::CaseFilter f;
  f.branches = orgs;
  auto cases = ctx_.store.list_cases(f);
  if (!cases) return error_answer(cases.error(), c.lang);
  auto rules = ctx_.engine.rule_timeline();  // read once for every case
  if (!rules) return error_answer(rules.error(), c.lang);
  std::vector<std::string> problems;
  std::size_t events = 0;
  for (const auto& k : cases.value()) {
    auto checked = check_case(ctx_.engine, ctx_.store, k, &rules.value());
    if (!checked) return error_answer(checked.error(), c.lang);
    events += checked->events;
    problems.insert(problems.end(), checked->chain.begin(), checked->chain.end());
    problems.insert(problems.end(), checked->replay.begin(), checked->replay.end());
  }
  const bool ok = problems.empty();
  return json_answer(200, Json{{"ok", ok}, {"cases", cases.value().size()}, {"events", events},
                               {"entity_events", nullptr}, {"integrity", nullptr}, {"problems", problems},
                               {"scope", "subtree"}, {"orgs", orgs}, {"message", message(ok)}});
}

}  // namespace djflow::cli

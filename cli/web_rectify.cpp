// The rectification ledger in the web API (整改台账, issue 11 §3/§4): batches, items, one item
// with its progress, evidence and extension requests, the CSV export and the two registrations.
// An item's steps (progress, extension, submit, accept, ...) are steps of its case:
// POST /api/v1/cases/{id}/steps, as `djflow record` on the command line. The ledger logic is the
// command line's (cli/rectify_ledger.hpp, cli/rectify_item.hpp).
#include <map>
#include <set>

#include "cli/rectify_item.hpp"
#include "cli/rectify_ledger.hpp"
#include "cli/resolve.hpp"
#include "cli/web_internal.hpp"
#include "engine/utf8.hpp"
#include "sheet/sheet.hpp"
#include "workflows/rectify/rectify_catalog.hpp"

namespace djflow::cli {

using engine::Error;
using engine::Result;
using engine::Text;
using engine::runtime::HttpResponse;
using namespace web;
namespace rect = workflows::rectify;

namespace {

std::string input_of(const engine::Inputs& in, const char* key) {
  auto it = in.find(key);
  return it == in.end() ? std::string() : it->second;
}

HttpResponse org_not_found(Lang l) {
  return plain_error(404, "not_found", Text{"组织不存在或不在您的权限范围内", "no such organisation in your scope"}, l);
}

HttpResponse batch_not_found(Lang l) {
  return plain_error(404, "not_found", Text{"整改批次不存在", "no such rectification batch"}, l);
}

std::vector<Choice> label_choices(std::span<const rect::Label> labels) {
  std::vector<Choice> out;
  for (const auto& l : labels) out.push_back({std::string(l.id), {std::string(l.zh), std::string(l.en)}});
  return out;
}

Json item_json(const engine::RectifyItemRow& r, engine::Date today, const engine::Workflow* wf, Lang l) {
  Json j = Json::object();
  JsonObjectWriter w{j};
  const auto st = status_of(r, today);
  write_item_fields(w, r, st, [](engine::Date d) { return d.iso(); });
  j["state_label"] = tr(l, wf->state_label(st.state));
  j["type_label"] = tr(l, rect::label(rect::item_types(), r.item.type));
  if (!st.colour.empty()) j["colour_label"] = tr(l, rect::warning_label(st.colour));
  return j;
}

}  // namespace

HttpResponse WebApp::rectify(Call& c, std::string_view rest) {
  const auto& m = c.q.method;
  if (rest == "batches" && m == "GET") return rectify_batches(c);
  if (rest == "batches" && m == "POST") return add_batch(c);
  if (rest == "items" && m == "GET") return rectify_items(c);
  if (rest == "items" && m == "POST") return add_item(c);
  if (rest == "export.csv" && m == "GET") return export_ledger(c);
  constexpr std::string_view kItems = "items/";
  if (rest.rfind(kItems, 0) == 0 && m == "GET") {
    const auto id = parse_id(rest.substr(kItems.size()));
    if (!id) return not_found(c.lang);
    return rectify_item(c, *id);
  }
  return plain_error(404, "not_found", Text{"没有这个接口", "no such endpoint"}, c.lang);
}

// A batch is visible when its organisation is in scope or it has an item in scope (a committee's
// inspection with problems assigned to a branch: the branch sees its own items).
static Result<std::vector<engine::RectifyBatch>> visible_batches(engine::Store& store, const WebApp::Call& c,
                                                                  const std::vector<engine::RectifyItemRow>& items) {
  auto all = store.list_rectify_batches();
  DJFLOW_TRY(all);
  std::set<engine::CaseId> with_items;
  for (const auto& r : items)
    if (c.in_scope(r.item.org)) with_items.insert(r.item.batch);
  std::vector<engine::RectifyBatch> out;
  for (const auto& b : all.value())
    if (c.in_scope(b.org) || with_items.count(b.id)) out.push_back(b);
  return out;
}

HttpResponse WebApp::rectify_batches(Call& c) {
  auto items = ctx_.store.list_rectify_items({});
  if (!items) return error_answer(items.error(), c.lang);
  auto batches = visible_batches(ctx_.store, c, items.value());
  if (!batches) return error_answer(batches.error(), c.lang);
  std::map<engine::CaseId, std::pair<int, int>> counts;  // items in scope, closed
  for (const auto& r : items.value())
    if (c.in_scope(r.item.org)) {
      auto& n = counts[r.item.batch];
      ++n.first;
      if (r.c.state == "closed") ++n.second;
    }
  const auto* wf = ctx_.workflows.find("rectify-batch");
  Json out = Json::array();
  for (const auto& b : batches.value()) {
    auto k = ctx_.store.find_case(b.id);
    if (!k) return error_answer(k.error(), c.lang);
    const std::string state = k.value() ? k.value()->state : "";
    const auto n = counts[b.id];
    out.push_back({{"id", b.id}, {"source", b.source}, {"source_label", tr(c.lang, rect::label(rect::sources(), b.source))},
                   {"org", b.org}, {"title", b.title}, {"feedback", b.feedback.iso()},
                   {"report_due", b.report_due ? Json(b.report_due->iso()) : Json(nullptr)}, {"state", state},
                   {"state_label", tr(c.lang, wf->state_label(state))}, {"items", n.first}, {"closed", n.second}});
  }
  return json_answer(200, out);
}

HttpResponse WebApp::rectify_items(Call& c) {
  engine::RectifyItemFilter f;
  if (const auto b = c.q.param("batch"); !b.empty()) {
    const auto id = parse_id(b);
    if (!id) return plain_error(400, "invalid_input", Text{"batch 应为批次编号", "batch must be a batch id"}, c.lang);
    f.batch = *id;
  }
  if (const auto o = c.q.param("owner"); !o.empty()) f.owner = o;
  if (const auto o = c.q.param("org"); !o.empty()) {
    if (!c.in_scope(o)) return org_not_found(c.lang);
    f.org = o;
  }
  const auto status = c.q.param("status");
  const auto* wf = ctx_.workflows.find("rectify");
  if (!status.empty() && status != "open") {
    const auto states = wf->states();
    if (std::find(states.begin(), states.end(), status) == states.end())
      return plain_error(400, "invalid_input",
                         Text{"status 应为 open 或状态：registered、in-progress、overdue、long-term、submitted、closed",
                              "status must be open or a state: registered, in-progress, overdue, long-term, submitted, closed"},
                         c.lang);
  }
  auto rows = ctx_.store.list_rectify_items(f);
  if (!rows) return error_answer(rows.error(), c.lang);
  const auto today = ctx_.engine.today();
  Json out = Json::array();
  for (const auto& r : rows.value()) {
    if (!c.in_scope(r.item.org)) continue;
    Json j = item_json(r, today, wf, c.lang);
    if (status == "open" && wf->closed(r.c.state)) continue;
    if (!status.empty() && status != "open" && j["state_as_of"] != status) continue;
    out.push_back(std::move(j));
  }
  return json_answer(200, out);
}

HttpResponse WebApp::rectify_item(Call& c, engine::CaseId id) {
  auto found = ctx_.store.find_case(id);
  if (!found) return error_answer(found.error(), c.lang);
  if (!found.value() || found.value()->workflow != "rectify" || !c.in_scope(found.value()->branch))
    return not_found(c.lang);
  auto v = ctx_.engine.show(id);
  if (!v) return error_answer(v.error(), c.lang);
  const auto& history = v.value().history;
  const auto batch = history.empty() ? std::nullopt : parse_id(input_of(history.front().inputs, "batch"));
  if (!batch) return not_found(c.lang);
  engine::RectifyItemFilter f;
  f.batch = *batch;
  auto rows = ctx_.store.list_rectify_items(f);
  if (!rows) return error_answer(rows.error(), c.lang);
  const engine::RectifyItemRow* row = nullptr;
  for (const auto& r : rows.value())
    if (r.c.id == id) row = &r;
  if (row == nullptr) return not_found(c.lang);
  const auto* wf = v.value().workflow;
  const auto today = ctx_.engine.today();
  Json item = item_json(*row, today, wf, c.lang);
  const auto& it = row->item;
  item["source"] = it.source;
  item["source_label"] = tr(c.lang, rect::label(rect::sources(), it.source));
  for (const auto& [k, val] : std::vector<std::pair<const char*, const std::string*>>{
           {"category", &it.category}, {"cause", &it.cause}, {"target", &it.target}, {"measures", &it.measures},
           {"supporting", &it.supporting}, {"milestones", &it.milestones}})
    item[k] = *val;
  item["registered"] = it.registered.iso();
  Json j = {{"item", item}};
  auto b = ctx_.store.find_rectify_batch(*batch);
  if (!b) return error_answer(b.error(), c.lang);
  if (b.value()) j["batch"] = {{"id", b.value()->id}, {"title", b.value()->title}, {"org", b.value()->org}};
  // Progress, evidence and extension requests from the history (corrections applied), as the
  // ledger's 进展情况 / 佐证材料 / 延期申请及批准 columns say them.
  auto effective = ctx_.engine.effective_events(v.value().c);
  if (!effective) return error_answer(effective.error(), c.lang);
  Json progress = Json::array(), evidence = Json::array(), extensions = Json::array();
  for (const auto& e : effective.value()) {
    Json entry = {{"date", e.date.iso()}, {"event", e.event}, {"label", tr(c.lang, wf->event_label(e.event))},
                  {"note", e.note}, {"actor", e.actor}};
    if (e.event == "progress" || e.event == "milestone") progress.push_back(entry);
    if (const auto ev = input_of(e.inputs, "evidence"); !ev.empty()) {
      Json x = entry;
      x["evidence"] = ev;
      evidence.push_back(x);
    }
    if (e.event == "request-extension" || e.event == "approve-extension" || e.event == "deny-extension") {
      entry["to"] = input_of(e.inputs, "to");
      entry["approver"] = input_of(e.inputs, "approver");
      extensions.push_back(entry);
    }
  }
  j["progress"] = progress;
  j["evidence"] = evidence;
  j["extensions"] = extensions;
  const auto cells = ledger_row(*row, effective.value(), wf);
  Json ledger = Json::object();
  for (std::size_t i = 0; i < cells.size() && i < ledger_columns().size(); ++i) ledger[ledger_columns()[i]] = cells[i];
  j["ledger"] = ledger;
  j["case"] = case_page_json(v.value(), today, c.lang);
  return json_answer(200, j);
}

HttpResponse WebApp::export_ledger(Call& c) {
  auto items = ctx_.store.list_rectify_items({});
  if (!items) return error_answer(items.error(), c.lang);
  auto visible = visible_batches(ctx_.store, c, items.value());
  if (!visible) return error_answer(visible.error(), c.lang);
  std::vector<engine::RectifyBatch> batches;
  const auto b = c.q.param("batch");
  if (!b.empty()) {
    const auto id = parse_id(b);
    if (!id) return plain_error(400, "invalid_input", Text{"batch 应为批次编号", "batch must be a batch id"}, c.lang);
    for (const auto& x : visible.value())
      if (x.id == *id) batches.push_back(x);
    if (batches.empty()) return batch_not_found(c.lang);
  } else {
    batches = visible.value();
  }
  auto tables = ledger_tables(ctx_.engine, ctx_.store, batches,
                              [&](const engine::RectifyItemRow& r) { return c.in_scope(r.item.org); });
  if (!tables) return error_answer(tables.error(), c.lang);
  // As `rectify export --batch ID` (one batch) or `--all` (a 批次 column first).
  auto [header, rows] = flat_ledger(batches, tables.value(), b.empty());
  HttpResponse r{200, "text/csv; charset=utf-8", sheet::to_csv(header, rows), {}, {}};
  const std::string name = b.empty() ? "rectify-ledger.csv" : "rectify-ledger-" + std::to_string(batches[0].id) + ".csv";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + "\"");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

HttpResponse WebApp::add_batch(Call& c) {
  if (auto no = require_role(*c.who, engine::Role::Secretary, c.lang)) return *no;
  Json body;
  if (auto bad = parse_body(c.q, c.lang, body)) return *bad;
  NewRectifyBatch nb;
  for (const auto& [name, field] : std::vector<std::pair<const char*, std::string*>>{
           {"source", &nb.source}, {"org", &nb.org}, {"title", &nb.title}}) {
    auto v = text_field(body, name, std::string_view(name) != "title");
    if (!v) return error_answer(v.error(), c.lang);
    *field = v.value();
  }
  if (!c.in_scope(nb.org)) return org_not_found(c.lang);
  auto source = match_choice(nb.source, label_choices(rect::sources()), "source");
  if (!source) return error_answer(source.error(), c.lang);
  nb.source = source.value();
  auto feedback = date_field(body, "feedback");
  if (!feedback) return error_answer(feedback.error(), c.lang);
  nb.feedback = feedback.value().value_or(ctx_.engine.today());
  if (body.contains("report_months")) {
    if (!body["report_months"].is_number_integer() || body["report_months"].get<int>() < 1 ||
        body["report_months"].get<int>() > 24)
      return plain_error(400, "invalid_input", Text{"report_months 应为 1 到 24 的整数", "report_months must be an integer 1..24"},
                         c.lang);
    nb.months = body["report_months"].get<int>();
  }
  if (nb.title.empty()) nb.title = rect::label(rect::sources(), nb.source).zh + "整改";
  return write(c, [&]() -> HttpResponse {
    auto o = add_rectify_batch(ctx_.engine, c.who->user.name, nb);
    if (!o) return error_answer(o.error(), c.lang);
    const std::string due = input_of(o->event.inputs, "report-due");
    return json_answer(201, {{"id", o->c.id}, {"source", nb.source}, {"org", o->c.branch}, {"title", nb.title},
                             {"feedback", o->event.date.iso()}, {"report_due", due.empty() ? Json(nullptr) : Json(due)}});
  });
}

HttpResponse WebApp::add_item(Call& c) {
  if (auto no = require_role(*c.who, engine::Role::Secretary, c.lang)) return *no;
  Json body;
  if (auto bad = parse_body(c.q, c.lang, body)) return *bad;
  if (!body.contains("batch") || !body["batch"].is_number_integer())
    return plain_error(400, "invalid_input", Text{"batch 应为批次编号（整数）", "batch must be a batch id (an integer)"}, c.lang);
  auto items = ctx_.store.list_rectify_items({});
  if (!items) return error_answer(items.error(), c.lang);
  auto visible = visible_batches(ctx_.store, c, items.value());
  if (!visible) return error_answer(visible.error(), c.lang);
  const auto id = body["batch"].get<std::int64_t>();
  const auto b = std::find_if(visible.value().begin(), visible.value().end(), [&](const auto& x) { return x.id == id; });
  if (b == visible.value().end()) return batch_not_found(c.lang);
  NewRectifyItem a;
  for (const auto& [name, field, required] : std::vector<std::tuple<const char*, std::string*, bool>>{
           {"problem", &a.problem, true}, {"category", &a.category, false}, {"cause", &a.cause, false},
           {"target", &a.target, false}, {"measures", &a.measures, true}, {"leader", &a.leader, true},
           {"department", &a.department, true}, {"owner", &a.owner, true}, {"supporting", &a.supporting, false},
           {"type", &a.type, true}, {"deadline", &a.deadline, false}, {"org", &a.org, false},
           {"title", &a.title, false}, {"note", &a.note, false}}) {
    auto v = text_field(body, name, required);
    if (!v) return error_answer(v.error(), c.lang);
    *field = v.value();
  }
  if (body.contains("milestones")) {
    if (!body["milestones"].is_array())
      return plain_error(400, "invalid_input", Text{"milestones 应为“日期:内容”的数组", "milestones must be an array of \"DATE:TEXT\""},
                         c.lang);
    for (const auto& m : body["milestones"]) {
      if (!m.is_string())
        return plain_error(400, "invalid_input", Text{"milestones 应为“日期:内容”的数组", "milestones must be an array of \"DATE:TEXT\""},
                           c.lang);
      if (auto s = engine::utf8::check_text(m.get<std::string>(), "milestones"); !s) return error_answer(s.error(), c.lang);
      a.milestones.push_back(m.get<std::string>());
    }
  }
  // The item belongs to its own organisation (default: the batch's); it must be in scope.
  if (!c.in_scope(a.org.empty() ? b->org : a.org)) return org_not_found(c.lang);
  auto type = match_choice(a.type, label_choices(rect::item_types()), "type");
  if (!type) return error_answer(type.error(), c.lang);
  a.type = type.value();
  auto date = date_field(body, "date");
  if (!date) return error_answer(date.error(), c.lang);
  a.date = date.value().value_or(ctx_.engine.today());
  const engine::RectifyBatch batch = *b;
  return write(c, [&]() -> HttpResponse {
    std::int64_t seq = 0;
    auto o = add_rectify_item(ctx_.engine, c.who->user.name, batch, a, seq);
    if (!o) return error_answer(o.error(), c.lang);
    const std::string deadline = input_of(o->event.inputs, "deadline");
    return json_answer(201, {{"id", o->c.id}, {"batch", batch.id}, {"seq", seq}, {"state", o->c.state}, {"type", a.type},
                             {"deadline", deadline.empty() ? Json(nullptr) : Json(deadline)}});
  });
}

}  // namespace djflow::cli

#include "cli/rectify_ledger.hpp"

#include <charconv>

#include "workflows/rectify/rectify_catalog.hpp"
#include "workflows/rectify/rectify_rules.hpp"

namespace djflow::cli {

namespace rect = workflows::rectify;

namespace {

std::string get(const engine::Inputs& in, const char* key) {
  auto it = in.find(key);
  return it == in.end() ? std::string() : it->second;
}

std::optional<int> parse_int(const std::string& s) {
  int v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v)
    if (!s.empty()) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

ItemStatus status_of(const engine::RectifyItemRow& r, engine::Date today) {
  ItemStatus s;
  std::optional<engine::Date> open_due;
  if (r.due && r.due_open) {
    open_due = r.due;
    s.days_left = today.days_until(*r.due);
    s.colour = std::string(rect::warning_colour(*s.days_left));
    s.overdue = rect::overdue_as_of(*r.due, today);
    s.escalate = s.overdue;
  }
  s.state = rect::state_as_of(r.c.state, open_due, today);
  if (r.closed_on && r.due) s.closed_days_overdue = rect::days_overdue(*r.due, *r.closed_on);
  return s;
}

std::string closed_text_zh(int days_overdue) {
  return days_overdue == 0 ? "按期销号" : "逾期" + std::to_string(days_overdue) + "天销号";
}

const std::vector<std::string>& ledger_columns() {
  static const std::vector<std::string> kCols{
      "序号", "问题来源", "问题类别", "问题表现", "原因分析", "整改目标", "整改措施", "责任领导",
      "责任部门", "责任人", "配合部门", "整改类型", "整改时限", "阶段目标", "进展情况", "完成情况",
      "佐证材料", "销号申请", "审核意见", "验收人", "销号时间", "延期申请及批准", "备注", "当前状态", "事项编号", "登记日期"};
  return kCols;
}

std::vector<std::string> ledger_row(const engine::RectifyItemRow& r, const std::vector<engine::EventRecord>& history,
                                    const engine::Workflow* wf) {
  const auto& it = r.item;
  const auto facts = rect::derive_facts(history);
  std::vector<std::string> progress, evidence, submits, opinions, verifiers, closes, extensions, notes;
  for (const auto& e : history) {
    const std::string d = e.date.iso();
    const std::string ev = get(e.inputs, "evidence");
    if (!ev.empty()) evidence.push_back(ev);
    if (e.event == "register" && !e.note.empty()) notes.push_back(e.note);
    if (e.event == "progress") progress.push_back(d + " " + e.note);
    if (e.event == "milestone") progress.push_back(d + " 阶段目标检查：" + e.note);
    if (e.event == "submit") submits.push_back(d + (e.note.empty() ? "" : " " + e.note));
    if (e.event == "accept") {
      opinions.push_back(d + " 验收通过" + (e.note.empty() ? "" : "：" + e.note));
      verifiers.push_back(get(e.inputs, "verifier"));
      closes.push_back(d);
    }
    if (e.event == "return") opinions.push_back(d + " 验收未通过：" + e.note);
    if (e.event == "request-extension") extensions.push_back(d + " 申请延期至 " + get(e.inputs, "to") + "（" + e.note + "）");
    if (e.event == "approve-extension") extensions.push_back(d + " " + get(e.inputs, "approver") + " 批准延期");
    if (e.event == "deny-extension") extensions.push_back(d + " " + get(e.inputs, "approver") + " 不予延期");
    if (e.event == "overdue") notes.push_back(d + " 起逾期");
    if (e.event == "reopen") notes.push_back(d + " 回头看重新整改：" + e.note);
  }
  std::string deadline = facts.deadline ? facts.deadline->iso() : "";
  if (facts.deadline && facts.original_deadline && *facts.deadline != *facts.original_deadline)
    deadline += "（原定 " + facts.original_deadline->iso() + "）";
  std::vector<std::string> ms;
  for (std::size_t i = 0; i < facts.milestones.size(); ++i)
    ms.push_back(facts.milestones[i].date.iso() + " " + facts.milestones[i].text +
                 (i < facts.milestones_done ? "（已检查）" : ""));
  std::string completion = r.c.state == "closed"      ? "已完成整改"
                           : r.c.state == "submitted" ? "已申请销号，待验收"
                           : r.c.state == "long-term" ? "长期坚持"
                           : rect::ever_started(history) ? "整改中"
                                                         : "未启动";
  if (r.c.state == "closed") {
    // The closing event keeps how long the item was past its deadline (older ones: from the row).
    std::optional<int> late;
    for (const auto& e : history)
      if (e.event == "accept") late = parse_int(get(e.inputs, "days-overdue"));
    if (!late && r.closed_on && r.due) late = rect::days_overdue(*r.due, *r.closed_on);
    if (late) completion += "（" + closed_text_zh(*late) + "）";
  }
  const std::string state = wf ? wf->state_label(r.c.state).zh : r.c.state;
  return {std::to_string(it.seq), rect::label(rect::sources(), it.source).zh, it.category, it.problem, it.cause,
          it.target, it.measures, it.leader, it.department, it.owner, it.supporting,
          rect::label(rect::item_types(), it.type).zh, deadline, join(ms, "\n"), join(progress, "\n"), completion,
          join(evidence, "；"), join(submits, "\n"), join(opinions, "\n"), join(verifiers, "、"), join(closes, "、"),
          join(extensions, "\n"), join(notes, "\n"), state, std::to_string(it.id), it.registered.iso()};
}

engine::Result<std::vector<LedgerRows>> ledger_tables(engine::Engine& engine, engine::Store& store,
                                                      const std::vector<engine::RectifyBatch>& batches,
                                                      const std::function<bool(const engine::RectifyItemRow&)>& keep) {
  const auto* wf = engine.workflows().find("rectify");
  std::vector<LedgerRows> tables;
  for (const auto& batch : batches) {
    engine::RectifyItemFilter f;
    f.batch = batch.id;
    auto rows = store.list_rectify_items(f);
    DJFLOW_TRY(rows);
    auto& table = tables.emplace_back();
    for (const auto& r : rows.value()) {
      if (keep && !keep(r)) continue;
      auto history = engine.effective_events(r.c);  // corrections applied
      DJFLOW_TRY(history);
      table.push_back(ledger_row(r, history.value(), wf));
    }
  }
  return tables;
}

std::pair<std::vector<std::string>, LedgerRows> flat_ledger(const std::vector<engine::RectifyBatch>& batches,
                                                            const std::vector<LedgerRows>& tables, bool many) {
  std::vector<std::string> header = ledger_columns();
  if (many) header.insert(header.begin(), "批次");
  LedgerRows flat;
  for (std::size_t i = 0; i < batches.size() && i < tables.size(); ++i)
    for (auto row : tables[i]) {
      if (many) row.insert(row.begin(), std::to_string(batches[i].id));
      flat.push_back(std::move(row));
    }
  return {std::move(header), std::move(flat)};
}

}  // namespace djflow::cli

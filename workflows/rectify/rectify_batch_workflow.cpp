// The rectification batch (整改批次) workflow: open -> reported -> closed, in plain C++ (three
// states and four events need no machine; docs/decisions/0020-rectify-batches-as-cases.md).
#include <algorithm>
#include <charconv>

#include "workflows/rectify/rectify_catalog.hpp"
#include "workflows/rectify/rectify_rules.hpp"
#include "workflows/rectify/rectify_workflow.hpp"

namespace djflow::workflows::rectify {

using engine::CaseContext;
using engine::Date;
using engine::DeadlineSpec;
using engine::Error;
using engine::Inputs;
using engine::Text;

namespace {

std::string ev_zh(std::string_view e) { return event_label(batch_events(), e).zh; }

Error batch_invalid(std::string_view event, const std::string& zh, const std::string& en) {
  return Error::invalid({ev_zh(event) + "：" + zh, std::string(event) + ": " + en});
}

std::string get(const Inputs& in, const char* key) {
  auto it = in.find(key);
  return it == in.end() ? std::string() : it->second;
}

struct BatchFacts {
  std::string source;
  std::optional<Date> report_due;
  std::optional<Date> reported;
};

BatchFacts batch_facts(const std::vector<engine::EventRecord>& history) {
  BatchFacts f;
  for (const auto& e : history) {
    if (e.event == "open") {
      f.source = get(e.inputs, "source");
      f.report_due = Date::parse(get(e.inputs, "report-due"));
    } else if (e.event == "report") {
      f.reported = e.date;
    }
  }
  return f;
}

const std::vector<std::string_view>& keys_of(std::string_view event) {
  static const std::vector<std::string_view> open{"source", "title", "report-months"};
  static const std::vector<std::string_view> report{"report", "leader-report"};
  static const std::vector<std::string_view> none{};
  if (event == "open") return open;
  if (event == "report") return report;
  return none;
}

}  // namespace

std::optional<std::string> RectifyBatchWorkflow::resolve_event(std::string_view name) const {
  return resolve(batch_events(), name);
}

std::vector<std::string> RectifyBatchWorkflow::events() const {
  std::vector<std::string> out;
  for (const auto& e : batch_events()) out.emplace_back(e.id);
  return out;
}

std::vector<std::string> RectifyBatchWorkflow::states() const {
  std::vector<std::string> out;
  for (const auto& s : batch_states()) out.emplace_back(s.id);
  return out;
}

engine::Result<engine::StepResult> RectifyBatchWorkflow::apply(const CaseContext& ctx, const engine::StepInput& in) const {
  auto ev = resolve(batch_events(), in.event);
  if (!ev) return Error::invalid({"未知步骤“" + in.event + "”", "unknown event '" + in.event + "' for a rectification batch"});
  const std::string& event = *ev;
  const auto& keys = keys_of(event);
  Inputs inputs;
  for (const auto& [k, v] : in.with) {
    // report-due is computed and stored on `open`; a replayed step (verify) brings it back, and
    // it is computed again below rather than taken.
    if (k == "report-due") continue;
    if (std::find(keys.begin(), keys.end(), k) == keys.end())
      return batch_invalid(event, "未知输入项“" + k + "”", "unknown input '" + k + "'");
    if (!v.empty()) inputs[k] = v;
  }
  const std::string& st = ctx.c.state;
  const BatchFacts f = batch_facts(ctx.history);
  engine::StepResult r;
  r.rule_version = std::string(kRuleVersion);
  auto not_allowed = [&] {
    const Text s = label(batch_states(), st);
    return Error::refused({ev_zh(event) + "：整改批次当前状态为“" + s.zh + "”，不能办理此步骤",
                           event + ": not allowed in batch state '" + st + "' (" + s.en + ")"});
  };
  if (st.empty()) {
    if (event != "open") return not_allowed();
    const std::string source = get(inputs, "source");
    if (!valid_source(source)) {
      std::string list;
      for (const auto& s : sources()) list += (list.empty() ? "" : ", ") + std::string(s.id);
      return batch_invalid(event, "问题来源应为 " + list + "：" + source, "source must be one of " + list + ", got '" + source + "'");
    }
    int months = 0;
    if (auto m = get(inputs, "report-months"); !m.empty()) {
      auto [p, ec] = std::from_chars(m.data(), m.data() + m.size(), months);
      if (ec != std::errc{} || p != m.data() + m.size() || months < 1 || months > 24)
        return batch_invalid(event, "报告期限月数应为 1 至 24：" + m, "report-months must be 1 to 24, got " + m);
    } else if (reports_by_default(source)) {
      months = ctx.config.get_int(kReportMonths, 2);  // Z1 (configurable, Z3)
    }
    if (months > 0) {
      inputs["report-months"] = std::to_string(months);
      inputs["report-due"] = in.date.add_months(months).iso();
    }
    r.to_state = "open";
  } else if (st == "open" && event == "report") {
    if (!inputs.count("report") && !in.ref.empty()) inputs["report"] = in.ref;
    if (!inputs.count("report"))
      return batch_invalid(event, "须注明整改情况报告（--ref 文号 或 --with report=文号）",
                           "the rectification report is required (--ref REF or --with report=REF)");
    if (reports_by_default(f.source) && !inputs.count("leader-report")) {
      return Error::rule_refusal(
          {ev_zh(event) + "：巡视巡察整改须同时报送主要负责人组织落实情况报告（--with leader-report=文号）（《中国共产党巡视工作条例》第二十七条）",
           event + ": an inspection's rectification report goes with the principal leader's report on organising it "
                   "(--with leader-report=REF) (《中国共产党巡视工作条例》第二十七条, Z1)"},
          "Z1", "《中国共产党巡视工作条例》第二十七条");
    }
    r.to_state = "reported";
  } else if (st == "reported" && event == "publish") {
    r.to_state = "reported";
  } else if ((st == "reported" || (st == "open" && !f.report_due)) && event == "close") {
    r.to_state = "closed";
  } else if (st == "open" && event == "close") {
    return Error::rule_refusal({ev_zh(event) + "：须先报送整改情况报告（《中国共产党巡视工作条例》第二十七条）",
                                event + ": send the rectification report first (《中国共产党巡视工作条例》第二十七条, Z1)"},
                               "Z1", "《中国共产党巡视工作条例》第二十七条");
  } else {
    return not_allowed();
  }
  r.inputs = std::move(inputs);
  return r;
}

std::vector<DeadlineSpec> RectifyBatchWorkflow::deadlines(const CaseContext& ctx) const {
  const BatchFacts f = batch_facts(ctx.history);
  if (ctx.c.state != "open" || !f.report_due || ctx.history.empty()) return {};
  DeadlineSpec d;
  d.kind = "report";
  d.due = *f.report_due;
  d.opened_on = ctx.history.front().date;
  d.offsets = {-20, -10, 0};
  d.fulfilled_by = {"report"};
  d.overdue_every_days = 7;
  return {d};
}

std::vector<std::string> RectifyBatchWorkflow::allowed(const CaseContext& ctx) const {
  const std::string& st = ctx.c.state;
  if (st == "open") return batch_facts(ctx.history).report_due ? std::vector<std::string>{"report"}
                                                                : std::vector<std::string>{"report", "close"};
  if (st == "reported") return {"publish", "close"};
  return {};
}

std::string RectifyBatchWorkflow::stage(std::string_view state) const { return state == "closed" ? "closed" : "open"; }
bool RectifyBatchWorkflow::closed(std::string_view state) const { return state == "closed"; }
Text RectifyBatchWorkflow::state_label(std::string_view state) const { return label(batch_states(), state); }
Text RectifyBatchWorkflow::stage_label(std::string_view stage) const {
  return stage == "closed" ? Text{"已完成", "closed"} : Text{"整改中", "open"};
}
Text RectifyBatchWorkflow::event_label(std::string_view event) const { return rectify::event_label(batch_events(), event); }
Text RectifyBatchWorkflow::deadline_label(std::string_view kind) const { return label(batch_deadlines(), kind); }

Text RectifyBatchWorkflow::reminder_detail(const CaseContext& ctx, const engine::Deadline& d, Date today) const {
  if (d.kind != "report") return {};
  const BatchFacts f = batch_facts(ctx.history);
  const Text colour = warning_label(warning_colour(today.days_until(d.due)));
  Text t{"【" + colour.zh + "】", " [" + colour.en + "]"};
  if (reports_by_default(f.source)) {
    t.zh += "须同时报送主要负责人组织落实情况报告（Z1）";
    t.en += " together with the principal leader's report (Z1)";
  }
  return t;
}

std::unique_ptr<engine::Workflow> make_rectify_batch_workflow() { return std::make_unique<RectifyBatchWorkflow>(); }

}  // namespace djflow::workflows::rectify

// The report's organisational-life section (docs/report.md, "Organisational life"): the figures of
// engine::life_figures() as rows for the text, JSON, CSV and XLSX outputs.
#include <cstdio>

#include "cli/report_output.hpp"

namespace djflow::cli {

namespace L = engine::life;

namespace {

const L::Kind* kind_of_id(const std::string& id, const std::string& suffix) {
  for (const auto& k : L::kinds())
    if (engine::life_figure_id(k.id, suffix) == id) return &k;
  return nullptr;
}

}  // namespace

std::string life_label(Lang l, const std::string& id) {
  if (const auto* k = kind_of_id(id, "_expected")) return std::string(l == Lang::Zh ? k->zh : k->en) + tr(l, "：应开（完成）期数", ": periods expected");
  if (const auto* k = kind_of_id(id, "_held")) return std::string(l == Lang::Zh ? k->zh : k->en) + tr(l, "：已开（完成）期数", ": periods held");
  if (const auto* k = kind_of_id(id, "_missed")) return std::string(l == Lang::Zh ? k->zh : k->en) + tr(l, "：未按期召开（完成）", ": periods missed");
  if (id == "life_meetings") return tr(l, "召开会议（合并召开的计一次）", "meetings held (a combined one counts once)");
  if (id == "life_lectures_by_secretary") return tr(l, "书记讲党课", "party lectures given by the secretary");
  if (id == "life_lectures_by_others") return tr(l, "其他同志讲党课", "party lectures given by others");
  if (id == "life_talks") return tr(l, "谈心谈话", "heart-to-heart talks");
  if (id == "life_attendance") return tr(l, "党员平均出席率", "average attendance");
  if (id == "life_flagged") return tr(l, "连续六个月不参加组织生活或不交纳党费的党员（《中国共产党章程》第九条）",
                                      "members flagged under 《中国共产党章程》第九条 (six months without organisational life or dues)");
  return "";
}

std::vector<LifeRow> life_rows(Lang l, const engine::LifeFigures& f) {
  std::vector<LifeRow> rows;
  auto add = [&](const std::string& id, auto value, bool ratio = false) {
    LifeRow r{id, life_label(l, id), static_cast<double>(value(f)), {}, ratio};
    for (const auto& o : f.per_org) r.per_org.push_back(static_cast<double>(value(o)));
    rows.push_back(std::move(r));
  };
  for (std::size_t i = 0; i < L::kinds().size() && i < f.kinds.size(); ++i) {
    // An organisation without a ledger lists no kind (engine/life_figures.hpp): 0.
    add(engine::life_figure_id(L::kinds()[i].id, "_expected"),
        [i](const engine::LifeFigures& x) { return i < x.kinds.size() ? x.kinds[i].expected : 0; });
    add(engine::life_figure_id(L::kinds()[i].id, "_held"),
        [i](const engine::LifeFigures& x) { return i < x.kinds.size() ? x.kinds[i].held : 0; });
  }
  add("life_meetings", [](const engine::LifeFigures& x) { return x.meetings; });
  add("life_lectures_by_secretary", [](const engine::LifeFigures& x) { return x.lectures_by_secretary; });
  add("life_lectures_by_others", [](const engine::LifeFigures& x) { return x.lectures_by_others; });
  add("life_talks", [](const engine::LifeFigures& x) { return x.talks; });
  add("life_attendance", [](const engine::LifeFigures& x) { return x.average_attendance; }, true);
  add("life_flagged", [](const engine::LifeFigures& x) { return x.flagged.size(); });
  return rows;
}

std::unordered_map<std::string, std::size_t> life_org_index(const engine::LifeFigures& f) {
  std::unordered_map<std::string, std::size_t> out;
  out.reserve(f.organisations.size());
  for (std::size_t k = 0; k < f.organisations.size() && k < f.per_org.size(); ++k) out.emplace(f.organisations[k], k);
  return out;
}

std::string life_value(const LifeRow& row, double v) {
  if (!row.ratio) return std::to_string(static_cast<long long>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", v * 100.0);
  return buf;
}

std::string life_detail_what(Lang l, const engine::LifeDetail& d) {
  if (d.figure == "life_meetings") {
    std::string out;
    std::size_t from = 0;
    while (from <= d.what.size()) {
      const auto comma = d.what.find(',', from);
      const auto* k = L::find_kind(d.what.substr(from, comma == std::string::npos ? std::string::npos : comma - from));
      if (k) out += (out.empty() ? "" : tr(l, "、", ", ")) + std::string(l == Lang::Zh ? k->zh : k->en);
      if (comma == std::string::npos) break;
      from = comma + 1;
    }
    return out;
  }
  if (d.figure == "life_lectures_by_secretary" || d.figure == "life_lectures_by_others") return tr(l, "题目：", "topic: ") + d.what;
  if (d.figure == "life_talks") return tr(l, "谈话人：", "by: ") + d.what;
  if (d.figure == "life_attendance") return tr(l, "出席/应出席 ", "present/should attend ") + d.what;
  if (d.figure == "life_flagged") {
    std::string out;
    if (d.what.find("attendance") != std::string::npos) out = tr(l, "连续六个月不参加组织生活", "six months without organisational life");
    const auto dues = d.what.find("dues:");
    if (dues != std::string::npos)
      out += (out.empty() ? "" : tr(l, "；", "; ")) + tr(l, "连续 ", "") + d.what.substr(dues + 5) +
             tr(l, " 个月未交纳党费", " months of dues unpaid");
    return out;
  }
  if (d.figure.size() > 7 && d.figure.compare(d.figure.size() - 7, 7, "_missed") == 0)
    return tr(l, "该期未召开", "none held in the period");
  return "";
}

}  // namespace djflow::cli

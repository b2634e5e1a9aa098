// The year's figures (issue 10 §2): the counts of a secretary's 述职报告 and of a branch's annual
// 党建工作 summary, for an organisation and everything under it, over a period, every one computed
// as of the period's last day from the history (effective dates), never from current state.
//
// Two derivations feed one accumulator (docs/report.md):
//  - year_report(): one pass over the stored events (ReportStore), with the states, flags and
//    deadlines recording derived and stored; fast enough for 1,000,000 events;
//  - year_report_by_replay(): every case's history up to the date run again through
//    Engine::replay (the rules of its workflow, deadline_plan), which is what recording derives.
// tests/workflows/report_test.cpp proves that both give the same report.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "engine/ports/report_store.hpp"

namespace djflow::workflows::report {

using engine::CaseId;
using engine::Date;

enum class Fig : int {
  // development (member cases)
  Applications, ActivistsNew, ActivistsAtEnd, CandidatesNew, CandidatesAtEnd, Admitted, Converted,
  Extended, Cancelled, Withdrawn, LateSteps,
  // elections (term cases)
  TermsEnded, TermsOnTime, TermsLate, TermsPostponed, TermsAdvanced, TermsOverdue,
  // rectification (items)
  RectRegistered, RectClosedOnTime, RectClosedLate, RectOpenOverdue,
  // membership at the end
  FullMembers, ProbationaryMembers,
};
inline constexpr int kFigCount = static_cast<int>(Fig::ProbationaryMembers) + 1;
using Counts = std::array<std::int64_t, kFigCount>;

struct FigureInfo {
  const char* id;       // stable (JSON, CSV)
  const char* section;  // development | elections | rectification | membership
  const char* zh;
  const char* en;
};
const FigureInfo& info(Fig f);
engine::Text section_text(std::string_view section);

struct Query {
  Date from;
  Date to;                  // inclusive; the as-of date of every figure
  std::string org;          // root organisation ("" = every organisation)
  bool detail = false;      // collect the names behind each figure
};

// One name behind a figure.
struct DetailRow {
  Fig fig;
  std::string org;
  CaseId case_id = 0;       // 0 for membership rows
  std::int64_t person = 0;  // 0 when the case has no person
  std::string name;
  std::string date;         // the step's date ("" for states at the end)
  std::string what;         // the state, the late deadline kind, the source, ... (stable id)
  int days = 0;             // late steps, items closed late: by how many days
};

// Rectification counts per source or per batch.
struct RectCounts {
  std::string key;   // source id, or batch case id
  std::string title; // batch title ("" for sources)
  std::int64_t registered = 0, on_time = 0, late = 0, open_overdue = 0;
  bool operator==(const RectCounts&) const = default;
};

struct Report {
  Query query;
  std::vector<engine::Branch> orgs;        // the subtree, by code (created_at not read)
  std::vector<Counts> per_org;             // per_org[k]: the counts of orgs[k] (zeros included)
  Counts total{};
  std::int64_t late_days_total = 0, late_days_max = 0;
  std::vector<RectCounts> by_source;       // by source id
  std::vector<RectCounts> by_batch;        // by batch id
  std::vector<DetailRow> details;          // by figure, organisation, date, name (query.detail)
  bool operator==(const Report& o) const;
};

// The report from the stored events in one pass; `reads` reads the same database as the engine's
// store (storage::open_report_reads).
engine::Result<Report> year_report(engine::Engine& eng, engine::ReportStore& reads, const Query& q);
// The same report from every case replayed up to q.to (slow; the reference).
engine::Result<Report> year_report_by_replay(engine::Engine& eng, const Query& q);

// Full and probationary members of each organisation of the subtree as of `day` (the membership
// figures of the report alone; `branch show --as-of`).
engine::Result<Report> membership_as_of(engine::Engine& eng, engine::ReportStore& reads, const std::string& org,
                                        Date day);

}  // namespace djflow::workflows::report

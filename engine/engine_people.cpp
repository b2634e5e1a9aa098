// Engine, part 4: people's own history (issue 9 §2): edits with a reason, and the transfer of a
// person with their open cases to another organisation (组织关系转接, rules.md §3.3). Every change
// is a person (and case) image in the entity history, with who, when and the reason.
#include "engine/engine.hpp"

namespace djflow::engine {

Status Engine::edit_person(Person p, const std::string& reason) {
  return retrying<void>([&] { return edit_person_once(p, reason); });
}

Status Engine::edit_person_once(Person p, const std::string& reason) {
  if (reason.empty())
    return Error::invalid({"修改人员信息须说明理由（--reason）", "editing a person needs a reason (--reason)"});
  if (p.name.empty()) return Error::invalid({"姓名不能为空", "a person needs a name"});
  if (p.born > today())
    return Error::invalid({"出生日期晚于今天：" + p.born.iso(), "date of birth " + p.born.iso() + " is after today"});
  if (p.status == MemberStatus::None && p.joined)
    return Error::invalid({"非党员不能有入党日期", "a person who is not a member has no joining date"});
  if (p.status != MemberStatus::None && !p.joined)
    return Error::invalid({"党员需要入党日期（--joined）", "a member needs a joining date (--joined)"});
  if (p.joined && (*p.joined > today() || *p.joined < p.born))
    return Error::invalid({"入党日期无效：" + p.joined->iso(),
                           "joining date " + p.joined->iso() + " is after today or before birth"});
  DJFLOW_TRY(check_phone(p.phone));
  WriteTransaction tx(store_);
  DJFLOW_TRY(tx.begin());
  auto old = store_.find_person(p.id);
  DJFLOW_TRY(old);
  if (!old.value())
    return Error::not_found({"人员不存在：" + std::to_string(p.id), "no person with id " + std::to_string(p.id)});
  if (old.value()->branch != p.branch)
    return Error::invalid({"调整所在组织请用 djflow person transfer（组织关系转接）",
                           "to move a person to another organisation use djflow person transfer"});
  DJFLOW_TRY(check_distinct(p));
  DJFLOW_TRY(store_.update_person(p, reason));
  return tx.commit();
}

Result<std::vector<CaseId>> Engine::transfer_person(PersonId id, const std::string& to, Date date,
                                                    const std::string& reason) {
  return retrying<std::vector<CaseId>>([&] { return transfer_person_once(id, to, date, reason); });
}

Result<std::vector<CaseId>> Engine::transfer_person_once(PersonId id, const std::string& to, Date date,
                                                         const std::string& reason) {
  if (date > today())
    return Error::invalid({"日期 " + date.iso() + " 晚于今天", "date " + date.iso() + " is after today"});
  WriteTransaction tx(store_);
  DJFLOW_TRY(tx.begin());
  auto found = store_.find_person(id);
  DJFLOW_TRY(found);
  if (!found.value())
    return Error::not_found({"人员不存在：" + std::to_string(id), "no person with id " + std::to_string(id)});
  Person p = *found.value();
  auto b = store_.find_branch(to);
  DJFLOW_TRY(b);
  if (!b.value()) return Error::not_found({"组织不存在：" + to, "no organisation " + to});
  if (p.branch == to)
    return Error::invalid({p.name + " 已在 " + to, p.name + " already belongs to " + to});
  const std::string from = p.branch;
  p.branch = to;
  DJFLOW_TRY(check_distinct(p));
  const std::string why = "组织关系转接 transfer " + from + " → " + to + " " + date.iso() + (reason.empty() ? "" : ": " + reason);
  DJFLOW_TRY(store_.update_person(p, why));
  CaseFilter f;
  f.person = id;
  auto cases = store_.list_cases(f);
  DJFLOW_TRY(cases);
  std::vector<CaseId> moved;
  for (const auto& c : cases.value()) {
    const Workflow* wf = workflows_.find(c.workflow);
    if (c.branch != from || (wf && wf->closed(c.state))) continue;
    DJFLOW_TRY(store_.update_case_branch(c.id, to));
    moved.push_back(c.id);
  }
  DJFLOW_TRY(tx.commit());
  return moved;
}

}  // namespace djflow::engine

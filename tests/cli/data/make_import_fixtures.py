#!/usr/bin/env python3
"""Writes the import tests' spreadsheets with openpyxl (a program other than djflow), and the same
people as the CLI commands a secretary would type, step by step, in date order (hand.json).

usage: make_import_fixtures.py DIR
  roster.xlsx      40 full members of B01 (dates as real Excel dates and as text in 3 spellings)
  members.xlsx     34 people at every stage of the 2014 development pipeline
  hand.json        the same, as djflow argument lists
  roster_errors.csv  a roster with 10 kinds of mistakes (bytes written directly: invalid UTF-8)
  members_bad.xlsx   3 pipeline rows, one refused by a rule (propose < 1 year after activist)
  rectify.xlsx     2 rectification items
  roster_probationary.xlsx  two probationary members (one past the end of probation) and a full one
  rectify_ledger.xlsx  4 items with every column of rules.md 4.2 (progress, extension, close-out)
  rectify_ledger_bad.xlsx  the same columns with mistakes (undated line, closed without acceptance)
  rectify_ledger_refused.xlsx  one item whose verifier is its responsible person (refused by a rule)
"""
import datetime as dt
import json
import os
import sys

import openpyxl

D = dt.date
out = sys.argv[1]


def add_years(d, n):
    try:
        return d.replace(year=d.year + n)
    except ValueError:
        return d.replace(year=d.year + n, day=28)


def iso(d):
    return d.isoformat()


# --- roster ---------------------------------------------------------------------------------
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "名册"
# Headers in another order, one in English, one with the required mark.
ws.append(["政治面貌", "姓名*", "organisation", "出生日期", "入党时间", "手机号", "工号"])
ws.append(["【说明】示例行，不导入", "", "", "", "", "", ""])
hand = []
roster = []
for i in range(40):
    # The last two share a name and are told apart by their keys (工号).
    name = "党员%02d" % (i + 1) if i != 39 else "党员38"
    key = "G%03d" % i if i % 5 == 0 or i >= 37 else ""
    phone = "1380013%04d" % i if i % 2 == 0 else ""
    born = D(1950 + i % 30, 1 + i % 12, 1 + i % 28)
    joined = D(born.year + 25, 7, 1)
    org = "B01" if i % 3 else "第一党支部"  # code or name
    if i % 4 == 0:
        b, j = born, joined  # real Excel dates
    elif i % 4 == 1:
        b, j = "%d/%d/%d" % (born.year, born.month, born.day), iso(joined)
    elif i % 4 == 2:
        b, j = "%d年%d月%d日" % (born.year, born.month, born.day), "%d年%d月%d日" % (joined.year, joined.month, joined.day)
    else:
        b, j = iso(born), "%d/%d/%d" % (joined.year, joined.month, joined.day)
    ws.append(["正式党员", name, org, b, j, phone, key])
    roster.append(name)
    hand.append(["person", "add", name, "--branch", "B01", "--born", iso(born), "--status", "full", "--joined", iso(joined)]
                + (["--key", key] if key else []) + (["--phone", phone] if phone else []))
for row in ws.iter_rows(min_row=3):
    for c in (row[3], row[4]):
        if isinstance(c.value, (dt.date, dt.datetime)):
            c.number_format = "yyyy-mm-dd"
wb.save(os.path.join(out, "roster.xlsx"))

# --- members: 34 people, each stopped at a stage of the 2014 pipeline -------------------------
# (event, column, offset from the application in days or "activist+1y" etc.)
def full_pipeline(a):
    activist = a + dt.timedelta(days=31)
    propose = add_years(activist, 1)
    admit = propose + dt.timedelta(days=49)
    return [
        ("apply", a, {}),
        ("talk", a + dt.timedelta(days=9), {}),
        ("activist", activist, {}),
        ("mentors", activist + dt.timedelta(days=1), {"mentors": "党员01、党员02"}),
        ("review", activist + dt.timedelta(days=180), {}),
        ("propose", propose, {}),
        ("sponsors", propose + dt.timedelta(days=4), {"sponsors": "党员03、党员04"}),
        ("political-review", propose + dt.timedelta(days=9), {"result": "合格"}),
        ("training", propose + dt.timedelta(days=14), {"hours": 24}),
        ("pre-review", propose + dt.timedelta(days=30), {}),
        ("admit", admit, {"votes": True}),
        ("interview", admit + dt.timedelta(days=5), {}),
        ("approve", admit + dt.timedelta(days=12), {}),
        ("oath", admit + dt.timedelta(days=42), {}),
        ("apply-full", add_years(admit, 1) - dt.timedelta(days=19), {}),
        ("convert", add_years(admit, 1), {"votes": True}),
        # Approved on the meeting's day: verify replays meetings against today's members, so a
        # member whose approval came after another branch meeting but whose 党龄 starts before it
        # would be counted on replay and not when recorded (reported in issue 9's notes).
        ("approve-full", add_years(admit, 1), {}),
        ("archive", add_years(admit, 1) + dt.timedelta(days=26), {}),
    ]


columns = {
    "apply": "递交入党申请书日期", "talk": "派人谈话日期", "activist": "确定积极分子日期",
    "mentors": "指定培养联系人日期", "review": "考察日期", "propose": "确定发展对象日期",
    "sponsors": "确定入党介绍人日期", "political-review": "政治审查日期", "training": "集中培训日期",
    "pre-review": "预审日期", "admit": "支部大会接收日期", "interview": "上级党委谈话日期",
    "approve": "上级党委审批日期", "oath": "入党宣誓日期", "apply-full": "转正申请日期",
    "convert": "支部大会讨论转正日期", "approve-full": "审批转正日期", "archive": "材料归档日期",
}
header = ["姓名", "所在组织", "出生日期"] + list(columns.values()) + [
    "培养联系人", "入党介绍人", "政审结论", "培训学时",
    "接收应到人数", "接收实到人数", "接收赞成票", "转正应到人数", "转正实到人数", "转正赞成票"]
rows = []
people = []
for i in range(34):
    a = D(2022, 3, 1) + dt.timedelta(days=7 * i)
    steps = full_pipeline(a)[: 1 + i % 18]
    people.append(("发展%02d" % (i + 1), D(1998, 1 + i % 12, 1 + i % 28), steps))

# Full members of B01 on a meeting date: the 40 and every pipeline person whose approve-full was
# recorded before that day (the engine counts status full with joined on or before the date).
def eligible(day):
    n = 40
    for _, _, steps in people:
        d = dict((e, x) for e, x, _ in steps)
        if "approve-full" in d and d["approve-full"] < day and d["convert"] <= day:
            n += 1
    return n

# A meeting on the day of another person's approve-full would depend on row order: none here.
for _n, _, _st in people:
    _own = dict((e, x) for e, x, _ in _st)
    if "approve-full" not in _own:
        continue
    for _m, _, _st2 in people:
        for e, x, _ in _st2:
            assert not (_m != _n and e in ("admit", "convert") and x == _own["approve-full"]), (_n, _m, x)

wbm = openpyxl.Workbook()
wsm = wbm.active
wsm.title = "发展党员工作台账"
wsm.append(header)
tasks = []
for r, (name, born, steps) in enumerate(people):
    cells = {h: "" for h in header}
    cells["姓名"], cells["所在组织"], cells["出生日期"] = name, "B01", born
    for k, (ev, day, extra) in enumerate(steps):
        cells[columns[ev]] = day
        if "mentors" in extra:
            cells["培养联系人"] = extra["mentors"]
        if "sponsors" in extra:
            cells["入党介绍人"] = extra["sponsors"]
        if "result" in extra:
            cells["政审结论"] = extra["result"]
        if "hours" in extra:
            cells["培训学时"] = extra["hours"]
        if extra.get("votes"):
            n = eligible(day)
            p = "接收" if ev == "admit" else "转正"
            cells[p + "应到人数"], cells[p + "实到人数"], cells[p + "赞成票"] = n, n, n
        tasks.append((day, r, k))
    wsm.append([cells[h] for h in header])
    hand.append(["person", "add", name, "--branch", "B01", "--born", iso(born)])
for row in wsm.iter_rows(min_row=2):
    for c in row:
        if isinstance(c.value, (dt.date, dt.datetime)):
            c.number_format = "yyyy/m/d"
wbm.save(os.path.join(out, "members.xlsx"))

ids = {n: i + 1 for i, n in enumerate(roster)}
case_of = {}
next_case = 1
for day, r, k in sorted(tasks, key=lambda t: (t[0], t[1], t[2])):
    name, _, steps = people[r]
    ev, d, extra = steps[k]
    withs = []
    if "mentors" in extra:
        withs = ["mentors=%d,%d" % (ids["党员01"], ids["党员02"])]
    if "sponsors" in extra:
        withs = ["sponsors=%d,%d" % (ids["党员03"], ids["党员04"])]
    if "result" in extra:
        withs = ["result=pass"]
    if "hours" in extra:
        withs = ["hours=24"]
    if extra.get("votes"):
        n = eligible(d)
        withs = ["eligible=%d" % n, "present=%d" % n, "yes=%d" % n]
    if ev == "apply":
        hand.append(["member", "apply", str(41 + r), "--date", iso(d)])
        case_of[r] = next_case
        next_case += 1
    else:
        cmd = ["record", str(case_of[r]), ev, "--date", iso(d)]
        for w in withs:
            cmd += ["--with", w]
        hand.append(cmd)
with open(os.path.join(out, "hand.json"), "w") as f:
    json.dump(hand, f, ensure_ascii=False)

# --- a roster with 10 kinds of mistakes ---------------------------------------------------------
lines = [
    "姓名,所在组织,出生日期,政治面貌,入党时间,籍贯",        # 1 籍贯: unknown column
    "甲一,B01,1980-01-01,正式党员,2023-02-30,",          # 2 not a valid date
    ",B01,1980-01-01,群众,,",                             # 3 empty name
    "乙二,B01,1980-01-01,党员甲,,",                       # 4 unknown status
    "丙三,B99,1980-01-01,群众,,",                         # 5 unknown organisation
    "丁四,B01,2099-01-01,群众,,",                         # 6 born after today
    "戊五,B01,1980-01-01,正式党员,,",                     # 7 a member without a joined date
    "己六,B01,2000-01-01,正式党员,2010-07-01,",           # 8 joined before 18
    "庚七,B01,1980-01-01,群众,2010-07-01,",               # 9 joined for a non-member
    "辛八,B01,1980-01-01,群众,,",                         # 10 (first of a duplicate)
    "辛八,B01,1980/1/1,群众,,",                           # 11 the same person again
]
data = ("\r\n".join(lines) + "\r\n").encode("utf-8")
data += "壬九,B01,".encode("utf-8") + b"19\xff80-01-01" + ",群众,,\r\n".encode("utf-8")  # 12 not UTF-8
with open(os.path.join(out, "roster_errors.csv"), "wb") as f:
    f.write(b"\xef\xbb\xbf" + data)

# --- members with a refused step -----------------------------------------------------------------
wbb = openpyxl.Workbook()
w = wbb.active
w.append(["name", "organisation", "born", "apply date", "talk date", "activist date", "propose date"])
w.append(["新甲", "B01", D(1999, 1, 1), D(2023, 1, 5), D(2023, 1, 10), D(2023, 2, 1), None])
w.append(["新乙", "B01", D(1999, 2, 1), D(2023, 1, 5), D(2023, 1, 10), D(2023, 2, 1), D(2023, 9, 1)])
w.append(["新丙", "B01", D(1999, 3, 1), D(2023, 1, 6), D(2023, 1, 11), None, None])
wbb.save(os.path.join(out, "members_bad.xlsx"))

# --- rectification items ------------------------------------------------------------------------
wbr = openpyxl.Workbook()
w = wbr.active
w.append(["序号", "问题表现", "整改措施", "责任领导", "责任部门", "责任人", "整改类型", "整改时限", "阶段目标", "登记日期"])
w.append([1, "三会一课记录不全", "补齐记录并建立台账", "张书记", "党办", "李委员", "限期整改", D(2026, 12, 31), None, D(2026, 11, 1)])
w.append([2, "理论学习不深入", "制定学习计划", "张书记", "党办", "王委员", "长期坚持", None,
          "2026-12-31 完成第一阶段\n2027-06-30 完成第二阶段", D(2026, 11, 1)])
wbr.save(os.path.join(out, "rectify.xlsx"))

# --- probationary members in a roster -----------------------------------------------------------
wbp = openpyxl.Workbook()
w = wbp.active
w.append(["姓名", "所在组织", "出生日期", "政治面貌", "入党时间"])
w.append(["预甲", "B01", D(1995, 5, 1), "预备党员", D(2026, 3, 10)])
w.append(["预乙", "B01", D(1996, 6, 1), "预备党员", "2025年10月8日"])
w.append(["正丙", "B01", D(1970, 1, 2), "正式党员", D(2000, 7, 1)])
wbp.save(os.path.join(out, "roster_probationary.xlsx"))

# --- a rectification ledger with everything that happened since registration --------------------
LEDGER = ["序号", "问题来源", "问题类别", "问题表现", "原因分析", "整改目标", "整改措施", "责任领导", "责任部门", "责任人",
          "配合部门", "整改类型", "整改时限", "阶段目标", "进展情况", "完成情况", "佐证材料", "销号申请", "审核意见",
          "验收人", "销号时间", "延期申请及批准", "备注", "当前状态", "事项编号", "登记日期"]


def ledger_row(**kw):
    return [kw.get(h, None) for h in LEDGER]


wbl = openpyxl.Workbook()
w = wbl.active
w.append(LEDGER)
w.append(ledger_row(序号=1, 问题表现="三会一课记录不全", 整改措施="补齐记录并建立台账", 责任领导="王书记", 责任部门="党办",
                    责任人="李委员", 整改类型="限期整改", 整改时限="2026-11-15（原定 2026-10-15）",
                    进展情况="2026-09-20 已制定方案\n2026-10-20 已完成一半", 完成情况="已完成整改（按期销号）",
                    佐证材料="整改报告", 销号申请="2026-11-10 整改完毕", 审核意见="2026-11-12 验收通过：同意销号",
                    验收人="张主任", 销号时间="2026-11-12",
                    延期申请及批准="2026-10-01 申请延期至 2026-11-15（需要补充材料）\n2026-10-03 王书记 批准延期",
                    当前状态="已销号", 登记日期=D(2026, 9, 1)))
w.append(ledger_row(序号=2, 问题表现="理论学习不深入", 整改措施="制定学习计划", 责任领导="王书记", 责任部门="党办",
                    责任人="赵委员", 整改类型="长期坚持", 阶段目标="2026-10-31 完成第一阶段\n2027-06-30 完成第二阶段",
                    进展情况="2026-10-30 阶段目标检查：第一阶段完成", 完成情况="长期坚持", 登记日期=D(2026, 9, 1)))
w.append(ledger_row(序号=3, 问题表现="公示栏内容过期", 整改措施="立即更新", 责任领导="王书记", 责任部门="党办",
                    责任人="钱委员", 整改类型="立行立改", 佐证材料="照片；补充说明",
                    销号申请="2026-11-05 当场整改\n2026-11-07 补充材料",
                    审核意见="2026-11-06 验收未通过：材料不全\n2026-11-08 验收通过：同意", 验收人="张主任",
                    销号时间="2026-11-08", 登记日期="2026年11月1日"))
w.append(ledger_row(序号=4, 问题表现="发展党员档案不规范", 整改措施="逐一核查补正", 责任领导="王书记", 责任部门="组织科",
                    责任人="孙委员", 整改类型="限期整改", 整改时限=D(2026, 12, 31), 进展情况="2026-10-15 已开会部署",
                    完成情况="整改中", 登记日期=D(2026, 10, 1)))
wbl.save(os.path.join(out, "rectify_ledger.xlsx"))

wbb = openpyxl.Workbook()
w = wbb.active
w.append(LEDGER)
w.append(ledger_row(问题表现="甲", 整改措施="措施", 责任领导="王书记", 责任部门="党办", 责任人="李委员", 整改类型="限期整改",
                    整改时限="2026-12-31", 进展情况="上周已部署", 登记日期=D(2026, 10, 1)))            # row 2: undated line
w.append(ledger_row(问题表现="乙", 整改措施="措施", 责任领导="王书记", 责任部门="党办", 责任人="李委员", 整改类型="限期整改",
                    整改时限="2026-12-31", 完成情况="已完成整改", 登记日期=D(2026, 10, 1)))           # row 3: no acceptance
w.append(ledger_row(问题表现="丙", 整改措施="措施", 责任领导="王书记", 责任部门="党办", 责任人="李委员", 整改类型="限期整改",
                    整改时限="2026-12-31", 延期申请及批准="2026-10-05 延期吧", 登记日期=D(2026, 10, 1)))  # row 4: unknown line
wbb.save(os.path.join(out, "rectify_ledger_bad.xlsx"))

wbr = openpyxl.Workbook()
w = wbr.active
w.append(LEDGER)
w.append(ledger_row(问题表现="丁", 整改措施="措施", 责任领导="王书记", 责任部门="党办", 责任人="李委员", 整改类型="限期整改",
                    整改时限="2026-12-31", 佐证材料="报告", 销号申请="2026-11-10 完成", 审核意见="2026-11-12 验收通过",
                    验收人="李委员", 登记日期=D(2026, 10, 1)))
w.append(ledger_row(问题表现="戊", 整改措施="措施", 责任领导="王书记", 责任部门="党办", 责任人="周委员", 整改类型="限期整改",
                    整改时限="2026-12-31", 登记日期=D(2026, 10, 1)))
wbr.save(os.path.join(out, "rectify_ledger_refused.xlsx"))

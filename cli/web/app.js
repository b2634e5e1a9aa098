// djflow web workbench. Plain JavaScript, no build step, no inline script (CSP). Every text from
// the server is put into the page with textContent, never as HTML.
'use strict';

const I18N = {
  zh: {
    overview: '概览', member: '发展党员', rectify: '整改台账', term: '换届选举', logout: '退出',
    login_title: '登录', user: '用户名', password: '密码', login: '登录', lang: 'English',
    funnel: '发展党员各阶段人数', due: '30 天内到期与已逾期', due_all: '查看全部 {n} 项', none: '（无）', subject: '对象', org: '组织',
    deadline: '期限', due_date: '到期日', status: '情况', state: '状态', stage: '阶段', search: '按姓名搜索',
    all: '全部', case_no: '事项', history: '办理记录', deadlines: '待办期限', allowed: '办理下一步',
    step: '步骤', date: '日期（默认今天）', note: '备注', ref: '文件或记录编号', record: '办理', overdue_by: '已逾期 {n} 天',
    days_left: '还剩 {n} 天', today: '今天到期', refused: '不能办理：', possible_from: '最早可办理日期：',
    recorded: '已办理', viewer_note: '查看人员只能查看，不能办理。', cases: '事项', open_only: '只看未办结',
    verify_ok: '办理记录完整，哈希链校验一致', by: '办理人',
    batch: '整改批次', owner: '责任人', problem: '问题表现', type: '整改类型', measures: '整改措施', leader: '责任领导',
    department: '责任部门', source: '问题来源', registered: '登记日期', export_csv: '导出台账（CSV）', progress: '进展情况',
    evidence: '佐证材料', extensions: '延期申请及批准', item_no: '批次-序号', closed_on: '销号日期', add_item: '登记整改事项',
    add: '登记', open_items: '未销号', done: '已办', to: '延期至', approver: '审批人', verifier: '验收人', warning: '预警',
    completion: '完成 {n}', article: '依据：', target: '整改目标', cause: '原因分析', category: '问题类别',
    immediate: '立行立改', fixed: '限期整改', long_term: '长期坚持', milestones: '阶段目标',
    terms: '党组织任期与换届', term_start: '任期开始', term_end: '任期届满', days_left_col: '剩余天数',
    election: '换届进展', start_election: '启动换届', not_recorded: '未登记任期', not_started: '未启动',
    seats: '应选人数', nominees: '候选人', elected: '当选', secretary: '书记', deputy: '副书记', votes: '得票',
    meetings: '选举大会与计票', name: '姓名', yes_votes: '赞成票', majority: '当选最低票数', missing: '缺额',
    count: '初步人选人数', 'should-attend': '应到会', excluded: '不计入人数', present: '实到会', issued: '发出选票',
    returned: '收回选票', consent: '同意人数', full_members: '正式党员', tied: '票数相等',
    person: '人员', apply: '登记入党申请', apply_date: '收到入党申请书的日期（默认今天）',
    terms_soon: '6 个月内任期届满的党组织', ledger_done: '整改台账完成情况（已销号/总数）',
    reminders: '提醒', notifications: '最近的提醒', channels: '发送渠道', dead_letters: '发送失败的提醒', retry: '重新发送',
    retry_all: '全部重新发送', sent_at: '生成时间', text: '内容', channel: '渠道', kind: '类型', pending: '待发送',
    delivered: '已送达', dead: '发送失败', last_delivered: '最近送达', error: '错误', attempts: '次数',
    ch_ok: '正常', ch_sending: '发送中', ch_failing: '有发送失败', requeued: '已重新排队：{n} 条',
    flow: '发展党员二十五个步骤', next_step: '下一步', possible_now: '现在即可办理', needs_inputs: '办理时须填写相关内容',
    late_by: '逾期 {n} 天办理', with_step: '（随“{n}”完成）', ended: '流程已终止',
  },
  en: {
    overview: 'Overview', member: 'Member development', rectify: 'Rectification', term: 'Elections', logout: 'Log out',
    login_title: 'Log in', user: 'User', password: 'Password', login: 'Log in', lang: '中文',
    funnel: 'Member development by stage', due: 'Due within 30 days and overdue', due_all: 'Show all {n}', none: '(none)', subject: 'Subject',
    org: 'Organisation', deadline: 'Deadline', due_date: 'Due', status: 'Status', state: 'State', stage: 'Stage',
    search: 'Search by name', all: 'All', case_no: 'Case', history: 'History', deadlines: 'Open deadlines',
    allowed: 'Record the next step', step: 'Step', date: 'Date (default today)', note: 'Note', ref: 'Document or record no.',
    record: 'Record', overdue_by: 'overdue by {n} days', days_left: '{n} days left', today: 'due today',
    refused: 'Refused: ', possible_from: 'Possible from: ', recorded: 'Recorded', viewer_note: 'A viewer can only read.',
    cases: 'Cases', open_only: 'Open only', verify_ok: 'History complete; hash chain verified', by: 'by',
    batch: 'Batch', owner: 'Responsible', problem: 'Problem', type: 'Type', measures: 'Measures', leader: 'Leader',
    department: 'Department', source: 'Source', registered: 'Registered', export_csv: 'Export the ledger (CSV)',
    progress: 'Progress', evidence: 'Evidence', extensions: 'Extension requests', item_no: 'Batch-no.', closed_on: 'Closed on',
    add_item: 'Register an item', add: 'Register', open_items: 'Open', done: 'Done', to: 'Extend to', approver: 'Approver',
    verifier: 'Verifier', warning: 'Warning', completion: '{n} done', article: 'Basis: ', target: 'Target', cause: 'Cause',
    category: 'Category', immediate: 'Immediate', fixed: 'Fixed deadline', long_term: 'Long-term', milestones: 'Milestones',
    terms: 'Terms and elections', term_start: 'Term start', term_end: 'Term end', days_left_col: 'Days left',
    election: 'Election', start_election: 'Start the election', not_recorded: 'no term recorded', not_started: 'not started',
    seats: 'Seats', nominees: 'Candidates', elected: 'Elected', secretary: 'Secretary', deputy: 'Deputy', votes: 'Votes',
    meetings: 'Election meetings and counts', name: 'Name', yes_votes: 'Yes votes', majority: 'Fewest votes that elect',
    missing: 'Seats unfilled', count: 'Preliminary list size', 'should-attend': 'Should attend', excluded: 'Excluded',
    present: 'Present', issued: 'Ballots issued', returned: 'Ballots returned', consent: 'Consenting', full_members: 'Full members',
    tied: 'Tied',
    person: 'Person', apply: 'Register an application', apply_date: 'Application received (default today)',
    terms_soon: 'Terms ending within 6 months', ledger_done: 'Rectification ledger: closed of all items',
    reminders: 'Reminders', notifications: 'Recent reminders', channels: 'Channels', dead_letters: 'Failed deliveries',
    retry: 'Send again', retry_all: 'Send all again', sent_at: 'Created', text: 'Text', channel: 'Channel', kind: 'Type',
    pending: 'Pending', delivered: 'Delivered', dead: 'Failed', last_delivered: 'Last delivered', error: 'Error',
    attempts: 'Attempts', ch_ok: 'ok', ch_sending: 'sending', ch_failing: 'failing', requeued: '{n} queued again',
    flow: 'The 25 steps of member development', next_step: 'next', possible_now: 'possible now', needs_inputs: 'needs its inputs',
    late_by: '{n} days late', with_step: '(done with "{n}")', ended: 'the case has ended',
  },
};

const state = { lang: localStorage.getItem('djflow-lang') || 'zh', csrf: null, me: null };
const $ = (sel) => document.querySelector(sel);
const t = (k, n) => (I18N[state.lang][k] || k).replace('{n}', n);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  const sep = path.includes('?') ? '&' : '?';
  const r = await fetch(path + sep + 'lang=' + state.lang, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin',
  });
  const data = await r.json().catch(() => ({}));
  if (r.status === 401 && path !== '/api/v1/login') { showLogin(); throw new Error('401'); }
  const total = r.headers.get('X-Total-Count');
  return { status: r.status, data, total: total === null ? null : Number(total) };
}

function applyI18n() {
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
  $('#lang').textContent = t('lang');
}

function showLogin() {
  state.me = null; state.csrf = null;
  $('#login').hidden = false; $('#nav').hidden = true; $('#logout').hidden = true;
  $('#who').textContent = ''; $('#view').replaceChildren();
}

// One colour rule for every list with a date (docs/web.md, "Colours"): red when overdue, yellow
// when due within SOON_DAYS (30: the window of the overview's list and of `djflow due`), green
// later.
const SOON_DAYS = 30;
const BADGE = { overdue: 'red', soon: 'yellow', ok: 'green' };
function dueClass(overdue, daysLeft) {
  if (daysLeft == null) return '';
  return overdue ? 'overdue' : daysLeft <= SOON_DAYS ? 'soon' : 'ok';
}

function daysText(d) {
  if (d.overdue) return el('span', { class: 'badge red' }, t('overdue_by', -d.days_left));
  if (d.days_left === 0) return el('span', { class: 'badge yellow' }, t('today'));
  return el('span', { class: 'badge ' + BADGE[dueClass(false, d.days_left)] }, t('days_left', d.days_left));
}

function rowClass(d) { return dueClass(d.overdue, d.days_left); }

function table(headers, rows) {
  return el('table', {}, el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows));
}

const DUE_FIRST = 20;  // the overview shows the first 20 by due date, and links to all of them

function dueTable(items) {
  const rows = items.map((d) => el('tr', { class: rowClass(d) },
    el('td', {}, el('a', { href: '#/case/' + d.case }, d.subject)), el('td', {}, d.branch),
    el('td', {}, d.workflow_label + ' · ' + d.label), el('td', {}, d.due), el('td', {}, daysText(d))));
  return rows.length ? table([t('subject'), t('org'), t('deadline'), t('due_date'), t('status')], rows)
    : el('p', { class: 'muted' }, t('none'));
}

// Every open deadline within 30 days and every overdue one (the overview's "more" link).
async function duePage() {
  const due = await api('GET', '/api/v1/due?days=30');
  $('#view').replaceChildren(el('h1', {}, t('due')), dueTable(due.data));
}

async function overview() {
  const view = $('#view');
  view.replaceChildren(el('h1', {}, t('overview') + ' · ' + state.me.org));
  // The funnel reads counts per branch and stage, not the cases themselves (count=branch,stage).
  const [counts, due, terms, batches] = await Promise.all([api('GET', '/api/v1/cases?workflow=member&count=branch,stage'),
    api('GET', '/api/v1/due?days=30&limit=' + DUE_FIRST), api('GET', '/api/v1/terms?within=183'), api('GET', '/api/v1/rectify/batches')]);
  const stages = new Map();
  const branches = new Map();  // branch -> stage -> count
  for (const c of counts.data) {
    const s = stages.get(c.stage) || { label: c.stage_label, n: 0 };
    s.n += c.count; stages.set(c.stage, s);
    const b = branches.get(c.branch) || new Map();
    b.set(c.stage, (b.get(c.stage) || 0) + c.count); branches.set(c.branch, b);
  }
  const funnel = el('div', { class: 'funnel', id: 'funnel' });
  // In the order of the process: 入党申请人 → 入党积极分子 → 发展对象 → 预备党员 → 正式党员.
  const ORDER = ['applicant', 'activist', 'candidate', 'probationary', 'full', 'closed'];
  const sorted = [...stages].sort((a, b) => ORDER.indexOf(a[0]) - ORDER.indexOf(b[0]));
  for (const [stage, s] of sorted) {
    const a = el('a', { href: '#/cases?workflow=member&stage=' + encodeURIComponent(stage) },
      el('div', { class: 'stage' }, el('div', { class: 'count' }, s.n), el('div', {}, s.label)));
    funnel.append(a);
  }
  view.append(el('h2', {}, t('funnel')), stages.size ? funnel : el('p', { class: 'muted' }, t('none')));
  if (branches.size) {
    // The same counts per branch under the user's organisation, one row per branch.
    const rows = [...branches].sort((a, b) => a[0].localeCompare(b[0])).map(([code, m]) => el('tr', {},
      el('td', {}, el('a', { href: '#/cases?workflow=member&org=' + encodeURIComponent(code) }, code)),
      ...sorted.map(([stage]) => el('td', {}, String(m.get(stage) || 0)))));
    const tbl = table([t('org'), ...sorted.map(([, s]) => s.label)], rows);
    tbl.id = 'funnel-branches';
    view.append(tbl);
  }
  view.append(el('h2', {}, t('due')), dueTable(due.data));
  if (due.total !== null && due.total > due.data.length)
    view.append(el('p', { id: 'due-more' }, el('a', { href: '#/due' }, t('due_all', due.total))));
  view.append(el('h2', {}, t('terms_soon')));
  const trows = terms.data.map((o) => el('tr', { class: o.term.colour === 'red' ? 'overdue' : 'soon' },
    el('td', {}, el('a', { href: '#/terms' }, o.code + ' ' + o.name)), el('td', {}, o.term.end), el('td', {}, termBadge(o.term))));
  view.append(trows.length ? table([t('org'), t('term_end'), t('days_left_col')], trows) : el('p', { class: 'muted' }, t('none')));
  view.append(el('h2', {}, t('ledger_done')));
  const bars = el('div', { class: 'bars', id: 'ledger-bars' });
  for (const b of batches.data) {
    const pct = b.items ? Math.round((100 * b.closed) / b.items) : 0;
    const bar = el('div', { class: 'bar' });
    bar.style.width = pct + '%';  // CSSOM, not an inline style attribute: allowed by the CSP
    bars.append(el('a', { href: '#/rectify?batch=' + b.id }, b.title), el('div', { class: 'track' }, bar),
      el('span', {}, b.closed + '/' + b.items));
  }
  view.append(batches.data.length ? bars : el('p', { class: 'muted' }, t('none')));
}

async function caseList(params) {
  const view = $('#view');
  const q = new URLSearchParams(params);
  const r = await api('GET', '/api/v1/cases?' + q.toString());
  const wfLabel = r.data.length ? r.data[0].workflow_label : t(q.get('workflow') || 'cases');
  const search = el('input', { id: 'search', placeholder: t('search'), value: q.get('q') || '' });
  search.addEventListener('change', () => { q.set('q', search.value); location.hash = '#/cases?' + q.toString(); });
  const rows = r.data.map((c) => el('tr', {},
    el('td', {}, '#' + c.id), el('td', {}, el('a', { href: '#/case/' + c.id }, c.subject)), el('td', {}, c.branch),
    el('td', {}, c.stage_label), el('td', {}, c.state_label)));
  view.replaceChildren(el('h1', {}, wfLabel), el('div', { class: 'filters' }, el('label', {}, search)),
    rows.length ? table([t('case_no'), t('subject'), t('org'), t('stage'), t('state')], rows) : el('p', { class: 'muted' }, t('none')));
  if (q.get('workflow') === 'member' && state.me.role !== 'viewer') view.append(await applyForm());
}

// 登记入党申请: starts a member development case for a registered non-member (as `member apply`).
async function applyForm() {
  const people = await api('GET', '/api/v1/people');
  const sel = el('select', { name: 'person', id: 'apply-person' },
    ...people.data.filter((p) => p.status === 'none').map((p) => el('option', { value: String(p.id) }, p.name + ' · ' + p.branch)));
  const form = el('form', { class: 'card', id: 'apply-form' }, el('label', {}, el('span', {}, t('person')), sel),
    el('label', {}, el('span', {}, t('apply_date')), el('input', { name: 'date', type: 'date', id: 'apply-date' })),
    el('button', { type: 'submit', id: 'apply-submit' }, t('add')), el('p', { class: 'error', id: 'apply-error', role: 'alert' }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const body = { workflow: 'member', person: Number(f.get('person')) };
    if (f.get('date')) body.date = f.get('date');
    const res = await api('POST', '/api/v1/cases', body);
    if (res.status === 201) { location.hash = '#/case/' + res.data.id; return; }
    $('#apply-error').textContent = refusalText(res);
  });
  return el('details', {}, el('summary', {}, t('apply')), form);
}

async function casePage(id) {
  const view = $('#view');
  const [r, v] = await Promise.all([api('GET', '/api/v1/cases/' + id), api('GET', '/api/v1/cases/' + id + '/verify')]);
  if (r.status !== 200) { view.replaceChildren(el('p', { class: 'error' }, r.data.error ? r.data.error.message : String(r.status))); return; }
  const c = r.data;
  view.replaceChildren(el('h1', {}, c.subject + ' · ' + c.workflow_label),
    el('p', {}, el('span', { class: 'badge' }, c.stage_label), ' ', c.state_label, ' · ', c.branch, ' · #' + c.id));
  const dl = c.deadlines.map((d) => el('tr', { class: rowClass(d) }, el('td', {}, d.label), el('td', {}, d.due), el('td', {}, daysText(d))));
  view.append(el('h2', {}, t('deadlines')), dl.length ? table([t('deadline'), t('due_date'), t('status')], dl) : el('p', { class: 'muted' }, t('none')));
  if (c.workflow === 'member') {
    const tl = await api('GET', '/api/v1/cases/' + id + '/timeline');
    if (tl.status === 200) view.append(el('h2', {}, t('flow')), flowChart(tl.data));
  }
  view.append(el('h2', {}, t('history')), timeline(c.history));
  if (v.status === 200) {
    view.append(el('p', { id: 'verify-status', class: 'badge ' + (v.data.ok ? 'green' : 'red') }, v.data.message));
    if (!v.data.ok) view.append(el('ul', { class: 'error' }, ...v.data.problems.map((p) => el('li', {}, p))));
  }
  appendStepForm(view, c, () => casePage(id));
}

// The 25 steps of member development (GET /api/v1/cases/{id}/timeline): done with dates (late
// ones marked, by how long), open deadlines, and what is next with the first possible date.
function flowChart(tl) {
  const list = el('ol', { class: 'flow', id: 'flow' });
  let stage = 0;
  for (const s of tl.steps) {
    if (s.stage !== stage) { stage = s.stage; list.append(el('li', { class: 'flow-stage' }, s.stage_label)); }
    const info = [];
    if (s.status === 'done') {
      info.push(el('span', { class: 'date' }, s.dates.length > 1 ? s.dates.join('、') : (s.date || '')));
      if (s.with) info.push(el('span', { class: 'muted' }, t('with_step', s.with_label)));
      if (s.late) info.push(el('span', { class: 'badge yellow' }, t('late_by', s.late_days)));
    } else if (s.status === 'next') {
      info.push(el('span', { class: 'badge' }, t('next_step')));
      if (s.possible_now) info.push(el('span', { class: 'possible' }, t('possible_now')));
      else if (s.possible_from) info.push(el('span', { class: 'possible' }, t('possible_from') + s.possible_from));
      else if (s.needs_inputs) info.push(el('span', { class: 'muted' }, t('needs_inputs')));
      if (s.blocked && !s.possible_from) info.push(el('div', { class: 'muted' }, s.blocked.message));
    } else if (s.status === 'ended') {
      info.push(el('span', { class: 'muted' }, t('ended')));
    }
    for (const d of s.deadlines) info.push(el('div', { class: 'deadline' }, d.label + ' ' + d.due + ' ', d.milestone ? null : daysText(d)));
    list.append(el('li', { class: 'step ' + s.status + (s.late ? ' late' : ''), 'data-n': String(s.n), 'data-status': s.status },
      el('span', { class: 'n' }, String(s.n)), el('span', { class: 'label' }, s.label), ...info));
  }
  return list;
}

function timeline(history) {
  const tl = el('ul', { class: 'timeline', id: 'timeline' });
  for (const h of history) {
    const late = (h.flags || []).some((f) => String(f).startsWith('late:'));
    tl.append(el('li', { class: late ? 'late' : '' }, el('span', { class: 'date' }, h.date), h.event_label || h.event,
      h.actor ? el('span', { class: 'muted' }, ' · ' + t('by') + ' ' + h.actor) : null,
      h.note ? el('div', { class: 'muted' }, h.note) : null));
  }
  return tl;
}

// The inputs a step takes besides date, note and reference (the command line's --with KEY=VALUE).
const STEP_INPUTS = {
  progress: [['evidence', 'text']], milestone: [['evidence', 'text']], submit: [['evidence', 'text']],
  accept: [['verifier', 'text']], return: [['verifier', 'text']], 'request-extension': [['to', 'date']],
  'approve-extension': [['approver', 'text']], 'deny-extension': [['approver', 'text']],
  nominate: [['count', 'number']], candidates: [['seats', 'number'], ['nominees', 'text']],
  meeting: [['should-attend', 'number'], ['excluded', 'number'], ['present', 'number'], ['issued', 'number'], ['returned', 'number'], ['votes', 'text']],
  supplementary: [['should-attend', 'number'], ['excluded', 'number'], ['present', 'number'], ['issued', 'number'], ['returned', 'number'], ['votes', 'text']],
  'invalid-meeting': [['should-attend', 'number'], ['excluded', 'number'], ['present', 'number']],
  'accept-shortfall': [['present', 'number'], ['consent', 'number']], officers: [['secretary', 'text'], ['deputy', 'text']],
  postpone: [['to', 'date']], advance: [['to', 'date']],
};

function refusalText(res) {
  const e = res.data.error || {};
  let msg = (res.status === 422 ? t('refused') : '') + (e.message || res.status);
  if (e.article && !String(e.message).includes(e.article)) msg += '\n' + t('article') + e.article;
  if (e.possible_from) msg += '\n' + t('possible_from') + e.possible_from;
  return msg;
}

// The form for the steps allowed now; a refusal is shown in place with its article and date.
function appendStepForm(view, c, done) {
  if (!c.allowed_steps.length) return;
  view.append(el('h2', {}, t('allowed')));
  if (state.me.role === 'viewer') { view.append(el('p', { class: 'muted' }, t('viewer_note'))); return; }
  const sel = el('select', { name: 'event', id: 'step-event' }, ...c.allowed_steps.map((s) => el('option', { value: s.event }, s.label)));
  const extra = el('div', { id: 'step-inputs' });
  const showInputs = () => extra.replaceChildren(...(STEP_INPUTS[sel.value] || []).map(([k, type]) =>
    el('label', {}, el('span', {}, t(k)), el('input', { name: 'with.' + k, type, id: 'step-with-' + k }))));
  sel.addEventListener('change', showInputs);
  showInputs();
  const form = el('form', { class: 'card', id: 'step-form' },
    el('label', {}, el('span', {}, t('step')), sel), extra,
    el('label', {}, el('span', {}, t('date')), el('input', { name: 'date', type: 'date', id: 'step-date' })),
    el('label', {}, el('span', {}, t('ref')), el('input', { name: 'ref' })),
    el('label', {}, el('span', {}, t('note')), el('textarea', { name: 'note', rows: '2', id: 'step-note' })),
    el('button', { type: 'submit', id: 'step-submit' }, t('record')), el('p', { class: 'error', id: 'step-error', role: 'alert' }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    // The version this page was drawn from: a step on a case changed meanwhile answers 409.
    const body = { event: f.get('event'), note: f.get('note') || '', ref: f.get('ref') || '', with: {}, version: c.version };
    for (const [k, v] of f.entries()) if (k.startsWith('with.') && v) body.with[k.slice(5)] = v;
    if (f.get('date')) body.date = f.get('date');
    const res = await api('POST', '/api/v1/cases/' + c.id + '/steps', body);
    if (res.status === 201) { done(); return; }
    $('#step-error').textContent = refusalText(res);
  });
  view.append(form);
}

// The one rule of dueClass (items without an open deadline: none).
function ledgerClass(i) { return dueClass(i.overdue || i.days_left < 0, i.days_left); }

function itemDays(i) {
  if (i.days_left == null) return i.closed_on ? t('closed_on') + ' ' + i.closed_on : '';
  const cls = BADGE[ledgerClass(i)];
  const d = i.days_left;
  return el('span', { class: 'badge ' + cls }, d < 0 ? t('overdue_by', -d) : d === 0 ? t('today') : t('days_left', d));
}

async function ledger(params) {
  const view = $('#view');
  const q = new URLSearchParams(params);
  const [items, batches] = await Promise.all([api('GET', '/api/v1/rectify/items?' + q.toString()), api('GET', '/api/v1/rectify/batches')]);
  const go = () => { location.hash = '#/rectify?' + q.toString(); };
  const filter = (name, control) => {
    control.value = q.get(name) || '';
    control.addEventListener('change', () => { if (control.value) q.set(name, control.value); else q.delete(name); go(); });
    return el('label', {}, el('span', {}, t(name === 'org' ? 'org' : name)), control);
  };
  const batchSel = el('select', { id: 'filter-batch' }, el('option', { value: '' }, t('all')),
    ...batches.data.map((b) => el('option', { value: String(b.id) }, b.id + ' ' + b.title)));
  const statusSel = el('select', { id: 'filter-status' }, el('option', { value: '' }, t('all')),
    el('option', { value: 'open' }, t('open_items')),
    ...['registered', 'in-progress', 'overdue', 'long-term', 'submitted', 'closed'].map((s) => el('option', { value: s }, stateName(s))));
  const orgSel = el('select', { id: 'filter-org' }, el('option', { value: '' }, t('all')), ...state.me.orgs.map((o) => el('option', { value: o }, o)));
  const owner = el('input', { id: 'filter-owner', placeholder: t('owner') });
  const exportHref = '/api/v1/rectify/export.csv' + (q.get('batch') ? '?batch=' + encodeURIComponent(q.get('batch')) : '');
  const rows = items.data.map((i) => el('tr', { class: ledgerClass(i) },
    el('td', {}, i.batch + '-' + i.seq), el('td', {}, el('a', { href: '#/rectify/item/' + i.id }, i.title)),
    el('td', {}, i.owner), el('td', {}, i.type_label), el('td', {}, i.state_label), el('td', {}, i.deadline || '-'),
    el('td', {}, itemDays(i))));
  view.replaceChildren(el('h1', {}, t('rectify')),
    el('div', { class: 'filters' }, filter('batch', batchSel), filter('owner', owner), filter('status', statusSel), filter('org', orgSel)),
    el('p', {}, el('a', { href: exportHref, id: 'export-csv', class: 'button', download: '' }, t('export_csv'))),
    rows.length ? table([t('item_no'), t('problem'), t('owner'), t('type'), t('state'), t('deadline'), t('status')], rows)
      : el('p', { class: 'muted' }, t('none')));
  view.querySelector('table')?.setAttribute('id', 'ledger');
  if (state.me.role !== 'viewer' && batches.data.length) view.append(addItemForm(batches.data));
}

function stateName(s) {
  const zh = { registered: '已登记', 'in-progress': '整改中', overdue: '已逾期', 'long-term': '长期坚持', submitted: '申请销号（待验收）', closed: '已销号' };
  return state.lang === 'zh' ? zh[s] : s;
}

function addItemForm(batches) {
  const input = (name, type) => el('label', {}, el('span', {}, t(name)), el('input', { name, type: type || 'text', id: 'item-' + name }));
  const form = el('form', { class: 'card', id: 'item-form' },
    el('label', {}, el('span', {}, t('batch')), el('select', { name: 'batch', id: 'item-batch' },
      ...batches.map((b) => el('option', { value: String(b.id) }, b.id + ' ' + b.title)))),
    input('problem'), input('measures'), input('leader'), input('department'), input('owner'),
    el('label', {}, el('span', {}, t('type')), el('select', { name: 'type', id: 'item-type' },
      el('option', { value: 'deadline' }, t('fixed')), el('option', { value: 'immediate' }, t('immediate')))),
    input('deadline', 'date'),
    el('button', { type: 'submit', id: 'item-submit' }, t('add')), el('p', { class: 'error', id: 'item-error', role: 'alert' }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const body = { batch: Number(f.get('batch')) };
    for (const k of ['problem', 'measures', 'leader', 'department', 'owner', 'type', 'deadline']) if (f.get(k)) body[k] = f.get(k);
    const res = await api('POST', '/api/v1/rectify/items', body);
    if (res.status === 201) { location.hash = '#/rectify/item/' + res.data.id; return; }
    $('#item-error').textContent = refusalText(res);
  });
  return el('details', {}, el('summary', {}, t('add_item')), form);
}

async function itemPage(id) {
  const view = $('#view');
  const r = await api('GET', '/api/v1/rectify/items/' + id);
  if (r.status !== 200) { view.replaceChildren(el('p', { class: 'error' }, r.data.error ? r.data.error.message : String(r.status))); return; }
  const { item, batch } = r.data;
  const c = r.data.case;
  const facts = [['batch', batch ? batch.id + ' ' + batch.title : item.batch], ['source', item.source_label],
    ['category', item.category], ['problem', item.problem], ['cause', item.cause], ['target', item.target],
    ['measures', item.measures], ['leader', item.leader], ['department', item.department], ['owner', item.owner],
    ['type', item.type_label], ['deadline', item.deadline || '-'], ['milestones', item.milestones], ['registered', item.registered]];
  view.replaceChildren(el('h1', {}, item.title + ' · ' + t('rectify')),
    el('p', {}, el('span', { class: 'badge ' + (item.colour || '') }, item.state_label), ' ', itemDays(item), ' · ', item.org, ' · #' + item.id),
    el('table', { class: 'facts', id: 'item-facts' }, el('tbody', {}, ...facts.filter(([, v]) => v).map(([k, v]) =>
      el('tr', {}, el('th', {}, t(k)), el('td', {}, String(v)))))));
  const list = (key, entries, text) => {
    view.append(el('h2', {}, t(key)));
    view.append(entries.length ? el('ul', { id: 'item-' + key }, ...entries.map((e) => el('li', {}, el('span', { class: 'date' }, e.date + ' '), text(e))))
      : el('p', { class: 'muted' }, t('none')));
  };
  list('progress', r.data.progress, (e) => e.label + '：' + e.note);
  list('evidence', r.data.evidence, (e) => e.evidence + '（' + e.label + '）');
  list('extensions', r.data.extensions, (e) => e.label + (e.to ? ' → ' + e.to : '') + (e.approver ? ' · ' + e.approver : '') + (e.note ? '：' + e.note : ''));
  view.append(el('h2', {}, t('history')), timeline(c.history));
  appendStepForm(view, c, () => itemPage(id));
}

function termBadge(term) {
  if (!term || term.days_left == null) return '';
  const d = term.days_left;
  return el('span', { class: 'badge ' + term.colour }, d < 0 ? t('overdue_by', -d) : d === 0 ? t('today') : t('days_left', d));
}

async function termsPage() {
  const view = $('#view');
  const r = await api('GET', '/api/v1/terms');
  const writer = state.me.role !== 'viewer';
  const rows = r.data.map((o) => {
    let election = o.term ? t('not_started') : t('not_recorded');
    if (o.election) election = el('a', { href: '#/election/' + o.election.case }, '#' + o.election.case + ' ' + o.election.label);
    else if (o.term && writer) {
      const b = el('button', { type: 'button', class: 'small', 'data-org': o.code }, t('start_election'));
      b.addEventListener('click', async () => {
        const res = await api('POST', '/api/v1/elections', { org: o.code });
        if (res.status === 201) { location.hash = '#/election/' + res.data.id; return; }
        $('#terms-error').textContent = refusalText(res);
      });
      election = b;
    }
    const colour = o.term && o.term.colour;
    return el('tr', { class: colour === 'red' ? 'overdue' : colour === 'yellow' ? 'soon' : colour === 'green' ? 'ok' : '', 'data-org': o.code },
      el('td', {}, o.code), el('td', {}, o.name), el('td', {}, String(o.full_members)),
      el('td', {}, o.term ? o.term.start : '-'), el('td', {}, o.term ? o.term.end || '-' : '-'), el('td', {}, termBadge(o.term)),
      el('td', {}, election));
  });
  view.replaceChildren(el('h1', {}, t('terms')),
    rows.length ? table([t('org'), t('name'), t('full_members'), t('term_start'), t('term_end'), t('days_left_col'), t('election')], rows)
      : el('p', { class: 'muted' }, t('none')),
    el('p', { class: 'error', id: 'terms-error', role: 'alert' }));
  view.querySelector('table')?.setAttribute('id', 'terms');
}

async function electionPage(id) {
  const view = $('#view');
  const r = await api('GET', '/api/v1/elections/' + id);
  if (r.status !== 200) { view.replaceChildren(el('p', { class: 'error' }, r.data.error ? r.data.error.message : String(r.status))); return; }
  const c = r.data.case;
  const f = r.data.facts;
  const facts = [['term_end', f.due], ['seats', f.seats || ''], ['nominees', f.nominees.join('、')], ['elected', f.elected.join('、')],
    ['tied', f.tied.join('、')], ['missing', f.missing || ''], ['secretary', f.secretary], ['deputy', f.deputy]];
  view.replaceChildren(el('h1', {}, c.subject + ' · ' + c.workflow_label),
    el('p', {}, el('span', { class: 'badge' }, c.stage_label), ' ', c.state_label, ' · ', c.branch, ' · #' + c.id),
    el('table', { class: 'facts', id: 'election-facts' }, el('tbody', {}, ...facts.filter(([, v]) => v !== '' && v != null).map(([k, v]) =>
      el('tr', {}, el('th', {}, t(k)), el('td', {}, String(v)))))));
  view.append(el('h2', {}, t('meetings')));
  if (!r.data.meetings.length) view.append(el('p', { class: 'muted' }, t('none')));
  for (const m of r.data.meetings) {
    const counts = ['should_attend', 'excluded', 'present', 'issued', 'returned', 'majority', 'missing']
      .filter((k) => m[k] != null).map((k) => t(k === 'should_attend' ? 'should-attend' : k) + ' ' + m[k]).join(' · ');
    const card = el('div', { class: 'card meeting' }, el('strong', {}, m.date + ' ' + m.label), el('div', { class: 'muted' }, counts));
    if (m.votes.length) {
      card.append(table([t('name'), t('yes_votes'), t('elected')], m.votes.map((v) => el('tr', { class: m.elected.includes(v.name) ? 'ok' : '' },
        el('td', {}, v.name), el('td', {}, String(v.yes)), el('td', {}, m.elected.includes(v.name) ? '✓' : m.tied.includes(v.name) ? t('tied') : '')))));
    }
    view.append(card);
  }
  view.append(el('h2', {}, t('history')), timeline(c.history));
  appendStepForm(view, c, () => electionPage(id));
}

async function remindersPage() {
  const view = $('#view');
  const [notes, chans] = await Promise.all([api('GET', '/api/v1/notifications?limit=50'), api('GET', '/api/v1/channels')]);
  const nrows = notes.data.map((n) => el('tr', { class: dueClass(n.days_left < 0, n.days_left) },
    el('td', {}, n.created_at.slice(0, 10)), el('td', {}, el('a', { href: '#/case/' + n.case }, n.text)), el('td', {}, n.branch),
    el('td', {}, n.due)));
  const crows = chans.data.map((c) => el('tr', { class: c.state === 'failing' ? 'overdue' : c.state === 'sending' ? 'soon' : 'ok' },
    el('td', {}, c.name), el('td', {}, c.type), el('td', {}, t('ch_' + c.state)), el('td', {}, String(c.pending)),
    el('td', {}, String(c.delivered)), el('td', {}, String(c.dead)), el('td', {}, c.last_delivered_at || '-')));
  view.replaceChildren(el('h1', {}, t('reminders')),
    el('h2', {}, t('notifications')), nrows.length ? table([t('sent_at'), t('text'), t('org'), t('due_date')], nrows) : el('p', { class: 'muted' }, t('none')),
    el('h2', {}, t('channels')), crows.length ? table([t('channel'), t('kind'), t('state'), t('pending'), t('delivered'), t('dead'), t('last_delivered')], crows)
      : el('p', { class: 'muted' }, t('none')));
  if (state.me.role !== 'admin') return;
  const dead = await api('GET', '/api/v1/deliveries/dead');
  const message = el('p', { id: 'retry-result', role: 'status' });
  const retry = async (body) => {
    const res = await api('POST', '/api/v1/deliveries/retry', body);
    if (res.status === 200) { await remindersPage(); $('#retry-result').textContent = t('requeued', res.data.requeued); return; }
    message.textContent = refusalText(res);
  };
  const drows = dead.data.map((d) => {
    const b = el('button', { type: 'button', class: 'small' }, t('retry'));
    b.addEventListener('click', () => retry({ ids: [d.id] }));
    return el('tr', {}, el('td', {}, '#' + d.id), el('td', {}, d.channel), el('td', {}, d.text), el('td', {}, String(d.attempts)),
      el('td', {}, d.last_error), el('td', {}, b));
  });
  view.append(el('h2', {}, t('dead_letters')), message);
  if (!drows.length) { view.append(el('p', { class: 'muted' }, t('none'))); return; }
  const all = el('button', { type: 'button', class: 'small', id: 'retry-all' }, t('retry_all'));
  all.addEventListener('click', () => retry({ all: true }));
  const tbl = table(['#', t('channel'), t('text'), t('attempts'), t('error'), ''], drows);
  tbl.id = 'dead-letters';
  view.append(tbl, el('p', {}, all));
}

async function route() {
  if (!state.me) return;
  const h = location.hash || '#/';
  // data-route names the page the view shows once it is drawn (tests wait for it: after a
  // hash change the view still shows the previous page until the new one has loaded).
  $('#view').removeAttribute('data-route');
  try {
    if (h.startsWith('#/case/')) await casePage(encodeURIComponent(h.slice(7)));
    else if (h.startsWith('#/cases')) await caseList(h.includes('?') ? h.slice(h.indexOf('?') + 1) : '');
    else if (h.startsWith('#/rectify/item/')) await itemPage(encodeURIComponent(h.slice(15)));
    else if (h.startsWith('#/terms')) await termsPage();
    else if (h.startsWith('#/reminders')) await remindersPage();
    else if (h.startsWith('#/due')) await duePage();
    else if (h.startsWith('#/election/')) await electionPage(encodeURIComponent(h.slice(11)));
    else if (h.startsWith('#/rectify')) await ledger(h.includes('?') ? h.slice(h.indexOf('?') + 1) : '');
    else await overview();
  } catch (e) { if (e.message !== '401') $('#view').replaceChildren(el('p', { class: 'error' }, String(e))); }
  if (location.hash === h || (h === '#/' && !location.hash)) $('#view').dataset.route = h;
}

async function start() {
  applyI18n();
  $('#lang').addEventListener('click', () => {
    state.lang = state.lang === 'zh' ? 'en' : 'zh'; localStorage.setItem('djflow-lang', state.lang); applyI18n(); route();
  });
  $('#logout').addEventListener('click', async () => { await api('POST', '/api/v1/logout'); showLogin(); });
  $('#login').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData($('#login'));
    const r = await api('POST', '/api/v1/login', { name: f.get('name'), password: f.get('password') });
    if (r.status !== 200) { $('#login-error').textContent = r.data.error ? r.data.error.message : String(r.status); return; }
    $('#login-error').textContent = '';
    await loggedIn();
  });
  window.addEventListener('hashchange', route);
  await loggedIn();
}

async function loggedIn() {
  const r = await fetch('/api/v1/me?lang=' + state.lang, { credentials: 'same-origin' });
  if (r.status !== 200) { showLogin(); return; }
  state.me = await r.json();
  state.csrf = state.me.csrf || null;
  $('#login').hidden = true; $('#nav').hidden = false; $('#logout').hidden = false;
  $('#who').textContent = state.me.name + ' · ' + state.me.role_label;
  await route();
}

document.addEventListener('DOMContentLoaded', start);

// djflow web workbench. Plain JavaScript, no build step, no inline script (CSP). Every text from
// the server is put into the page with textContent, never as HTML.
'use strict';

const I18N = {
  zh: {
    overview: '概览', member: '发展党员', rectify: '整改台账', term: '换届选举', logout: '退出',
    login_title: '登录', user: '用户名', password: '密码', login: '登录', lang: 'English',
    funnel: '发展党员各阶段人数', due: '30 天内到期与已逾期', none: '（无）', subject: '对象', org: '组织',
    deadline: '期限', due_date: '到期日', status: '情况', state: '状态', stage: '阶段', search: '按姓名搜索',
    all: '全部', case_no: '事项', history: '办理记录', deadlines: '待办期限', allowed: '办理下一步',
    step: '步骤', date: '日期（默认今天）', note: '备注', ref: '文件或记录编号', record: '办理', overdue_by: '已逾期 {n} 天',
    days_left: '还剩 {n} 天', today: '今天到期', refused: '不能办理：', possible_from: '最早可办理日期：',
    recorded: '已办理', viewer_note: '查看人员只能查看，不能办理。', cases: '事项', open_only: '只看未办结',
    verify_ok: '办理记录完整，哈希链校验一致', by: '办理人',
  },
  en: {
    overview: 'Overview', member: 'Member development', rectify: 'Rectification', term: 'Elections', logout: 'Log out',
    login_title: 'Log in', user: 'User', password: 'Password', login: 'Log in', lang: '中文',
    funnel: 'Member development by stage', due: 'Due within 30 days and overdue', none: '(none)', subject: 'Subject',
    org: 'Organisation', deadline: 'Deadline', due_date: 'Due', status: 'Status', state: 'State', stage: 'Stage',
    search: 'Search by name', all: 'All', case_no: 'Case', history: 'History', deadlines: 'Open deadlines',
    allowed: 'Record the next step', step: 'Step', date: 'Date (default today)', note: 'Note', ref: 'Document or record no.',
    record: 'Record', overdue_by: 'overdue by {n} days', days_left: '{n} days left', today: 'due today',
    refused: 'Refused: ', possible_from: 'Possible from: ', recorded: 'Recorded', viewer_note: 'A viewer can only read.',
    cases: 'Cases', open_only: 'Open only', verify_ok: 'History complete; hash chain verified', by: 'by',
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
  return { status: r.status, data };
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

function daysText(d) {
  if (d.overdue) return el('span', { class: 'badge red' }, t('overdue_by', -d.days_left));
  if (d.days_left === 0) return el('span', { class: 'badge yellow' }, t('today'));
  return el('span', { class: 'badge ' + (d.days_left <= 7 ? 'yellow' : 'green') }, t('days_left', d.days_left));
}

function rowClass(d) { return d.overdue ? 'overdue' : d.days_left <= 7 ? 'soon' : 'ok'; }

function table(headers, rows) {
  return el('table', {}, el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows));
}

async function overview() {
  const view = $('#view');
  view.replaceChildren(el('h1', {}, t('overview') + ' · ' + state.me.org));
  const [cases, due] = await Promise.all([api('GET', '/api/v1/cases?workflow=member'), api('GET', '/api/v1/due?days=30')]);
  const stages = new Map();
  for (const c of cases.data) {
    const s = stages.get(c.stage) || { label: c.stage_label, n: 0 };
    s.n += 1; stages.set(c.stage, s);
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
  view.append(el('h2', {}, t('due')));
  const rows = due.data.map((d) => el('tr', { class: rowClass(d) },
    el('td', {}, el('a', { href: '#/case/' + d.case }, d.subject)), el('td', {}, d.branch),
    el('td', {}, d.workflow_label + ' · ' + d.label), el('td', {}, d.due), el('td', {}, daysText(d))));
  view.append(rows.length ? table([t('subject'), t('org'), t('deadline'), t('due_date'), t('status')], rows)
    : el('p', { class: 'muted' }, t('none')));
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
}

async function casePage(id) {
  const view = $('#view');
  const r = await api('GET', '/api/v1/cases/' + id);
  if (r.status !== 200) { view.replaceChildren(el('p', { class: 'error' }, r.data.error ? r.data.error.message : String(r.status))); return; }
  const c = r.data;
  view.replaceChildren(el('h1', {}, c.subject + ' · ' + c.workflow_label),
    el('p', {}, el('span', { class: 'badge' }, c.stage_label), ' ', c.state_label, ' · ', c.branch, ' · #' + c.id));
  const dl = c.deadlines.map((d) => el('tr', { class: rowClass(d) }, el('td', {}, d.label), el('td', {}, d.due), el('td', {}, daysText(d))));
  view.append(el('h2', {}, t('deadlines')), dl.length ? table([t('deadline'), t('due_date'), t('status')], dl) : el('p', { class: 'muted' }, t('none')));
  const tl = el('ul', { class: 'timeline', id: 'timeline' });
  for (const h of c.history) {
    const late = (h.flags || []).some((f) => String(f).startsWith('late:'));
    tl.append(el('li', { class: late ? 'late' : '' }, el('span', { class: 'date' }, h.date), h.event_label || h.event,
      h.actor ? el('span', { class: 'muted' }, ' · ' + t('by') + ' ' + h.actor) : null,
      h.note ? el('div', { class: 'muted' }, h.note) : null));
  }
  view.append(el('h2', {}, t('history')), tl);
  if (!c.allowed_steps.length) return;
  view.append(el('h2', {}, t('allowed')));
  if (state.me.role === 'viewer') { view.append(el('p', { class: 'muted' }, t('viewer_note'))); return; }
  const sel = el('select', { name: 'event', id: 'step-event' }, ...c.allowed_steps.map((s) => el('option', { value: s.event }, s.label)));
  const form = el('form', { class: 'card', id: 'step-form' },
    el('label', {}, el('span', {}, t('step')), sel),
    el('label', {}, el('span', {}, t('date')), el('input', { name: 'date', type: 'date', id: 'step-date' })),
    el('label', {}, el('span', {}, t('ref')), el('input', { name: 'ref' })),
    el('label', {}, el('span', {}, t('note')), el('textarea', { name: 'note', rows: '2' })),
    el('button', { type: 'submit', id: 'step-submit' }, t('record')), el('p', { class: 'error', id: 'step-error', role: 'alert' }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const body = { event: f.get('event'), note: f.get('note') || '', ref: f.get('ref') || '' };
    if (f.get('date')) body.date = f.get('date');
    const res = await api('POST', '/api/v1/cases/' + id + '/steps', body);
    if (res.status === 201) { casePage(id); return; }
    const e = res.data.error || {};
    let msg = (res.status === 422 ? t('refused') : '') + (e.message || res.status);
    if (e.possible_from) msg += '\n' + t('possible_from') + e.possible_from;
    $('#step-error').textContent = msg;
  });
  view.append(form);
}

async function route() {
  if (!state.me) return;
  const h = location.hash || '#/';
  try {
    if (h.startsWith('#/case/')) await casePage(encodeURIComponent(h.slice(7)));
    else if (h.startsWith('#/cases')) await caseList(h.includes('?') ? h.slice(h.indexOf('?') + 1) : '');
    else await overview();
  } catch (e) { if (e.message !== '401') $('#view').replaceChildren(el('p', { class: 'error' }, String(e))); }
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

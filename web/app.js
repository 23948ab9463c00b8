/*
 * app.js — the marsad dashboard: a map of Libya and its neighbours (SVG,
 * equirectangular projection fitted to the view, boundaries from the
 * server), a timeline of events and fatalities per day whose brush filters
 * the map and the table, filter controls, a sortable table, and an event
 * panel showing every source article with its evidence sentences marked.
 *
 * Arabic (right to left) by default, English on a toggle. Every piece of
 * data reaches the page through textContent or SVG attributes, never as
 * markup. No dependencies, nothing from the internet: the API is /api/
 * (docs/api.md) and the boundaries come from /data/boundaries/.
 */
'use strict';
(function () {

// ---- vocabulary -------------------------------------------------------------------

const TYPES = ['Battles', 'Explosions/Remote violence', 'Violence against civilians',
  'Strategic developments', 'Protests', 'Riots'];

const COLORS = {
  'Battles': '#c0392b',
  'Explosions/Remote violence': '#e67e22',
  'Violence against civilians': '#8e44ad',
  'Strategic developments': '#2471a3',
  'Protests': '#27ae60',
  'Riots': '#8d6e63',
};

const TYPE_AR = {
  'Battles': 'معارك',
  'Explosions/Remote violence': 'تفجيرات وعنف عن بعد',
  'Violence against civilians': 'عنف ضد المدنيين',
  'Strategic developments': 'تطورات استراتيجية',
  'Protests': 'احتجاجات',
  'Riots': 'أعمال شغب',
};

const SUB_AR = {
  'Armed clash': 'اشتباك مسلح',
  'Government regains territory': 'استعادة الحكومة لمناطق',
  'Non-state actor overtakes territory': 'سيطرة جماعة غير حكومية على مناطق',
  'Air/drone strike': 'غارة جوية أو بطائرة مسيّرة',
  'Suicide bomb': 'تفجير انتحاري',
  'Shelling/artillery/missile attack': 'قصف مدفعي أو صاروخي',
  'Remote explosive/landmine/IED': 'عبوة ناسفة أو لغم',
  'Grenade': 'قنبلة يدوية',
  'Chemical weapon': 'سلاح كيميائي',
  'Attack': 'هجوم',
  'Abduction/forced disappearance': 'اختطاف أو إخفاء قسري',
  'Sexual violence': 'عنف جنسي',
  'Non-violent transfer of territory': 'انتقال السيطرة دون قتال',
  'Headquarters or base established': 'إنشاء مقر أو قاعدة',
  'Arrests': 'اعتقالات',
  'Looting/property destruction': 'نهب أو تدمير ممتلكات',
  'Disrupted weapons use': 'إحباط استخدام سلاح',
  'Agreement': 'اتفاق',
  'Change to group/activity': 'تغيّر في الجماعة أو نشاطها',
  'Other': 'أخرى',
  'Peaceful protest': 'احتجاج سلمي',
  'Protest with intervention': 'احتجاج مع تدخل',
  'Excessive force against protesters': 'قوة مفرطة ضد المحتجين',
  'Violent demonstration': 'مظاهرة عنيفة',
  'Mob violence': 'عنف جماعي',
};

// Arabic nouns after a number, by the plural category of the number
// (Intl.PluralRules: one, two, few 3-10, many 11-99, other 100, 200...).
const NOUNS_AR = {
  event: {zero: 'حدث', one: 'حدث', two: 'حدثان', few: 'أحداث', many: 'حدثًا', other: 'حدث'},
  killed: {zero: 'قتيل', one: 'قتيل', two: 'قتيلان', few: 'قتلى', many: 'قتيلًا', other: 'قتيل'},
  article: {zero: 'مقال', one: 'مقال', two: 'مقالان', few: 'مقالات', many: 'مقالًا', other: 'مقال'},
  source: {zero: 'مصدر', one: 'مصدر', two: 'مصدران', few: 'مصادر', many: 'مصدرًا', other: 'مصدر'},
  mention: {zero: 'إشارة', one: 'إشارة', two: 'إشارتان', few: 'إشارات', many: 'إشارةً', other: 'إشارة'},
  sentence: {zero: 'جملة', one: 'جملة', two: 'جملتان', few: 'جمل', many: 'جملةً', other: 'جملة'},
};
const PLURAL_AR = new Intl.PluralRules('ar');
function nounAr(n, noun) { return NOUNS_AR[noun][PLURAL_AR.select(n)]; }
function countAr(n, noun) { return `${fmt(n)} ${nounAr(n, noun)}`; }
function countEn(n, one, many) { return `${fmt(n)} ${n === 1 ? one : many}`; }

const I18N = {
  ar: {
    doc_title: 'مرصد — أحداث النزاع',
    title: 'مرصد',
    subtitle: 'أحداث النزاع المسلح في ليبيا وجوارها، مستخرجة من الأخبار العربية',
    kpi_events: (n) => nounAr(n, 'event'), kpi_fatalities: (n) => nounAr(n, 'killed'),
    kpi_articles: (n) => nounAr(n, 'article'),
    filters: 'تصفية الأحداث',
    f_q: 'بحث في نصوص المقالات', f_q_ph: 'مثال: سيارة مفخخة',
    f_type: 'نوع الحدث', f_from: 'من تاريخ', f_to: 'إلى تاريخ',
    f_actor: 'الجهة الفاعلة', f_actor_ph: 'داعش، الجيش الوطني…',
    f_place: 'المكان', f_place_ph: 'بنغازي، سرت…',
    f_minf: 'الحد الأدنى لعدد القتلى',
    reset: 'إعادة ضبط التصفية',
    size_legend: 'حجم الدائرة حسب عدد القتلى',
    map: 'خريطة الأحداث', zoom_reset: 'إعادة الخريطة إلى وضعها',
    timeline: 'الخط الزمني: الأحداث والقتلى يوميًا',
    brush_hint: 'اسحب على الخط الزمني لتحديد فترة، وانقر لإلغائها',
    brush_clear: 'إلغاء تحديد الفترة',
    tl_events: 'الأحداث', tl_fatalities: 'القتلى', max: (n) => `الأقصى ${fmt(n)}`,
    table: 'جدول الأحداث',
    table_count: (n, total) => n === total ? countAr(total, 'event') : `${fmt(n)} من ${countAr(total, 'event')}`,
    col_id: 'الرقم', col_date: 'التاريخ', col_type: 'النوع', col_place: 'المكان',
    col_district: 'المنطقة', col_actors: 'الأطراف', col_fatalities: 'قتلى',
    col_injured: 'جرحى', col_sources: 'مصادر',
    more: (n) => `عرض ${countAr(n, 'event')} أخرى`,
    outside: (n, names) => `${countAr(n, 'event')} خارج حدود الخريطة: ${names}`,
    vs: 'ضد',
    when: 'التاريخ', where: 'المكان', actors: 'الأطراف', confidence: 'درجة الثقة',
    reports: 'التقارير',
    reports_v: (s, m) => `${countAr(s, 'source')} (مستقلة)، ${countAr(m, 'mention')}`,
    killed: 'قتلى', injured: 'جرحى', captured: 'محتجزون',
    claims: 'الأرقام الواردة في التقارير',
    c_kind: 'الفئة', c_count: 'العدد', c_qual: 'الدقة', c_side: 'الطرف', c_attr: 'المصدر',
    q_exact: 'دقيق', q_at_least: 'على الأقل', q_at_most: 'على الأكثر', q_about: 'حوالي',
    s_actor1: 'الطرف الأول', s_actor2: 'الطرف الثاني', s_civilians: 'مدنيون', s_unknown: 'غير محدد',
    no_claims: 'لا أرقام مذكورة.',
    sources: 'المصادر والأدلة',
    evidence_n: (n) => `الأدلة: ${countAr(n, 'sentence')} مظللة`,
    source_figs: 'أرقام هذا المصدر',
    unknown_outlet: 'مصدر غير مسمّى',
    near_copy: 'نسخة شبه مطابقة لمقال آخر',
    notes: 'ملخص آلي بالإنجليزية',
    tp: {1: 'يوم محدد', 2: 'خلال أسبوع', 3: 'خلال شهر'},
    gp: {1: 'المكان نفسه', 2: 'قرب المكان', 3: 'المنطقة فقط'},
    undated: 'دون تاريخ',
    loading: 'جارٍ التحميل…',
    error: 'تعذّر تحميل البيانات: ',
    close: 'إغلاق',
    none: 'لا أحداث تطابق التصفية.',
    sea: 'البحر المتوسط', sep: '، ',
    truncated: (n, total) => `تعرض الخريطة أول ${fmt(n)} من ${countAr(total, 'event')}؛ ضيّق التصفية لرؤية البقية`,
    same_place: (n) => `في الموقع نفسه: ${countAr(n, 'event')} أخرى`,
    tip_killed: (n) => countAr(n, 'killed'),
    tip_sources: (n) => countAr(n, 'source'),
  },
  en: {
    doc_title: 'Marsad — conflict events',
    title: 'Marsad',
    subtitle: 'Armed-conflict events in Libya and its neighbours, read from Arabic news',
    kpi_events: (n) => n === 1 ? 'event' : 'events', kpi_fatalities: (n) => n === 1 ? 'fatality' : 'fatalities',
    kpi_articles: (n) => n === 1 ? 'article' : 'articles',
    filters: 'Filter events',
    f_q: 'Search article text', f_q_ph: 'e.g. مفخخة or Benghazi',
    f_type: 'Event type', f_from: 'From', f_to: 'To',
    f_actor: 'Actor', f_actor_ph: 'Islamic State, LNA…',
    f_place: 'Place', f_place_ph: 'Benghazi, Sirte…',
    f_minf: 'Minimum fatalities',
    reset: 'Reset filters',
    size_legend: 'Circle size by fatalities',
    map: 'Map of events', zoom_reset: 'Reset the map',
    timeline: 'Timeline: events and fatalities per day',
    brush_hint: 'Drag across the timeline to select a period; click to clear it',
    brush_clear: 'Clear the period',
    tl_events: 'Events', tl_fatalities: 'Fatalities', max: (n) => `max ${fmt(n)}`,
    table: 'Events',
    table_count: (n, total) => n === total ? countEn(total, 'event', 'events') : `${fmt(n)} of ${countEn(total, 'event', 'events')}`,
    col_id: 'ID', col_date: 'Date', col_type: 'Type', col_place: 'Place',
    col_district: 'District', col_actors: 'Actors', col_fatalities: 'Killed',
    col_injured: 'Injured', col_sources: 'Sources',
    more: (n) => `Show ${fmt(n)} more`,
    outside: (n, names) => `${countEn(n, 'event', 'events')} outside the map: ${names}`,
    vs: 'vs',
    when: 'Date', where: 'Place', actors: 'Actors', confidence: 'Confidence',
    reports: 'Reports',
    reports_v: (s, m) => `${countEn(s, 'independent source', 'independent sources')}, ${countEn(m, 'mention', 'mentions')}`,
    killed: 'Killed', injured: 'Injured', captured: 'Captured',
    claims: 'Figures reported',
    c_kind: 'Kind', c_count: 'Count', c_qual: 'Qualifier', c_side: 'Side', c_attr: 'Attributed to',
    q_exact: 'exact', q_at_least: 'at least', q_at_most: 'at most', q_about: 'about',
    s_actor1: 'actor 1', s_actor2: 'actor 2', s_civilians: 'civilians', s_unknown: 'unknown',
    no_claims: 'No figures reported.',
    sources: 'Sources and evidence',
    evidence_n: (n) => `${countEn(n, 'evidence sentence', 'evidence sentences')} highlighted`,
    source_figs: 'This source reports',
    unknown_outlet: 'Unnamed outlet',
    near_copy: 'near-copy of another article',
    notes: 'Generated summary',
    tp: {1: 'exact day', 2: 'within a week', 3: 'within a month'},
    gp: {1: 'the place itself', 2: 'near the place', 3: 'region only'},
    undated: 'undated',
    loading: 'Loading…',
    error: 'Could not load data: ',
    close: 'Close',
    none: 'No events match the filters.',
    sea: 'Mediterranean Sea', sep: ', ',
    truncated: (n, total) => `the map shows the first ${fmt(n)} of ${countEn(total, 'event', 'events')}; narrow the filters to see the rest`,
    same_place: (n) => `${countEn(n, 'other event', 'other events')} at the same spot`,
    tip_killed: (n) => `${fmt(n)} killed`,
    tip_sources: (n) => countEn(n, 'source', 'sources'),
  },
};

// Places named on the map for orientation (lon/lat from Natural Earth).
const CITIES = [
  {en: 'Tripoli', ar: 'طرابلس', lon: 13.18, lat: 32.89},
  {en: 'Misrata', ar: 'مصراتة', lon: 15.09, lat: 32.38},
  {en: 'Sirte', ar: 'سرت', lon: 16.59, lat: 31.21},
  {en: 'Benghazi', ar: 'بنغازي', lon: 20.07, lat: 32.12},
  {en: 'Derna', ar: 'درنة', lon: 22.64, lat: 32.77},
  {en: 'Tobruk', ar: 'طبرق', lon: 23.96, lat: 32.08},
  {en: 'Sabha', ar: 'سبها', lon: 14.43, lat: 27.04},
  {en: 'Kufra', ar: 'الكفرة', lon: 23.31, lat: 24.18},
  {en: 'Ghat', ar: 'غات', lon: 10.17, lat: 24.96},
];
// Where each country's name goes (inside its visible part).
const COUNTRY_LABELS = {
  LY: {lon: 17.8, lat: 27.4, size: 22},
  TN: {lon: 9.3, lat: 33.9, size: 13},
  DZ: {lon: 6.0, lat: 27.0, size: 15},
  NE: {lon: 10.5, lat: 19.6, size: 15},
  TD: {lon: 18.8, lat: 19.6, size: 15},
  SD: {lon: 27.5, lat: 19.4, size: 15},
  EG: {lon: 28.6, lat: 27.0, size: 15},
};
// The part of the world the map opens on: Libya with a margin; widened or
// heightened to the shape of the view.
const BASE = {west: 8.3, east: 26.3, south: 18.9, north: 35.3};
const LAT0 = 26.5; // standard parallel of the equirectangular projection

// ---- state -----------------------------------------------------------------------------

const state = {
  lang: 'ar',
  meta: null,
  countries: null, districts: null,      // GeoJSON
  events: [], total: 0, days: [],
  filters: {q: '', types: new Set(TYPES), from: '', to: '', actor: '', place: '', minf: 0},
  sort: {key: 'date', dir: -1},
  rows: 300,
  selected: null,
  proj: null,
  zoom: {k: 1, x: 0, y: 0},
  seq: 0,
};

const $ = (id) => document.getElementById(id);
const SVGNS = 'http://www.w3.org/2000/svg';

function t(key) {
  const v = I18N[state.lang][key];
  return v === undefined ? key : v;
}
function fmt(n) {
  return Number(n).toLocaleString(state.lang === 'ar' ? 'ar-u-nu-latn' : 'en-GB');
}
function fmtDate(iso) {
  if (!iso) return t('undated');
  const d = new Date(iso + 'T00:00:00Z');
  if (isNaN(d)) return iso;
  return new Intl.DateTimeFormat(state.lang === 'ar' ? 'ar-u-nu-latn' : 'en-GB',
    {day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC'}).format(d);
}
function typeLabel(type) { return state.lang === 'ar' ? (TYPE_AR[type] || type) : type; }
function subLabel(sub) { return state.lang === 'ar' ? (SUB_AR[sub] || sub) : sub; }

// Builds an element; text only ever goes in through textContent.
function el(tag, props, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids) if (kid !== null && kid !== undefined && kid !== false)
    e.append(kid instanceof Node ? kid : String(kid));
  return e;
}
function svgEl(tag, attrs, text) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {}))
    if (v !== undefined && v !== null) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function countryName(code) {
  const c = state.meta && state.meta.countries.find((x) => x.code === code);
  if (!c) return code || '';
  return state.lang === 'ar' ? c.name_ar : c.name;
}
function districtName(admin1) {
  const d = state.meta && state.meta.districts.find((x) => x.name === admin1);
  return d && state.lang === 'ar' ? d.name_ar : admin1;
}
function placeLabel(ev) {
  const l = ev.location || {};
  if (state.lang === 'ar') return l.mention || l.name || '';
  return l.name || l.mention || '';
}
function regionLabel(ev) {
  const l = ev.location || {};
  if (l.admin1) return districtName(l.admin1) + (l.country && l.country !== 'LY' ? t('sep') + countryName(l.country) : '');
  return countryName(l.country);
}
function actorLabel(a) {
  if (!a) return '';
  return state.lang === 'ar' ? (a.mention || a.name || '') : (a.name || a.mention || '');
}

// ---- server ------------------------------------------------------------------------

async function api(path, params) {
  const u = new URL(path, location.href);
  for (const [k, v] of Object.entries(params || {}))
    if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, v);
  const r = await fetch(u, {headers: {Accept: 'application/json'}});
  let body = null;
  try { body = await r.json(); } catch (e) { body = null; }
  if (!r.ok) throw new Error((body && body.error) || `${r.status} ${r.statusText}`);
  return body;
}

function showStatus(msg) {
  const s = $('status');
  s.textContent = msg || '';
  s.hidden = !msg;
}

function filterParams(withDates) {
  const f = state.filters, p = {};
  if (f.q) p.q = f.q;
  if (f.actor) p.actor = f.actor;
  if (f.place) p.place = f.place;
  if (f.minf > 0) p.min_fatalities = f.minf;
  if (f.types.size && f.types.size < TYPES.length) p.type = [...f.types].join(',');
  if (withDates) {
    if (f.from) p.from = f.from;
    if (f.to) p.to = f.to;
  }
  return p;
}

// Fetches what the filters select and redraws; the timeline (which shows
// every date, to brush in) only when a filter other than the dates changed.
async function reload(withTimeline) {
  const my = ++state.seq;
  document.body.dataset.state = 'loading';
  try {
    if (state.filters.types.size === 0) {
      state.events = [];
      state.total = 0;
      if (withTimeline) state.days = [];
      renderAll(withTimeline, {events: 0, fatalities: 0});
    } else {
      const [ev, kpi, tl] = await Promise.all([
        api('/api/events', {...filterParams(true), limit: 5000, compact: 1}),
        api('/api/aggregate', {...filterParams(true), by: 'type'}),
        withTimeline ? api('/api/aggregate', {...filterParams(false), by: 'day'}) : null,
      ]);
      if (my !== state.seq) return;
      state.events = ev.events;
      state.total = ev.total;
      if (tl) state.days = tl.buckets;
      renderAll(withTimeline, kpi.total);
    }
    showStatus('');
  } catch (e) {
    if (my !== state.seq) return;
    showStatus(t('error') + e.message);
  }
  if (my === state.seq) document.body.dataset.state = 'ready';
}

function drawKpis() {
  const k = state.totals;
  if (!k || !state.meta) return;
  const set = (id, n, key) => {
    $('kpi-' + id).textContent = fmt(n);
    $('kpi-' + id + '-label').textContent = t(key)(n);
  };
  set('events', k.events, 'kpi_events');
  set('fatalities', k.fatalities, 'kpi_fatalities');
  set('articles', state.meta.stats.articles, 'kpi_articles');
}

function renderAll(withTimeline, totals) {
  state.totals = totals;
  drawKpis();
  drawEvents();
  drawTimeline();
  drawTable();
}

// ---- map ----------------------------------------------------------------------------------

// Equirectangular projection fitted to the view: x grows with longitude
// scaled by cos(LAT0), y with latitude; one SVG unit is one CSS pixel.
function fitProjection(W, H) {
  const kx = Math.cos(LAT0 * Math.PI / 180);
  let {west, east, south, north} = BASE;
  const wantAspect = W / H;
  const aspect = ((east - west) * kx) / (north - south);
  if (aspect < wantAspect) {
    const span = (north - south) * wantAspect / kx, c = (west + east) / 2;
    west = c - span / 2; east = c + span / 2;
  } else {
    const span = (east - west) * kx / wantAspect, c = (south + north) / 2;
    south = c - span / 2; north = c + span / 2;
  }
  const k = W / ((east - west) * kx);
  return {
    west, east, south, north, W, H,
    xy: (lon, lat) => [(lon - west) * kx * k, (north - lat) * k],
    inside: (lon, lat) => lon >= west && lon <= east && lat >= south && lat <= north,
  };
}

function geoPath(geom, p) {
  const polys = geom.type === 'Polygon' ? [geom.coordinates]
    : geom.type === 'MultiPolygon' ? geom.coordinates : [];
  const out = [];
  for (const poly of polys) for (const ring of poly) {
    let lx = NaN, ly = NaN, n = 0;
    ring.forEach(([lon, lat], i) => {
      const [x, y] = p.xy(lon, lat);
      if (i && i < ring.length - 1 && Math.abs(x - lx) < 0.6 && Math.abs(y - ly) < 0.6) return;
      out.push((n ? 'L' : 'M') + x.toFixed(1) + ',' + y.toFixed(1));
      lx = x; ly = y; n++;
    });
    out.push('Z');
  }
  return out.join('');
}

function radius(f) { return Math.min(30, 4 + 2.3 * Math.sqrt(Math.max(0, f))); }

function drawMapBase() {
  const svg = $('map');
  const wrap = svg.parentElement;
  const W = Math.max(300, wrap.clientWidth), H = Math.max(240, wrap.clientHeight);
  const p = state.proj = fitProjection(W, H);
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.dataset.west = p.west; svg.dataset.east = p.east;
  svg.dataset.south = p.south; svg.dataset.north = p.north;
  svg.dataset.width = W; svg.dataset.height = H;
  svg.dataset.projection = 'equirectangular';
  svg.dataset.lat0 = LAT0;
  svg.replaceChildren();
  const vp = svgEl('g', {id: 'viewport'});
  svg.append(vp);
  const gC = svgEl('g', {id: 'countries'}), gD = svgEl('g', {id: 'districts'});
  const gL = svgEl('g', {id: 'labels-under'}), gE = svgEl('g', {id: 'events-layer'});
  const gT = svgEl('g', {id: 'labels-over'});
  vp.append(gC, gD, gL, gE, gT);
  for (const f of state.countries.features) {
    const code = f.properties.ISO_A2;
    const path = svgEl('path', {d: geoPath(f.geometry, p), class: 'country' + (code === 'LY' ? ' ly' : ''),
      'data-code': code});
    path.append(svgEl('title', {}, countryName(code)));
    gC.append(path);
  }
  const byShape = {};
  for (const d of state.meta.districts) if (!byShape[d.shape]) byShape[d.shape] = d;
  for (const f of state.districts.features) {
    const d = byShape[f.properties.shapeName];
    const name = d ? (state.lang === 'ar' ? d.name_ar : d.name) : f.properties.shapeName;
    const path = svgEl('path', {d: geoPath(f.geometry, p), class: 'district',
      'data-shape': f.properties.shapeName, 'data-admin1': d ? d.name : ''});
    path.append(svgEl('title', {}, name));
    gD.append(path);
  }
  drawMapLabels();
  drawEvents();
  applyZoom();
}

function drawMapLabels() {
  const p = state.proj;
  const gL = $('labels-under'), gT = $('labels-over');
  if (!gL) return;
  gL.replaceChildren();
  gT.replaceChildren();
  for (const [code, pos] of Object.entries(COUNTRY_LABELS)) {
    if (!p.inside(pos.lon, pos.lat)) continue;
    const [x, y] = p.xy(pos.lon, pos.lat);
    gL.append(svgEl('text', {x, y, 'text-anchor': 'middle', class: 'label country-label' + (code === 'LY' ? ' ly' : ''),
      'font-size': pos.size, 'data-size': pos.size, 'stroke-width': 3}, countryName(code)));
  }
  const [sx, sy] = p.xy(18.3, 33.5);
  if (p.inside(18.3, 33.5))
    gL.append(svgEl('text', {x: sx, y: sy, 'text-anchor': 'middle', class: 'label sea', 'font-size': 14, 'data-size': 14}, t('sea')));
  for (const c of CITIES) {
    if (!p.inside(c.lon, c.lat)) continue;
    const [x, y] = p.xy(c.lon, c.lat);
    gT.append(svgEl('circle', {cx: x, cy: y, r: 2, 'data-r': 2, class: 'city-dot'}));
    gT.append(svgEl('text', {x, y: y + 13, 'data-x': x, 'data-y': y, 'data-dy': 13,
      'text-anchor': 'middle', class: 'label city', 'font-size': 12, 'data-size': 12, 'stroke-width': 3},
      state.lang === 'ar' ? c.ar : c.en));
  }
}

function drawEvents() {
  const g = $('events-layer');
  if (!g || !state.proj) return;
  const p = state.proj;
  g.replaceChildren();
  const outside = [];
  // the largest first, so that small circles stay on top and clickable
  const evs = [...state.events].sort((a, b) => b.fatalities - a.fatalities || a.id - b.id);
  for (const ev of evs) {
    const l = ev.location;
    if (!l || l.lat === null || l.lon === null || !p.inside(l.lon, l.lat)) {
      outside.push(ev);
      continue;
    }
    const [x, y] = p.xy(l.lon, l.lat);
    const r = radius(ev.fatalities);
    const c = svgEl('circle', {
      cx: x.toFixed(2), cy: y.toFixed(2), r: r / state.zoom.k, 'data-r': r, class: 'ev' + (ev.id === state.selected ? ' sel' : ''),
      fill: COLORS[ev.event_type] || '#666', tabindex: 0, role: 'button',
      'data-id': ev.id, 'data-type': ev.event_type, 'data-sub': ev.sub_event_type,
      'data-date': ev.event_date || '', 'data-lon': l.lon, 'data-lat': l.lat, 'data-fatalities': ev.fatalities,
      'aria-label': `E${ev.id} ${ev.event_date || ''} ${placeLabel(ev)}`,
    });
    c.addEventListener('mouseenter', (e) => { showTip(e, ev); highlightRow(ev.id, true); });
    c.addEventListener('mousemove', (e) => moveTip(e));
    c.addEventListener('mouseleave', () => { hideTip(); highlightRow(ev.id, false); });
    c.addEventListener('click', (e) => { e.stopPropagation(); hideTip(); openEvent(ev.id); });
    c.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); openEvent(ev.id); } });
    g.append(c);
  }
  placeCityLabels();
  const names = [...new Set(outside.map((e) => placeLabel(e) || countryName(e.location && e.location.country)))];
  const notes = [];
  if (state.total > state.events.length) notes.push(t('truncated')(state.events.length, state.total));
  if (outside.length)
    notes.push(t('outside')(outside.length, names.slice(0, 6).join(t('sep')) + (names.length > 6 ? '…' : '')));
  $('map-note').textContent = notes.join(' — ');
}

// A city's name goes below the largest circle drawn on the city, so that
// names and circles never cover each other.
function placeCityLabels() {
  const circles = [...document.querySelectorAll('#events-layer circle.ev')];
  for (const tx of document.querySelectorAll('#labels-over text.city')) {
    const x = +tx.dataset.x, y = +tx.dataset.y;
    let r = 2;
    for (const c of circles)
      if (Math.hypot(c.getAttribute('cx') - x, c.getAttribute('cy') - y) < 6) r = Math.max(r, +c.dataset.r);
    tx.dataset.dy = r + 11;
  }
  applyZoom();
}

function applyZoom() {
  const z = state.zoom, vp = $('viewport');
  if (!vp) return;
  vp.setAttribute('transform', `translate(${z.x.toFixed(1)},${z.y.toFixed(1)}) scale(${z.k})`);
  for (const c of vp.querySelectorAll('circle[data-r]')) c.setAttribute('r', c.dataset.r / z.k);
  for (const tx of vp.querySelectorAll('text[data-size]')) {
    tx.setAttribute('font-size', tx.dataset.size / z.k);
    tx.setAttribute('stroke-width', 3 / z.k);
    if (tx.dataset.dy !== undefined) {
      tx.setAttribute('x', +tx.dataset.x);
      tx.setAttribute('y', +tx.dataset.y + tx.dataset.dy / z.k);
    }
  }
}

function zoomAt(factor, cx, cy) {
  const z = state.zoom;
  const k = Math.min(16, Math.max(1, z.k * factor));
  const f = k / z.k;
  z.x = cx - (cx - z.x) * f;
  z.y = cy - (cy - z.y) * f;
  z.k = k;
  clampPan();
  applyZoom();
}
function clampPan() {
  const z = state.zoom, p = state.proj;
  z.x = Math.min(0, Math.max(p.W - p.W * z.k, z.x));
  z.y = Math.min(0, Math.max(p.H - p.H * z.k, z.y));
}

function bindMap() {
  const svg = $('map');
  svg.addEventListener('wheel', (e) => {
    e.preventDefault();
    const r = svg.getBoundingClientRect();
    zoomAt(e.deltaY < 0 ? 1.3 : 1 / 1.3, e.clientX - r.left, e.clientY - r.top);
  }, {passive: false});
  let drag = null;
  svg.addEventListener('pointerdown', (e) => {
    if (e.target.classList.contains('ev')) return;
    drag = {x: e.clientX, y: e.clientY, zx: state.zoom.x, zy: state.zoom.y};
    svg.setPointerCapture(e.pointerId);
    svg.classList.add('dragging');
  });
  svg.addEventListener('pointermove', (e) => {
    if (!drag) return;
    state.zoom.x = drag.zx + e.clientX - drag.x;
    state.zoom.y = drag.zy + e.clientY - drag.y;
    clampPan();
    applyZoom();
  });
  const end = () => { drag = null; svg.classList.remove('dragging'); };
  svg.addEventListener('pointerup', end);
  svg.addEventListener('pointercancel', end);
  const center = () => [state.proj.W / 2, state.proj.H / 2];
  $('zoom-in').addEventListener('click', () => zoomAt(1.5, ...center()));
  $('zoom-out').addEventListener('click', () => zoomAt(1 / 1.5, ...center()));
  $('zoom-reset').addEventListener('click', () => { state.zoom = {k: 1, x: 0, y: 0}; applyZoom(); });
}

function showTip(e, ev) {
  const tip = $('tooltip');
  tip.replaceChildren(
    el('div', {}, el('b', {text: typeLabel(ev.event_type)}), ' · ', subLabel(ev.sub_event_type)),
    el('div', {}, fmtDate(ev.event_date), ' — ', placeLabel(ev)),
    el('div', {class: 'muted'}, t('tip_killed')(ev.fatalities), ' · ', t('tip_sources')(ev.nsources), ' · E' + ev.id),
  );
  tip.hidden = false;
  moveTip(e);
}
function moveTip(e) {
  const tip = $('tooltip'), wrap = tip.parentElement.getBoundingClientRect();
  let x = e.clientX - wrap.left + 14, y = e.clientY - wrap.top + 14;
  if (x + tip.offsetWidth > wrap.width - 4) x = e.clientX - wrap.left - tip.offsetWidth - 14;
  if (y + tip.offsetHeight > wrap.height - 4) y = e.clientY - wrap.top - tip.offsetHeight - 14;
  tip.style.left = Math.max(4, x) + 'px';
  tip.style.top = Math.max(4, y) + 'px';
}
function hideTip() { $('tooltip').hidden = true; }

function drawSizeLegend() {
  const svg = $('size-legend');
  svg.replaceChildren();
  const rtl = state.lang === 'ar';
  const vals = [0, 5, 20, 50];
  let x = rtl ? 206 : 14;
  for (const v of vals) {
    const r = radius(v);
    x += rtl ? -r : r;
    svg.append(svgEl('circle', {cx: x, cy: 32 - r + 14, r, fill: '#b9b2a4', 'fill-opacity': 0.55, stroke: '#7d776b'}));
    svg.append(svgEl('text', {x, y: 60, 'text-anchor': 'middle'}, fmt(v)));
    x += rtl ? -(r + 14) : r + 14;
  }
}

// ---- timeline ----------------------------------------------------------------------------------

const DAY = 86400000;
function dayNum(iso) { return Math.round(Date.parse(iso + 'T00:00:00Z') / DAY); }
function isoOf(day) { return new Date(day * DAY).toISOString().slice(0, 10); }

function timelineGeometry() {
  const svg = $('timeline');
  const W = Math.max(300, svg.clientWidth), H = 150;
  const m = {l: 78, r: 16, t: 10, b: 22};
  const first = state.meta.first_date, last = state.meta.last_date;
  const d0 = (first ? dayNum(first) : dayNum('2014-01-01')) - 20;
  const d1 = (last ? dayNum(last) : d0 + 365) + 20;
  const x = (d) => m.l + (d - d0) / (d1 - d0) * (W - m.l - m.r);
  const dayAt = (px) => d0 + (px - m.l) / (W - m.l - m.r) * (d1 - d0);
  return {svg, W, H, m, d0, d1, x, dayAt, row1: 58, gap: 6, row2: 42};
}

function drawTimeline() {
  const G = timelineGeometry(), svg = G.svg;
  svg.setAttribute('viewBox', `0 0 ${G.W} ${G.H}`);
  svg.dataset.d0 = isoOf(G.d0); svg.dataset.d1 = isoOf(G.d1);
  svg.dataset.x0 = G.m.l; svg.dataset.x1 = G.W - G.m.r;
  svg.replaceChildren();
  const base1 = G.m.t + G.row1, top2 = base1 + G.gap;
  const days = state.days.filter((b) => b.key);
  const maxE = Math.max(1, ...days.map((b) => b.events));
  const maxF = Math.max(1, ...days.map((b) => b.fatalities));
  const w = Math.max(2, (G.x(G.d0 + 1) - G.x(G.d0)) * 0.9);
  const from = state.filters.from ? dayNum(state.filters.from) : -Infinity;
  const to = state.filters.to ? dayNum(state.filters.to) : Infinity;
  // axis: years, or months over a short span
  const axis = svgEl('g', {class: 'axis'});
  const yAxis = top2 + G.row2 + 2;
  axis.append(svgEl('line', {x1: G.m.l, x2: G.W - G.m.r, y1: base1 + G.gap / 2, y2: base1 + G.gap / 2}));
  const y0 = new Date(G.d0 * DAY).getUTCFullYear(), y1 = new Date(G.d1 * DAY).getUTCFullYear();
  const monthly = y1 - y0 < 2;
  const ticks = [];
  for (let y = y0; y <= y1; y++)
    for (let mo = 0; mo < (monthly ? 12 : 1); mo++) {
      const d = Math.round(Date.UTC(y, mo, 1) / DAY);
      if (d > G.d0 && d < G.d1) ticks.push([d, monthly ? `${y}-${String(mo + 1).padStart(2, '0')}` : String(y)]);
    }
  const every = Math.max(1, Math.ceil(ticks.length / Math.max(1, (G.W - G.m.l) / 60)));
  ticks.forEach(([d, label], i) => {
    const x = G.x(d);
    axis.append(svgEl('line', {x1: x, x2: x, y1: G.m.t, y2: yAxis, 'stroke-dasharray': '2 3'}));
    if (i % every === 0) axis.append(svgEl('text', {x, y: G.H - 6, 'text-anchor': 'middle'}, label));
  });
  svg.append(axis);
  svg.append(svgEl('text', {x: 4, y: G.m.t + 14, class: 'row-label'}, t('tl_events')));
  svg.append(svgEl('text', {x: 4, y: G.m.t + 30}, t('max')(maxE)));
  svg.append(svgEl('text', {x: 4, y: top2 + 14, class: 'row-label'}, t('tl_fatalities')));
  svg.append(svgEl('text', {x: 4, y: top2 + 30}, t('max')(maxF)));
  const bars = svgEl('g', {id: 'bars'});
  for (const b of days) {
    const d = dayNum(b.key), x = G.x(d) - w / 2;
    const out = d < from || d > to ? ' out' : '';
    const he = Math.max(1.5, b.events / maxE * G.row1);
    bars.append(svgEl('rect', {x, y: base1 - he, width: w, height: he, class: 'bar-ev' + out, 'data-day': b.key, 'data-events': b.events},
    ));
    if (b.fatalities > 0) {
      const hf = Math.max(1.5, b.fatalities / maxF * G.row2);
      bars.append(svgEl('rect', {x, y: top2, width: w, height: hf, class: 'bar-fat' + out, 'data-day': b.key, 'data-fatalities': b.fatalities}));
    }
  }
  svg.append(bars);
  if (state.filters.from || state.filters.to) {
    const bx0 = G.x(state.filters.from ? dayNum(state.filters.from) : G.d0);
    const bx1 = G.x(state.filters.to ? dayNum(state.filters.to) + 1 : G.d1);
    svg.append(svgEl('rect', {id: 'brush', class: 'brush', x: Math.max(G.m.l, bx0), y: G.m.t - 4,
      width: Math.max(1, Math.min(G.W - G.m.r, bx1) - Math.max(G.m.l, bx0)), height: G.row1 + G.gap + G.row2 + 8}));
  }
  $('brush-clear').hidden = !(state.filters.from || state.filters.to);
}

function bindTimeline() {
  const svg = $('timeline');
  let start = null;
  const px = (e) => {
    const r = svg.getBoundingClientRect(), G = timelineGeometry();
    return Math.min(G.W - G.m.r, Math.max(G.m.l, (e.clientX - r.left) * G.W / r.width));
  };
  svg.addEventListener('pointerdown', (e) => {
    start = px(e);
    svg.setPointerCapture(e.pointerId);
  });
  svg.addEventListener('pointermove', (e) => {
    if (start === null) return;
    const G = timelineGeometry(), x = px(e);
    let b = $('brush');
    if (!b) { b = svgEl('rect', {id: 'brush', class: 'brush'}); svg.append(b); }
    b.setAttribute('x', Math.min(start, x));
    b.setAttribute('width', Math.abs(x - start));
    b.setAttribute('y', G.m.t - 4);
    b.setAttribute('height', G.row1 + G.gap + G.row2 + 8);
  });
  svg.addEventListener('pointerup', (e) => {
    if (start === null) return;
    const G = timelineGeometry(), x = px(e);
    const a = Math.min(start, x), b = Math.max(start, x);
    start = null;
    if (b - a < 4) {
      setDates('', '');
    } else {
      setDates(isoOf(Math.floor(G.dayAt(a))), isoOf(Math.floor(G.dayAt(b))));
    }
  });
  $('brush-clear').addEventListener('click', () => setDates('', ''));
}

function setDates(from, to) {
  state.filters.from = from;
  state.filters.to = to;
  $('f-from').value = from;
  $('f-to').value = to;
  $('f-from').setAttribute('aria-invalid', 'false');
  $('f-to').setAttribute('aria-invalid', 'false');
  reload(false);
}

// ---- table -------------------------------------------------------------------------------

const COLUMNS = [
  {key: 'id', label: 'col_id', get: (e) => e.id},
  {key: 'date', label: 'col_date', get: (e) => e.event_date || ''},
  {key: 'type', label: 'col_type', get: (e) => typeLabel(e.event_type) + subLabel(e.sub_event_type)},
  {key: 'place', label: 'col_place', get: (e) => placeLabel(e)},
  {key: 'district', label: 'col_district', get: (e) => regionLabel(e)},
  {key: 'actors', label: 'col_actors', get: (e) => actorLabel(e.actor1) + actorLabel(e.actor2)},
  {key: 'fatalities', label: 'col_fatalities', num: true, get: (e) => e.fatalities},
  {key: 'injured', label: 'col_injured', num: true, get: (e) => e.injured},
  {key: 'sources', label: 'col_sources', num: true, get: (e) => e.nsources},
];

function drawTableHead() {
  const tr = $('events-head');
  tr.replaceChildren();
  for (const c of COLUMNS) {
    const th = el('th', {scope: 'col', 'data-key': c.key, tabindex: 0, text: t(c.label),
      'aria-sort': state.sort.key === c.key ? (state.sort.dir > 0 ? 'ascending' : 'descending') : null});
    const sort = () => {
      if (state.sort.key === c.key) state.sort.dir = -state.sort.dir;
      else state.sort = {key: c.key, dir: c.num || c.key === 'date' ? -1 : 1};
      drawTable();
    };
    th.addEventListener('click', sort);
    th.addEventListener('keydown', (e) => { if (e.key === 'Enter') sort(); });
    tr.append(th);
  }
}

function sortedEvents() {
  const c = COLUMNS.find((x) => x.key === state.sort.key) || COLUMNS[1];
  const dir = state.sort.dir;
  const coll = new Intl.Collator(state.lang);
  return [...state.events].sort((a, b) => {
    const va = c.get(a), vb = c.get(b);
    const r = typeof va === 'number' ? va - vb : coll.compare(va, vb);
    return r * dir || (a.id - b.id) * dir;
  });
}

function drawTable() {
  drawTableHead();
  const body = $('events-body');
  body.replaceChildren();
  const rows = sortedEvents();
  const shown = rows.slice(0, state.rows);
  if (!rows.length) body.append(el('tr', {}, el('td', {colspan: COLUMNS.length, class: 'sub', text: t('none')})));
  for (const e of shown) {
    const tr = el('tr', {'data-id': e.id, tabindex: 0, class: e.id === state.selected ? 'sel' : null});
    tr.append(
      el('td', {class: 'id', text: 'E' + e.id}),
      el('td', {class: 'date', text: e.event_date || t('undated')}),
      el('td', {}, el('span', {class: 'type-cell'},
        el('span', {class: 'swatch', style: null, 'data-color': COLORS[e.event_type] || '#666'}),
        typeLabel(e.event_type)), el('div', {class: 'sub', text: subLabel(e.sub_event_type)})),
      el('td', {text: placeLabel(e)}),
      el('td', {text: regionLabel(e)}),
      el('td', {}, actorLabel(e.actor1) || '—',
        e.actor2 ? el('div', {class: 'sub'}, t('vs') + ' ', actorLabel(e.actor2)) : null),
      el('td', {class: 'num', text: fmt(e.fatalities)}),
      el('td', {class: 'num', text: fmt(e.injured)}),
      el('td', {class: 'num', text: fmt(e.nsources)}),
    );
    tr.addEventListener('click', () => openEvent(e.id));
    tr.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') openEvent(e.id); });
    tr.addEventListener('mouseenter', () => highlightCircle(e.id, true));
    tr.addEventListener('mouseleave', () => highlightCircle(e.id, false));
    body.append(tr);
  }
  // colours go through the CSSOM, never through markup
  for (const s of body.querySelectorAll('.swatch[data-color]')) s.style.background = s.dataset.color;
  $('table-count').textContent = t('table_count')(state.events.length, state.total);
  const more = $('more');
  more.hidden = rows.length <= state.rows;
  more.textContent = t('more')(Math.min(300, rows.length - state.rows));
}

function highlightCircle(id, on) {
  const c = document.querySelector(`#map circle.ev[data-id="${id}"]`);
  if (c) c.classList.toggle('hl', on);
}
function highlightRow(id, on) {
  const r = document.querySelector(`#events-body tr[data-id="${id}"]`);
  if (r) r.classList.toggle('hl', on);
}

// ---- event panel ----------------------------------------------------------------------------

// The text with the byte ranges of spans (UTF-8 offsets, as the API gives
// them) wrapped in <mark>; overlapping spans are merged.
function markedText(text, spans) {
  const bytes = new TextEncoder().encode(text), dec = new TextDecoder();
  const sorted = spans.map((s) => [Math.max(0, s.start), Math.min(bytes.length, s.end)])
    .filter(([a, b]) => a < b).sort((x, y) => x[0] - y[0]);
  const merged = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push(s);
  }
  const frag = document.createDocumentFragment();
  let pos = 0;
  for (const [a, b] of merged) {
    if (a > pos) frag.append(dec.decode(bytes.subarray(pos, a)));
    frag.append(el('mark', {text: dec.decode(bytes.subarray(a, b))}));
    pos = b;
  }
  if (pos < bytes.length) frag.append(dec.decode(bytes.subarray(pos)));
  return frag;
}

function figureBox(cls, n, label) {
  return el('div', {class: 'figure ' + cls}, el('b', {text: fmt(n)}), el('span', {text: label}));
}

async function openEvent(id) {
  state.selected = id;
  for (const c of document.querySelectorAll('#map circle.ev.sel')) c.classList.remove('sel');
  const c = document.querySelector(`#map circle.ev[data-id="${id}"]`);
  if (c) c.classList.add('sel');
  for (const r of document.querySelectorAll('#events-body tr.sel')) r.classList.remove('sel');
  const row = document.querySelector(`#events-body tr[data-id="${id}"]`);
  if (row) row.classList.add('sel');
  const panel = $('panel'), body = $('panel-body');
  panel.hidden = false;
  panel.dataset.state = 'loading';
  panel.dataset.id = id;
  $('panel-title').textContent = 'E' + id;
  body.replaceChildren(el('p', {class: 'sub', text: t('loading')}));
  let ev;
  try {
    ev = await api('/api/events/E' + id);
  } catch (e) {
    body.replaceChildren(el('p', {class: 'status', text: t('error') + e.message}));
    panel.dataset.state = 'error';
    return;
  }
  if (state.selected !== id) return;
  renderEvent(ev);
  const cards = [...body.querySelectorAll('.source[data-doc]')];
  await Promise.all(cards.map(async (card, i) => {
    const src = ev.sources[i];
    const box = card.querySelector('.article');
    try {
      const art = await api('/api/articles/' + encodeURIComponent(src.doc_id));
      box.replaceChildren(markedText(art.text, src.evidence || []));
      const first = box.querySelector('mark');
      if (first) box.scrollTop = Math.max(0, first.offsetTop - box.offsetTop - 40);
    } catch (e) {
      box.replaceChildren(el('span', {class: 'sub', text: t('error') + e.message}));
    }
  }));
  if (state.selected === id) panel.dataset.state = 'ready';
}

function renderEvent(ev) {
  const body = $('panel-body');
  $('panel-title').replaceChildren(`${typeLabel(ev.event_type)} — ${placeLabel(ev)} — `,
    el('bdi', {dir: 'ltr', text: ev.event_date || t('undated')}));
  const color = COLORS[ev.event_type] || '#666';
  const badge = el('span', {class: 'badge'}, typeLabel(ev.event_type) + ' · ' + subLabel(ev.sub_event_type));
  badge.style.background = color;
  const l = ev.location || {};
  const facts = el('dl', {class: 'facts'},
    el('dt', {text: t('when')}), el('dd', {}, fmtDate(ev.event_date), ' ', el('span', {class: 'sub', text: '(' + (t('tp')[ev.time_precision] || '') + ')'})),
    el('dt', {text: t('where')}), el('dd', {}, placeLabel(ev), l.name && state.lang === 'ar' ? el('span', {class: 'sub'}, ' ', el('bdi', {text: `(${l.name})`})) : null,
      ' — ', regionLabel(ev), ' ', el('span', {class: 'sub', text: '(' + (t('gp')[l.geo_precision] || '') + ')'})),
    el('dt', {text: t('actors')}), el('dd', {}, actorBlock(ev.actor1), ev.actor2 ? el('div', {}, el('span', {class: 'sub', text: t('vs') + ' '}), actorBlock(ev.actor2)) : null),
    el('dt', {text: t('reports')}), el('dd', {text: t('reports_v')(ev.nsources, ev.nmentions)}),
    el('dt', {text: t('confidence')}), el('dd', {text: fmt(Math.round(ev.confidence * 100)) + '%'}),
  );
  const figures = el('div', {class: 'figures'},
    figureBox('killed', ev.fatalities, t('killed')), figureBox('', ev.injured, t('injured')),
    figureBox('', ev.captured, t('captured')));
  const notes = el('div', {class: 'notes', lang: 'en', title: t('notes'), text: ev.notes || ''});
  const claims = ev.claims && ev.claims.length ? el('table', {class: 'claims'},
    el('thead', {}, el('tr', {}, ...['c_kind', 'c_count', 'c_qual', 'c_side', 'c_attr'].map((k) => el('th', {text: t(k)})))),
    el('tbody', {}, ...ev.claims.map((c) => el('tr', {},
      el('td', {text: t(c.kind) || c.kind}), el('td', {class: 'num', text: fmt(c.count)}),
      el('td', {text: t('q_' + c.qualifier)}), el('td', {text: t('s_' + c.side)}),
      el('td', {class: 'ar', text: c.attributed_to || '—'})))))
    : el('p', {class: 'sub', text: t('no_claims')});
  const sources = ev.sources.map((s) => el('article', {class: 'source', 'data-doc': s.doc_id},
    el('div', {class: 'source-head'},
      el('div', {class: 'source-title', lang: 'ar', text: s.title || s.doc_id}),
      el('div', {class: 'source-meta'},
        el('span', {text: s.source || t('unknown_outlet')}),
        el('span', {text: s.published ? s.published.slice(0, 10) : ''}),
        el('span', {text: `${t('source_figs')}: ${t('killed')} ${fmt(s.fatalities)}${t('sep')}${t('injured')} ${fmt(s.injured)}${t('sep')}${t('captured')} ${fmt(s.captured)}`}),
        el('span', {text: t('evidence_n')((s.evidence || []).length)}),
        s.duplicate_of ? el('span', {text: t('near_copy')}) : null,
        s.url ? el('a', {href: safeUrl(s.url), rel: 'noreferrer noopener', target: '_blank', text: s.url}) : null)),
    el('p', {class: 'article', lang: 'ar', dir: 'rtl', text: t('loading')})));
  // events drawn on the same spot hide each other on the map: list them
  const near = state.events.filter((e) => e.id !== ev.id && e.location && l &&
    e.location.lat === l.lat && e.location.lon === l.lon);
  const nearBox = near.length ? [el('h3', {text: t('same_place')(near.length)}),
    el('div', {class: 'same-place'}, ...near.slice(0, 30).map((e) => {
      const b = el('button', {type: 'button', class: 'chip', 'data-id': e.id},
        el('span', {class: 'swatch'}), el('bdi', {dir: 'ltr', text: e.event_date || t('undated')}),
        ' ' + subLabel(e.sub_event_type) + (e.fatalities ? ' · ' + t('tip_killed')(e.fatalities) : ''));
      b.querySelector('.swatch').style.background = COLORS[e.event_type] || '#666';
      b.addEventListener('click', () => openEvent(e.id));
      return b;
    }))] : [];
  body.replaceChildren(badge, facts, figures, notes,
    el('h3', {text: t('claims')}), claims,
    el('h3', {text: t('sources')}), ...sources, ...nearBox);
}

function actorBlock(a) {
  if (!a) return el('span', {class: 'sub', text: '—'});
  const main = state.lang === 'ar' ? a.mention || a.name : a.name || a.mention;
  const other = state.lang === 'ar' ? a.name : a.mention;
  return el('span', {}, el('bdi', {text: main || ''}),
    other && other !== main ? el('span', {class: 'sub'}, ' ', el('bdi', {text: `(${other})`})) : null);
}

// Only http(s) links leave the page; anything else becomes inert.
function safeUrl(u) {
  try {
    const x = new URL(u);
    return x.protocol === 'http:' || x.protocol === 'https:' ? x.href : '#';
  } catch (e) { return '#'; }
}

function closePanel() {
  $('panel').hidden = true;
  state.selected = null;
  for (const c of document.querySelectorAll('#map circle.ev.sel')) c.classList.remove('sel');
  for (const r of document.querySelectorAll('#events-body tr.sel')) r.classList.remove('sel');
}

// ---- filters and language ----------------------------------------------------------------

function drawTypeFilters() {
  const box = $('f-types');
  box.replaceChildren();
  for (const ty of TYPES) {
    const m = state.meta.types.find((x) => x.type === ty) || {events: 0};
    const cb = el('input', {type: 'checkbox', value: ty, checked: state.filters.types.has(ty)});
    cb.addEventListener('change', () => {
      if (cb.checked) state.filters.types.add(ty); else state.filters.types.delete(ty);
      reload(true);
    });
    const sw = el('span', {class: 'swatch'});
    sw.style.background = COLORS[ty];
    box.append(el('label', {class: 'type-opt' + (m.events ? '' : ' empty'), 'data-type': ty},
      cb, sw, el('span', {text: typeLabel(ty)}), el('span', {class: 'count', text: fmt(m.events)})));
  }
}

function applyLang() {
  const L = state.lang;
  document.documentElement.lang = L;
  document.documentElement.dir = L === 'ar' ? 'rtl' : 'ltr';
  document.title = t('doc_title');
  for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
  for (const e of document.querySelectorAll('[data-i18n-placeholder]')) e.placeholder = t(e.dataset.i18nPlaceholder);
  for (const e of document.querySelectorAll('[data-i18n-aria]')) e.setAttribute('aria-label', t(e.dataset.i18nAria));
  for (const e of document.querySelectorAll('[data-i18n-title]')) e.title = t(e.dataset.i18nTitle);
  const b = $('lang');
  b.textContent = L === 'ar' ? 'English' : 'العربية';
  b.lang = L === 'ar' ? 'en' : 'ar';
  drawSizeLegend();
}

function bindFilters() {
  let timer = null;
  const later = (fn) => { clearTimeout(timer); timer = setTimeout(fn, 300); };
  const text = (id, key) => $(id).addEventListener('input', (e) => {
    state.filters[key] = e.target.value.trim();
    later(() => reload(true));
  });
  text('f-q', 'q');
  text('f-actor', 'actor');
  text('f-place', 'place');
  $('f-minf').addEventListener('input', (e) => {
    const v = parseInt(e.target.value, 10);
    state.filters.minf = v > 0 ? v : 0;
    later(() => reload(true));
  });
  // dates are typed as YYYY-MM-DD (as in the API and the tables); a date
  // that is not a real day is marked and not applied
  const validDate = (v) => {
    const d = new Date(v + 'T00:00:00Z');
    return /^\d{4}-\d{2}-\d{2}$/.test(v) && !isNaN(d) && d.toISOString().slice(0, 10) === v;
  };
  const date = (id, key) => $(id).addEventListener('change', (e) => {
    const v = e.target.value.trim();
    const ok = v === '' || validDate(v);
    e.target.setAttribute('aria-invalid', ok ? 'false' : 'true');
    if (!ok) return;
    state.filters[key] = v;
    if (state.filters.from && state.filters.to && state.filters.from > state.filters.to) {
      const o = key === 'from' ? 'to' : 'from';
      state.filters[o] = v;
      $('f-' + o).value = v;
    }
    reload(false);
  });
  date('f-from', 'from');
  date('f-to', 'to');
  $('reset').addEventListener('click', () => {
    state.filters = {q: '', types: new Set(TYPES), from: '', to: '', actor: '', place: '', minf: 0};
    for (const id of ['f-q', 'f-actor', 'f-place', 'f-minf', 'f-from', 'f-to']) {
      $(id).value = '';
      $(id).removeAttribute('aria-invalid');
    }
    drawTypeFilters();
    reload(true);
  });
  $('lang').addEventListener('click', () => {
    state.lang = state.lang === 'ar' ? 'en' : 'ar';
    applyLang();
    drawKpis();
    drawTypeFilters();
    drawMapBase();
    drawTimeline();
    drawTable();
    if (state.selected !== null && !$('panel').hidden) openEvent(state.selected);
  });
  $('more').addEventListener('click', () => { state.rows += 300; drawTable(); });
  $('panel-close').addEventListener('click', closePanel);
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') closePanel(); });
  let rt = null;
  window.addEventListener('resize', () => {
    clearTimeout(rt);
    rt = setTimeout(() => { drawMapBase(); drawTimeline(); }, 150);
  });
}

async function init() {
  applyLang();
  bindFilters();
  bindMap();
  bindTimeline();
  document.body.dataset.state = 'loading';
  try {
    state.meta = await api('/api/meta');
    const pick = (re) => state.meta.boundaries.find((u) => re.test(u));
    const [countries, districts] = await Promise.all([
      api(pick(/admin_0/i)), api(pick(/ADM1/))]);
    state.countries = countries;
    state.districts = districts;
  } catch (e) {
    showStatus(t('error') + e.message);
    document.body.dataset.state = 'error';
    return;
  }
  drawTypeFilters();
  drawMapBase();
  await reload(true);
}

document.addEventListener('DOMContentLoaded', init);
})();

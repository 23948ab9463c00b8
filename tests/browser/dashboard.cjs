/*
 * dashboard.cjs — the dashboard in headless Chromium (Debian's chromium,
 * driven by playwright-core), over a running `marsad serve`:
 *   - the page is Arabic, right to left, and asks nothing from the internet;
 *   - the map draws the countries and the 22 districts, and one circle per
 *     event inside it, each at the projection of the event's coordinates and
 *     inside the outline of its district; the seed events are at their gold
 *     places;
 *   - unticking event types leaves only the ticked type on the map and in the
 *     table; brushing the timeline, or typing dates, keeps only the events
 *     of the period;
 *   - clicking the Benghazi car bomb of 24 May 2018 opens its sources with
 *     each evidence sentence inside a <mark>;
 *   - the English toggle turns the page left to right.
 * Screenshots: OUTDIR/map.png and OUTDIR/event.png.
 *
 * usage: node tests/browser/dashboard.cjs URL OUTDIR GOLD_DIR
 * Prints one line per check, "PASS\tname" or "FAIL\tname\tdetail", for
 * tests/cli/browser.sh; exits 1 when something could not run at all.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const [url, outDir, goldDir] = process.argv.slice(2);
if (!url || !outDir || !goldDir) {
  console.error('usage: node dashboard.cjs URL OUTDIR GOLD_DIR');
  process.exit(2);
}
const origin = new URL(url).origin;
const WAIT = 20000;

function result(ok, name, detail) {
  const line = ok ? `PASS\t${name}` : `FAIL\t${name}\t${String(detail || '').replace(/\s+/g, ' ').slice(0, 400)}`;
  process.stdout.write(line + '\n');
}

async function getJSON(p) {
  const r = await fetch(origin + p);
  if (!r.ok) throw new Error(`${p}: HTTP ${r.status}`);
  return r.json();
}

// The projection, written again from its definition: the map publishes the
// box it shows and its size; x and y are linear in lon and lat across it.
function project(box, lon, lat) {
  return [(lon - box.west) / (box.east - box.west) * box.width,
    (box.north - lat) / (box.north - box.south) * box.height];
}
function insideBox(box, lon, lat) {
  return lon >= box.west && lon <= box.east && lat >= box.south && lat <= box.north;
}
function km(lat1, lon1, lat2, lon2) {
  const r = Math.PI / 180, a = Math.sin((lat2 - lat1) * r / 2) ** 2 +
    Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin((lon2 - lon1) * r / 2) ** 2;
  return 12742 * Math.asin(Math.sqrt(a));
}
function dayNum(iso) { return Math.round(Date.parse(iso + 'T00:00:00Z') / 86400000); }

async function mapState(page) {
  return page.evaluate(() => {
    const svg = document.getElementById('map');
    const d = svg.dataset;
    const circles = [...svg.querySelectorAll('circle.ev')].map((c) => ({
      id: +c.dataset.id, type: c.dataset.type, date: c.dataset.date,
      cx: +c.getAttribute('cx'), cy: +c.getAttribute('cy'),
      lon: +c.dataset.lon, lat: +c.dataset.lat,
    }));
    return {
      box: {west: +d.west, east: +d.east, south: +d.south, north: +d.north, width: +d.width, height: +d.height},
      circles,
      countries: svg.querySelectorAll('path.country').length,
      districts: svg.querySelectorAll('path.district').length,
      rows: [...document.querySelectorAll('#events-body tr[data-id]')].map((r) => +r.dataset.id),
    };
  });
}

async function waitReady(page) {
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, {timeout: WAIT});
}

async function main() {
  fs.mkdirSync(outDir, {recursive: true});
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'marsad-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: {width: 1440, height: 900},
    locale: 'ar-LY',
    timeout: 60000,
  });
  const external = [], errors = [];
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    page.setDefaultTimeout(WAIT);
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith(origin) || u.startsWith('data:')) return route.continue();
      external.push(u);
      return route.abort();
    });

    await page.goto(url);
    await waitReady(page);
    const dir = await page.evaluate(() => [document.documentElement.dir, document.documentElement.lang]);
    result(dir[0] === 'rtl' && dir[1] === 'ar', 'page: Arabic, right to left', dir.join(' '));

    // ---- the map --------------------------------------------------------------------
    const all = (await getJSON('/api/events?limit=5000')).events;
    const meta = await getJSON('/api/meta');
    let m = await mapState(page);
    result(m.countries >= 7, 'map: Libya and its six neighbours outlined', `${m.countries} country paths`);
    result(m.districts === 22, 'map: the 22 districts of Libya outlined', `${m.districts} district paths`);
    const inside = all.filter((e) => insideBox(m.box, e.location.lon, e.location.lat));
    const drawn = new Set(m.circles.map((c) => c.id));
    const missing = inside.filter((e) => !drawn.has(e.id)).map((e) => 'E' + e.id);
    result(inside.length > 30 && missing.length === 0 && m.circles.length === inside.length,
      'map: one circle per event inside the map',
      `${m.circles.length} circles, ${inside.length} events inside, missing ${missing.join(' ')}`);
    const byId = new Map(all.map((e) => [e.id, e]));
    const off = m.circles.filter((c) => {
      const e = byId.get(c.id);
      const [x, y] = project(m.box, e.location.lon, e.location.lat);
      return Math.abs(x - c.cx) > 0.5 || Math.abs(y - c.cy) > 0.5;
    });
    result(off.length === 0, 'map: every circle at the projection of its event',
      off.slice(0, 5).map((c) => `E${c.id} at ${c.cx},${c.cy}`).join('; '));

    // each Libyan event with a district lies within that district's outline
    const shapeOf = {};
    for (const d of meta.districts) shapeOf[d.name] = d.shape;
    const wrong = await page.evaluate((evs) => {
      const bad = [];
      for (const e of evs) {
        const c = document.querySelector(`#map circle.ev[data-id="${e.id}"]`);
        const p = document.querySelector(`#map path.district[data-shape="${CSS.escape(e.shape)}"]`);
        if (!c || !p) { bad.push(`E${e.id}: no circle or district ${e.shape}`); continue; }
        const pt = new DOMPoint(+c.getAttribute('cx'), +c.getAttribute('cy'));
        let ok = p.isPointInFill(pt);
        // coasts are simplified: a harbour may sit just offshore
        for (let a = 0; !ok && a < 16; a++)
          ok = p.isPointInFill(new DOMPoint(pt.x + 4 * Math.cos(a * Math.PI / 8), pt.y + 4 * Math.sin(a * Math.PI / 8)));
        if (!ok) bad.push(`E${e.id} (${e.admin1})`);
      }
      return bad;
    }, inside.filter((e) => e.location.country === 'LY' && e.location.admin1 && shapeOf[e.location.admin1])
      .map((e) => ({id: e.id, admin1: e.location.admin1, shape: shapeOf[e.location.admin1]})));
    result(wrong.length === 0, 'map: Libyan events inside their district outline', wrong.slice(0, 8).join('; '));

    // the seed events at their gold places
    const golds = fs.readdirSync(goldDir).filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(fs.readFileSync(path.join(goldDir, f), 'utf8')));
    const placed = [], misplaced = [];
    for (const g of golds) for (const ge of g.events || []) {
      if (ge.status !== 'required' || !ge.location || ge.location.lat === undefined) continue;
      const gl = ge.location, radius = gl.radius_km || 25;
      const w = ge.date_window || [ge.date, ge.date];
      const cand = all.filter((e) => e.sources.some((s) => s.doc_id === g.doc_id) && e.event_date &&
        dayNum(e.event_date) >= dayNum(w[0]) - 1 && dayNum(e.event_date) <= dayNum(w[1]) + 1 &&
        km(e.location.lat, e.location.lon, gl.lat, gl.lon) <= radius);
      if (!cand.length || !insideBox(m.box, gl.lon, gl.lat)) continue;
      const [gx, gy] = project(m.box, gl.lon, gl.lat);
      const pxPerKm = m.box.height / ((m.box.north - m.box.south) * 111.2);
      const hit = cand.find((e) => {
        const c = m.circles.find((x) => x.id === e.id);
        return c && Math.hypot(c.cx - gx, c.cy - gy) <= radius * pxPerKm + 0.5;
      });
      (hit ? placed : misplaced).push(`${g.doc_id}/${ge.id} ${gl.name}${hit ? ' E' + hit.id : ''}`);
    }
    result(placed.length >= 4 && misplaced.length === 0, 'map: seed events drawn at their gold places',
      `placed: ${placed.join(', ')}; misplaced: ${misplaced.join(', ')}`);

    await page.screenshot({path: path.join(outDir, 'map.png')});

    // ---- filter by type ---------------------------------------------------------------
    const keep = 'Battles';
    for (const box of await page.$$('#f-types input[type=checkbox]')) {
      const v = await box.getAttribute('value');
      if (v !== keep && await box.isChecked()) {
        await box.uncheck();
        await waitReady(page);
      }
    }
    m = await mapState(page);
    const battles = (await getJSON(`/api/events?limit=5000&type=${encodeURIComponent(keep)}`)).events;
    const battlesIn = battles.filter((e) => insideBox(m.box, e.location.lon, e.location.lat));
    const others = m.circles.filter((c) => c.type !== keep);
    result(others.length === 0 && m.circles.length === battlesIn.length && battlesIn.length < inside.length,
      'filter by type: only Battles on the map',
      `${m.circles.length} circles (${others.length} of other types), API: ${battlesIn.length} inside`);
    const rowTypes = new Set(m.rows.map((id) => byId.get(id).event_type));
    result(m.rows.length === battles.length && rowTypes.size === 1 && rowTypes.has(keep),
      'filter by type: only Battles in the table', `${m.rows.length} rows, types ${[...rowTypes].join(', ')}`);

    // ---- brush the timeline over 2016 -------------------------------------------------------
    const tl = await page.evaluate(() => {
      const s = document.getElementById('timeline'), r = s.getBoundingClientRect(), d = s.dataset;
      return {left: r.left, top: r.top, width: r.width, height: r.height, vbw: s.viewBox.baseVal.width,
        d0: d.d0, d1: d.d1, x0: +d.x0, x1: +d.x1};
    });
    const xOf = (iso) => tl.left + (tl.x0 + (dayNum(iso) - dayNum(tl.d0)) / (dayNum(tl.d1) - dayNum(tl.d0)) * (tl.x1 - tl.x0)) * tl.width / tl.vbw;
    const yMid = tl.top + tl.height / 2;
    await page.mouse.move(xOf('2016-01-02'), yMid);
    await page.mouse.down();
    await page.mouse.move(xOf('2016-07-01'), yMid, {steps: 5});
    await page.mouse.move(xOf('2016-12-30'), yMid, {steps: 5});
    await page.mouse.up();
    await waitReady(page);
    const range = await page.evaluate(() => [document.getElementById('f-from').value, document.getElementById('f-to').value]);
    result(range[0].startsWith('2016-01') && range[1].startsWith('2016-12'),
      'timeline: brushing sets the period', range.join(' .. '));
    m = await mapState(page);
    const period = battles.filter((e) => e.event_date && e.event_date >= range[0] && e.event_date <= range[1] &&
      insideBox(m.box, e.location.lon, e.location.lat));
    const outOfRange = m.circles.filter((c) => !(c.date >= range[0] && c.date <= range[1]) || c.type !== keep);
    result(outOfRange.length === 0 && m.circles.length === period.length && period.length > 0 &&
      period.length < battlesIn.length,
      'filter by date: only the Battles of the brushed period on the map',
      `${m.circles.length} circles, ${outOfRange.length} outside; expected ${period.length}`);
    result(m.rows.length > 0 && m.rows.every((id) => {
      const e = byId.get(id);
      return e.event_date >= range[0] && e.event_date <= range[1];
    }), 'filter by date: the table follows the brush', `${m.rows.length} rows`);

    // ---- the same by typing the dates -------------------------------------------------------
    await page.fill('#f-from', '2017-01-01');
    await page.press('#f-from', 'Tab');
    await waitReady(page);
    await page.fill('#f-to', '2017-12-31');
    await page.press('#f-to', 'Tab');
    await waitReady(page);
    m = await mapState(page);
    const y2017 = battles.filter((e) => e.event_date && e.event_date >= '2017-01-01' && e.event_date <= '2017-12-31' &&
      insideBox(m.box, e.location.lon, e.location.lat));
    result(m.circles.length === y2017.length && y2017.length > 0 &&
      m.circles.every((c) => c.date >= '2017-01-01' && c.date <= '2017-12-31'),
      'filter by date: typed dates select the Battles of 2017', `${m.circles.length} circles, expected ${y2017.length}`);
    await page.fill('#f-to', '2017-02-30');
    await page.press('#f-to', 'Tab');
    const invalid = await page.getAttribute('#f-to', 'aria-invalid');
    result(invalid === 'true', 'filter by date: 2017-02-30 is marked as no date', `aria-invalid=${invalid}`);

    // ---- back to everything; open the Benghazi car bomb --------------------------------------
    await page.click('#reset');
    await waitReady(page);
    m = await mapState(page);
    result(m.circles.length === inside.length, 'reset: every event back on the map', `${m.circles.length}`);

    const bomb = all.find((e) => e.event_date === '2018-05-24' && e.location.name === 'Benghazi' && e.nsources >= 3);
    if (!bomb) {
      result(false, 'event panel: the Benghazi car bomb is in the store', 'no event with 3 sources');
    } else {
      // click just inside the rim of its circle: the smaller circles drawn
      // on the same spot cover its centre (and hit-testing counts strokes)
      const at = await page.evaluate((id) => {
        const c = document.querySelector(`#map circle.ev[data-id="${id}"]`);
        const b = c.getBoundingClientRect();
        return {x: b.left + b.width / 2, y: b.top + b.height / 2, r: b.width / 2};
      }, bomb.id);
      await page.mouse.click(at.x + at.r - 0.5, at.y);
      await page.waitForFunction((id) => {
        const p = document.getElementById('panel');
        return !p.hidden && p.dataset.state === 'ready' && p.dataset.id === String(id);
      }, bomb.id, {timeout: WAIT});
      const detail = await getJSON(`/api/events/E${bomb.id}`);
      const panel = await page.evaluate(() => {
        const cards = [...document.querySelectorAll('#panel .source[data-doc]')];
        return cards.map((c) => ({doc: c.dataset.doc, marks: [...c.querySelectorAll('.article mark')].map((m) => m.textContent)}));
      });
      result(panel.length === detail.sources.length && panel.length >= 3,
        'event panel: one card per source article', `${panel.length} cards, ${detail.sources.length} sources`);
      const norm = (s) => s.replace(/\s+/g, ' ').trim();
      const lost = [];
      let nmarks = 0;
      for (const s of detail.sources) {
        const card = panel.find((c) => c.doc === s.doc_id);
        const marks = card ? card.marks.map(norm) : [];
        nmarks += marks.length;
        for (const ev of s.evidence)
          if (!marks.some((mk) => mk.includes(norm(ev.text)))) lost.push(`${s.doc_id}: ${norm(ev.text).slice(0, 40)}`);
      }
      result(nmarks > 0 && lost.length === 0, 'event panel: every evidence sentence highlighted in its article',
        `${nmarks} marks; not highlighted: ${lost.slice(0, 3).join(' | ')}`);
      const title = await page.textContent('#panel-title');
      result(/بنغازي/.test(title), 'event panel: titled with the place in Arabic', title);
      await page.mouse.move(5, 895);
      await page.screenshot({path: path.join(outDir, 'event.png')});
      await page.click('#panel-close');
    }

    // ---- English ---------------------------------------------------------------------------
    await page.click('#lang');
    const en = await page.evaluate(() => [document.documentElement.dir, document.documentElement.lang,
      document.getElementById('filters-title').textContent,
      document.querySelector('#f-types .type-opt span:not(.swatch):not(.count)').textContent]);
    result(en[0] === 'ltr' && en[1] === 'en' && en[2] === 'Filter events' && en[3] === 'Battles',
      'English toggle: left to right, English labels', en.join(' | '));
    await page.click('#lang');

    result(external.length === 0, 'offline: nothing requested beyond the server', external.slice(0, 3).join(' '));
    result(errors.length === 0, 'no script errors', errors.slice(0, 3).join(' | '));
  } finally {
    await ctx.close();
    fs.rmSync(profile, {recursive: true, force: true});
  }
}

const timer = setTimeout(() => {
  result(false, 'browser test finished in time', 'over 150 s');
  process.exit(1);
}, 150000);
main().then(() => { clearTimeout(timer); }).catch((e) => {
  result(false, 'browser test ran to the end', e && e.stack ? e.stack.split('\n').slice(0, 3).join(' ') : e);
  clearTimeout(timer);
  process.exit(1);
});

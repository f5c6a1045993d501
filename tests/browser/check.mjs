// Browser checks for a built report: every page at a desktop and a phone
// width in headless Chromium, served from 127.0.0.1 only.
//
// Fails on a console error, a failed request, a page wider than the
// window (horizontal overflow), any WCAG 2.1 A/AA violation found by
// axe-core, a chart data table that does not print, or a chart whose
// texts collide: every <text> of every shown
// chart is measured by the browser (getBoundingClientRect), and two that
// overlap, or one that leaves its chart, fail the page. Chart embed pages
// (figures/**.html) are checked like pages. Screenshots go to the folder
// given second, to be looked at.
//
// What a search engine and a social network read is checked too: by
// Lighthouse's SEO audits on every page (it runs here, offline, against
// this Chromium), and by our own checks of the same things: a title, a
// description, a language, crawlable links with their own words, no
// `noindex` but on embed pages, a valid robots.txt; and when the site was
// built with a base URL (the third argument, whose port the server takes),
// a canonical address for each page and an og:image that loads as a
// 1200 x 630 PNG. An address the site does not have gets its 404 page,
// as on GitHub Pages; at any depth it must be styled, with a working
// home link.
//
//   node check.mjs SITE_DIR SCREENSHOT_DIR [BASE_URL]
import { createServer } from 'node:http';
import { readFile, readdir, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

const [site, shots, builtFor] = process.argv.slice(2);
if (!site || !shots) {
  console.error('usage: node check.mjs SITE_DIR SCREENSHOT_DIR');
  process.exit(2);
}
const root = path.resolve(site);
const widths = [1280, 375];
const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.otf': 'font/otf', '.woff2': 'font/woff2', '.csv': 'text/csv; charset=utf-8', '.txt': 'text/plain' };

/** Every index.html under the site, and every chart embed page, as URL paths. */
async function pages(dir, prefix = '/') {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) out.push(...await pages(path.join(dir, entry.name), `${prefix}${entry.name}/`));
    else if (entry.name === 'index.html') out.push(prefix);
    else if (prefix.startsWith('/figures/') && entry.name.endsWith('.html')) out.push(`${prefix}${entry.name}`);
  }
  return out.sort();
}

/** In the page: texts of shown charts that overlap another or leave their chart. */
function chartTextProblems() {
  const out = [];
  const slack = 1;
  for (const svg of document.querySelectorAll('svg.chart-svg')) {
    const frame = svg.getBoundingClientRect();
    if (frame.width === 0 || frame.height === 0) continue; // the drawing for the other width
    const name = svg.querySelector('title')?.textContent ?? svg.id;
    const boxes = [...svg.querySelectorAll('text')]
      .map((t) => ({ text: t.textContent.trim(), box: t.getBoundingClientRect() }))
      .filter((t) => t.text && t.box.width > 0);
    for (const [i, a] of boxes.entries()) {
      const b = a.box;
      if (b.left < frame.left - slack || b.right > frame.right + slack || b.top < frame.top - slack || b.bottom > frame.bottom + slack) {
        out.push(`chart "${name}": "${a.text}" leaves the chart`);
      }
      for (const o of boxes.slice(i + 1)) {
        const c = o.box;
        const x = Math.min(b.right, c.right) - Math.max(b.left, c.left);
        const y = Math.min(b.bottom, c.bottom) - Math.max(b.top, c.top);
        if (x > slack && y > slack) out.push(`chart "${name}": "${a.text}" overlaps "${o.text}"`);
      }
    }
  }
  return out;
}

/** In the page: what search engines and social networks would miss. */
async function seoProblems({ page, builtFor }) {
  const out = [];
  const meta = (sel) => document.querySelector(sel)?.getAttribute('content')?.trim();
  if (!document.title.trim()) out.push('no <title>');
  if (!document.documentElement.lang) out.push('no <html lang>');
  const embed = page.startsWith('/figures/');
  if (!embed && !meta('meta[name="description"]')) out.push('no meta description');
  const robots = meta('meta[name="robots"]') ?? '';
  if (!embed && /noindex/.test(robots)) out.push('the page asks not to be indexed');
  const vague = /^(click here|here|more|read more|cliquez ici|ici|en savoir plus|plus|lien|link)$/i;
  for (const a of document.querySelectorAll('a')) {
    const href = a.getAttribute('href');
    if (href === null || href === '' || href.startsWith('javascript:')) out.push(`link without an address: ${a.outerHTML.slice(0, 80)}`);
    const words = (a.textContent || a.getAttribute('aria-label') || '').trim();
    if (vague.test(words)) out.push(`link text says nothing: "${words}"`);
  }
  if (builtFor && !embed) {
    const canonical = document.querySelector('link[rel="canonical"]')?.href;
    const expected = new URL(page.replace(/^\//, ''), builtFor).href;
    if (canonical !== expected) out.push(`canonical ${canonical}, expected ${expected}`);
    const image = meta('meta[property="og:image"]');
    if (!image) out.push('no og:image');
    else {
      const bytes = new Uint8Array(await (await fetch(image)).arrayBuffer());
      const view = new DataView(bytes.buffer);
      const png = bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
      if (!png || view.getUint32(16) !== 1200 || view.getUint32(20) !== 630) out.push(`og:image ${image} is not a 1200 x 630 PNG`);
    }
    for (const p of ['og:title', 'og:url', 'og:image:alt']) if (!meta(`meta[property="${p}"]`)) out.push(`no ${p}`);
  }
  // Editions in other languages: each alternate is a page of its own
  // language that names this one back, and the language switch leads to
  // pages that exist.
  for (const link of document.querySelectorAll('link[rel="alternate"][hreflang]')) {
    const lang = link.getAttribute('hreflang');
    const target = await fetch(link.href);
    if (!target.ok) { out.push(`hreflang ${lang}: ${link.href} answers ${target.status}`); continue; }
    const other = new DOMParser().parseFromString(await target.text(), 'text/html');
    const own = document.querySelector('link[rel="canonical"]')?.href;
    if (lang !== 'x-default' && other.documentElement.lang !== lang) out.push(`hreflang ${lang}: ${link.href} is in ${other.documentElement.lang}`);
    const back = [...other.querySelectorAll('link[rel="alternate"][hreflang]')].map((l) => l.getAttribute('href'));
    if (own && !back.includes(own)) out.push(`hreflang ${lang}: ${link.href} does not name ${own} back`);
  }
  for (const a of document.querySelectorAll('nav.languages a')) {
    const target = await fetch(a.href);
    const lang = new DOMParser().parseFromString(await target.text(), 'text/html').documentElement.lang;
    if (!target.ok || lang !== a.getAttribute('hreflang')) out.push(`language switch ${a.textContent} leads to ${a.href} (${target.status}, ${lang})`);
  }
  if (page === '/' && builtFor) {
    const text = await (await fetch('/robots.txt')).text();
    if (!/^User-agent: \*$/m.test(text) || !/^Sitemap: https?:\/\/\S+$/m.test(text)) out.push('robots.txt is not valid');
  }
  return out;
}

const server = createServer(async (req, res) => {
  const url = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
  let file = path.normalize(path.join(root, url.endsWith('/') ? `${url}index.html` : url));
  if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' }).end(body);
  } catch {
    const notFound = await readFile(path.join(root, '404.html')).catch(() => 'not found');
    res.writeHead(404, { 'content-type': types['.html'] }).end(notFound);
  }
});
const port = builtFor ? Number(new URL(builtFor).port) : 0;
await new Promise((ok) => server.listen(port, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}`;

// Lighthouse drives the same browser through its debugging port.
const debugPort = 20000 + (process.pid % 10000);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [`--remote-debugging-port=${debugPort}`, '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
await mkdir(shots, { recursive: true });

let passed = 0;
const failures = [];
for (const page of await pages(root)) {
  for (const width of widths) {
    const name = `${page} at ${width}px`;
    const tab = await browser.newPage({ viewport: { width, height: 900 } });
    const problems = [];
    tab.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    tab.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
    tab.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    tab.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
    tab.on('request', (r) => { if (!r.url().startsWith(base)) problems.push(`request to another host: ${r.url()}`); });
    await tab.goto(base + page, { waitUntil: 'networkidle' });
    const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 0) problems.push(`horizontal overflow of ${overflow}px`);
    problems.push(...await tab.evaluate(chartTextProblems));
    if (width === widths[0]) problems.push(...await tab.evaluate(seoProblems, { page, builtFor: builtFor ?? null }));
    if (width === widths[0]) {
      // Printed, every chart's data table shows, though its <details> is closed.
      await tab.emulateMedia({ media: 'print' });
      const hidden = await tab.evaluate(() => [...document.querySelectorAll('details.chart-data table')]
        .filter((t) => !t.checkVisibility() || t.getBoundingClientRect().height === 0).length);
      if (hidden) problems.push(`${hidden} chart data table(s) do not print`);
      await tab.emulateMedia({ media: 'screen' });
    }
    await tab.addScriptTag({ content: axeSource });
    const result = await tab.evaluate(() => window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    }));
    for (const v of result.violations) {
      const where = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ');
      problems.push(`axe ${v.id}: ${v.help} (${where})`);
    }
    const file = `${page.replace(/\//g, '_') || '_'}${width}.png`.replace(/^_/, '');
    await tab.screenshot({ path: path.join(shots, file || `home-${width}.png`), fullPage: true });
    await tab.close();
    if (problems.length) failures.push({ name, problems });
    else passed += 1;
  }
}
// Lighthouse's SEO category, on every page but the chart embeds (which
// ask not to be indexed): every audit it scores must pass.
const { default: lighthouse } = await import('lighthouse');
for (const page of (await pages(root)).filter((p) => !p.startsWith('/figures/'))) {
  const flags = { port: debugPort, onlyCategories: ['seo'], output: 'json', logLevel: 'error' };
  const { lhr } = await lighthouse(base + page, flags);
  const audits = lhr.categories.seo.auditRefs.map((r) => lhr.audits[r.id]);
  const failed = audits.filter((a) => a.scoreDisplayMode === 'binary' && a.score !== 1);
  if (failed.length) failures.push({ name: `Lighthouse SEO ${page}`, problems: failed.map((a) => `${a.id}: ${a.title}`) });
  else passed += 1;
}

// The 404 page, served for an address deep in the site.
{
  const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = [];
  tab.on('request', (r) => { if (!r.url().startsWith(base)) problems.push(`request to another host: ${r.url()}`); });
  const response = await tab.goto(`${base}/relations/nope/deep.html`, { waitUntil: 'networkidle' });
  if (response.status() !== 404) problems.push(`status ${response.status()}, not 404`);
  const styled = await tab.evaluate(() => getComputedStyle(document.querySelector('.masthead')).borderTopWidth);
  if (styled !== '6px') problems.push(`not styled (masthead border ${styled})`);
  const home = await tab.evaluate(() => document.querySelector('.masthead-title')?.href);
  const reached = home ? await tab.goto(home) : null;
  if (!reached || reached.status() !== 200) problems.push(`home link ${home} does not lead home`);
  await tab.close();
  if (problems.length) failures.push({ name: '404 page at /relations/nope/deep.html', problems });
  else passed += 1;
}
await browser.close();
server.close();

for (const f of failures) {
  console.log(`FAIL ${f.name}`);
  for (const p of f.problems) console.log(`  - ${p}`);
}
console.log(`browser: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);

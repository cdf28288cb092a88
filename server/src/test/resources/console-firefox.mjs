// The console in Firefox (ConsoleFirefoxIT runs this): signs in, opens every page and a snapshot's
// tree, and fails on any script error or error line. Puppeteer drives Firefox over WebDriver BiDi,
// so no geckodriver is needed. Arguments: BASE_URL TOKEN SCREENSHOT_DIR FIREFOX.
import puppeteer from 'puppeteer-core';

const [base, token, out, firefox] = process.argv.slice(2);
const browser = await puppeteer.launch({ browser: 'firefox', executablePath: firefox, headless: true,
  args: ['--width=1280', '--height=800'] });
const errors = [];
try {
  const page = await browser.newPage();
  page.on('console', (m) => {
    // the browser logs every 4xx the API answers; the console shows those on its error line, checked below
    if (m.type() === 'error' && !/status of 40[34]/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base + '/');
  await page.waitForSelector('#token', { visible: true });
  await page.type('#token', token);
  await page.click('#signin');
  await page.waitForSelector('[data-testid=stored] .value', { visible: true });
  console.log('stored', await page.$eval('[data-testid=stored] .value', (e) => e.textContent));
  await page.screenshot({ path: out + '/firefox-overview.png' });
  for (const p of ['snapshots', 'plans', 'jobs', 'forget']) {
    await page.click(`a[data-page=${p}]`);
    // (selectors only: the console's content security policy refuses the eval that waitForFunction needs)
    await page.waitForSelector(`a[data-page=${p}].active`);
    await page.waitForSelector('main h1');
    await new Promise((r) => setTimeout(r, 500));
    const err = await page.$eval('#error', (e) => (e.hidden ? '' : e.textContent));
    if (err) errors.push(p + ': ' + err);
    console.log('page', p, await page.$eval('main h1', (e) => e.textContent));
  }
  await page.click('a[data-page=snapshots]');
  await page.waitForSelector('table[data-testid=snapshots] a');
  await page.click('table[data-testid=snapshots] a');
  await page.waitForSelector('table[data-testid=tree] tbody tr');
  console.log('tree', (await page.$$('table[data-testid=tree] tbody tr')).length);
  await page.screenshot({ path: out + '/firefox-tree.png' });
} finally {
  await browser.close();
}
console.log('errors', JSON.stringify(errors));
process.exit(errors.length ? 1 : 0);

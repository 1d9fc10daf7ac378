// Browser test of the pages: headless Chromium (Debian's /usr/bin/chromium) driven by
// playwright-core, with JavaScript turned OFF in the page (the site needs none). It
// loads the list, checks the seeded names in the DOM, adds a user through the form,
// sees the confirmation and the new name, shows a validation message, deletes the user
// again, checks nothing overflows on a phone, and saves screenshots of the list and
// the forms at phone and wide widths under tests/browser/screenshots/.
//
// usage: node tests/browser/pages.mjs BASE_URL   (make browser-test starts a stack)
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const base = (process.argv[2] || process.env.BASE_URL || '').replace(/\/$/, '');
if (!base) {
	console.error('usage: node pages.mjs BASE_URL');
	process.exit(2);
}
const shots = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
mkdirSync(shots, { recursive: true });

let passed = 0;
let failed = 0;
function check(ok, what) {
	if (ok) {
		passed++;
		console.log(`ok - ${what}`);
	} else {
		failed++;
		console.log(`FAIL - ${what}`);
	}
}

const seeded = ['Bob', 'Jay', 'Matt', 'Ferg', 'Mo'];
const viewports = {
	phone: { width: 390, height: 844 },
	wide: { width: 1440, height: 900 },
};

const profile = mkdtempSync(join(tmpdir(), 'fcgi-users-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
	executablePath: '/usr/bin/chromium',
	headless: true,
	javaScriptEnabled: false,
	viewport: viewports.wide,
	args: [
		'--no-sandbox',
		'--disable-gpu',
		'--no-first-run',
		'--disable-background-networking',
		'--disable-component-update',
		'--disable-sync',
		'--disable-quic',
	],
});
const problems = [];
try {
	const page = context.pages()[0] || (await context.newPage());
	// Error statuses of pages are expected here (422, 404); of the resources a page
	// loads (stylesheet, icon) they are not, nor is any other console error (a CSP
	// violation would be one).
	page.on('console', (m) => {
		if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
	});
	page.on('response', (r) => {
		if (r.request().resourceType() !== 'document' && r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
	});
	page.on('requestfailed', (r) => problems.push(`failed ${r.url()}`));
	page.on('pageerror', (e) => problems.push(String(e)));

	// The list, as the old site showed it.
	let res = await page.goto(`${base}/`);
	check(res.status() === 200, `GET / answers 200 (got ${res.status()})`);
	check((await page.locator('h1').innerText()) === 'Home Page', 'heading "Home Page"');
	check(await page.getByText('Here are our users:').isVisible(), 'line "Here are our users:"');
	const names = await page.locator('ul.users .name').allInnerTexts();
	for (const n of seeded) check(names.includes(n), `seeded name ${n} is listed`);
	const styled = await page.locator('header.site').evaluate((el) => getComputedStyle(el).backgroundColor);
	check(styled === 'rgb(29, 35, 48)', `the stylesheet is applied (header background ${styled})`);
	await page.screenshot({ path: join(shots, 'list-wide.png'), fullPage: true });

	// Keyboard users see where they are: Tab twice lands on a link with a focus ring.
	await page.keyboard.press('Tab');
	await page.keyboard.press('Tab');
	const ring = await page.evaluate(() => {
		const s = getComputedStyle(document.activeElement);
		return `${document.activeElement.tagName} ${s.outlineStyle} ${s.outlineWidth}`;
	});
	check(/^A solid [1-9]/.test(ring), `the focused link has a visible outline (${ring})`);
	await page.screenshot({ path: join(shots, 'focus-wide.png') });

	// Add a user through the form.
	await page.getByRole('link', { name: 'Add a user' }).first().click();
	await page.waitForURL(/\/users\/new$/);
	check(await page.getByLabel('Name').isVisible(), 'the add form has a labelled Name input');
	await page.screenshot({ path: join(shots, 'form-wide.png'), fullPage: true });

	// A name the server refuses: the message appears beside the field.
	await page.getByLabel('Name').fill(' padded');
	await page.getByRole('button', { name: 'Add user' }).click();
	await page.waitForLoadState();
	check(await page.locator('#userName-error').isVisible(), 'an invalid name shows the message beside the field');
	await page.screenshot({ path: join(shots, 'form-error-wide.png'), fullPage: true });

	const newName = `Browser ${Date.now() % 1000000}`;
	await page.getByLabel('Name').fill(newName);
	await page.getByRole('button', { name: 'Add user' }).click();
	await page.waitForURL((u) => new URL(u).pathname === '/');
	check((await page.locator('.flash').innerText()).includes(`Added ${newName}.`), 'a confirmation is shown after adding');
	const after = await page.locator('ul.users .name').allInnerTexts();
	check(after.includes(newName), `the new name "${newName}" is listed`);
	await page.screenshot({ path: join(shots, 'list-after-add-wide.png'), fullPage: true });

	// The user's page, then delete (with confirmation).
	await page.locator('ul.users a', { hasText: newName }).click();
	await page.waitForURL(/\/users\/\d+$/);
	check((await page.locator('h1').innerText()) === newName, "the user's page shows the name");
	await page.screenshot({ path: join(shots, 'user-wide.png'), fullPage: true });
	await page.getByRole('link', { name: `Delete ${newName}` }).click();
	await page.waitForURL(/\/delete$/);
	await page.screenshot({ path: join(shots, 'delete-wide.png'), fullPage: true });
	await page.getByRole('button', { name: `Delete ${newName}` }).click();
	await page.waitForURL((u) => new URL(u).pathname === '/');
	check((await page.locator('.flash').innerText()).includes(`Deleted ${newName}.`), 'a confirmation is shown after deleting');
	check(!(await page.locator('ul.users .name').allInnerTexts()).includes(newName), 'the deleted name is gone');

	// A phone: the same pages, nothing wider than the screen.
	await page.setViewportSize(viewports.phone);
	await page.goto(`${base}/`);
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	check(overflow <= 0, `no sideways scrolling on a phone (overflow ${overflow}px)`);
	await page.screenshot({ path: join(shots, 'list-phone.png'), fullPage: true });
	await page.goto(`${base}/users/new`);
	await page.screenshot({ path: join(shots, 'form-phone.png'), fullPage: true });
	await page.goto(`${base}/users/1`);
	await page.screenshot({ path: join(shots, 'user-phone.png'), fullPage: true });
	await page.goto(`${base}/no-such-page`);
	await page.screenshot({ path: join(shots, 'not-found-phone.png'), fullPage: true });

	check(problems.length === 0, `no console errors or CSP violations (${problems.join(' | ')})`);
} catch (e) {
	failed++;
	console.log(`FAIL - ${e.stack || e}`);
} finally {
	await context.close();
	rmSync(profile, { recursive: true, force: true });
}
console.log(`screenshots in ${shots}`);
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

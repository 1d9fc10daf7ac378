// Browser test of the pages: headless Chromium (Debian's /usr/bin/chromium) driven by
// playwright-core, with JavaScript turned OFF in the page (the site needs none). It
// walks the site as a person would, on a desktop (1280×800) and a phone (390×844):
// the list, search, an empty search and paging as an anonymous visitor (no forms), the
// sign-in form (sent there by the add page, a wrong password refused, then back to the
// add page), the add form with each kind of refusal, adding, a user's page, renaming,
// the delete confirmation, deleting, 404, a bad address, the "unavailable" page while
// the database is stopped, and signing out. Every state it
// reaches is audited with axe-core (WCAG 2.1 A/AA, zero violations wanted; see axe.mjs),
// and checked for what a person would notice (issue 19's eight points): nothing wider
// than a phone, even with a 30-character name; page numbers and first/last in the
// pager; landing on the new user's page after adding; after a refused form "Error:" in
// the title, an error summary (role=alert) linking to the field, and focus on the
// field; what was typed kept when a form expired or the directory was unreachable, and
// GET /users not a 405; a taken name naming (and linking) who has it; titles that say
// where you are, a page past the end taking you to the last; a rename to the same name
// not saying "Renamed"; a focus ring nobody cut off; the error summary's bullets inside
// its box; no console errors or CSP violations. Screenshots of the states at both
// widths go to tests/browser/screenshots/ (NAME-wide.png, NAME-phone.png).
//
// usage: node tests/browser/pages.mjs BASE_URL
// env:   STACK_CTL  the stack's control script (run.sh sets scripts/stack.sh, with
//                   RUN_DIR): the "unavailable" state stops and restarts the database.
//        EDITOR_NAME, EDITOR_PASSWORD_FILE  the stack's editor (scripts/stack.sh)
//        API_TOKEN  an API token for the set-up writes through the API (run.sh)
import { chromium } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { axeAudit, axeVersion } from './axe.mjs';
import { chromiumFlags, tally } from './tap.mjs';

const base = (process.argv[2] || process.env.BASE_URL || '').replace(/\/$/, '');
if (!base) {
	console.error('usage: node pages.mjs BASE_URL');
	process.exit(2);
}
const shots = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
mkdirSync(shots, { recursive: true });

const { check, end } = tally('browser');

const seeded = ['Bob', 'Jay', 'Matt', 'Ferg', 'Mo'];
const viewports = {
	wide: { width: 1280, height: 800 },
	phone: { width: 390, height: 844 },
};
// The longest name there can be, without a space to wrap at: 30 characters.
const longName = `W${'olfeschlegelsteinhausenberger'.slice(0, 23)}${String(Date.now() % 1000000).padStart(6, '0')}`;
// Enough users for three list pages (PAGE_SIZE is 20 on the test stack).
const extraUsers = Array.from({ length: 40 }, (_, i) => `Paging ${String(i + 1).padStart(2, '0')}`);

// Playwright gives each launch a fresh profile (--user-data-dir) of its own and removes
// it on close; the flags are the ones this machine's Chromium needs headless.
const browser = await chromium.launch({
	executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
	headless: true,
	args: [...chromiumFlags, '--disable-quic'],
});
const problems = [];
let audited = 0;

// Everything a state is checked for: axe, sideways scrolling (and buttons or links
// sticking out of their card), and a screenshot NAME-WIDTH.png.
async function state(page, name) {
	const width = page.viewportSize().width === viewports.phone.width ? 'phone' : 'wide';
	const a = await axeAudit(auditor, page);
	audited++;
	check(
		a.violations.length === 0,
		`axe: ${name} (${width}): no WCAG 2.1 AA violations${a.violations.length ? ': ' + a.violations.join(' || ') : ''}`,
	);
	const out = await page.evaluate(() => {
		const vw = document.documentElement.clientWidth;
		const bad = [];
		const scroll = document.documentElement.scrollWidth - vw;
		if (scroll > 0) bad.push(`page scrolls sideways by ${scroll}px`);
		for (const el of document.querySelectorAll('main a, main button, main h1, main h2, main .name, main p')) {
			const r = el.getBoundingClientRect();
			const box = el.closest('.card, .flash, .users, .error-summary') || document.querySelector('main');
			const b = box.getBoundingClientRect();
			if (r.width > 0 && (r.right > b.right + 0.5 || r.right > vw))
				bad.push(`<${el.tagName.toLowerCase()}> "${el.textContent.trim().slice(0, 40)}" sticks out by ${Math.ceil(r.right - Math.min(b.right, vw))}px`);
		}
		return bad;
	});
	check(out.length === 0, `${name} (${width}): everything fits the screen${out.length ? ': ' + out.join('; ') : ''}`);
	await page.screenshot({ path: join(shots, `${name}-${width}.png`), fullPage: true });
}

// Writes through the API are an editor's: the run's API token.
async function api(method, path, body) {
	const headers = body ? { 'Content-Type': 'application/json' } : {};
	if (method !== 'GET' && process.env.API_TOKEN) headers.Authorization = `Bearer ${process.env.API_TOKEN}`;
	const res = await fetch(base + path, {
		method,
		headers,
		body: body ? JSON.stringify(body) : undefined,
	});
	return { status: res.status, json: res.status === 204 ? null : await res.json().catch(() => null) };
}

// After a refused form (issue 19 point 4 and 6): "Error:" in the title, a summary with
// role=alert whose link goes to the field, focus on the field, and what was typed kept.
async function refusedForm(page, what, typed) {
	const title = await page.title();
	const summary = page.locator('[role="alert"].error-summary a[href="#userName"]');
	const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
	const value = await page.locator('#userName').inputValue();
	check(title.startsWith('Error: '), `${what}: the title starts with "Error:" ("${title}")`);
	check((await summary.count()) === 1, `${what}: an error summary (role=alert) links to the field`);
	check(focused === 'userName', `${what}: focus is on the field in error (${focused})`);
	check(value === typed, `${what}: what was typed is kept ("${value}")`);
}

async function submit(page, button) {
	await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: button }).click()]);
	await page.waitForLoadState();
}

let auditor;
try {
	// The auditor: a page with JavaScript on, where axe runs (see axe.mjs).
	auditor = await (await browser.newContext()).newPage();
	const context = await browser.newContext({ javaScriptEnabled: false, viewport: viewports.wide });
	const page = await context.newPage();
	// Error statuses of pages are expected here (422, 404, 503); of the resources a page
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

	// The audit can fail: a page with grey-on-grey text and an unlabelled field must
	// give violations, or a "zero violations" below would prove nothing.
	await page.route(`${base}/axe-canary`, (r) =>
		r.fulfill({
			contentType: 'text/html',
			body: '<!DOCTYPE html><html lang="en"><title>canary</title><main><p style="color:#bbb;background:#fff">faint</p><input></main></html>',
		}),
	);
	await page.goto(`${base}/axe-canary`);
	const canary = await axeAudit(auditor, page);
	check(
		canary.violations.some((v) => v.startsWith('color-contrast')) && canary.violations.some((v) => v.startsWith('label')),
		`axe-core ${axeVersion} finds the planted contrast and label violations (${canary.violations.length})`,
	);
	await page.unroute(`${base}/axe-canary`);

	// ---- the list, as the old site showed it ----
	let res = await page.goto(`${base}/`);
	check(res.status() === 200, `GET / answers 200 (got ${res.status()})`);
	check((await page.locator('h1').innerText()) === 'Home Page', 'heading "Home Page"');
	check(await page.getByText('Here are our users:').isVisible(), 'line "Here are our users:"');
	const names = await page.locator('ul.users .name').allInnerTexts();
	for (const n of seeded) check(names.includes(n), `seeded name ${n} is listed`);
	const styled = await page.locator('header.site').evaluate((el) => getComputedStyle(el).backgroundColor);
	check(styled === 'rgb(29, 35, 48)', `the stylesheet is applied (header background ${styled})`);
	check((await page.title()) === 'Users · Users directory', `the list's title says where you are ("${await page.title()}")`);
	await state(page, 'list');

	// Keyboard users see where they are: Tab lands on links with a focus ring, and the
	// ring of a list row is whole (the list once clipped it with overflow: hidden).
	await page.keyboard.press('Tab');
	await page.keyboard.press('Tab');
	const ring = await page.evaluate(() => {
		const s = getComputedStyle(document.activeElement);
		return `${document.activeElement.tagName} ${s.outlineStyle} ${s.outlineWidth}`;
	});
	check(/^A solid [1-9]/.test(ring), `the focused link has a visible outline (${ring})`);
	let row = null;
	for (let i = 0; i < 15 && !row; i++) {
		await page.keyboard.press('Tab');
		row = await page.evaluate(() => {
			const el = document.activeElement;
			if (!el.closest('ul.users')) return null;
			const s = getComputedStyle(el);
			const reach = parseFloat(s.outlineOffset) + parseFloat(s.outlineWidth);
			const clippers = [];
			for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
				const o = getComputedStyle(p);
				if (o.overflowX !== 'visible' || o.overflowY !== 'visible') clippers.push(p.className || p.tagName);
			}
			return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), reach, clippers };
		});
	}
	check(
		row && row.style === 'solid' && row.width >= 2 && (row.reach <= 0 || row.clippers.length === 0),
		`a list row's focus ring is whole: drawn inside the row or not clipped (${JSON.stringify(row)})`,
	);
	await page.screenshot({ path: join(shots, 'focus-row-wide.png') });

	// ---- search ----
	await page.goto(`${base}/?q=B`);
	check((await page.locator('ul.users .name').allInnerTexts()).includes('Bob'), 'a search for "B" finds Bob');
	check((await page.title()) === 'Search “B” · Users directory', `the search's title names the query ("${await page.title()}")`);
	await state(page, 'search');
	// Names never start with a space: " B" searches "B" and says so.
	await page.goto(`${base}/?q=%20B`);
	check(
		(await page.locator('ul.users .name').allInnerTexts()).includes('Bob') && (await page.locator('.note').isVisible()),
		'a search for " B" finds Bob and says the spaces were ignored',
	);
	await page.goto(`${base}/?q=nobody-has-this-name`);
	check(await page.locator('.empty').isVisible(), 'a search without matches says so');
	await state(page, 'search-empty');

	// ---- paging: enough users for three pages ----
	let made = 0;
	for (const n of extraUsers) if ((await api('POST', '/api/v1/users', { userName: n })).status === 201) made++;
	check(made === extraUsers.length, `${made} of ${extraUsers.length} users added through the API for paging`);
	await page.goto(`${base}/`);
	check(await page.locator('nav.pager').isVisible(), 'a long list has a pager');
	const numbers = await page.locator('nav.pager ol a').allInnerTexts();
	check(
		numbers.map((t) => t.replace(/\D/g, '')).join(',') === '1,2,3' &&
			(await page.locator('nav.pager a[aria-current="page"]').innerText()).replace(/\D/g, '') === '1',
		`the pager shows page numbers to jump to, the current one marked (${numbers.join(',')})`,
	);
	check((await page.title()) === 'Users – page 1 of 3 · Users directory', `title "${await page.title()}"`);
	await state(page, 'paged-first');
	await page.locator('nav.pager ol a', { hasText: '3' }).click();
	await page.waitForURL(/page=3$/);
	check((await page.title()) === 'Users – page 3 of 3 · Users directory', `the last page is one click away ("${await page.title()}")`);
	await state(page, 'paged-last');
	await page.goto(`${base}/?page=2`);
	await state(page, 'paged-middle');
	// Past the end of a short list, even past the offset bound: the last page (a deep
	// page of a long list is 400: test_api_paging).
	for (const n of [51, 99]) {
		res = await page.goto(`${base}/?page=${n}`);
		check(
			res.status() === 200 && new URL(page.url()).search === '?page=3',
			`page ${n}, past the end, goes to the last page (${res.status()} ${page.url()})`,
		);
	}
	// The list is A to Z by name, ignoring case, across its pages (the database orders
	// by the lower-cased name, bytewise: for these names, JavaScript's < on lower case).
	const listed = [];
	for (const n of [1, 2, 3]) {
		await page.goto(`${base}/?page=${n}`);
		listed.push(...(await page.locator('ul.users .name').allInnerTexts()));
	}
	const disorder = listed.findIndex((n, i) => i > 0 && !(listed[i - 1].toLowerCase() < n.toLowerCase()));
	check(
		listed.length === seeded.length + extraUsers.length && disorder === -1 && listed[1] === 'Ferg',
		`the list is A–Z by name over its three pages (${listed.length} names${disorder > 0 ? `; “${listed[disorder]}” after “${listed[disorder - 1]}”` : ''})`,
	);
	// Newest first: one click, marked as the current order; the pager keeps it.
	await page.goto(`${base}/?page=2`);
	check((await page.locator('nav.sort a[aria-current="true"]').innerText()) === 'Name A–Z', 'the order control marks "Name A–Z" as current');
	await page.locator('nav.sort a', { hasText: 'Newest first' }).click();
	await page.waitForURL(/\?sort=newest$/);
	const newest = await page.locator('ul.users .name').allInnerTexts();
	check(newest[0] === extraUsers[extraUsers.length - 1], `newest first shows the last user added on top (${newest[0]})`);
	check((await page.locator('nav.sort a[aria-current="true"]').innerText()) === 'Newest first', 'the order control marks "Newest first" as current');
	check((await page.title()) === 'Users, newest first – page 1 of 3 · Users directory', `title "${await page.title()}"`);
	await state(page, 'newest-first');
	await page.locator('nav.pager a[rel="next"]').click();
	await page.waitForURL(/\?sort=newest&page=2$/);
	const newest2 = await page.locator('ul.users .name').allInnerTexts();
	check(newest2[0] === extraUsers[extraUsers.length - 21], `the pager keeps the order: page 2 goes on with ${newest2[0]}`);
	await state(page, 'newest-first-page-2');
	res = await page.goto(`${base}/?sort=newest&page=99`);
	check(
		res.status() === 200 && new URL(page.url()).search === '?sort=newest&page=3',
		`newest first, a page past the end goes to its last page (${res.status()} ${page.url()})`,
	);
	res = await page.goto(`${base}/?sort=oldest`);
	check(res.status() === 400, `an unknown order answers 400 (got ${res.status()})`);

	// ---- an anonymous visitor reads; the forms ask to sign in first ----
	await page.goto(`${base}/`);
	check((await page.getByRole('link', { name: 'Add a user' }).count()) === 0, 'a visitor sees no "Add a user" link');
	check(await page.getByRole('link', { name: 'Sign in' }).isVisible(), 'a visitor sees "Sign in"');
	await page.goto(`${base}/users/1`);
	check((await page.getByLabel('New name').count()) === 0, "a visitor sees no rename form on a user's page");
	await state(page, 'user-anonymous');
	await page.goto(`${base}/users/new`);
	check(/\/sign-in\?next=%2Fusers%2Fnew$/.test(page.url()), `the add page sends a visitor to sign in (${page.url()})`);
	check(await page.getByLabel('Password').isVisible(), 'the sign-in form has a labelled Password input');
	await state(page, 'sign-in');
	const editor = process.env.EDITOR_NAME;
	const password = readFileSync(process.env.EDITOR_PASSWORD_FILE, 'utf8').trim();
	await page.getByLabel('Name').fill(editor);
	await page.getByLabel('Password').fill(`${password}-wrong`);
	await submit(page, 'Sign in');
	check(((await page.locator('.error-summary').textContent()) || '').includes('not right'), 'a wrong password is refused, and the form says so');
	await state(page, 'sign-in-refused');
	await page.getByLabel('Password').fill(password);
	await submit(page, 'Sign in');
	check(/\/users\/new$/.test(page.url()), `signed in, back on the add page (${page.url()})`);
	check(await page.getByText(`Signed in as ${editor}`).first().isVisible(), 'the header says who is signed in');
	const cookies = await context.cookies();
	const session = cookies.find((c) => c.name === 'session' || c.name === '__Host-session');
	check(session && session.httpOnly && session.sameSite === 'Lax', `the session cookie is HttpOnly and SameSite=Lax (${JSON.stringify(session && { name: session.name, httpOnly: session.httpOnly, sameSite: session.sameSite })})`);
	// A reload after a refused add asks for GET /users: the add form, not a 405.
	res = await page.goto(`${base}/users`);
	check(res.status() === 200 && (await page.locator('h1').innerText()) === 'Add a user', `GET /users shows the add form, not 405 (${res.status()})`);

	// ---- add, with each kind of refusal ----
	await page.goto(`${base}/`);
	await page.getByRole('link', { name: 'Add a user' }).first().click();
	await page.waitForURL(/\/users\/new$/);
	check(await page.getByLabel('Name').isVisible(), 'the add form has a labelled Name input');
	await state(page, 'add');
	const refusals = [
		['Bob\u200b', 'invalid'], // an invisible character (issue 20)
		['   ', 'blank'],
		['bob', 'taken'], // Bob, ignoring case
	];
	for (const [value, what] of refusals) {
		await page.goto(`${base}/users/new`);
		await page.getByLabel('Name').fill(value);
		await submit(page, 'Add user');
		check(await page.locator('#userName-error').isVisible(), `add, ${what} name: the message is beside the field`);
		await refusedForm(page, `add, ${what} name`, value);
		await state(page, `add-error-${what}`);
	}
	const takenText = await page.locator('#userName-error').innerText();
	check(
		/Bob/.test(takenText) && /ignore case/.test(takenText) && (await page.locator('#userName-error a[href="/users/1"]').count()) === 1,
		`a taken name says who has it, that names ignore case, and links to them ("${takenText}")`,
	);
	// A form whose token does not verify (forged, or from another browser): 403.
	await page.goto(`${base}/users/new`);
	await page.getByLabel('Name').fill('Forged');
	await page.locator('input[name="csrf_token"]').evaluate((el) => (el.value = '1.00'));
	await submit(page, 'Add user');
	await refusedForm(page, 'a form whose token is refused', 'Forged');
	await state(page, 'add-refused-token');
	// The form came back with a fresh token: sending it again works.
	await submit(page, 'Add user');
	check(/\/users\/\d+$/.test(page.url()), `the refused form, sent again, adds the user (${page.url()})`);
	const forgedId = page.url().split('/').pop();
	await api('DELETE', `/api/v1/users/${forgedId}`);

	// A form token is one-use (issue 20): the add form sent once more with the token it
	// was sent with (a resent page, a replay) writes nothing and says so, with a link to
	// a fresh form.
	await page.goto(`${base}/users/new`);
	const onceName = `Once ${Date.now() % 1000000}`;
	await page.getByLabel('Name').fill(onceName);
	const spentToken = await page.locator('input[name="csrf_token"]').inputValue();
	await submit(page, 'Add user');
	const onceId = /\/users\/(\d+)$/.exec(page.url())?.[1];
	check(Boolean(onceId), `the form sent once adds the user (${page.url()})`);
	await page.goto(`${base}/users/new`);
	await page.getByLabel('Name').fill(`${onceName} again`);
	await page.locator('input[name="csrf_token"]').evaluate((el, t) => (el.value = t), spentToken);
	const [again] = await Promise.all([
		page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/users')),
		page.getByRole('button', { name: 'Add user' }).click(),
	]);
	await page.waitForLoadState();
	check(
		again.status() === 409 && (await page.locator('h1').innerText()) === 'This form was already sent',
		`the same form token sent again is refused: 409 "This form was already sent" (${again.status()})`,
	);
	const again2 = await api('GET', `/api/v1/users?q=${encodeURIComponent(`${onceName} again`)}`);
	check(again2.json?.total === 0, `the form sent again wrote nothing (${JSON.stringify(again2.json?.total)})`);
	await state(page, 'form-already-sent');
	await page.getByRole('link', { name: 'Open a fresh form' }).click();
	await page.waitForURL(/\/users$/);
	check((await page.locator('h1').innerText()) === 'Add a user', 'its link opens a fresh add form');
	if (onceId) await api('DELETE', `/api/v1/users/${onceId}`);

	// Surrounding spaces are trimmed, not refused: ' Padded ' is stored as 'Padded'.
	await page.goto(`${base}/users/new`);
	await page.getByLabel('Name').fill(' Padded ');
	await submit(page, 'Add user');
	const paddedId = /\/users\/(\d+)$/.exec(page.url())?.[1];
	const padded = paddedId ? await api('GET', `/api/v1/users/${paddedId}`) : {};
	check(
		padded.json?.userName === 'Padded' && ((await page.locator('.flash').textContent()) || '').includes('Added Padded.'),
		`a name typed with spaces around it is added trimmed (${page.url()}: ${JSON.stringify(padded.json?.userName)})`,
	);
	if (paddedId) await api('DELETE', `/api/v1/users/${paddedId}`);

	// Add the longest name there is, then see it, its page and its delete page.
	await page.goto(`${base}/users/new`);
	await page.getByLabel('Name').fill(longName);
	await submit(page, 'Add user');
	check(((await page.locator('.flash').textContent()) || '').includes(`Added ${longName}.`), 'a confirmation is shown after adding');
	check(
		/\/users\/\d+$/.test(page.url()) && (await page.locator('h1').innerText()) === longName,
		`after adding, the new user's own page is shown (${page.url()})`,
	);
	await state(page, 'added');
	const longId = Number(page.url().split('/').pop());
	check(longId > 0, `the 30-character name is stored (id ${longId})`);

	// ---- a user's page, rename ----
	await page.goto(`${base}/users/${longId}`);
	check((await page.locator('h1').innerText()) === longName, "the user's page shows the name");
	await state(page, 'user-long-name');
	await page.goto(`${base}/users/1`);
	await state(page, 'user');
	await page.getByLabel('New name').fill('Jay');
	await submit(page, 'Rename');
	check(await page.locator('#userName-error').isVisible(), 'rename to a taken name: the message is beside the field');
	await refusedForm(page, 'rename to a taken name', 'Jay');
	await state(page, 'rename-error-taken');
	await page.goto(`${base}/users/1`);
	await submit(page, 'Rename'); // the name as it is
	const same = (await page.locator('.flash').textContent()) || '';
	check(!/Renamed/.test(same) && /nothing changed/.test(same), `a rename to the same name says nothing changed ("${same}")`);
	const renamed = `${longName.slice(0, 28)}-r`;
	await page.goto(`${base}/users/${longId}`);
	await page.getByLabel('New name').fill(renamed);
	await submit(page, 'Rename');
	check(((await page.locator('.flash').textContent()) || '').includes(`Renamed to ${renamed}.`), 'a confirmation is shown after renaming');
	await state(page, 'renamed');

	// ---- delete, with confirmation ----
	await page.getByRole('link', { name: `Delete ${renamed}` }).click();
	await page.waitForURL(/\/delete$/);
	await state(page, 'delete-confirm');
	await submit(page, `Delete ${renamed}`);
	check(((await page.locator('.flash').textContent()) || '').includes(`Deleted ${renamed}.`), 'a confirmation is shown after deleting');
	check(!(await page.locator('ul.users .name').allInnerTexts()).includes(renamed), 'the deleted name is gone');
	await state(page, 'deleted');

	// ---- what goes wrong ----
	res = await page.goto(`${base}/no-such-page`);
	check(res.status() === 404, `an unknown address answers 404 (got ${res.status()})`);
	await state(page, 'not-found');
	res = await page.goto(`${base}/?page=0`);
	check(res.status() === 400, `a malformed address answers 400 (got ${res.status()})`);
	const bullet = await page.locator('.error-summary li').first().evaluate((li) => {
		const box = li.closest('.error-summary').getBoundingClientRect();
		return Math.round(li.getBoundingClientRect().left - box.left);
	});
	check(bullet >= 24, `the error summary's bullets sit inside its box (text ${bullet}px from the border)`);
	await state(page, 'bad-request');

	// The database stops: the pages say the directory is unavailable, then recover.
	const ctl = process.env.STACK_CTL;
	check(!!ctl, 'STACK_CTL names the stack control script (run.sh sets it)');
	if (ctl) {
		const stop = spawnSync(ctl, ['db-stop'], { stdio: 'inherit' });
		check(stop.status === 0, 'the database is stopped');
		res = await page.goto(`${base}/`);
		check(res.status() === 503, `with the database stopped the list answers 503 (got ${res.status()})`);
		await state(page, 'unavailable');
		// A form sent while the directory is unreachable comes back with what was typed.
		await page.goto(`${base}/users/new`).catch(() => {});
		if (await page.getByLabel('Name').count()) {
			await page.getByLabel('Name').fill('Kept Through Outage');
			await submit(page, 'Add user');
			await refusedForm(page, 'an add while the directory is unreachable', 'Kept Through Outage');
			await state(page, 'add-unavailable');
		} else check(false, 'the add form shows while the database is stopped');
		const start = spawnSync(ctl, ['db-start'], { stdio: 'inherit' });
		check(start.status === 0, 'the database is started again');
		res = await page.goto(`${base}/`);
		check(res.status() === 200, `the list is back (got ${res.status()})`);
	}

	// ---- a phone: the same pages, nothing wider than the screen ----
	await page.setViewportSize(viewports.phone);
	const phonePages = [
		['list', '/'],
		['paged-middle', '/?page=2'],
		['newest-first', '/?sort=newest&page=2'],
		['search', '/?q=Paging'],
		['add', '/users/new'],
		['user', '/users/1'],
		['delete-confirm', '/users/1/delete'],
		['not-found', '/no-such-page'],
		['bad-request', '/?page=0'],
	];
	const phoneLong = await api('POST', '/api/v1/users', { userName: longName });
	check(phoneLong.status === 201, `the 30-character name is added again for the phone (${phoneLong.status})`);
	const phoneId = phoneLong.json?.id;
	phonePages.push(['user-long-name', `/users/${phoneId}`], ['delete-long-name', `/users/${phoneId}/delete`]);
	for (const [name, path] of phonePages) {
		await page.goto(base + path);
		await state(page, name);
	}
	await page.goto(`${base}/users/new`);
	await page.getByLabel('Name').fill('Bob\u200b');
	await submit(page, 'Add user');
	await state(page, 'add-error-invalid');
	await api('DELETE', `/api/v1/users/${phoneId}`);

	// ---- sign out: the forms ask to sign in again ----
	await page.setViewportSize(viewports.wide);
	await page.goto(`${base}/sign-out`);
	await state(page, 'sign-out');
	await submit(page, 'Sign out');
	check(((await page.locator('.flash').textContent()) || '').includes('Signed out.'), 'a confirmation is shown after signing out');
	await page.goto(`${base}/users/new`);
	check(/\/sign-in/.test(page.url()), `after signing out the add page asks to sign in again (${page.url()})`);
	await page.setViewportSize(viewports.phone);
	await state(page, 'sign-in');
	for (const n of extraUsers) {
		const found = await api('GET', `/api/v1/users?q=${encodeURIComponent(n)}`);
		for (const u of found.json?.items || []) if (u.userName === n) await api('DELETE', `/api/v1/users/${u.id}`);
	}

	check(problems.length === 0, `no console errors or CSP violations (${problems.join(' | ')})`);
	console.log(`axe-core ${axeVersion}: ${audited} page states audited`);
} catch (e) {
	check(false, `${e.stack || e}`);
} finally {
	await browser.close();
}
console.log(`screenshots in ${shots}`);
end();

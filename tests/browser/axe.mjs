// axe: audits a page state of the browser test with axe-core (npm, pinned in
// package.json) and returns its WCAG 2.1 A/AA violations.
//
// Why a second page: the test walks the site with JavaScript off (the site must work
// without it), and axe cannot run there: its checks wait on timers, and timers do not
// fire in a page whose script execution is disabled (switching it back on through
// another DevTools session does not help: playwright's own session keeps it off). So
// the auditor is a page of its own context, JavaScript on, same viewport, that loads the
// walked page's exact document at the same address (the request is answered from the
// captured HTML; the stylesheet and icon come from the server as usual). Every state
// the walk reaches, POST answers included, can be audited that way. axe is evaluated
// through the DevTools protocol, so the pages' CSP (no script at all) does not stop it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const axeVersion = require('axe-core/package.json').version;

// WCAG 2.0 and 2.1, levels A and AA: what the issue asks for. Best-practice rules are
// left out on purpose: they are advice, not conformance.
const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// Audits what `page` shows now, in `auditor` (a page of a JavaScript-enabled context). Returns { violations, incomplete }: violations as
// short lines ("color-contrast (serious): … — .pager .disabled: Fix any of …"), and how
// many checks axe could not decide (for the log; not failures).
export async function axeAudit(auditor, page) {
	const url = page.url();
	const html = await page.content();
	const a = auditor;
	await a.setViewportSize(page.viewportSize());
	const serve = (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
	await a.route(url, serve);
	try {
		await a.goto(url);
	} finally {
		await a.unroute(url, serve);
	}
	await a.evaluate(axeSource);
	const result = await a.evaluate(async (runOnly) => {
		const r = await window.axe.run(document, {
			runOnly: { type: 'tag', values: runOnly },
			resultTypes: ['violations'],
		});
		return {
			violations: r.violations.map((v) => ({
				id: v.id,
				impact: v.impact,
				help: v.help,
				targets: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`),
			})),
			incomplete: r.incomplete.length,
		};
	}, tags);
	return {
		violations: result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.targets.join(' | ')}`),
		incomplete: result.incomplete,
	};
}

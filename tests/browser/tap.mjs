// tap: what the browser test's two scripts share — one "ok - …" / "FAIL - …" line per
// check with a closing "NAME: N passed, M failed" line (the form make test's summary
// counts), and the Chromium flags this machine needs headless.
export const chromiumFlags = [
	'--no-sandbox',
	'--disable-gpu',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export function tally(name) {
	const t = { passed: 0, failed: 0 };
	t.check = (ok, what) => {
		if (ok) t.passed++;
		else t.failed++;
		console.log(`${ok ? 'ok' : 'FAIL'} - ${what}`);
	};
	t.end = () => {
		console.log(`${name}: ${t.passed} passed, ${t.failed} failed`);
		process.exit(t.failed ? 1 : 0);
	};
	return t;
}

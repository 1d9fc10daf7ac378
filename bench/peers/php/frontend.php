<?php
// PHP peer, frontend: the page service the way a PHP shop would write it: it asks the
// backend over HTTP with curl (a new handle, so a new connection, per page: PHP keeps
// nothing between requests) and prints the page, every value escaped. GET / with q,
// page and sort (A–Z by name, or sort=newest; a search is A–Z): the same markup and
// headers as fcgi-frontend's list page.
// Settings (pool env): BACKEND_URL, PAGE_SIZE (20).
// htmlspecialchars() with the entities fcgi-frontend writes (&#39;, not &apos; or &#039;).
function h($s): string
{
	return strtr((string)$s, ['&' => '&amp;', '<' => '&lt;', '>' => '&gt;', '"' => '&quot;', "'" => '&#39;']);
}

$size = (int)(getenv('PAGE_SIZE') ?: 20);
// Names never start or end with a space, so neither does a search for one.
$typed = (string)($_GET['q'] ?? '');
$q = trim($typed, ' ');
$page = (string)($_GET['page'] ?? '1');
$page = ctype_digit($page) && (int)$page >= 1 ? (int)$page : 1;
$newest = $q === '' && ($_GET['sort'] ?? '') === 'newest';
$args = ['limit' => $size, 'offset' => ($page - 1) * $size, 'sort' => $newest ? '-id' : 'name'];
if ($q !== '') {
	$args['q'] = $q;
}
$url = rtrim(getenv('BACKEND_URL'), '/') . '/api/v1/users?' . http_build_query($args, '', '&', PHP_QUERY_RFC3986);
$ch = curl_init($url);
curl_setopt_array($ch, [CURLOPT_RETURNTRANSFER => true, CURLOPT_CONNECTTIMEOUT_MS => 1000,
	CURLOPT_TIMEOUT_MS => 5000, CURLOPT_HTTPHEADER => ['Accept: application/json']]);
$body = curl_exec($ch);
$code = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
curl_close($ch);
$data = $body === false || $code !== 200 ? null : json_decode($body, true);
if (!is_array($data)) {
	http_response_code(503);
	echo "The directory is unavailable\n";
	exit;
}
$total = (int)$data['total'];
$exact = ($data['totalExact'] ?? true) !== false;
$pages = $total > 0 ? intdiv($total + $size - 1, $size) : 1;
$qe = rawurlencode($q);
$href = fn(int $n) => '/?' . ($q !== '' ? "q=$qe&" : ($newest ? 'sort=newest&' : '')) . "page=$n";
$link = fn(int $n) => h($href($n));
$secure = function () {
	header("Content-Security-Policy: default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
	header('X-Content-Type-Options: nosniff');
	header('Referrer-Policy: same-origin');
	header('X-Frame-Options: DENY');
	header('Cache-Control: no-store');
};
// A page past the end: to the last page, as fcgi-frontend does.
if (!$data['items'] && $total > 0 && $page > $pages) {
	$secure();
	header('Location: ' . $href($pages), true, 303);
	exit;
}
// The pager's links (fcgi-frontend/pager.c): first, last, the current page's
// neighbours, 0 for "…" where two or more pages hide.
$cur = min($page, $pages);
$lo = max(1, $cur - 1);
$hi = min($pages, $cur + 1);
if ($lo === 3) {
	$lo = 2;
}
if ($hi === $pages - 2) {
	$hi = $pages - 1;
}
$items = [];
if ($lo > 1) {
	$items[] = 1;
	if ($lo > 2) {
		$items[] = 0;
	}
}
for ($n = $lo; $n <= $hi; $n++) {
	$items[] = $n;
}
if (!$exact) {
	$items[] = 0;
} elseif ($hi < $pages) {
	if ($hi < $pages - 1) {
		$items[] = 0;
	}
	$items[] = $pages;
}
$paged = $pages > 1 || !$exact;
$totalPages = ($exact ? '' : 'at least ') . $pages;
$title = ($q !== '' ? "Search “{$q}”" : ($newest ? 'Users, newest first' : 'Users')) . ($paged ? " – page $page of $totalPages" : '');
header('Content-Type: text/html; charset=utf-8');
$secure();
?>
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><?= h($title) ?> · Users directory</title>
<meta name="description" content="The users directory: find people by name, see when they were added, add and rename users.">
<link rel="stylesheet" href="/static/style.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site"><div class="wrap"><a class="brand" href="/">Users directory</a><nav aria-label="Main"><a href="/sign-in">Sign in</a></nav></div></header>
<main id="main" class="wrap">
<h1>Home Page</h1>
<form class="search" method="get" action="/" role="search"><div class="field"><label for="q">Find users whose name starts with</label><input id="q" name="q" type="search" value="<?= h($q) ?>" maxlength="30" autocomplete="off" spellcheck="false"></div><button type="submit">Search</button></form>
<p>Here are our users:</p>
<?php if ($q !== ''): ?>
<div class="toolbar"><span><?= $total ?><?= $exact ? '' : '+' ?> <?= $total === 1 ? 'name' : 'names' ?> starting with “<bdi><?= h($q) ?></bdi>” · <a href="/">show all</a></span></div>
<?php else: ?>
<div class="toolbar"><span><?= $total ?><?= $exact ? '' : '+' ?> <?= $total === 1 ? 'user' : 'users' ?></span></div>
<?php endif ?>
<?php if ($q !== $typed): ?>
<p class="note">Names never start or end with a space, so this is a search for “<bdi><?= h($q) ?></bdi>”.</p>
<?php endif ?>
<?php if ($q === '' && $total > 1): ?>
<?php if ($newest): ?>
<nav class="sort" aria-label="Order"><span>Order:</span> <a href="/">Name A–Z</a> <a href="/?sort=newest" aria-current="true">Newest first</a></nav>
<?php else: ?>
<nav class="sort" aria-label="Order"><span>Order:</span> <a href="/" aria-current="true">Name A–Z</a> <a href="/?sort=newest">Newest first</a></nav>
<?php endif ?>
<?php endif ?>
<?php if (!$data['items']): ?>
<?php if ($q !== ''): ?>
<p class="empty">No user’s name starts with “<bdi><?= h($q) ?></bdi>”.</p>
<?php else: ?>
<p class="empty">There are no users yet.</p>
<?php endif ?>
<?php else: ?>
<ul class="users">
<?php foreach ($data['items'] as $u): ?>
<li><a href="/users/<?= (int)$u['id'] ?>"><span class="name"><bdi><?= h($u['userName']) ?></bdi></span><span class="go" aria-hidden="true">View ›</span></a></li>
<?php endforeach ?>
</ul>
<?php endif ?>
<?php if ($paged): ?>
<nav class="pager" aria-label="Pages"><?php if ($cur > 1): ?><a rel="prev" href="<?= $link($cur - 1) ?>">‹ Previous</a><?php else: ?><span class="disabled">‹ Previous</span><?php endif ?><ol><?php foreach ($items as $n): ?><?php if ($n === 0): ?><li class="gap" aria-hidden="true">…</li><?php elseif ($n === $cur): ?><li><a href="<?= $link($n) ?>" aria-current="page"><span class="visually-hidden">Page </span><?= $n ?></a></li><?php else: ?><li><a href="<?= $link($n) ?>"><span class="visually-hidden">Page </span><?= $n ?></a></li><?php endif ?><?php endforeach ?></ol><?php if ($cur < $pages || !$exact): ?><a rel="next" href="<?= $link($cur + 1) ?>">Next ›</a><?php else: ?><span class="disabled">Next ›</span><?php endif ?><p class="current">Page <?= $cur ?> of <?= $totalPages ?></p></nav>
<?php endif ?>

</main>
<footer class="site"><div class="wrap">fcgi-users · a small users directory</div></footer>
</body>
</html>

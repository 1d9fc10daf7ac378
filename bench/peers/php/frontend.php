<?php
// PHP peer, frontend: the page service the way a PHP shop would write it: it asks the
// backend over HTTP (file_get_contents) and prints the page with htmlspecialchars. GET /
// with q and page, the same markup as fcgi-frontend's list page.
// Settings (pool env): BACKEND_URL.
const PAGE_SIZE = 50;

function h(string $s): string
{
	return htmlspecialchars($s, ENT_QUOTES | ENT_HTML5, 'UTF-8');
}

$q = (string)($_GET['q'] ?? '');
$page = (string)($_GET['page'] ?? '1');
$page = ctype_digit($page) && (int)$page >= 1 ? (int)$page : 1;
$url = rtrim(getenv('BACKEND_URL'), '/') . '/api/v1/users?' . http_build_query(
	['limit' => PAGE_SIZE, 'offset' => ($page - 1) * PAGE_SIZE, 'q' => $q]);
$body = @file_get_contents($url);
if ($body === false) {
	http_response_code(502);
	echo "backend unavailable\n";
	exit;
}
$data = json_decode($body, true);
header('Content-Type: text/html; charset=utf-8');
?>
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Home Page</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<h1>Home Page</h1>
<form method="get" action="/"><input type="search" name="q" value="<?= h($q) ?>"><button>Search</button></form>
<p>Here are our users:</p>
<ul>
<?php foreach ($data['items'] as $u): ?><li><a href="/users/<?= (int)$u['id'] ?>"><?= h($u['userName']) ?></a></li>
<?php endforeach ?></ul>
</body>
</html>

<?php
// PHP peer, backend: the data service the way a PHP shop would write it (mysqli with
// persistent connections and prepared statements), with the same routes, rows and JSON
// bytes as fcgi-backend for what `make bench` measures: GET /backend, GET /api/v1/users
// (limit, offset, q prefix, sort), POST /api/v1/users, DELETE /api/v1/users/{id}. It asks the
// database the same questions as fcgi-backend (the unfiltered total from user_count, kept
// in the same transaction as each insert and delete; prefix search on the nameKey index,
// its count bounded), so the benchmark compares the stacks, not two schemas.
// Settings (pool env): DB_SOCKET, DB_USER, DB_PASSWORD, DB_NAME.
mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);

function answer(int $status, $obj, string $type = 'application/json', array $headers = []): void
{
	http_response_code($status);
	header("Content-Type: $type");
	foreach ($headers as $h) {
		header($h);
	}
	echo json_encode($obj, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
}

function problem(int $status, string $title, string $detail, array $errors = []): void
{
	$p = ['title' => $title, 'status' => $status, 'detail' => $detail];
	if ($errors) {
		$p['errors'] = $errors;
	}
	answer($status, $p, 'application/problem+json');
}

function int_arg(string $name, int $default, int $low, int $high, array &$errors): int
{
	$raw = $_GET[$name] ?? '';
	if ($raw === '') {
		return $default;
	}
	if (!ctype_digit($raw) || (int)$raw < $low || (int)$raw > $high) {
		$errors[] = ['field' => $name, 'message' => "must be an integer from $low to $high"];
		return $default;
	}
	return (int)$raw;
}

const COLS = "id, userName, DATE_FORMAT(createdAt, '%Y-%m-%dT%H:%i:%sZ') AS createdAt";
const PREFIX_COUNT_BOUND = 1000;
const PREFIX_MATCH = "nameKey LIKE CONCAT(LOWER(?), '%') ESCAPE '!'";
// sort= => ORDER BY, and the order's letter in the cursor (fcgi-backend/cursor.c).
// By name is by nameKey alone, as fcgi-backend: it is unique, and its index is the order
// ('nameKey, id' makes MariaDB sort every match).
const ORDERS = ['id' => ['id', 'i'], '-id' => ['id DESC', 'I'], 'name' => ['nameKey', 'n'],
	'-name' => ['nameKey DESC', 'N']];

function rows(mysqli_stmt $st): array
{
	$st->execute();
	return $st->get_result()->fetch_all(MYSQLI_ASSOC);
}

$db = new mysqli('p:localhost', getenv('DB_USER') ?: 'root', getenv('DB_PASSWORD') ?: '',
	getenv('DB_NAME') ?: 'users', 0, getenv('DB_SOCKET'));
$db->set_charset('utf8mb4');

$method = $_SERVER['REQUEST_METHOD'];
$path = $_SERVER['DOCUMENT_URI'] ?? parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);

if ($path === '/backend' && $method === 'GET') {
	$rows = $db->query('SELECT userName FROM users ORDER BY id')->fetch_all(MYSQLI_ASSOC);
	answer(200, $rows);
} elseif ($path === '/api/v1/users' && $method === 'GET') {
	$errors = [];
	$limit = int_arg('limit', 50, 1, 100, $errors);
	$offset = int_arg('offset', 0, 0, 2147483647, $errors);
	if ($errors) {
		problem(422, 'Invalid input', 'query parameters are invalid', $errors);
		exit;
	}
	$q = (string)($_GET['q'] ?? '');
	$sort = (string)($_GET['sort'] ?? ($q === '' ? 'id' : 'name'));
	if (!isset(ORDERS[$sort]) || ($q !== '' && $sort !== 'name' && $sort !== '-name')) {
		problem(400, 'Bad Request', 'the query has invalid parameters',
			[['field' => 'sort', 'message' => 'must be id, -id, name or -name']]);
		exit;
	}
	[$order, $tag] = ORDERS[$sort];
	$exact = true;
	// One user more than the page: it says whether a next page exists (`next`, the
	// same cursor fcgi-backend gives: base64url of "<order>:<id>:<name key>").
	$more = $limit + 1;
	if ($q === '') {
		$st = $db->prepare('SELECT ' . COLS . ", nameKey FROM users ORDER BY $order LIMIT ? OFFSET ?");
		$st->bind_param('ii', $more, $offset);
		$items = rows($st);
		$total = $db->query('SELECT users FROM user_count WHERE id = 1')->fetch_row()[0];
	} else {
		$like = strtr($q, ['!' => '!!', '%' => '!%', '_' => '!_']);
		$st = $db->prepare('SELECT ' . COLS . ', nameKey FROM users WHERE ' . PREFIX_MATCH
			. " ORDER BY $order LIMIT ? OFFSET ?");
		$st->bind_param('sii', $like, $more, $offset);
		$items = rows($st);
		// Count at most PREFIX_COUNT_BOUND matches past the page, as fcgi-backend does.
		$bound = max($offset + $limit + 1, PREFIX_COUNT_BOUND);
		$st = $db->prepare('SELECT COUNT(*) AS n FROM (SELECT 1 FROM users WHERE ' . PREFIX_MATCH
			. ' LIMIT ?) AS m');
		$st->bind_param('si', $like, $bound);
		$total = rows($st)[0]['n'];
		$exact = $total < $bound;
	}
	$next = null;
	if (count($items) > $limit) {
		array_pop($items);
		$last = end($items);
		$raw = "$tag:{$last['id']}:" . ($tag === 'n' || $tag === 'N' ? $last['nameKey'] : '');
		$next = rtrim(strtr(base64_encode($raw), '+/', '-_'), '=');
	}
	foreach ($items as &$item) {
		unset($item['nameKey']);
	}
	unset($item);
	answer(200, ['items' => $items, 'total' => (int)$total, 'totalExact' => $exact, 'limit' => $limit,
		'offset' => $offset, 'next' => $next]);
} elseif ($path === '/api/v1/users' && $method === 'POST') {
	if (!str_starts_with($_SERVER['CONTENT_TYPE'] ?? '', 'application/json')) {
		problem(415, 'Unsupported Media Type', 'send application/json');
		exit;
	}
	$data = json_decode(file_get_contents('php://input'), true);
	if (!is_array($data)) {
		problem(400, 'Bad Request', 'the body is not a JSON object');
		exit;
	}
	$name = $data['userName'] ?? null;
	// /u: valid UTF-8 only, and {1,30} counts characters, not bytes.
	if (!is_string($name) || !preg_match('/^[^\x00-\x1f\x7f]{1,30}$/u', $name)) {
		problem(422, 'Invalid input', 'userName is invalid',
			[['field' => 'userName', 'message' => '1 to 30 characters']]);
		exit;
	}
	$db->begin_transaction();
	try {
		$st = $db->prepare('INSERT INTO users (userName, createdAt) VALUES (?, UTC_TIMESTAMP())');
		$st->bind_param('s', $name);
		$st->execute();
	} catch (mysqli_sql_exception $e) {
		$db->rollback();
		if ($e->getCode() === 1062) {
			problem(409, 'Conflict', 'userName is taken');
			exit;
		}
		throw $e;
	}
	$id = $db->insert_id;
	$db->query('UPDATE user_count SET users = users + 1 WHERE id = 1');
	$db->commit();
	$st = $db->prepare('SELECT ' . COLS . ' FROM users WHERE id = ?');
	$st->bind_param('i', $id);
	answer(201, rows($st)[0], 'application/json', ["Location: /api/v1/users/$id"]);
} elseif (preg_match('#^/api/v1/users/([0-9]+)$#', $path, $m) && $method === 'DELETE') {
	$id = (int)$m[1];
	$db->begin_transaction();
	$st = $db->prepare('DELETE FROM users WHERE id = ?');
	$st->bind_param('i', $id);
	$st->execute();
	if ($st->affected_rows === 0) {
		$db->rollback();
		problem(404, 'Not Found', 'no such user');
		exit;
	}
	$db->query('UPDATE user_count SET users = users - 1 WHERE id = 1');
	$db->commit();
	http_response_code(204);
} else {
	problem(404, 'Not Found', 'no such route');
}

// fcgi-stub.mjs NAME unix:/path.sock|HOST:PORT: a minimal FastCGI responder standing in for a pool in
// the chart's nginx routing check. It answers every request with
// "pool=NAME uri=DOCUMENT_URI" (text/plain), with status NNN for a path
// /_stub/status/NNN (to test fcgi-probe), honours FCGI_KEEP_CONN (nginx's
// keep-alive), and exits on SIGTERM. It knows only what the check needs of the
// protocol: BEGIN_REQUEST, PARAMS, STDIN, then STDOUT + END_REQUEST.
import { chmodSync, rmSync } from "node:fs";
import net from "node:net";

const [name, addr] = process.argv.slice(2);
if (!name || !addr) {
  console.error("usage: fcgi-stub.mjs NAME unix:/path.sock|HOST:PORT");
  process.exit(2);
}
const where = addr.startsWith("unix:")
  ? [addr.slice(5)]
  : [Number(addr.split(":")[1]), addr.split(":")[0]];

function record(type, id, content) {
  const h = Buffer.alloc(8);
  h.writeUInt8(1, 0);
  h.writeUInt8(type, 1);
  h.writeUInt16BE(id, 2);
  h.writeUInt16BE(content.length, 4);
  return Buffer.concat([h, content]);
}

function params(buf) {
  const out = {};
  let i = 0;
  const len = () => {
    const b = buf[i];
    if (b < 128) { i += 1; return b; }
    const n = buf.readUInt32BE(i) & 0x7fffffff; i += 4; return n;
  };
  while (i < buf.length) {
    const nl = len(), vl = len();
    out[buf.subarray(i, i + nl).toString()] = buf.subarray(i + nl, i + nl + vl).toString();
    i += nl + vl;
  }
  return out;
}

const server = net.createServer((sock) => {
  let pending = Buffer.alloc(0);
  const reqs = new Map();
  sock.on("data", (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 8) {
      const type = pending[1], id = pending.readUInt16BE(2);
      const clen = pending.readUInt16BE(4), plen = pending[6];
      if (pending.length < 8 + clen + plen) break;
      const content = pending.subarray(8, 8 + clen);
      pending = pending.subarray(8 + clen + plen);
      if (type === 1) reqs.set(id, { keep: (content[2] & 1) === 1, params: [] });
      else if (type === 4 && clen) reqs.get(id)?.params.push(content);
      else if (type === 5 && clen === 0) {
        const r = reqs.get(id);
        reqs.delete(id);
        const p = params(Buffer.concat(r?.params ?? []));
        const body = `pool=${name} uri=${p.DOCUMENT_URI ?? ""} method=${p.REQUEST_METHOD ?? ""}\n`;
        const code = /^\/_stub\/status\/(\d{3})$/.exec(p.DOCUMENT_URI ?? "")?.[1] ?? "200";
        const out = Buffer.from(`Status: ${code} Stub\r\nContent-Type: text/plain\r\n\r\n${body}`);
        const end = Buffer.alloc(8);
        sock.write(Buffer.concat([record(6, id, out), record(6, id, Buffer.alloc(0)), record(3, id, end)]));
        if (!r?.keep) sock.end();
      }
    }
  });
  sock.on("error", () => {});
});
if (typeof where[0] === "string") rmSync(where[0], { force: true }); // a stale socket
server.listen(...where, () => {
  // Anyone may connect (nginx may run as another user, as in its pod).
  if (typeof where[0] === "string") chmodSync(where[0], 0o666);
  console.log(`fcgi-stub ${name} on ${addr}`);
});
process.on("SIGTERM", () => {
  if (typeof where[0] === "string") rmSync(where[0], { force: true });
  process.exit(0);
});

// One automerge-repo replica for the bureau benchmark, driven by the harness over stdin/stdout.
//
// Start: node peer.mjs --storage DIR --doc DOCUMENT_ID --peer-id NAME
// The replica loads the document from its NodeFS storage, builds the first page (every live
// meeting as JSON) and prints {"event":"ready", ...}. Then it reads one JSON command per line
// on stdin and answers each with one JSON line on stdout carrying the same "id".
//
// Commands: connect {url}, disconnect, edits {edits, author}, edit {edit, author},
// wait_heads {heads, timeout_ms}, heads, save {path}, stats, quit.
// Times are milliseconds since the Unix epoch (fractional), so the harness can compare them
// with its own clock and the other processes'.

import { createInterface } from "node:readline";
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import * as A from "@automerge/automerge";
import { Repo } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";

const started = now();
const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);

function now() {
  return performance.timeOrigin + performance.now();
}

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

// Protocol messages as the websocket carries them (CBOR), both ways: the automerge-repo
// equivalent of the bureau node's sync frames.
const stats = { sent_bytes: 0, received_bytes: 0, sent_messages: 0, received_messages: 0 };
const origSend = WebSocket.prototype.send;
WebSocket.prototype.send = function (data, ...rest) {
  stats.sent_bytes += data.byteLength ?? data.length ?? 0;
  stats.sent_messages += 1;
  return origSend.call(this, data, ...rest);
};

const repo = new Repo({
  storage: new NodeFSStorageAdapter(args.storage),
  network: [],
  peerId: args["peer-id"],
  sharePolicy: async () => true,
});
const handle = await repo.find(args.doc);
const loaded = now();
const doc = handle.doc();
const page = JSON.stringify(Object.values(doc.meetings ?? {}).filter((m) => !m.archived));
const ready = now();
out({
  event: "ready",
  load_ms: loaded - started,
  page_ms: ready - started,
  page_bytes: Buffer.byteLength(page),
});

let adapter = null;
// Heads after every change of the document, with the time it happened, so a wait can tell
// when the heads were first reached even if it is asked afterwards.
let history = [];
let waiters = [];

function heads() {
  return [...A.getHeads(handle.doc())].sort();
}

function sameHeads(a, b) {
  return a.length === b.length && a.every((h, i) => h === b[i]);
}

handle.on("change", () => {
  const h = heads();
  const t = now();
  history.push({ t, h });
  waiters = waiters.filter((w) => {
    if (sameHeads(h, w.heads)) {
      clearTimeout(w.timer);
      w.resolve(t);
      return false;
    }
    return true;
  });
});

const str = (s) => new A.ImmutableString(s);

// One edit as the bureau node's model writes it: the field, then updated_at and updated_by.
function applyEdit(d, e, author) {
  const coll = e.k === "phone" ? "members" : e.k === "text" ? "notes" : "meetings";
  const rec = d[coll][e.id];
  switch (e.k) {
    case "room":
      rec.room_id = str(e.v);
      break;
    case "phone":
      rec.phone = str(e.v);
      break;
    case "text":
      A.splice(d, [coll, e.id, "text"], e.pos, 0, e.v);
      break;
    case "lang":
      rec.languages[e.v] = true;
      break;
    default:
      throw new Error(`unknown edit ${e.k}`);
  }
  rec.updated_at = str(new Date().toISOString());
  rec.updated_by = str(author);
}

async function handleCommand(c) {
  switch (c.cmd) {
    case "connect": {
      adapter = new WebSocketClientAdapter(c.url, 50);
      const origReceive = adapter.receiveMessage.bind(adapter);
      adapter.receiveMessage = (data) => {
        stats.received_bytes += data.byteLength ?? data.length ?? 0;
        stats.received_messages += 1;
        return origReceive(data);
      };
      repo.networkSubsystem.addNetworkAdapter(adapter);
      return {};
    }
    case "disconnect": {
      if (adapter) {
        // Removing the adapter also closes its socket.
        repo.networkSubsystem.removeNetworkAdapter(adapter);
        adapter = null;
      }
      return {};
    }
    case "edits": {
      const t0 = now();
      for (const e of c.edits) handle.change((d) => applyEdit(d, e, c.author));
      return { ms: now() - t0, heads: heads() };
    }
    case "edit": {
      const t0 = now();
      handle.change((d) => applyEdit(d, c.edit, c.author));
      return { t0, t1: now(), heads: heads() };
    }
    case "wait_heads": {
      const want = [...c.heads].sort();
      const since = c.since ?? 0;
      const seen = history.find((x) => x.t >= since && sameHeads(x.h, want));
      if (seen) return { t: seen.t };
      if (sameHeads(heads(), want)) return { t: since, already: true };
      const t = await new Promise((resolve, reject) => {
        const w = { heads: want, resolve };
        w.timer = setTimeout(() => {
          waiters = waiters.filter((x) => x !== w);
          reject(new Error(`heads not reached in ${c.timeout_ms} ms; have ${heads()}`));
        }, c.timeout_ms);
        waiters.push(w);
      });
      return { t };
    }
    case "clear":
      history = [];
      return {};
    case "heads":
      return { heads: heads() };
    case "save": {
      const t0 = now();
      const bytes = A.save(handle.doc());
      const ms = now() - t0;
      if (c.path) writeFileSync(c.path, bytes);
      return { ms, bytes: bytes.byteLength };
    }
    case "stats":
      return { ...stats };
    case "quit":
      setTimeout(() => process.exit(0), 10);
      return {};
    default:
      throw new Error(`unknown command ${c.cmd}`);
  }
}

const rl = createInterface({ input: process.stdin });
rl.on("line", (line) => {
  let c;
  try {
    c = JSON.parse(line);
  } catch (e) {
    out({ id: null, error: `bad command: ${e}` });
    return;
  }
  handleCommand(c).then(
    (res) => out({ id: c.id, ...res }),
    (e) => out({ id: c.id, error: String(e?.stack ?? e) }),
  );
});
rl.on("close", () => process.exit(0));

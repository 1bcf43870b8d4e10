// The automerge-repo WebSocket sync server of the bureau benchmark, set up like
// automerge-repo-sync-server: a Repo with NodeFS storage and a WebSocket server adapter that
// does not announce documents (sharePolicy false) but serves whatever peers ask for.
//
// Start: node server.mjs --storage DIR
// Prints {"event":"listening","port":P} once it accepts connections on 127.0.0.1:P, then runs
// until stdin closes or it is killed.

import { WebSocketServer } from "ws";
import { Repo } from "@automerge/automerge-repo";
import { WebSocketServerAdapter } from "@automerge/automerge-repo-network-websocket";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);

const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
await new Promise((resolve) => wss.on("listening", resolve));
new Repo({
  network: [new WebSocketServerAdapter(wss)],
  storage: new NodeFSStorageAdapter(args.storage),
  peerId: "bench-sync-server",
  sharePolicy: async () => false,
});
process.stdout.write(JSON.stringify({ event: "listening", port: wss.address().port }) + "\n");
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));

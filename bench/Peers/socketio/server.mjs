// Socket.IO with its Redis adapter, a peer in bench/SideBySide: a message posted to any instance reaches every
// client of every instance.
//   PORT=5000 REDIS_URL=redis://127.0.0.1:6379 node server.mjs
import { createServer } from "node:http";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";

const port = Number(process.env.PORT ?? 3000);
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const pubClient = createClient({ url: redisUrl });
const subClient = pubClient.duplicate();
await Promise.all([pubClient.connect(), subClient.connect()]);

// POST /publish emits its body; POST /publish-batch (the change-rate round's) one message per line, in order.
const httpServer = createServer((request, response) => {
  if (request.method !== "POST" || (request.url !== "/publish" && request.url !== "/publish-batch")) {
    response.writeHead(404).end();
    return;
  }

  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    for (const message of request.url === "/publish" ? [body] : body.split("\n")) {
      io.emit("m", message);
    }
    response.writeHead(204).end();
  });
});

// WebSocket only: the benchmark's clients speak the protocol over a raw WebSocket, without long-polling first.
const io = new Server(httpServer, {
  transports: ["websocket"],
  adapter: createAdapter(pubClient, subClient, { key: "bench:socketio" }),
});

httpServer.listen(port, "127.0.0.1", () => console.log(`socket.io listening on ${port}`));

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => process.exit(0));
}

import { EventEmitter } from 'node:events';
import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as a receiver must verify it. */
  body: string;
}

/** What the receiver answers the n-th request (1-based) on a path: a status, or 'hang' to never answer. */
export type ReceiverBehaviour = (arrival: number) => number | 'hang';

/**
 * A webhook receiver on 127.0.0.1 for tests: records every request on every path and answers as told (204 unless
 * told otherwise). Tests wait on its arrivals, never on the clock.
 */
export class WebhookReceiver {
  private readonly arrivals: ReceivedWebhook[] = [];
  private readonly behaviours = new Map<string, ReceiverBehaviour>();
  private readonly arrived = new EventEmitter();
  private readonly sockets = new Set<Socket>();
  private readonly hung = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(): Promise<WebhookReceiver> {
    // The handler needs the receiver, which needs the listening server's port.
    const holder: { receiver?: WebhookReceiver } = {};
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => holder.receiver!.receive(request.url ?? '/', request.headers, Buffer.concat(chunks).toString('utf8'), response));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.receiver = new WebhookReceiver(server, (server.address() as AddressInfo).port);
    return holder.receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  respond(path: string, behaviour: ReceiverBehaviour): void {
    this.behaviours.set(path, behaviour);
  }

  received(path: string): ReceivedWebhook[] {
    return this.arrivals.filter((arrival) => arrival.path === path);
  }

  /** Resolves once `count` requests have arrived on `path`. */
  waitFor(path: string, count: number, timeoutMs = 30_000): Promise<ReceivedWebhook[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.received(path);
        if (found.length < count) return false;
        clearTimeout(timer);
        this.arrived.off('arrival', check);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        this.arrived.off('arrival', check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${count} requests on ${path} (got ${this.received(path).length})`));
      }, timeoutMs);
      if (!check()) this.arrived.on('arrival', check);
    });
  }

  async stop(): Promise<void> {
    for (const response of this.hung) response.destroy();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private receive(path: string, headers: IncomingHttpHeaders, body: string, response: ServerResponse): void {
    this.arrivals.push({ path, headers, body });
    const answer = (this.behaviours.get(path) ?? (() => 204))(this.received(path).length);
    if (answer === 'hang') this.hung.add(response);
    else response.writeHead(answer).end();
    this.arrived.emit('arrival');
  }
}

/** A loopback port nothing listens on: a receiver that is down. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

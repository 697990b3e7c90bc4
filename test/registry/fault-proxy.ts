import * as http from 'node:http';
import * as net from 'node:net';

/**
 * An HTTP proxy in front of a registry that the test can take down (the port refuses
 * connections, open connections are cut) and bring back, and that reports every request
 * before forwarding it — so a test can act at an exact point of a promotion.
 */
export class FaultProxy {
  /** Called with each request before it is forwarded. */
  public onRequest?: (method: string, url: string) => void;
  private readonly sockets = new Set<net.Socket>();
  private readonly agent = new http.Agent({ keepAlive: true });
  private server?: http.Server;

  private constructor(public readonly port: number, private readonly upstreamPort: number) {}

  /** Listens on a free loopback port (or `port`) and forwards to 127.0.0.1:`upstreamPort`. */
  static async start(upstreamPort: number, port = 0): Promise<FaultProxy> {
    const proxy = new FaultProxy(port, upstreamPort);
    await proxy.up();
    return proxy;
  }

  get isUp(): boolean {
    return this.server !== undefined;
  }

  /** Starts accepting connections again, on the same port. */
  async up(): Promise<void> {
    if (this.server) return;
    const server = http.createServer((req, res) => this.forward(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    (this as { port: number }).port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** The registry "goes down": new connections are refused and open ones are cut. Synchronous, so a hook can call it. */
  down(): void {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.close();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  async stop(): Promise<void> {
    this.down();
    this.agent.destroy();
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.onRequest?.(req.method ?? '', req.url ?? '');
    if (!this.server) {
      req.socket.destroy();
      return;
    }
    const upstream = http.request({ host: '127.0.0.1', port: this.upstreamPort, method: req.method, path: req.url, headers: req.headers, agent: this.agent }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }
}

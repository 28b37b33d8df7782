// A minimal "service" for service-process.spec.ts: listens on HOST:PORT, answers /health with
// 200 and its GREETING, and exits 0 on SIGTERM like a real main.ts.
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  res.statusCode = req.url === '/health' ? 200 : 404;
  res.end(process.env['GREETING'] ?? '');
});
server.listen(Number(process.env['PORT']), process.env['HOST']);
process.once('SIGTERM', () => server.close(() => process.exit(0)));
